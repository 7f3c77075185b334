package detect_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// TestDecoded runs SigmaHQ's cloud rules and a few normalized rules over
// every event the real decoders make of the repository's examples and the
// shared samples: with and without the operation index the hits must be
// the same, and the rules written for a sample must fire on it.
func TestDecoded(t *testing.T) {
	rules := append(sigmaCloud(t),
		mkRule("p-share", "snapwarden", "", D{"selection": sel(fm("action", "snapshot.share", "image.share", "db.snapshot.share"), fm("share.external", true))}, nil),
		mkRule("p-ingress", "snapwarden", "", D{"selection": sel(fm("action", "network.ingress.open"), fm("ingress.admin_open", true))}, nil),
		mkRule("p-create", "snapwarden", "", D{"selection": sel(fm("action", "snapshot.create"))}, nil),
	)
	indexed, errs := detect.Compile(rules, detect.Options{TrustedAccounts: []string{"111122223333"}})
	for _, err := range errs {
		if !errorsIsInactive(err) {
			t.Fatal(err)
		}
	}
	plain, _ := detect.Compile(rules, detect.Options{TrustedAccounts: []string{"111122223333"}, DisableIndex: true})
	mi, mp := indexed.NewMatcher(), plain.NewMatcher()

	var files []string
	for _, c := range event.Clouds {
		files = append(files, decodetest.ExampleFiles(t, string(c))...)
	}
	files = append(files, decodetest.SampleFiles(t, "aws/cloudtrail", "azure/activity", "gcp/audit")...)
	hitsByFile := map[string]map[string]bool{} // base name → rule ids
	events := 0
	for _, file := range files {
		res := decodetest.DecodeFiles(t, nil, formats.All(), file)
		base := filepath.Base(file)
		for _, ev := range res.Events {
			events++
			a, b := ids(mi.Match(ev, nil)), ids(mp.Match(ev, nil))
			if !slices.Equal(a, b) {
				t.Errorf("%s: event %s %s: hits %v with the index, %v without", base, ev.Format, ev.Operation, a, b)
			}
			for _, id := range a {
				if hitsByFile[base] == nil {
					hitsByFile[base] = map[string]bool{}
				}
				hitsByFile[base][id] = true
			}
		}
	}
	c := mi.Counts()
	t.Logf("%d events from %d files: %.2f candidate rules and %.3f hits per event (of %d rules)",
		events, len(files), float64(c.Candidates)/float64(c.Events), float64(c.Hits)/float64(c.Events), indexed.Stats().Rules)
	want := map[string][]string{
		"aws.exfiltration.ec2-share-ebs-snapshot.json":                  {"abae8fec-57bd-4f87-aff6-6e3db989843d", "p-share"}, // ModifySnapshotAttribute
		"aws.exfiltration.ec2-security-group-open-port-22-ingress.json": {"p-ingress"},
		"aws.initial-access.console-login-without-mfa.json":             {"77caf516-34e5-4df9-b4db-20744fea0a60"}, // MFAUsed: 'NO' vs "No"
	}
	for file, rs := range want {
		if _, ok := hitsByFile[file]; !ok && !strings.Contains(strings.Join(files, " "), file) {
			continue // the samples are not all present
		}
		for _, id := range rs {
			if !hitsByFile[file][id] {
				t.Errorf("%s: rule %s did not fire (hits %v)", file, id, hitsByFile[file])
			}
		}
	}
}

func errorsIsInactive(err *rule.Error) bool { return errors.Is(err, rule.ErrInactive) }
