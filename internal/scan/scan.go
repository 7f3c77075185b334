// Package scan reads many inputs in parallel and turns them into normalized
// events: it opens each input (gzip included), decodes it with format
// auto-detection, pairs request and response records across inputs, counts
// everything, and reports bad input without stopping.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/source"
	"golang.org/x/sync/errgroup"
)

// Options tune a scan.
type Options struct {
	// Formats are the candidates for auto-detection, in order.
	Formats []decode.Format
	// Format forces one format (nil auto-detects per record).
	Format decode.Format
	// Workers decode files in parallel (GOMAXPROCS when 0).
	Workers int
	// Stdin is read for the input "-".
	Stdin io.Reader
	// Problem is told of each bad record or failed input, from any worker
	// (calls are serialized). Nil ignores them; they are counted anyway.
	Problem func(Problem)
	// DefaultAccounts gives the account of events that name none, per cloud:
	// VK Cloud action logs carry their project only in some request paths.
	DefaultAccounts map[event.Cloud]string
	// Scratch has the decoders lend events (decode.Options.Scratch): the
	// emit callbacks keep no event and call Own before keeping its strings.
	Scratch bool
	// MaxRecordErrorsPerFile caps the Problems reported for one file's bad
	// records (all are counted). 0 means 20.
	MaxRecordErrorsPerFile int
}

// Problem is bad input: a record that could not be decoded, or an input that
// could not be read to its end.
type Problem struct {
	File string
	Err  error
	// Record is true for one bad record, false for a whole input.
	Record bool
}

// Progress is live counters a display may read while a scan runs.
type Progress struct {
	FilesTotal atomic.Int64
	FilesDone  atomic.Int64
	Records    atomic.Int64
	Bytes      atomic.Int64 // input bytes (compressed, for gzip) read so far
}

// Summary counts what a scan read.
type Summary struct {
	Files        int
	FilesFailed  int // inputs that could not be opened or were cut short
	Bytes        int64
	Records      int
	Events       int
	Malformed    int            // bad records (unknown format included)
	UnknownFiles int            // inputs where no record was in a known format
	PerFormat    map[string]int // records per format
	PerCloud     map[event.Cloud]int
	PerAction    map[event.Cloud]map[event.Action]int
	Unpaired     int // paired operations emitted without their partner
}

func newSummary() Summary {
	return Summary{PerFormat: map[string]int{}, PerCloud: map[event.Cloud]int{}, PerAction: map[event.Cloud]map[event.Action]int{}}
}

// Problems returns the number of bad records and failed inputs.
func (s Summary) Problems() int { return s.Malformed + s.FilesFailed }

// Emit receives events. Each worker has its own, so an Emit may keep
// per-worker state (a rule matcher's scratch) without locks; while it runs,
// the event's parsed records (Event.Docs) are valid.
type Emit func(*event.Event) error

// Run decodes inputs and hands each event to an Emit made by newEmit: one per
// worker, plus one for the operations completed at the end of input. Emits
// of different workers run concurrently. Run returns early only when ctx is
// cancelled or an Emit fails; bad input is counted and reported through
// Options.Problem.
func Run(ctx context.Context, inputs []source.Input, opts Options, progress *Progress, newEmit func() Emit) (Summary, error) {
	if progress == nil {
		progress = &Progress{}
	}
	progress.FilesTotal.Store(int64(len(inputs)))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s := &scanner{opts: opts, progress: progress, sum: newSummary(), pairer: decode.NewPairer()}
	if s.opts.MaxRecordErrorsPerFile == 0 {
		s.opts.MaxRecordErrorsPerFile = 20
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	slots := make(chan *slot, workers)
	all := make([]*slot, 0, workers+1)
	for range workers {
		sl := &slot{
			decoder: decode.NewDecoder(decode.Options{Format: opts.Format, Formats: opts.Formats, Pairer: s.pairer, Scratch: opts.Scratch}),
			emit:    newEmit(),
		}
		slots <- sl
		all = append(all, sl)
	}
	for _, in := range inputs {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			sl := <-slots
			defer func() { slots <- sl }()
			return s.file(gctx, sl, in)
		})
	}
	err := g.Wait()
	var ee emitError
	if errors.As(err, &ee) {
		err = ee.err
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		last := &slot{emit: newEmit()}
		all = append(all, last)
		err = s.pairer.Flush(func(e *event.Event) error { return s.emitWrapped(e, last) })
		if err != nil && isRead(err) {
			// Pairs that could not be joined are bad records, not a failure.
			for _, e := range unjoin(err) {
				s.report(Problem{Err: e, Record: true})
				s.sum.Malformed++
			}
			err = nil
		}
	}
	if errors.As(err, &ee) {
		err = ee.err
	}
	for _, sl := range all {
		s.sum.add(sl.counts)
	}
	s.sum.Unpaired = s.pairer.Evicted()
	return s.sum, err
}

// unjoin lists the errors an errors.Join holds, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

type scanner struct {
	opts     Options
	progress *Progress
	pairer   *decode.Pairer

	mu  sync.Mutex // guards sum (but for event counts, kept per slot) and problem reports
	sum Summary
}

// slot is what one worker owns, its event counts included: they are
// summed at the end, so counting takes no lock per event.
type slot struct {
	decoder *decode.Decoder
	emit    Emit
	counts  eventCounts
}

// eventCounts are a worker's events per cloud and per action. A run sees a
// handful of clouds, so they are a short list searched in order rather than
// a map: no hashing per event.
type eventCounts struct {
	events int
	clouds []cloudCounts
}

type cloudCounts struct {
	cloud   event.Cloud
	events  int
	actions map[event.Action]int
}

func (c *eventCounts) add(e *event.Event) {
	c.events++
	var cc *cloudCounts
	for i := range c.clouds {
		if c.clouds[i].cloud == e.Cloud {
			cc = &c.clouds[i]
			break
		}
	}
	if cc == nil {
		c.clouds = append(c.clouds, cloudCounts{cloud: e.Cloud})
		cc = &c.clouds[len(c.clouds)-1]
	}
	cc.events++
	if e.Action != "" {
		if cc.actions == nil {
			cc.actions = map[event.Action]int{}
		}
		cc.actions[e.Action]++
	}
}

// add merges a worker's counts into the summary.
func (s *Summary) add(c eventCounts) {
	s.Events += c.events
	for _, cc := range c.clouds {
		s.PerCloud[cc.cloud] += cc.events
		if len(cc.actions) == 0 {
			continue
		}
		m := s.PerAction[cc.cloud]
		if m == nil {
			m = map[event.Action]int{}
			s.PerAction[cc.cloud] = m
		}
		for a, n := range cc.actions {
			m[a] += n
		}
	}
}

// file decodes one input. Only cancellation and emit failures are returned;
// everything wrong with the input is a Problem.
func (s *scanner) file(ctx context.Context, sl *slot, in source.Input) error {
	defer s.progress.FilesDone.Add(1)
	r, err := source.Open(in, s.opts.Stdin)
	if err != nil {
		s.failed(in.Name, err)
		return nil
	}
	defer r.Close()
	fe := &fileErrors{name: in.Name, max: s.opts.MaxRecordErrorsPerFile}
	mapped := r.Bytes()
	var lastBytes int64
	count := func(b int64) {
		s.progress.Bytes.Add(b - lastBytes)
		lastBytes = b
	}
	var emitted int
	emit := func(e *event.Event) error {
		emitted++
		if emitted%1024 == 0 {
			if mapped != nil {
				at := sl.decoder.Offset()
				count(at)
				r.Release(at)
			} else {
				count(r.RawBytes())
			}
			s.progress.Records.Add(1024)
		}
		return s.emitWrapped(e, sl)
	}
	bad := func(re *decode.RecordError) error {
		fe.add(re)
		return nil
	}
	var st decode.Stats
	if mapped != nil {
		err = source.ReadMapped(mapped, func() (err error) {
			st, err = sl.decoder.DecodeBytes(ctx, mapped, in.Name, emit, bad)
			return err
		})
		if errors.Is(err, source.ErrFileChanged) {
			st.Records = emitted
		}
	} else {
		st, err = sl.decoder.Decode(ctx, r, in.Name, emit, bad)
	}
	count(r.RawBytes())
	s.progress.Records.Add(int64(emitted % 1024))

	s.mu.Lock()
	s.sum.Files++
	s.sum.Bytes += r.RawBytes()
	s.sum.Records += st.Records
	s.sum.Malformed += st.Malformed
	for f, n := range st.PerFormat {
		s.sum.PerFormat[f] += n
	}
	if fe.unknown > 0 && fe.unknown == st.Records {
		s.sum.UnknownFiles++
		s.report(Problem{File: in.Name, Err: fmt.Errorf("%s: not in a known format (%d records; first: %v)", in.Name, fe.unknown, fe.firstUnknown)})
	} else {
		for _, re := range fe.kept {
			s.report(Problem{File: in.Name, Err: re, Record: true})
		}
		if fe.dropped > 0 {
			s.report(Problem{File: in.Name, Err: fmt.Errorf("%s: and %d more bad records", in.Name, fe.dropped), Record: true})
		}
	}
	s.mu.Unlock()

	switch {
	case err == nil:
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	case ctx.Err() == nil && isRead(err):
		s.failed(in.Name, fmt.Errorf("%s: input cut short after %d records: %w", in.Name, st.Records, err))
	default:
		return err // emit failed
	}
	return nil
}

// isRead reports whether a Decode error came from the input (read errors,
// truncated gzip, broken JSON) rather than from emit.
func isRead(err error) bool {
	var ee emitError
	return !errors.As(err, &ee)
}

// emitError marks a failure of the caller's emit, which ends the scan.
type emitError struct{ err error }

func (e emitError) Error() string { return e.err.Error() }
func (e emitError) Unwrap() error { return e.err }

func (s *scanner) emitWrapped(e *event.Event, sl *slot) error {
	if e.Account == "" {
		e.Account = s.opts.DefaultAccounts[e.Cloud]
	}
	sl.counts.add(e)
	if err := sl.emit(e); err != nil {
		return emitError{err}
	}
	return nil
}

func (s *scanner) failed(name string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sum.FilesFailed++
	s.report(Problem{File: name, Err: err})
}

// report tells Options.Problem, one report at a time: callers hold s.mu, or
// run after the workers have stopped.
func (s *scanner) report(p Problem) {
	if s.opts.Problem != nil {
		s.opts.Problem(p)
	}
}

// fileErrors keeps the first bad records of one input.
type fileErrors struct {
	name         string
	max          int
	kept         []*decode.RecordError
	dropped      int
	unknown      int
	firstUnknown error
}

func (f *fileErrors) add(re *decode.RecordError) {
	if errors.Is(re, decode.ErrUnknownFormat) {
		f.unknown++
		if f.firstUnknown == nil {
			f.firstUnknown = re.Err
		}
	}
	if len(f.kept) < f.max {
		f.kept = append(f.kept, re)
	} else {
		f.dropped++
	}
}
