package correlate_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// baseRules are detection rules over normalized events, one per action,
// named for correlations to reference.
const baseRules = `
title: Copy
id: base-copy
name: copy
tags: [attack.t1578.001]
logsource: {product: snapwarden}
detection: {s: {action: snapshot.copy}, condition: s}
---
title: Share
id: base-share
name: share
logsource: {product: snapwarden}
detection: {s: {action: snapshot.share}, condition: s}
---
title: Restore
id: base-restore
name: restore
logsource: {product: snapwarden}
detection: {s: {action: volume.restore}, condition: s}
---
title: Snapshot made (CloudTrail)
id: trail-made
name: made
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: CreateSnapshot}, condition: s}
---
title: Volume restored (CloudTrail)
id: trail-restored
name: restored
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: CreateVolume}, condition: s}
`

// setup parses base rules and the correlation documents, compiles both
// engines and fails on any error.
func setup(t testing.TB, corrDocs string, opts correlate.Options) (*detect.Engine, *correlate.Engine, []*rule.Rule) {
	t.Helper()
	rs, errs := rule.Parse("rules.yml", []byte(baseRules+"---\n"+corrDocs))
	if len(errs) > 0 {
		t.Fatalf("parse:\n%s", errs.Lines())
	}
	det, errs := detect.Compile(rs, detect.Options{})
	if len(errs) > 0 {
		t.Fatalf("detect:\n%s", errs.Lines())
	}
	eng, errs := correlate.Compile(rs, det, opts)
	if len(errs) > 0 {
		t.Fatalf("correlate:\n%s", errs.Lines())
	}
	return det, eng, rs
}

// byID returns the rule with the given id.
func byID(t testing.TB, rs []*rule.Rule, id string) *rule.Rule {
	t.Helper()
	for _, r := range rs {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no rule %q", id)
	return nil
}

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// ev is a normalized event at t0+at.
func ev(id string, at time.Duration, action event.Action, actor, account string, res ...string) *event.Event {
	e := &event.Event{
		ID: id, Time: t0.Add(at), Cloud: event.AWS, Format: "cloudtrail", Account: account, Region: "eu-west-1",
		Operation: string(action), Action: action, Outcome: event.Success,
		Actor: event.Actor{ID: actor, Name: actor},
	}
	for _, r := range res {
		e.Resources = append(e.Resources, event.Resource{Role: event.RoleSource, Type: event.Snapshot, ID: r})
	}
	return e
}

// trail is a CloudTrail event whose raw record is the JSON of fields.
func trail(id string, at time.Duration, fields map[string]any) *event.Event {
	fields["eventID"] = id
	raw, err := json.Marshal(fields)
	if err != nil {
		panic(err)
	}
	return &event.Event{ID: id, Time: t0.Add(at), Cloud: event.AWS, Format: "cloudtrail", Account: "111122223333",
		Operation: fmt.Sprint(fields["eventName"]), Raw: []json.RawMessage{raw}}
}

// stream is a replay that keeps every yield, revisions included.
type stream struct {
	det  *detect.Engine
	eng  *correlate.Engine
	got  []finding.Finding
	hits []detect.Hit
}

func newStream(det *detect.Engine, eng *correlate.Engine) *stream {
	return &stream{det: det, eng: eng}
}

// feed observes and feeds events one at a time (they must be in time
// order), returning what each yielded.
func (s *stream) feed(t *testing.T, evs ...*event.Event) []finding.Finding {
	t.Helper()
	before := len(s.got)
	for _, e := range evs {
		var obs []correlate.Observation
		s.hits = s.det.Match(e, s.hits[:0])
		for _, h := range s.hits {
			obs = s.eng.Observe(e, h.Rule, obs)
		}
		slices.SortFunc(obs, func(a, b correlate.Observation) int { return correlate.Compare(&a, &b) })
		for _, o := range obs {
			if err := s.eng.Feed(o, s.keep); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s.got[before:]
}

func (s *stream) flush(t *testing.T) []finding.Finding {
	t.Helper()
	before := len(s.got)
	if err := s.eng.Flush(s.keep); err != nil {
		t.Fatal(err)
	}
	return s.got[before:]
}

func (s *stream) keep(f finding.Finding) error {
	s.got = append(s.got, f)
	return nil
}

// last keeps the last revision of each finding id, in first-seen order.
func last(fs []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if i := slices.IndexFunc(out, func(x finding.Finding) bool { return x.ID == f.ID }); i >= 0 {
			out[i] = f
			continue
		}
		out = append(out, f)
	}
	return out
}

// eventIDs lists a finding's event ids.
func eventIDs(f finding.Finding) string {
	ids := make([]string, len(f.Events))
	for i, e := range f.Events {
		ids[i] = e.ID
	}
	return strings.Join(ids, ",")
}

// burst makes n events of action by actor, step apart, ids p1…pn.
func burst(p string, n int, start, step time.Duration, action event.Action, actor string) []*event.Event {
	var out []*event.Event
	for i := range n {
		out = append(out, ev(fmt.Sprintf("%s%d", p, i+1), start+time.Duration(i)*step, action, actor, "111122223333", fmt.Sprintf("snap-%s%d", p, i+1)))
	}
	return out
}
