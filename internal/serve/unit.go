package serve

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/snapwarden/snapwarden/internal/chain"
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// maxBadPerBatch bounds the bad records of one batch written to the log
// (all are counted).
const maxBadPerBatch = 5

// unitConfig is what a unit shares with the rest of its instance.
type unitConfig struct {
	store    *store.Store
	owner    string // the instance: its outbox
	m        *Metrics
	log      *slog.Logger
	notify   func() // findings were stored
	pairWait time.Duration
	accounts map[event.Cloud]string // of records that name none
}

// unit runs the rules over one ordered stream of batches — serve's queue,
// or one Kafka partition — numbered by increasing sequence numbers. It owns
// a rule worker, the chain and correlation Stream, and a Pairer, and
// checkpoints them under its own marks (prefix/…): the last batch the
// checkpoint covers, the records waiting for partners, and the accounts its
// events named (a new owner of the stream loads those accounts' state).
type unit struct {
	cfg     unitConfig
	prefix  string
	worker  *hunt.Worker
	stream  *hunt.Stream // nil without chain or correlation rules
	pairer  *decode.Pairer
	decoder *decode.Decoder
	format  decode.Format // the decoder's forced format (nil: auto)
	formats []decode.Format

	read     int64 // the last batch taken
	covered  int64 // the last batch the saved checkpoint covers
	lastSave time.Time
	// unsaved is a checkpoint's correlation state whose write failed (the
	// engine has moved past it): it goes out with the next one.
	unsaved  *store.StateDelta
	pending  []finding.Finding // findings not yet stored
	batches  []int64           // the batch of each pending finding
	records  []store.EventRecord
	received map[int64]time.Time
	accounts map[string]bool // accounts the unit's events named
	events   map[event.Cloud]prometheus.Counter
}

func newUnit(cfg unitConfig, d *hunt.Detector, hold time.Duration, prefix string) *unit {
	u := &unit{
		cfg:      cfg,
		prefix:   prefix,
		worker:   d.NewWorker(),
		stream:   d.NewStream(hold),
		pairer:   decode.NewPairer(),
		formats:  formats.All(),
		received: map[int64]time.Time{},
		accounts: map[string]bool{},
		events:   map[event.Cloud]prometheus.Counter{},
	}
	u.stream.Attach(u.worker)
	return u
}

func (u *unit) markCovered() string  { return u.prefix + "/covered" }
func (u *unit) markPairs() string    { return u.prefix + "/pairs" }
func (u *unit) markAccounts() string { return u.prefix + "/accounts" }
func (u *unit) markWindows() string  { return u.prefix + "/windows" }

// restore loads the unit's last checkpoint: the batch it covers, the
// waiting records, and the correlation state — all of it (load nil), or
// that of the accounts the unit's events named (a Kafka partition).
func (u *unit) restore(ctx context.Context, marks map[string]string, all bool) error {
	if s := marks[u.markCovered()]; s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("checkpoint mark %s=%q: %w", u.markCovered(), s, err)
		}
		u.covered, u.read = n, n
	}
	if s := marks[u.markPairs()]; s != "" {
		if err := u.pairer.Load([]byte(s), u.formats); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	if s := marks[u.markAccounts()]; s != "" {
		var list []string
		if err := json.Unmarshal([]byte(s), &list); err != nil {
			return fmt.Errorf("checkpoint mark %s: %w", u.markAccounts(), err)
		}
		for _, a := range list {
			u.accounts[a] = true
		}
	}
	if u.stream != nil {
		var snap *store.Snapshot
		var err error
		if all {
			snap, err = u.cfg.store.LoadState(ctx)
		} else {
			snap, err = u.cfg.store.LoadStateFor(ctx, u.accountList())
		}
		if err != nil {
			return err
		}
		if err := u.stream.Restore(snap); err != nil {
			return err
		}
		if _, err := u.stream.Checkpoint(); err != nil { // what was loaded is saved already
			return err
		}
	}
	if w := marks[u.markWindows()]; w != "" {
		dropped, err := u.stream.LoadCorrelations([]byte(w))
		if err != nil {
			return fmt.Errorf("checkpoint mark %s: %w", u.markWindows(), err)
		}
		if dropped > 0 {
			u.cfg.log.Warn("correlation windows of rules that are gone or changed were dropped", "stream", u.prefix, "windows", dropped)
		}
	}
	u.lastSave = time.Now()
	return nil
}

func (u *unit) accountList() []string {
	list := make([]string, 0, len(u.accounts))
	for a := range u.accounts {
		list = append(list, a)
	}
	slices.Sort(list)
	return list
}

// batch decodes one batch's records and matches its events; findings wait
// in u.pending for store.
func (u *unit) batch(ctx context.Context, seq int64, source, format string, raw []byte, received time.Time) error {
	m := u.cfg.m
	f, err := formats.Lookup(format)
	if err != nil {
		u.cfg.log.Error("batch of an unknown format; skipped", "batch", seq, "format", textsafe.Clean(format))
		m.malformed.WithLabelValues("unknown").Inc()
		u.read = seq
		return nil
	}
	if u.decoder == nil || u.format != f {
		// match keeps only copies of what it takes from an event, and the
		// worker owns what it keeps: the decoder may lend scratch events.
		u.decoder = decode.NewDecoder(decode.Options{Format: f, Formats: u.formats, Pairer: u.pairer, Scratch: true})
		u.format = f
	}
	u.received[seq] = received
	u.stream.Begin(seq, time.Now())
	bad, events := 0, 0
	start := time.Now()
	st, derr := u.decoder.DecodeBytes(ctx, raw, batchName(source, seq), func(ev *event.Event) error {
		events++
		return u.match(ev, seq)
	}, func(re *decode.RecordError) error {
		m.malformed.WithLabelValues(cmp.Or(re.Format, "unknown")).Inc()
		if bad < maxBadPerBatch {
			u.cfg.log.Warn("bad record", "where", textsafe.Clean(re.Error()))
		}
		bad++
		return nil
	})
	m.matchSeconds.Add(time.Since(start).Seconds())
	for name, n := range st.PerFormat {
		m.records.WithLabelValues(name).Add(float64(n))
	}
	if derr != nil {
		// Matching cannot fail here, so this is the input: broken JSON
		// after what could be read.
		if ctx.Err() != nil {
			return ctx.Err()
		}
		m.malformed.WithLabelValues("broken").Inc()
		u.cfg.log.Warn("batch cut short", "batch", seq, "source", textsafe.Clean(source), "err", textsafe.Clean(derr.Error()), "events", events)
	}
	if bad > maxBadPerBatch {
		u.cfg.log.Warn("more bad records in the batch", "batch", seq, "count", bad)
	}
	u.read = seq
	return nil
}

// unpaired matches the records whose partners did not come within the
// pair wait, each as an event of its own. They count as part of the last
// batch read: a crash before the next checkpoint finds them among the
// saved waiting records again.
func (u *unit) unpaired() error {
	u.stream.Begin(u.read, time.Now())
	return u.pairer.FlushIdle(time.Now().Add(-u.cfg.pairWait), func(ev *event.Event) error {
		return u.match(ev, u.read)
	})
}

// match runs the rules over one event of batch seq.
func (u *unit) match(ev *event.Event, seq int64) error {
	if ev.Account == "" {
		ev.Account = u.cfg.accounts[ev.Cloud]
	}
	if ev.Account != "" && !u.accounts[ev.Account] {
		u.accounts[strings.Clone(ev.Account)] = true
	}
	// The counter of the event's cloud, looked up once: not a label hash per event.
	c := u.events[ev.Cloud]
	if c == nil {
		c = u.cfg.m.events.WithLabelValues(string(ev.Cloud))
		u.events[ev.Cloud] = c
	}
	c.Inc()
	found := len(u.pending)
	err := u.worker.Findings(ev, func(fd finding.Finding) error {
		u.pending, u.batches = append(u.pending, fd), append(u.batches, seq)
		return nil
	})
	// The records of events a finding names, or a chain may name later,
	// are kept for the console.
	if named := len(u.pending) > found; named || chain.Wants(ev) {
		u.records = append(u.records, store.EventRecord{EventID: strings.Clone(ev.ID), Time: ev.Time, Format: ev.Format,
			Raw: recordOf(ev), Pinned: named})
	}
	return err
}

// recordOf copies an event's record out of the decoder's buffer: the
// record itself, or a JSON array of a paired operation's records.
func recordOf(ev *event.Event) []byte {
	if len(ev.Raw) == 1 {
		return bytes.Clone(ev.Raw[0])
	}
	var b []byte
	b = append(b, '[')
	for i, r := range ev.Raw {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, r...)
	}
	return append(b, ']')
}

// release feeds held events whose time has come (all of them when all)
// and stores the findings.
func (u *unit) release(ctx context.Context, all bool) error {
	err := u.stream.Release(time.Now(), all, func(f finding.Finding, batch int64) error {
		u.pending, u.batches = append(u.pending, f), append(u.batches, batch)
		return nil
	})
	if err != nil {
		return err
	}
	u.cfg.m.held.Set(float64(u.stream.Held()))
	return u.store(ctx)
}

// store writes the event records and the pending findings with their
// outbox entries, and pins the records the chains' findings name.
func (u *unit) store(ctx context.Context) error {
	if len(u.records) > 0 {
		if err := u.cfg.store.PutEventRecords(ctx, u.records); err != nil {
			return err
		}
		clear(u.records)
		u.records = u.records[:0]
	}
	if len(u.pending) == 0 {
		return nil
	}
	m := u.cfg.m
	start := time.Now()
	changed, err := u.cfg.store.PutFindingsOutbox(ctx, u.cfg.owner, u.pending, start.UTC())
	m.storeSeconds.WithLabelValues("put_findings").Observe(time.Since(start).Seconds())
	if err != nil {
		return err
	}
	// The time from a batch's acceptance to its findings being visible,
	// for each finding the batch made or changed.
	now := time.Now()
	from := make(map[string]int64, len(u.pending))
	for i, f := range u.pending {
		from[f.ID] = u.batches[i]
	}
	var pin []string
	for _, f := range changed {
		m.findings.WithLabelValues(f.Rule.ID, f.Severity.String()).Inc()
		if at, ok := u.received[from[f.ID]]; ok {
			m.latency.Observe(now.Sub(at).Seconds())
		}
		if len(f.Events) > 1 {
			for _, e := range f.Events {
				pin = append(pin, e.ID)
			}
		}
	}
	if err := u.cfg.store.PinEventRecords(ctx, pin); err != nil {
		return err
	}
	u.pending, u.batches = u.pending[:0], u.batches[:0]
	if len(changed) > 0 {
		u.cfg.notify()
	}
	return nil
}

// checkpoint saves, in one transaction, what changed in the correlation
// state since the last checkpoint, the waiting records of the batches it
// covers, the accounts seen and the last batch all of whose events have
// been fed, with extra marks. It returns that batch.
func (u *unit) checkpoint(ctx context.Context, extra map[string]string) (int64, error) {
	start := time.Now()
	covered := u.stream.Covered(u.read)
	pairs, err := u.pairer.Save(func(src event.Source) bool {
		n, ok := batchOf(src.File)
		return !ok || n <= covered
	})
	if err != nil {
		return 0, err
	}
	accounts, err := json.Marshal(u.accountList())
	if err != nil {
		return 0, err
	}
	marks := map[string]string{u.markCovered(): strconv.FormatInt(covered, 10), u.markPairs(): string(pairs), u.markAccounts(): string(accounts)}
	for k, v := range extra {
		marks[k] = v
	}
	delta := &store.StateDelta{}
	windowsChanged := false
	if u.stream != nil {
		if delta, err = u.stream.Checkpoint(); err != nil {
			return 0, err
		}
		if u.unsaved != nil {
			delta = u.unsaved.Then(delta)
		}
		var windows []byte
		if windows, windowsChanged, err = u.stream.SaveCorrelations(); err != nil {
			return 0, err
		}
		if windowsChanged {
			marks[u.markWindows()] = string(windows)
		}
	}
	if err := u.cfg.store.ApplyState(ctx, delta, marks); err != nil {
		// A stop cancels ctx in the middle of a checkpoint, and the store
		// can fail: the drain or the next step must still write this.
		u.unsaved = delta
		return 0, fmt.Errorf("checkpoint: %w", err)
	}
	u.unsaved = nil
	if windowsChanged {
		u.stream.CorrelationsSaved()
	}
	u.cfg.m.storeSeconds.WithLabelValues("checkpoint").Observe(time.Since(start).Seconds())
	if covered > u.covered {
		for seq := range u.received {
			if seq <= covered {
				delete(u.received, seq)
			}
		}
		u.covered = covered
	}
	u.lastSave = time.Now()
	if u.stream != nil {
		ss, cs := u.stream.Stats()
		u.cfg.m.late.Set(float64(ss.Late))
		u.cfg.m.state.WithLabelValues("resources").Set(float64(cs.Resources))
		u.cfg.m.state.WithLabelValues("principals").Set(float64(cs.Principals))
		u.cfg.m.state.WithLabelValues("open_chains").Set(float64(cs.Open))
		u.cfg.m.state.WithLabelValues("windows").Set(float64(u.stream.CorrelationWindows()))
	}
	return covered, nil
}

// batchName names a batch's records in messages and in the pairer: the
// batch number lets a checkpoint keep only the waiting halves it covers.
func batchName(source string, seq int64) string {
	return fmt.Sprintf("%s (batch %d)", source, seq)
}

// batchOf reads the batch number back from a batchName.
func batchOf(name string) (int64, bool) {
	i := strings.LastIndex(name, " (batch ")
	if i < 0 || !strings.HasSuffix(name, ")") {
		return 0, false
	}
	n, err := strconv.ParseInt(name[i+len(" (batch "):len(name)-1], 10, 64)
	return n, err == nil
}
