package decode_test

import (
	"maps"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

func TestTags(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
	}{
		{`{"criticality":"high","tier":1,"ok":true,"n":null,"o":{}}`, map[string]string{"criticality": "high", "tier": "1", "ok": "true", "n": "", "o": ""}},
		{`[{"Key":"env","Value":"prod"},{"key":"team"},{"name":"owner","value":"db"},{"value":"orphan"},"plain",7]`, map[string]string{"env": "prod", "team": "", "owner": "db", "plain": ""}},
		{`[]`, nil},
		{`"not tags"`, nil},
	}
	for _, tc := range tests {
		v := jsondoc.MustParse(tc.in)
		if got := decode.Tags(v); !maps.Equal(got, tc.want) {
			t.Errorf("Tags(%s) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := decode.Tags(nil); got != nil {
		t.Errorf("Tags(nil) = %v", got)
	}
	m := decode.AddTags(map[string]string{"a": "1"}, jsondoc.MustParse(`{"b":"2"}`))
	if !maps.Equal(m, map[string]string{"a": "1", "b": "2"}) {
		t.Errorf("AddTags = %v", m)
	}
}

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{"request_metadata": "requestMetadata", "v4_cidr_blocks": "v4CidrBlocks", "plain": "plain", "_private": "_private"} {
		if got := decode.Camel(in); got != want {
			t.Errorf("Camel(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParseTime checks the common shapes against time.Parse, and that the
// fast path for "…Z" times reads every text as the general path does (a
// leading space sends a text down the general path).
func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" when the text is no time
	}{
		{"2026-11-01T00:00:13Z", "2026-11-01T00:00:13Z"},
		{"2026-11-01T00:00:13.5Z", "2026-11-01T00:00:13.5Z"},
		{"2026-11-01T00:00:13.123456789Z", "2026-11-01T00:00:13.123456789Z"},
		{"2026-11-01T00:00:13.1234567891Z", "2026-11-01T00:00:13.123456789Z"}, // general path
		{"2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z"},
		{"2023-02-29T00:00:00Z", ""},
		{"2026-13-01T00:00:00Z", ""},
		{"2026-00-01T00:00:00Z", ""},
		{"2026-04-31T00:00:00Z", ""},
		{"2026-11-01T24:00:00Z", ""},
		{"2026-11-01T00:60:00Z", ""},
		{"2026-11-01T00:00:60Z", ""},
		{"2026-11-01T00:00:13.Z", ""},
		{"2026-11-01t00:00:13Z", ""},
		{"2026-11-01T00:00:13+03:00", "2026-10-31T21:00:13Z"},
		{" 2026-11-01T00:00:13Z\n", "2026-11-01T00:00:13Z"},
		{"2026-11-01 00:00:13", "2026-11-01T00:00:13Z"},
		{"1761955213", "2025-11-01T00:00:13Z"},
		{"1761955213000", "2025-11-01T00:00:13Z"},
		{"253402300799", "9999-12-31T23:59:59Z"},
		{"1000000000000000", ""},          // milliseconds in the year 31690: no JSON time
		{"-62135596801", ""},              // before the year 1
		{"9223372036854775807", ""},       // the largest int64, as milliseconds
		{"-9223372036854775808", ""},      // the smallest, as seconds
		{"9999-12-31T23:59:59-01:00", ""}, // the year 10000 in UTC
		{"0001-01-01T00:30:00+01:00", ""}, // the year 0 in UTC
		{"yesterday", ""},
		{"", ""},
	}
	for _, tc := range tests {
		got, ok := decode.ParseTime(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("ParseTime(%q) = %v, want no time", tc.in, got)
			}
			continue
		}
		want, err := time.Parse(time.RFC3339Nano, tc.want)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v in UTC", tc.in, got, ok, want)
		}
		if slow, _ := decode.ParseTime(" " + tc.in); slow != got {
			t.Errorf("ParseTime(%q) = %#v by the fast path, %#v by the general one", tc.in, got, slow)
		}
	}
}

// FuzzParseTime checks that the fast path and the general one agree.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-01T00:00:13Z", "2024-02-29T23:59:59.123Z", "2023-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok1 := decode.ParseTime(s)
		slow, ok2 := decode.ParseTime(" " + s)
		if fast != slow || ok1 != ok2 {
			t.Errorf("ParseTime(%q) = %#v, %v; general path: %#v, %v", s, fast, ok1, slow, ok2)
		}
	})
}

// TestParseTimeEveryDay: the fast path reads every day of the calendar as
// time.Date places it (every day from 0001 to 9999; under -short, 1899 to
// 2101), each at a different time of day.
func TestParseTimeEveryDay(t *testing.T) {
	from, to := 1, 9999
	if testing.Short() {
		from, to = 1899, 2101
	}
	end := time.Date(to+1, 1, 1, 0, 0, 0, 0, time.UTC)
	i := 0
	for d := time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC); d.Before(end); d = d.AddDate(0, 0, 1) {
		i++
		want := d.Add(time.Duration(i%86400)*time.Second + time.Duration(i%1000)*time.Millisecond)
		s := want.Format("2006-01-02T15:04:05.000Z")
		if got, ok := decode.ParseTime(s); !ok || got != want {
			t.Fatalf("ParseTime(%q) = %#v, %v; want %#v", s, got, ok, want)
		}
	}
}
