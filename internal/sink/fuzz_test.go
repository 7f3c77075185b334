package sink_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/sink"
)

// fuzzFinding fills every text field a log can reach with s, split on
// '|' so that fields differ.
func fuzzFinding(s string, sev int) finding.Finding {
	parts := strings.Split(s, "|")
	at := func(i int) string { return parts[i%len(parts)] }
	f := sample()
	f.Severity = finding.Severity(sev % 7)
	f.ID, f.Rule.ID, f.Rule.Title, f.Account, f.Region = at(0), at(1), at(2), at(3), at(4)
	f.Actors = []string{at(5), at(6)}
	f.Resources = []finding.Resource{{Type: "snapshot", ID: at(7)}}
	f.Attack = []string{at(8)}
	f.Events[0].Operation = at(9)
	f.Summary = map[string]string{"en": s}
	return f
}

var fuzzSeeds = append([]string{"", "plain", strings.Repeat("]\"\\=|\n", 400)}, hostile...)

func FuzzFormatSyslog(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, 4, 2048)
	}
	f.Fuzz(func(t *testing.T, s string, sev, limit int) {
		limit = 1024 + abs(limit)%8192
		fd := fuzzFinding(s, abs(sev))
		b := sink.FormatSyslog(&fd, sent, limit)
		if len(b) > limit {
			t.Fatalf("%d bytes, limit %d", len(b), limit)
		}
		m := mustSyslog(t, b)
		if len(m.SDIDs) != 1 || m.SDIDs[0] != sink.SDID || len(m.Params["id"]) != 1 {
			t.Fatalf("structured data %v %v", m.SDIDs, m.Params)
		}
		for name, vs := range m.Params {
			if len(vs) > 8 || !utf8.ValidString(strings.Join(vs, "")) {
				t.Fatalf("parameter %s: %q", name, vs)
			}
		}
	})
}

func FuzzFormatCEF(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "1.0", 4, 2048)
	}
	f.Fuzz(func(t *testing.T, s, version string, sev, limit int) {
		limit = 1024 + abs(limit)%8192
		fd := fuzzFinding(s, abs(sev))
		b := sink.FormatCEF(&fd, version, sent, limit)
		if len(b) > limit {
			t.Fatalf("%d bytes, limit %d", len(b), limit)
		}
		m := mustSyslog(t, b)
		ev, err := parseCEF(m.Msg)
		if err != nil {
			t.Fatalf("%v\n%q", err, m.Msg)
		}
		for _, k := range ev.Keys {
			if !allowedCEFKeys[k] {
				t.Fatalf("unexpected extension key %q", k)
			}
		}
		if ev.Ext["cs1Label"] != "" && ev.Ext["cs1Label"] != "findingId" {
			t.Fatalf("cs1Label = %q", ev.Ext["cs1Label"])
		}
	})
}

var allowedCEFKeys = map[string]bool{
	"rt": true, "cat": true, "suser": true, "act": true, "msg": true, "cn1": true, "cn1Label": true,
	"cs1": true, "cs1Label": true, "cs2": true, "cs2Label": true, "cs3": true, "cs3Label": true,
	"cs4": true, "cs4Label": true, "cs5": true, "cs5Label": true, "cs6": true, "cs6Label": true,
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // the most negative int
			return 0
		}
		return -n
	}
	return n
}
