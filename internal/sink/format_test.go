package sink_test

import (
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/sink"
)

var sent = time.Date(2026, 3, 4, 5, 6, 7, 890000000, time.UTC)

// sample is a chain finding as serve would forward it.
func sample() finding.Finding {
	return finding.Finding{
		ID:       "0123456789abcdef0123456789abcdef",
		Rule:     finding.Rule{ID: "chain-snapshot-exfil", Title: "Snapshot shared, restored and exposed", Kind: finding.KindChain},
		Severity: finding.High,
		Attack:   []string{"T1578.001", "T1537"},
		Time:     time.Date(2026, 3, 4, 1, 2, 3, 0, time.UTC),
		Cloud:    event.Cloud("aws"),
		Account:  "111122223333",
		Region:   "eu-west-1",
		Actors:   []string{"arn:aws:iam::111122223333:user/mallory"},
		Resources: []finding.Resource{
			{Type: event.ResourceType("volume"), ID: "vol-0abc"},
			{Type: event.ResourceType("snapshot"), ID: "snap-0def"},
		},
		Events:   []finding.EventRef{{ID: "e1", Operation: "CreateSnapshot", Action: event.Action("snapshot.create")}},
		Summary:  map[string]string{"en": "mallory shared snap-0def with 444455556666", "ru": "…"},
		Status:   finding.StatusOpen,
		Revision: 2,
	}
}

func TestFormatSyslog(t *testing.T) {
	f := sample()
	m := mustSyslog(t, sink.FormatSyslog(&f, sent, 2048))
	if m.Pri != 16*8+3 {
		t.Errorf("PRI = %d, want local0.err (131)", m.Pri)
	}
	if !m.Time.Equal(sent) || m.Host != "host" || m.App != "snapwarden" || m.ProcID != "42" || m.MsgID != "finding" {
		t.Errorf("header = %v %s %s %s %s", m.Time, m.Host, m.App, m.ProcID, m.MsgID)
	}
	if len(m.SDIDs) != 1 || m.SDIDs[0] != sink.SDID {
		t.Fatalf("SD-IDs = %v", m.SDIDs)
	}
	want := map[string][]string{
		"id": {f.ID}, "rule": {"chain-snapshot-exfil"}, "severity": {"high"}, "kind": {"chain"},
		"cloud": {"aws"}, "account": {"111122223333"}, "title": {f.Rule.Title},
		"time": {"2026-03-04T01:02:03Z"}, "revision": {"2"}, "status": {"open"},
		"attack": {"T1578.001", "T1537"}, "actor": {"arn:aws:iam::111122223333:user/mallory"},
		"resource": {"volume:vol-0abc", "snapshot:snap-0def"},
	}
	if len(m.Params) != len(want) {
		t.Errorf("params = %v", m.Params)
	}
	for k, v := range want {
		if strings.Join(m.Params[k], "\x00") != strings.Join(v, "\x00") {
			t.Errorf("%s = %q, want %q", k, m.Params[k], v)
		}
	}
	if m.Msg != f.Summary["en"] {
		t.Errorf("MSG = %q", m.Msg)
	}
}

func TestFormatSyslog_Severity(t *testing.T) {
	for sev, want := range map[finding.Severity]int{
		finding.Critical: 2, finding.High: 3, finding.Medium: 4, finding.Low: 5, finding.Info: 6, 0: 6,
	} {
		f := sample()
		f.Severity = sev
		if m := mustSyslog(t, sink.FormatSyslog(&f, sent, 2048)); m.Pri != 16*8+want {
			t.Errorf("%v: PRI = %d, want %d", sev, m.Pri, 16*8+want)
		}
	}
}

// hostile is log text crafted to forge messages, fields or parameters.
var hostile = []string{
	"x\n<13>1 2026-01-01T00:00:00Z evil app - - - forged message",
	"x\r\n12 <13>1 forged",
	`x"] [evil@1 admin="true"`,
	`x\"] [evil@1 a="b`,
	`trailing backslash \`,
	"x|y|z CEF:0|a|b|c|d|e|10|",
	`a=b suser=root msg=owned`,
	`a\=b \\ \n \r`,
	"\x1b[2J\x1b[Hclear screen",
	"bidi \u202eexe.txt",
	"nul\x00byte",
	"line\u2028separator",
	"bad utf-8 \xff\xfe",
}

func TestFormatSyslog_Hostile(t *testing.T) {
	for _, h := range hostile {
		f := sample()
		f.Rule.Title = h
		f.Account = h
		f.Actors = []string{h}
		f.Resources = []finding.Resource{{Type: "snapshot", ID: h}}
		f.Summary = map[string]string{"en": h}
		b := sink.FormatSyslog(&f, sent, 8192)
		m := mustSyslog(t, b)
		if len(m.SDIDs) != 1 {
			t.Errorf("%q: SD-IDs = %v", h, m.SDIDs)
		}
		if len(m.Params) != 13 {
			t.Errorf("%q: %d parameter names, want 13: %v", h, len(m.Params), m.Params)
		}
		if got := m.Params["account"]; len(got) != 1 || got[0] != clean(h) {
			t.Errorf("%q: account = %q, want %q", h, got, clean(h))
		}
		if m.Msg != clean(h) {
			t.Errorf("%q: MSG = %q, want %q", h, m.Msg, clean(h))
		}
	}
}

func TestFormatSyslog_Limit(t *testing.T) {
	f := sample()
	long := strings.Repeat("é\"", 2000)
	f.Summary = map[string]string{"en": long}
	f.Rule.Title = long
	for i := range 20 {
		f.Actors = append(f.Actors, strings.Repeat("a", 200)+string(rune('A'+i)))
		f.Resources = append(f.Resources, finding.Resource{Type: "volume", ID: long})
	}
	for _, limit := range []int{1024, 2048, 8192} {
		b := sink.FormatSyslog(&f, sent, limit)
		if len(b) > limit {
			t.Errorf("limit %d: %d bytes", limit, len(b))
		}
		m := mustSyslog(t, b)
		// The key parameters always fit; lists give way first.
		for _, k := range []string{"id", "rule", "severity", "cloud", "account"} {
			if len(m.Params[k]) != 1 {
				t.Errorf("limit %d: %s missing", limit, k)
			}
		}
		if n := len(m.Params["actor"]); n > 8 {
			t.Errorf("limit %d: %d actors, want at most 8", limit, n)
		}
		if m.HasMsg && !strings.HasSuffix(m.Msg, "…") {
			t.Errorf("limit %d: cut MSG not marked: %q", limit, m.Msg[max(0, len(m.Msg)-10):])
		}
		if limit == 8192 && (len(m.Params["actor"]) != 8 || !m.HasMsg) {
			t.Errorf("limit 8192: %d actors, MSG %v; want 8 and a MSG", len(m.Params["actor"]), m.HasMsg)
		}
	}
}

func TestFormatCEF(t *testing.T) {
	f := sample()
	f.Rule.Title = `Share | with \ backslash`
	f.Summary = map[string]string{"en": "a=b\nsecond line \\ end"}
	m := mustSyslog(t, sink.FormatCEF(&f, "1.2|3", sent, 2048))
	if m.MsgID != "CEF" || len(m.SDIDs) != 0 {
		t.Errorf("MSGID %q, SD %v; want CEF and none", m.MsgID, m.SDIDs)
	}
	ev, err := parseCEF(m.Msg)
	if err != nil {
		t.Fatalf("%v\n%s", err, m.Msg)
	}
	wantHeader := [7]string{"0", "snapwarden", "snapwarden", "1.2|3", "chain-snapshot-exfil", f.Rule.Title, "8"}
	if ev.Header != wantHeader {
		t.Errorf("header = %q, want %q", ev.Header, wantHeader)
	}
	wantExt := map[string]string{
		"rt": "1772586123000", "cat": "chain",
		"cs1Label": "findingId", "cs1": f.ID,
		"cs2Label": "account", "cs2": "111122223333",
		"cs3Label": "cloud", "cs3": "aws",
		"cs4Label": "attack", "cs4": "T1578.001,T1537",
		"cs5Label": "resources", "cs5": "volume:vol-0abc,snapshot:snap-0def",
		"cs6Label": "region", "cs6": "eu-west-1",
		"suser": "arn:aws:iam::111122223333:user/mallory", "act": "CreateSnapshot",
		"cn1Label": "revision", "cn1": "2",
		"msg": "a=b\nsecond line \\ end",
	}
	if len(ev.Ext) != len(wantExt) {
		t.Errorf("extension keys = %v", ev.Keys)
	}
	for k, v := range wantExt {
		if ev.Ext[k] != v {
			t.Errorf("%s = %q, want %q", k, ev.Ext[k], v)
		}
	}
	if ev.Keys[len(ev.Keys)-1] != "msg" {
		t.Errorf("msg is not last: %v", ev.Keys)
	}
}

func TestFormatCEF_Severity(t *testing.T) {
	for sev, want := range map[finding.Severity]string{
		finding.Info: "1", finding.Low: "3", finding.Medium: "5", finding.High: "8", finding.Critical: "10",
	} {
		f := sample()
		f.Severity = sev
		m := mustSyslog(t, sink.FormatCEF(&f, "dev", sent, 2048))
		ev, err := parseCEF(m.Msg)
		if err != nil || ev.Header[6] != want {
			t.Errorf("%v: severity %q (%v), want %s", sev, ev.Header[6], err, want)
		}
	}
}

func TestFormatCEF_Hostile(t *testing.T) {
	for _, h := range hostile {
		f := sample()
		f.Rule.ID, f.Rule.Title, f.Account, f.Region = h, h, h, h
		f.Actors = []string{h}
		f.Events[0].Operation = h
		f.Summary = map[string]string{"en": h}
		m := mustSyslog(t, sink.FormatCEF(&f, h, sent, 8192))
		ev, err := parseCEF(m.Msg)
		if err != nil {
			t.Errorf("%q: %v\n%s", h, err, m.Msg)
			continue
		}
		if len(ev.Keys) != 19 {
			t.Errorf("%q: keys %v, want 19", h, ev.Keys)
		}
		version := strings.TrimSuffix(ev.Header[3], "…")
		if ev.Header[4] != clean(h) || !strings.HasPrefix(clean(h), version) {
			t.Errorf("%q: header %q", h, ev.Header)
		}
		if ev.Ext["suser"] != cleanLines(h) || ev.Ext["cs2"] != cleanLines(h) {
			t.Errorf("%q: suser %q, cs2 %q; want %q", h, ev.Ext["suser"], ev.Ext["cs2"], cleanLines(h))
		}
	}
}

func TestFormatCEF_Limit(t *testing.T) {
	f := sample()
	long := strings.Repeat("=\\", 3000)
	f.Summary = map[string]string{"en": long}
	f.Rule.Title = long
	f.Account = long
	for _, limit := range []int{1024, 2048} {
		b := sink.FormatCEF(&f, "dev", sent, limit)
		if len(b) > limit {
			t.Errorf("limit %d: %d bytes", limit, len(b))
		}
		m := mustSyslog(t, b)
		ev, err := parseCEF(m.Msg)
		if err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		if ev.Ext["cs1"] != f.ID {
			t.Errorf("limit %d: finding id lost: %v", limit, ev.Keys)
		}
		if msg, ok := ev.Ext["msg"]; ok && !strings.HasSuffix(msg, "…") {
			t.Errorf("limit %d: cut msg not marked", limit)
		}
	}
}
