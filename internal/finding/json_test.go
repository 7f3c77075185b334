package finding_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// reflectJSON is the finding's JSON as encoding/json writes it, empty lists
// as [] and an empty summary as {}: what AppendJSON must equal.
func reflectJSON(f finding.Finding) ([]byte, error) {
	type plain finding.Finding
	p := plain(f)
	if p.Attack == nil {
		p.Attack = []string{}
	}
	if p.Actors == nil {
		p.Actors = []string{}
	}
	if p.Resources == nil {
		p.Resources = []finding.Resource{}
	}
	if p.Events == nil {
		p.Events = []finding.EventRef{}
	}
	if p.Summary == nil {
		p.Summary = map[string]string{}
	}
	return json.Marshal(p)
}

// FuzzAppendJSON: AppendJSON writes what encoding/json writes, byte for
// byte, for any text in any field, and fails where it fails.
func FuzzAppendJSON(f *testing.F) {
	f.Add("f-1", "Snapshot made public", "arn:aws:iam::1:user/a", "snap-1", "en", int64(1772403330), int64(5), 2, 3, true)
	f.Add("<script>&\"\\", "\b\f\n\r\t\x01\x1f\x7f", "\u2028\u2029", "\xff\xfe", "ru", int64(-62135596900), int64(0), 0, -1, false)
	f.Add("é", "‮RTL", "\x00", "", "", int64(253402300800), int64(999999999), 7, 1, true)
	f.Fuzz(func(t *testing.T, a, b, c, d, lang string, sec, nsec int64, sev, rev int, supp bool) {
		at := time.Unix(sec, nsec).UTC()
		fd := finding.Finding{
			ID:       a,
			Rule:     finding.Rule{ID: b, Title: c, Kind: finding.Kind(d)},
			Severity: finding.Severity(sev),
			Time:     at,
			Cloud:    event.Cloud(d),
			Account:  c,
			Status:   finding.Status(lang),
			Revision: rev,
		}
		if sev%2 == 0 {
			fd.Attack = []string{a, b}
			fd.Actors = []string{c}
			fd.Resources = []finding.Resource{{Type: event.ResourceType(a), ID: b}, {ID: d}}
			fd.Events = []finding.EventRef{{ID: a, Time: at.Add(time.Hour), Operation: b, Action: event.Action(c), Actor: d}}
			fd.Summary = map[string]string{lang: a, "en": b}
		}
		if supp {
			fd.Suppression = &finding.Suppression{Reason: a, By: b, Expires: lang}
		}
		want, werr := reflectJSON(fd)
		got, gerr := fd.AppendJSON(nil)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("errors differ: encoding/json %v, AppendJSON %v", werr, gerr)
		}
		if werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("AppendJSON:\n%s\nencoding/json:\n%s", got, want)
		}
	})
}

func BenchmarkAppendJSON(b *testing.B) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	f := finding.Finding{ID: "0123456789abcdef0123456789abcdef", Rule: finding.Rule{ID: "905d389b-b853-46d0-9d3d-dea0d3a3cd49", Title: "AWS STS AssumeRole Misuse", Kind: finding.KindDetection},
		Severity: finding.Low, Attack: []string{"T1548", "T1550"}, Time: at, Cloud: event.AWS, Account: "111122223333",
		Actors:    []string{"arn:aws:iam::111122223333:role/ops-dashboard"},
		Resources: []finding.Resource{{Type: "snapshot", ID: "snap-0123456789abcdef0"}},
		Events:    []finding.EventRef{{ID: "21ff2330-0000-44b0-8cef-b0a01a12c84a", Time: at, Operation: "AssumeRole", Action: "", Actor: "arn:aws:iam::111122223333:role/ops-dashboard"}},
		Summary:   map[string]string{"en": "AssumeRole by arn:aws:iam::111122223333:role/ops-dashboard", "ru": "AssumeRole от arn:aws:iam::111122223333:role/ops-dashboard"}}
	for _, way := range []string{"append", "reflect"} {
		b.Run(way, func(b *testing.B) {
			b.ReportAllocs()
			var buf []byte
			for b.Loop() {
				if way == "append" {
					buf, _ = f.AppendJSON(buf[:0])
				} else {
					buf, _ = reflectJSON(f)
				}
			}
		})
	}
}
