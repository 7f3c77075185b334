package timeorder

import (
	"fmt"
	"os"
)

// Drain calls yield with every item, in order, and stops at the first error,
// which it returns as yield gave it. It merges the run files with the items
// held in memory, first merging runs together while there are more than
// Options.FanIn sources. Drain may be called once; later calls, and Add
// after it, return ErrDrained. Close must still be called.
func (s *Sorter[T]) Drain(yield func(T) error) error {
	if err := s.usable(); err != nil {
		return err
	}
	s.drained = true
	mem := &memSource[T]{items: s.items, order: s.sorted()}
	defer func() { s.items, s.order = nil, nil }()
	if len(s.runs) == 0 {
		for _, i := range mem.order {
			if err := yield(mem.items[i]); err != nil {
				return err
			}
		}
		return nil
	}
	for len(s.runs) >= s.opts.FanIn {
		if err := s.mergePass(); err != nil {
			return err
		}
	}
	srcs, closeAll, err := s.openRuns(s.runs)
	defer closeAll()
	if err != nil {
		return err
	}
	return merge(s.less, append(srcs, source[T](mem)), yield)
}

// mergePass merges groups of up to FanIn consecutive runs, from the oldest,
// until few enough are left for the final merge or the pass reaches the end.
// Consecutive runs merged in place stay oldest first, so ties keep their
// order; merging no more than needed keeps the data rewritten small.
func (s *Sorter[T]) mergePass() error {
	shed := len(s.runs) - (s.opts.FanIn - 1) // the items in memory take one slot
	next := make([]*run, 0, len(s.runs))
	i := 0
	for shed > 0 {
		k := min(s.opts.FanIn, shed+1, len(s.runs)-i)
		if k < 2 {
			break
		}
		r, err := s.mergeRuns(s.runs[i : i+k])
		if err != nil {
			return err
		}
		next = append(next, r)
		shed -= k - 1
		i += k
	}
	s.runs = append(next, s.runs[i:]...)
	return nil
}

// mergeRuns writes the items of runs, merged, to a new run file and removes
// the old ones.
func (s *Sorter[T]) mergeRuns(runs []*run) (*run, error) {
	srcs, closeAll, err := s.openRuns(runs)
	defer closeAll()
	if err != nil {
		return nil, err
	}
	r, bytes, err := s.writeRun(func(w *runWriter) error {
		return merge(s.less, srcs, func(item T) error { return s.writeItem(w, &item) })
	})
	if err != nil {
		return nil, err
	}
	closeAll()
	for _, old := range runs {
		if err := os.Remove(old.path); err != nil {
			return nil, fmt.Errorf("remove merged run file: %w", err)
		}
	}
	s.stats.Merged++
	s.stats.MergedBytes += bytes
	return r, nil
}

// openRuns opens runs as sources; closeAll closes whatever was opened and may
// be called more than once.
func (s *Sorter[T]) openRuns(runs []*run) (srcs []source[T], closeAll func(), err error) {
	var files []*os.File
	closeAll = func() {
		for _, f := range files {
			_ = f.Close() // read-only: nothing to lose
		}
		files = nil
	}
	for _, r := range runs {
		src, err := openSource(r, s.codec)
		if err != nil {
			return nil, closeAll, err
		}
		files = append(files, src.f)
		srcs = append(srcs, src)
	}
	return srcs, closeAll, nil
}
