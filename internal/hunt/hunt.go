// Package hunt turns events into findings: it loads the built-in and user
// rules, compiles them with the configuration (trusted accounts and
// principals, critical resources, admin ports, allow-list), and gives each
// scan worker its own Worker that matches events without locks. Commands
// (hunt, rules test, later serve) share it.
package hunt

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/chain"
	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// Options choose the rules and how findings are filtered.
type Options struct {
	Config *config.Config // nil: defaults
	// RulePaths are user rule files and directories (--rules).
	RulePaths []string
	// NoBuiltin leaves the embedded pack out.
	NoBuiltin bool
	// SkipBuiltinTests leaves the built-in rules' tests unread: a run
	// does not need them, and they are most of the pack's text.
	SkipBuiltinTests bool
	// MinSeverity drops findings below it; detection rules whose findings
	// would all be dropped are not evaluated, unless a correlation rule
	// counts their matches.
	MinSeverity finding.Severity
	// Clock tells the time allow-list expiry is judged at, read at each
	// check so that a long-running serve stops suppressing once an entry
	// expires; nil is time.Now.
	Clock func() time.Time
	// ShowSuppressed lists findings the allow-list suppresses, marked with
	// the entry's reason, instead of dropping them.
	ShowSuppressed bool
}

// Detector is compiled rules plus the configuration's matchers. It is
// immutable and shared by all workers.
type Detector struct {
	engine   *detect.Engine
	chains   []*rule.Rule // compiled (checked) chain rules
	chainOpt chain.Options
	corr     *correlate.Engine // Sigma correlation rules; nil when none
	matchers *config.Matchers
	tags     *tagBook
	info     map[*rule.Rule]finding.RuleInfo
	min      finding.Severity
	now      func() time.Time // judges allow-list expiry
	inactive int
	// skip are the detection rules not evaluated at all: below min and
	// not feeding a correlation rule, their hits would be dropped.
	skip map[*rule.Rule]bool
	// showSuppressed yields allow-listed findings, marked, instead of
	// counting them.
	showSuppressed bool
}

// LoadRules reads the built-in pack (unless opts.NoBuiltin) and the user's
// rule paths. Rules whose log source snapwarden does not read load as
// inactive and are counted, not returned.
func LoadRules(opts Options) (rules []*rule.Rule, inactive int, errs rule.ErrorList) {
	var all []*rule.Rule
	if !opts.NoBuiltin {
		load := BuiltinRules
		if opts.SkipBuiltinTests {
			load = builtinRulesWithoutTests
		}
		rs, es := load()
		all, errs = append(all, rs...), append(errs, es...)
	}
	if len(opts.RulePaths) > 0 {
		rs, es := rule.Load(opts.RulePaths...)
		all, errs = append(all, rs...), append(errs, es...)
	}
	for _, r := range all {
		if _, active := r.Format(); !active {
			inactive++
			continue
		}
		rules = append(rules, r)
	}
	return rules, inactive, errs
}

// New compiles rules with the configuration. Compile errors are returned
// with their positions; rules that failed are left out.
func New(rs []*rule.Rule, opts Options) (*Detector, rule.ErrorList) {
	cfg := opts.Config
	if cfg == nil {
		cfg = config.Default()
	}
	book := newTagBook(DefaultMaxTagged)
	m := cfg.Matchers().WithTags(book.lookup)
	var detections, chains, corrs []*rule.Rule
	for _, r := range rs {
		switch r.Kind {
		case rule.KindChain:
			chains = append(chains, r)
		case rule.KindCorrelation:
			corrs = append(corrs, r)
		default:
			detections = append(detections, r)
		}
	}
	eng, errs := detect.Compile(detections, detect.Options{
		TrustedAccounts:  cfg.TrustedAccounts,
		TrustedAccount:   m.TrustedAccount,
		AdminPorts:       m.AdminPorts(),
		Critical:         m.Critical,
		TrustedPrincipal: m.TrustedPrincipal,
		Placeholders:     cfg.Placeholders,
		FieldMappings:    cfg.FieldMappings,
	})
	// Inactive rules are not errors here: LoadRules has set them apart.
	var real rule.ErrorList
	for _, e := range errs {
		if !errors.Is(e, rule.ErrInactive) {
			real = append(real, e)
		}
	}
	d := &Detector{engine: eng, matchers: m, tags: book, info: map[*rule.Rule]finding.RuleInfo{}, min: opts.MinSeverity, now: opts.Clock, showSuppressed: opts.ShowSuppressed}
	if d.now == nil {
		d.now = time.Now
	}
	d.chainOpt = chain.Options{
		Window:         cfg.Windows.Chain,
		NewPrincipal:   cfg.Windows.NewPrincipal,
		Critical:       m.Critical,
		TrustedAccount: m.TrustedAccount,
		Allowed: func(ruleID string, a event.Actor) (string, string, bool) {
			return m.Allowance(ruleID, a, d.now())
		},
	}
	ce, cerrs := chain.New(chains, d.chainOpt)
	real = append(real, cerrs...)
	d.chains = ce.Rules()
	if len(corrs) > 0 {
		co, cerrs := correlate.Compile(append(slices.Clone(detections), corrs...), eng, correlate.Options{})
		real = append(real, cerrs...)
		if len(co.Rules()) > 0 {
			d.corr = co
		}
	}
	for _, r := range eng.Rules() {
		sev, err := finding.FromSigmaLevel(r.Level)
		if err != nil {
			sev = finding.Medium
		}
		d.info[r] = finding.RuleInfo{ID: r.ID, Title: r.Title, Kind: finding.KindDetection, Severity: sev, Attack: finding.AttackIDs(r.Tags)}
		for _, lang := range slices.Sorted(maps.Keys(r.Summary)) {
			// A misspelt placeholder would show as written in every finding.
			if bad := finding.UnknownPlaceholders(r.Summary[lang]); len(bad) > 0 {
				real = append(real, &rule.Error{Pos: r.Pos, RuleID: r.ID,
					Err: fmt.Errorf("summary %s: unknown placeholder {%s} (known: %s)", lang, strings.Join(bad, "}, {"), strings.Join(finding.Placeholders, ", "))})
			}
		}
		if sev < d.min && !d.correlationBase(r) {
			if d.skip == nil {
				d.skip = map[*rule.Rule]bool{}
			}
			d.skip[r] = true
		}
	}
	return d, real
}

// correlationBase reports whether a correlation rule counts r's matches.
func (d *Detector) correlationBase(r *rule.Rule) bool {
	if d.corr == nil {
		return false
	}
	referenced, _ := d.corr.Base(r)
	return referenced
}

// Skipped is how many detection rules are not evaluated because every
// finding of theirs would be below the minimum severity.
func (d *Detector) Skipped() int { return len(d.skip) }

// Stats describes the compiled detection rules.
func (d *Detector) Stats() detect.Stats { return d.engine.Stats() }

// Sequences counts the rules that span events: chain and correlation rules.
func (d *Detector) Sequences() (chains, correlations int) {
	if d.corr != nil {
		correlations = len(d.corr.Rules())
	}
	return len(d.chains), correlations
}

// Worker matches events for one goroutine.
type Worker struct {
	d       *Detector
	m       *detect.Matcher
	hits    []detect.Hit
	Allowed int // findings the allow-list suppressed
	Below   int // findings under the minimum severity
	Hits    int // rule matches, before allow-list and severity
	Events  int // events matched against the rules
	// corr, when set, also receives the events chain and correlation rules
	// need: a Correlator (hunt) or a Stream (serve).
	corr sequencer
	seen firstSeen // earliest time each actor acted, for a Correlator
	obs  []correlate.Observation
}

// NewWorker returns a Worker with its own matcher state.
func (d *Detector) NewWorker() *Worker {
	m := d.engine.NewMatcher()
	if len(d.skip) > 0 {
		m.Skip(func(r *rule.Rule) bool { return d.skip[r] })
	}
	return &Worker{d: d, m: m}
}

// Findings matches ev (while its parsed records are live) and hands each
// finding to yield. It keeps nothing of ev that it does not own, so ev may
// be a decoder's scratch event (decode.Options.Scratch).
func (w *Worker) Findings(ev *event.Event, yield func(finding.Finding) error) error {
	w.Events++
	w.d.tags.learn(ev)
	w.hits = w.m.Match(ev, w.hits[:0])
	for _, h := range w.hits {
		w.Hits++
		if w.d.corr != nil {
			if referenced, generate := w.d.corr.Base(h.Rule); referenced {
				if w.corr != nil {
					ev.Own() // observations keep its strings
					w.obs = w.d.corr.Observe(ev, h.Rule, w.obs[:0])
					if err := w.corr.add(w.obs); err != nil {
						return err
					}
				}
				if !generate {
					continue
				}
			}
		}
		info := w.d.info[h.Rule]
		if info.Severity < w.d.min {
			w.Below++
			continue
		}
		// The allow-list first: a finding it drops is not built.
		reason, expires, allowed := w.d.matchers.Allowance(info.ID, ev.Actor, w.d.now())
		if allowed {
			w.Allowed++
			if !w.d.showSuppressed {
				continue
			}
		}
		ev.Own() // the finding keeps its strings
		f := finding.FromEvent(info, ev, h.Rule.Summary)
		if allowed {
			f.Status = finding.StatusSuppressed
			f.Suppression = &finding.Suppression{Reason: reason, By: "config allow", Expires: expires}
		}
		if err := yield(f); err != nil {
			return err
		}
	}
	if w.corr != nil {
		return w.corr.observe(w, ev)
	}
	return nil
}

// sequencer takes from a Worker what the rules spanning events need.
type sequencer interface {
	// add queues correlation observations.
	add(obs []correlate.Observation) error
	// observe sees every event matched.
	observe(w *Worker, ev *event.Event) error
}

// Counts returns what the worker's matcher has done (events, candidate
// rules evaluated, hits).
func (w *Worker) Counts() detect.Counts { return w.m.Counts() }
