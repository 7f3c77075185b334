package timeorder

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"unsafe"
)

// Defaults for zero Options fields.
const (
	DefaultMaxBytes = 256 << 20
	DefaultFanIn    = 64
)

// sampleEvery is how often Add measures an item's encoded size: the first
// item and every sampleEvery-th after it.
const sampleEvery = 16

var (
	// ErrDrained is returned by Add and Drain once Drain has been called.
	ErrDrained = errors.New("sorter already drained")
	// ErrClosed is returned by Add and Drain after Close.
	ErrClosed = errors.New("sorter closed")
)

// Options tunes a Sorter; the zero value is usable.
type Options struct {
	// MaxBytes is the in-memory budget: once the items held add up to more,
	// they are sorted and written to a run file. Items are kept decoded, so
	// each counts for an estimate of the memory it holds: its slot in the
	// slice, unsafe.Sizeof(T), plus the mean encoded size of the items
	// sampled so far (the first and every 16th, encoded with the Codec),
	// standing for what the item points to. Sampling costs one encoding per
	// 16 items rather than one each. Not counted: the slice's spare capacity
	// as it grows, and garbage the collector has yet to free. 0 means
	// DefaultMaxBytes.
	MaxBytes int64
	// Dir holds the run files; "" means os.TempDir().
	Dir string
	// FanIn is the most sources Drain merges at once, the items in memory
	// being one; with more runs, it first merges them FanIn at a time into
	// bigger runs. Each source holds an open file and a 64 KiB buffer. 0
	// means DefaultFanIn; less than 2 means 2.
	FanIn int
}

// Stats counts what a Sorter did.
type Stats struct {
	Items        int   // items added
	Runs         int   // run files written by Add when the budget was exceeded
	SpilledBytes int64 // bytes in those run files, framing included
	Merged       int   // run files written by Drain to stay within FanIn
	MergedBytes  int64 // bytes in those run files
}

// Sorter collects items and yields them in the order of less, items equal
// under less in the order they were added. Past its memory budget it sorts
// what it holds into a run file; Drain merges the runs with what is left in
// memory.
//
// A Sorter is not safe for concurrent use, and the yield function given to
// Drain must not call back into it. Drain may be called once. Close must be
// called, also after an error, to remove the run files.
type Sorter[T any] struct {
	less  func(a, b *T) bool
	codec Codec[T]
	opts  Options

	items []T
	order []int32 // reused by sorted
	used  int64   // estimated bytes of items
	slot  int64   // bytes of one item in items

	sampledBytes int64 // encoded bytes of the sampled items
	samples      int64
	scratch      []byte

	runs  []*run   // oldest first
	files []string // every run file created, for Close
	stats Stats

	err     error // a spill that failed leaves the Sorter unusable
	drained bool
	closed  bool
}

// New returns a Sorter ordering items by less, spilling them with codec.
func New[T any](less func(a, b *T) bool, codec Codec[T], opts Options) *Sorter[T] {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Dir == "" {
		opts.Dir = os.TempDir()
	}
	switch {
	case opts.FanIn == 0:
		opts.FanIn = DefaultFanIn
	case opts.FanIn < 2:
		opts.FanIn = 2
	}
	var zero T
	return &Sorter[T]{less: less, codec: codec, opts: opts, slot: max(1, int64(unsafe.Sizeof(zero)))}
}

// Add adds one item, writing a run file when the memory budget is exceeded.
// An item the Codec cannot encode is refused, the Sorter unchanged, when it
// is one Add measures; otherwise its error comes when its run is written. An
// error writing a run file leaves the Sorter failed: every later call but
// Close returns it.
func (s *Sorter[T]) Add(item T) error {
	if err := s.usable(); err != nil {
		return err
	}
	s.items = append(s.items, item)
	if s.stats.Items%sampleEvery == 0 {
		// Encode the held copy: &item would move every item to the heap.
		held := &s.items[len(s.items)-1]
		b, err := s.codec.Append(s.scratch[:0], held)
		if err != nil {
			*held = *new(T)
			s.items = s.items[:len(s.items)-1]
			return fmt.Errorf("encode item: %w", err)
		}
		s.scratch = b
		s.sampledBytes += int64(len(b))
		s.samples++
	}
	s.used += s.slot + (s.sampledBytes+s.samples-1)/s.samples
	s.stats.Items++
	if s.used > s.opts.MaxBytes || len(s.items) == maxHeld {
		if err := s.spill(); err != nil {
			s.err = err
			return err
		}
	}
	return nil
}

// maxHeld keeps in-memory positions within an int32.
const maxHeld = 1<<31 - 1

// Len returns the number of items added.
func (s *Sorter[T]) Len() int { return s.stats.Items }

// Stats returns what the Sorter did so far.
func (s *Sorter[T]) Stats() Stats { return s.stats }

// Close removes the run files and releases the items held. It may be called
// more than once; later calls do nothing.
func (s *Sorter[T]) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	for _, path := range s.files {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove run file: %w", err))
		}
	}
	s.runs, s.files, s.items, s.order = nil, nil, nil, nil
	return errors.Join(errs...)
}

func (s *Sorter[T]) usable() error {
	switch {
	case s.closed:
		return ErrClosed
	case s.err != nil:
		return s.err
	case s.drained:
		return ErrDrained
	}
	return nil
}

// sorted returns the positions of the items held, in order. Positions break
// ties, so the unstable sort gives a stable order without moving any item.
func (s *Sorter[T]) sorted() []int32 {
	order := slices.Grow(s.order[:0], len(s.items))
	for i := range s.items {
		order = append(order, int32(i))
	}
	items, less := s.items, s.less
	slices.SortFunc(order, func(a, b int32) int {
		switch {
		case less(&items[a], &items[b]):
			return -1
		case less(&items[b], &items[a]):
			return 1
		}
		return cmp.Compare(a, b)
	})
	s.order = order
	return order
}

// spill writes the items held, sorted, to a new run file and forgets them.
func (s *Sorter[T]) spill() error {
	order := s.sorted()
	r, bytes, err := s.writeRun(func(w *runWriter) error {
		for _, i := range order {
			if err := s.writeItem(w, &s.items[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.runs = append(s.runs, r)
	s.stats.Runs++
	s.stats.SpilledBytes += bytes
	clear(s.items) // drop what the items point to; keep the capacity
	s.items = s.items[:0]
	s.used = 0
	return nil
}

// writeRun creates a run file and fills it with fill. Close removes the file
// whatever happens here.
func (s *Sorter[T]) writeRun(fill func(*runWriter) error) (*run, int64, error) {
	f, err := os.CreateTemp(s.opts.Dir, "timeorder-*.run")
	if err != nil {
		return nil, 0, fmt.Errorf("create run file: %w", err)
	}
	s.files = append(s.files, f.Name())
	r := &run{path: f.Name()}
	w := newRunWriter(f, r)
	err = fill(w)
	if err == nil {
		err = w.flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, 0, fmt.Errorf("write run file: %w", err)
	}
	return r, w.bytes, nil
}

func (s *Sorter[T]) writeItem(w *runWriter, item *T) error {
	b, err := s.codec.Append(s.scratch[:0], item)
	if err != nil {
		return fmt.Errorf("encode item: %w", err)
	}
	s.scratch = b
	return w.write(b)
}
