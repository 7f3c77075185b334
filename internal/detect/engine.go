// Package detect compiles Sigma detection rules into matchers and evaluates
// them on normalized events. Compilation resolves every field name once
// (normalized fields, raw record paths, SigmaHQ backend names through the
// field-mapping table), turns values into folded string comparisons,
// numbers, prefixes and regular expressions, and indexes rules by the
// operation their conditions require, so that an event is tested only
// against the rules that can match it. Evaluation reads the records the
// decoder parsed (event.Event.Docs) without parsing again and allocates
// nothing per event. It imports rule and event, never cmd or the decoders.
package detect

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// Options configure compilation. The zero value is usable: no trusted
// accounts or principals, nothing critical, SSH and RDP as admin ports.
type Options struct {
	// TrustedAccounts are account ids (AWS accounts, GCP projects, Azure
	// subscriptions, …) that a share may target without being external
	// (config trusted_accounts).
	TrustedAccounts []string
	// TrustedAccount, when set, decides instead of TrustedAccounts (the
	// config's matcher, which allows glob patterns).
	TrustedAccount func(id string) bool
	// AdminPorts are the ports behind ingress.admin_open; empty means
	// DefaultAdminPorts().
	AdminPorts []int
	// Critical reports whether a resource is critical (config critical);
	// resource.critical asks it of an event's source and target resources.
	// Nil: nothing is.
	Critical func(cloud event.Cloud, r event.Resource) bool
	// TrustedPrincipal reports whether an actor is trusted (config
	// trusted_principals), for actor.trusted. Nil: no one is.
	TrustedPrincipal func(a event.Actor) bool
	// Placeholders are the values of %name% placeholders in values with the
	// expand modifier. A placeholder missing here is a compile error.
	Placeholders map[string][]string
	// FieldMappings override and extend the built-in mappings (Mappings):
	// format → field name → raw dotted paths, tried in order. A path
	// "event:NAME" reads normalized field NAME instead.
	FieldMappings map[string]map[string][]string
	// DisableIndex evaluates every rule of an event's log source, for tests
	// and benchmarks that compare with the index.
	DisableIndex bool
}

// Hit is a rule that matched an event.
type Hit struct {
	Rule *rule.Rule
}

// Stats describe a compiled engine.
type Stats struct {
	Rules int // active rules
	// Indexed rules run only for events whose operation they name;
	// ByField rules, naming no operation, only for events with a value they
	// require of another field; Always rules for every event of their log
	// source.
	Indexed, ByField, Always int
	// Keys counts distinct (log source, operation) index entries.
	Keys int
	// Sources break the counts down by format (and Product).
	Sources map[string]SourceStats
}

// SourceStats are the counts of one format.
type SourceStats struct {
	Rules, Indexed, ByField, Always, Keys int
}

// Engine holds compiled rules. It is immutable and safe for concurrent
// use; evaluation state lives in a Matcher per goroutine.
type Engine struct {
	opts            Options
	rules           []*crule
	fields          []*fieldSpec
	topKeys         []string          // first segments of the fields' raw paths
	groups          map[string]*group // by format; Product for normalized rules
	product         *group            // groups[Product]
	nIndexes        int               // field indexes of every group
	maxSearches     int
	adminPorts      []int
	trustedAccounts map[string]struct{}
	stats           Stats
	pool            sync.Pool
}

// group is the rules of one format with their indexes.
type group struct {
	format string
	op     int // field id of the operation field; -1 without its index
	// indexes list rules under values of a field they require: the
	// operation field's index first, then other fields' for rules that do
	// not name an operation.
	indexes []*fieldIndex
	always  []int32 // rules run for every event
}

// fieldIndex lists rules under the folded values of one field, each rule
// under every value it requires.
type fieldIndex struct {
	id    int // among the engine's field indexes, for Matcher.Skip
	field int // field id
	byKey map[string][]int32
	keys  keyTable // byKey's ASCII keys, looked up without folding
}

// Compile compiles detection rules. Rules of other kinds (correlation,
// chain) are left to their own engines. The engine holds every rule that
// compiled; the list has one error per problem, with its position, and a
// rule with an error is left out. Errors wrapping rule.ErrInactive mark
// rules whose log source snapwarden does not read: they are inactive, not
// rejected.
func Compile(rules []*rule.Rule, opts Options) (*Engine, rule.ErrorList) {
	e := &Engine{
		opts:            opts,
		groups:          map[string]*group{},
		stats:           Stats{Sources: map[string]SourceStats{}},
		trustedAccounts: map[string]struct{}{},
	}
	e.adminPorts = opts.AdminPorts
	if len(e.adminPorts) == 0 {
		e.adminPorts = DefaultAdminPorts()
	}
	for _, a := range opts.TrustedAccounts {
		if a = strings.TrimSpace(a); a != "" {
			e.trustedAccounts[a] = struct{}{}
		}
	}
	c := &compiler{e: e, fieldIDs: map[string]int{}, topIDs: map[string]int32{}}
	seen := map[string]*rule.Rule{}
	for _, r := range rules {
		if r == nil || (r.Kind != "" && r.Kind != rule.KindDetection) {
			continue
		}
		if r.ID != "" {
			if first, ok := seen[r.ID]; ok {
				c.errs.Add(rule.Errorf(r.Pos, r.ID, "duplicate rule id (first at %s)", first.Pos))
				continue
			}
			seen[r.ID] = r
		}
		if cr := c.compileRule(r); cr != nil {
			e.rules = append(e.rules, cr)
		}
	}
	// A stable order by id: hits come out in it, whatever the load order.
	slices.SortStableFunc(e.rules, func(a, b *crule) int { return cmp.Compare(a.rule.ID, b.rule.ID) })
	for i, r := range e.rules {
		r.idx = i
		e.maxSearches = max(e.maxSearches, len(r.searches))
	}
	c.buildIndex()
	c.errs.Sort()
	return e, c.errs
}

// Rules returns the active rules in evaluation order (by id).
func (e *Engine) Rules() []*rule.Rule {
	out := make([]*rule.Rule, len(e.rules))
	for i, r := range e.rules {
		out[i] = r.rule
	}
	return out
}

// Stats returns the engine's counts.
func (e *Engine) Stats() Stats {
	s := e.stats
	s.Sources = make(map[string]SourceStats, len(e.stats.Sources))
	for k, v := range e.stats.Sources {
		s.Sources[k] = v
	}
	return s
}

// Match appends to hits the rules that match ev, in rule-id order. It is
// safe for concurrent use (it borrows a pooled Matcher); a worker that
// matches many events may keep its own Matcher instead.
func (e *Engine) Match(ev *event.Event, hits []Hit) []Hit {
	m, _ := e.pool.Get().(*Matcher)
	if m == nil {
		m = e.NewMatcher()
	}
	hits = m.Match(ev, hits)
	e.pool.Put(m)
	return hits
}
