package compare

import (
	"context"
	"fmt"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// snapwarden runs the rules the two ways hunt does on one worker: the
// decoder (format auto-detection over NDJSON) feeding the compiled
// detection engine (match), and the same decoder feeding hunt's Worker,
// which also builds a finding per hit and checks the allow-list (hunt,
// what `snapwarden hunt --no-builtin --rules DIR --min-severity info`
// does per record). match is the like-for-like figure: the peer, too,
// only answers whether a rule matches.
type snapwarden struct {
	engine *detect.Engine
	det    *hunt.Detector
	ids    []string
	index  map[*rule.Rule]int // rule → position in ids
	byID   map[string]int
	titles map[string]string
}

// newSnapwarden loads and compiles the rules under dir, without the
// built-in pack, with the default configuration. Any load or compile error
// fails: the comparison is only meaningful over rules snapwarden runs.
func newSnapwarden(dir string) (*snapwarden, error) {
	rs, errs := rule.Load(dir)
	if len(errs) > 0 {
		return nil, fmt.Errorf("load rules: %w", errs.Err())
	}
	// Every finding is kept, allow-listed or not: the count is of rule
	// matches, as the peer's is.
	det, cerrs := hunt.New(rs, hunt.Options{MinSeverity: finding.Info, ShowSuppressed: true})
	if len(cerrs) > 0 {
		return nil, fmt.Errorf("compile rules: %w", cerrs.Err())
	}
	// The engine hunt.New builds inside, with the same configuration.
	cfg := config.Default()
	m := cfg.Matchers()
	eng, cerrs := detect.Compile(rs, detect.Options{
		TrustedAccounts:  cfg.TrustedAccounts,
		TrustedAccount:   m.TrustedAccount,
		AdminPorts:       m.AdminPorts(),
		Critical:         m.Critical,
		TrustedPrincipal: m.TrustedPrincipal,
		Placeholders:     cfg.Placeholders,
		FieldMappings:    cfg.FieldMappings,
	})
	if len(cerrs) > 0 {
		return nil, fmt.Errorf("compile rules: %w", cerrs.Err())
	}
	s := &snapwarden{engine: eng, det: det, index: map[*rule.Rule]int{}, byID: map[string]int{}, titles: map[string]string{}}
	for _, r := range rs {
		if _, dup := s.byID[r.ID]; dup {
			return nil, fmt.Errorf("rule id %s appears twice under %s", r.ID, dir)
		}
		s.index[r] = len(s.ids)
		s.byID[r.ID] = len(s.ids)
		s.ids = append(s.ids, r.ID)
		s.titles[r.ID] = r.Title
	}
	return s, nil
}

// match decodes ndjson (the lines joined by '\n') and matches each event
// with the engine. Events carry 1-based line numbers; hit gets 0-based ones.
func (s *snapwarden) match(ctx context.Context, ndjson []byte, hit func(rule, line int)) (bad int, err error) {
	m := s.engine.NewMatcher()
	var hits []detect.Hit
	return s.decode(ctx, ndjson, func(ev *event.Event) error {
		hits = m.Match(ev, hits[:0])
		for _, h := range hits {
			r, ok := s.index[h.Rule]
			if !ok {
				return fmt.Errorf("match of unknown rule %q", h.Rule.ID)
			}
			hit(r, ev.Source.Line-1)
		}
		return nil
	})
}

// hunt decodes ndjson and hands each event to a hunt Worker, counting its
// findings by rule id.
func (s *snapwarden) hunt(ctx context.Context, ndjson []byte, hit func(rule, line int)) (bad int, err error) {
	w := s.det.NewWorker()
	var line int
	yield := func(f finding.Finding) error {
		r, ok := s.byID[f.Rule.ID]
		if !ok {
			return fmt.Errorf("finding of unknown rule %q", f.Rule.ID)
		}
		hit(r, line)
		return nil
	}
	return s.decode(ctx, ndjson, func(ev *event.Event) error {
		line = ev.Source.Line - 1
		return w.Findings(ev, yield)
	})
}

// decode runs one decoder over ndjson, counting bad records.
func (s *snapwarden) decode(ctx context.Context, ndjson []byte, emit func(*event.Event) error) (bad int, err error) {
	dec := decode.NewDecoder(decode.Options{Formats: formats.All(), Scratch: true}) // as hunt's
	onBad := func(*decode.RecordError) error { bad++; return nil }
	_, err = dec.DecodeBytes(ctx, ndjson, "events", emit, onBad) // in memory, as serve's batches
	return bad, err
}

// decodeOnly decodes ndjson and drops the events: the floor under match.
func (s *snapwarden) decodeOnly(ctx context.Context, ndjson []byte) (bad int, err error) {
	return s.decode(ctx, ndjson, func(*event.Event) error { return nil })
}
