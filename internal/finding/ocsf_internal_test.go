package finding

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// FuzzOCSFJSON: the OCSF object's JSON is byte for byte what encoding/json
// writes for it, whatever the text in the finding.
func FuzzOCSFJSON(f *testing.F) {
	f.Add("f-1", "Snapshot made public", "arn:aws:iam::1:user/a", "T1578.001", "en", "eu-west-1", int64(1772403330), 3, 2, true)
	f.Add("<&>", "\b\f\n\x01\x7f", "\u2028", "\xff", "", "", int64(-62135596900), 0, 0, false)
	f.Add("é", "", "", "T1537", "ru", "x", int64(253402300800), 9, -1, true)
	f.Fuzz(func(t *testing.T, a, b, c, d, lang, region string, sec int64, sev, rev int, many bool) {
		at := time.Unix(sec, 0).UTC()
		fd := Finding{
			ID: a, Rule: Rule{ID: b, Title: c, Kind: Kind(lang)}, Severity: Severity(sev), Time: at,
			Cloud: event.Cloud(d), Account: c, Status: Status(lang), Revision: rev, Region: region,
		}
		if many {
			fd.Attack = []string{d, "T1578.001", a}
			fd.Actors = []string{c, a}
			fd.ActorNames = map[string]string{c: b}
			fd.Resources = []Resource{{Type: event.ResourceType(a), ID: b}}
			fd.Events = []EventRef{{ID: a, Time: at.Add(time.Minute), Operation: b, Action: event.Action(c), Actor: c}, {ID: d, Time: at}}
			fd.Summary = map[string]string{"en": a, lang: b}
			fd.Suppression = &Suppression{Reason: a, By: b, Expires: lang}
		}
		o := toOCSF(fd, d)
		type plain ocsfFinding
		want, err := json.Marshal(plain(o))
		if err != nil {
			t.Fatal(err)
		}
		if got := o.appendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("appendJSON:\n%s\nencoding/json:\n%s", got, want)
		}
	})
}
