package chain

import (
	"slices"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// compiled is a chain rule ready to run: steps by index (the copy first),
// references resolved.
type compiled struct {
	rule   *rule.Rule
	info   finding.RuleInfo
	window time.Duration
	steps  []*step
	levels []level
}

type step struct {
	name    string
	idx     int
	actions map[event.Action]bool
	uses    int   // step index, -1 for none
	reaches []int // step indexes
	actor   string
	outside bool
	world   bool
}

type level struct {
	steps    []int
	newActor bool
	critical bool
	severity finding.Severity
}

func compile(r *rule.Rule, window time.Duration) (*compiled, rule.ErrorList) {
	var errs rule.ErrorList
	ch := r.Chain
	c := &compiled{rule: r, window: window}
	if ch.Window > 0 {
		c.window = ch.Window
	}
	sev, err := finding.FromSigmaLevel(r.Level)
	if err != nil {
		sev = finding.High
	}
	c.info = finding.RuleInfo{ID: r.ID, Title: r.Title, Kind: finding.KindChain, Severity: sev, Attack: finding.AttackIDs(r.Tags)}

	index := map[string]int{}
	for i, s := range append([]rule.ChainStep{ch.Copy}, ch.Steps...) {
		cs := &step{name: s.Name, idx: i, actions: map[event.Action]bool{}, uses: -1, actor: s.Actor, outside: s.Outside, world: s.World}
		for _, a := range s.Actions {
			if !slices.Contains(event.Actions, event.Action(a)) {
				errs.Add(rule.Errorf(s.Pos, r.ID, "chain step %q: unknown action %q (see `snapwarden rules fields` for the vocabulary)", s.Name, a))
				continue
			}
			cs.actions[event.Action(a)] = true
		}
		if u, ok := index[s.Uses]; ok {
			cs.uses = u
		}
		for _, x := range s.Reaches {
			cs.reaches = append(cs.reaches, index[x])
		}
		index[s.Name] = i
		c.steps = append(c.steps, cs)
	}
	for _, l := range ch.Levels {
		sev, err := finding.FromSigmaLevel(l.Level)
		if err != nil {
			errs.Add(rule.Errorf(l.Pos, r.ID, "chain level: %v", err))
			continue
		}
		cl := level{newActor: l.NewActor, critical: l.Critical, severity: sev}
		for _, s := range l.Steps {
			cl.steps = append(cl.steps, index[s])
		}
		c.levels = append(c.levels, cl)
	}
	return c, errs
}
