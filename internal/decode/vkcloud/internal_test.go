package vkcloud

import (
	"slices"
	"testing"
)

func TestParseRoute(t *testing.T) {
	tests := []struct {
		uri, project string
		segs         []string
	}{
		{"/v3/3F9C2A7BE1D04C5F8A6B0D2E4F6A8C1E/snapshots", "3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e", []string{"snapshots"}},
		{"/v2/3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e/volumes/v1/action", "3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e", []string{"volumes", "v1", "action"}},
		{"/infra/database/v1.0/3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e/instances/x/users?limit=1", "3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e", []string{"instances", "x", "users"}},
		{"https://infra.mail.ru:8779/infra/database/v1.0/3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e/backups", "3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e", []string{"backups"}},
		{"/v2.1/servers/e0000000-0000-4000-8000-000000000001/action", "", []string{"servers", "e0000000-0000-4000-8000-000000000001", "action"}},
		{"/v2.0/security-group-rules", "", []string{"security-group-rules"}},
		{"/v2/images", "", []string{"images"}},
		{"/3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e/providers/p/checkpoints", "3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e", []string{"providers", "p", "checkpoints"}},
		{"/auth/v1/projects/3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e/users", "3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e", []string{"projects", "3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e", "users"}},
		{"", "", nil},
		{"https://host", "", nil},
		{"//v3//", "", nil},
	}
	for _, tt := range tests {
		r := parseRoute(tt.uri)
		if r.project != tt.project || !slices.Equal(r.segs, tt.segs) {
			t.Errorf("parseRoute(%q) = %q %q, want %q %q", tt.uri, r.project, r.segs, tt.project, tt.segs)
		}
	}
	if got := parseRoute("/v3/p/instances/db000000-0000-4000-8000-000000000001/users/bob/databases/shop").template(); got != "/p/instances/{id}/users/{name}/databases/{name}" {
		t.Errorf("template = %q", got)
	}
}

func TestParseBody(t *testing.T) {
	b := parseBody(`{"snapshot":{"name":"a\"b","volume_id":"V1","force":true,"size":10,"x":null,"cut":"abc`)
	if b.parsed() {
		t.Fatal("truncated body parsed")
	}
	if b.key() != "snapshot" || b.str("snapshot", "volume_id") != "V1" || b.str("snapshot", "name") != `a"b` {
		t.Errorf("key %q volume %q name %q", b.key(), b.str("snapshot", "volume_id"), b.str("snapshot", "name"))
	}
	if n, ok := b.num("size"); !ok || n != 10 {
		t.Errorf("size %d %v", n, ok)
	}
	if b.str("x") != "" || b.str("cut") != "" || b.str() != "" {
		t.Error("null, cut or empty path read as a value")
	}
	for _, s := range []string{"", "{}", "<BINARY_DATA>", "XXXX", "[1,2", "\x00\xff"} {
		b := parseBody(s)
		if b.str("volume_id") != "" || b.key() != "" {
			t.Errorf("%q: read something", s)
		}
	}
}

func TestParseCEFExtension(t *testing.T) {
	got := parseCEFExtension([]byte(`a=1 msg=hello world \= x\\y\nz b=c=d cs1Label=Project ID cs1=p = e=`))
	want := []pair{{"a", "1"}, {"msg", "hello world = x\\y\nz"}, {"b", "c=d"}, {"cs1Label", "Project ID"}, {"cs1", "p ="}, {"e", ""}}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := parseCEFExtension([]byte("  ")); len(got) != 0 {
		t.Errorf("blank: %q", got)
	}
}

func TestParseCEFHeader(t *testing.T) {
	h, ext, ok := parseCEFHeader([]byte(`CEF:0|VK\|Cloud|Audit\\x|1.0|create-snapshot|Made a snapshot|5|rt=1`))
	if !ok || h.vendor != "VK|Cloud" || h.product != `Audit\x` || h.signature != "create-snapshot" || h.severity != "5" || string(ext) != "rt=1" {
		t.Errorf("%+v %q %v", h, ext, ok)
	}
}

func TestParseSyslog(t *testing.T) {
	s, ok := parseSyslog([]byte(`<165>1 2026-11-20T12:00:00Z host app 7 ID47 [a b="x\"]y"][c] ` + "\xEF\xBB\xBF" + `{"k":1}`))
	if !ok || s.time != "2026-11-20T12:00:00Z" || s.host != "host" || string(s.msg) != `{"k":1}` {
		t.Errorf("%+v %v", s, ok)
	}
	for _, bad := range []string{"<1>2 x", "<1234>1 a b c d e -", "<14>1 a b", `<14>1 a b c d e [x "unterminated`, "<x>1 a b c d e - m"} {
		if _, ok := parseSyslog([]byte(bad)); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
