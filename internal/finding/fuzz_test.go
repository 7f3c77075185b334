package finding_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// FuzzRenderers feeds hostile log text through every renderer: JSONL and
// OCSF must stay valid JSON that round-trips the text (up to invalid UTF-8)
// with no raw invisible characters; the table must print no control
// characters at all.
func FuzzRenderers(f *testing.F) {
	f.Add("evil\x1b[2J", "snap-1\nforged", "{actor} shared {target}", "\u202egpj.exe")
	f.Add("\u200b\u2028\x9b31m", "\xff\xfe", "{{actor.name}}}{", "\U000e0041")
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, actor, resource, tmpl, share string) {
		ev := &event.Event{
			ID: "e", Cloud: event.AWS, Account: share,
			Actor:     event.Actor{ID: actor, Name: share},
			Resources: []event.Resource{{Role: event.RoleTarget, Type: event.Snapshot, ID: resource}},
			Shares:    []event.Share{{Target: share}},
		}
		fd := finding.FromEvent(finding.RuleInfo{ID: "r", Title: tmpl, Severity: finding.High}, ev, map[string]string{"en": tmpl})

		var b bytes.Buffer
		if err := finding.JSONL(&b)(fd); err != nil {
			t.Fatal(err)
		}
		checkInvisible(t, b.String())
		var back finding.Finding
		if err := json.Unmarshal(b.Bytes(), &back); err != nil {
			t.Fatalf("JSONL is not JSON: %v\n%s", err, b.Bytes())
		}
		if utf8.ValidString(resource) && resource != "" && back.Resources[0].ID != resource {
			t.Errorf("resource id %q came back as %q", resource, back.Resources[0].ID)
		}

		b.Reset()
		if err := finding.OCSF(&b, "dev")(fd); err != nil {
			t.Fatal(err)
		}
		checkInvisible(t, b.String())
		if !json.Valid(b.Bytes()) {
			t.Fatalf("OCSF is not JSON: %s", b.Bytes())
		}

		b.Reset()
		tab := finding.NewTable(&b, finding.TableOptions{Lang: "ru"})
		if err := tab.Emit(fd); err != nil {
			t.Fatal(err)
		}
		if err := tab.Close(); err != nil {
			t.Fatal(err)
		}
		for _, r := range strings.ReplaceAll(b.String(), "\n", "") {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("table prints U+%04X:\n%q", r, b.String())
			}
		}
	})
}

func checkInvisible(t *testing.T, s string) {
	t.Helper()
	for _, r := range strings.TrimSuffix(s, "\n") {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Fatalf("raw U+%04X in %q", r, s)
		}
	}
}
