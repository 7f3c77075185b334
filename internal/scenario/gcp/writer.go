package gcp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// A log sink to Cloud Storage writes each log to
// <log id>/YYYY/MM/DD/HH:00:00_HH:59:59_S<shard>.json, one LogEntry a line,
// an hour of entries per file; a busy hour is split into shards.
const (
	activityLog   = "cloudaudit.googleapis.com/activity"
	dataAccessLog = "cloudaudit.googleapis.com/data_access"
	// shardSize is the size at which an hour's file is split.
	shardSize = 64 << 20
	// flushSize is how much a stream buffers before it writes.
	flushSize = 256 << 10
)

// writer renders ops into a sink's files.
type writer struct {
	dir      string
	activity stream
	access   stream
	// pending are the last entries of long-running operations, written
	// when the ops that follow reach their time, so each file stays in
	// time order.
	pending []pendingEntry
	callers callers
	err     error
}

var _ scenario.Writer = (*writer)(nil)

type pendingEntry struct {
	at   time.Time
	line []byte
}

func newWriter(dir string) (*writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w := &writer{dir: dir, callers: callers{}}
	w.activity = stream{dir: filepath.Join(dir, filepath.FromSlash(activityLog)), shards: map[string]int{}}
	w.access = stream{dir: filepath.Join(dir, filepath.FromSlash(dataAccessLog)), shards: map[string]int{}}
	return w, nil
}

// Write renders op: reads into the data-access log, the rest into the
// admin-activity log.
func (w *writer) Write(op *scenario.Op) error {
	if w.err != nil {
		return w.err
	}
	if op.Account == nil || op.Actor == nil {
		return errors.New("gcp: op without account or actor")
	}
	if err := w.release(op.Time); err != nil {
		return err
	}
	if op.Kind == scenario.Read {
		s := &w.access
		b, err := s.reserve(op.Time)
		if err != nil {
			return w.fail(err)
		}
		s.buf = renderRead(b, op, w.callers.of(op.Actor))
		return w.fail(s.settle())
	}
	r := render{op: op, project: op.Account.ID, caller: w.callers.of(op.Actor)}
	if err := r.plan(); err != nil {
		return err
	}
	s := &w.activity
	b, err := s.reserve(op.Time)
	if err != nil {
		return w.fail(err)
	}
	s.buf = r.first(b)
	if err := w.fail(s.settle()); err != nil {
		return err
	}
	if r.lro() {
		w.hold(r.doneAt(), r.last(nil))
	}
	return nil
}

// hold queues a last entry in time order.
func (w *writer) hold(at time.Time, line []byte) {
	i, _ := slices.BinarySearchFunc(w.pending, at, func(p pendingEntry, t time.Time) int {
		if p.at.After(t) {
			return 1
		}
		return -1 // equal times keep their arrival order
	})
	w.pending = slices.Insert(w.pending, i, pendingEntry{at, line})
}

// release writes the pending entries due by t.
func (w *writer) release(t time.Time) error {
	n := 0
	for ; n < len(w.pending) && !w.pending[n].at.After(t); n++ {
		p := w.pending[n]
		b, err := w.activity.reserve(p.at)
		if err != nil {
			return w.fail(err)
		}
		w.activity.buf = append(b, p.line...)
		if err := w.fail(w.activity.settle()); err != nil {
			return err
		}
	}
	w.pending = slices.Delete(w.pending, 0, n)
	return nil
}

func (w *writer) fail(err error) error {
	if err != nil && w.err == nil {
		w.err = err
	}
	return err
}

// Close writes what is pending and closes the files.
func (w *writer) Close() (int64, error) {
	if w.err == nil && len(w.pending) > 0 {
		_ = w.release(w.pending[len(w.pending)-1].at)
	}
	err := errors.Join(w.err, w.activity.close(), w.access.close())
	return w.activity.written + w.access.written, err
}

// stream is one log's files: the current hour's shard and its buffer.
type stream struct {
	dir     string
	f       *os.File
	hour    int64 // Unix hour of the open file
	size    int64 // bytes in the open file, buffered included
	buf     []byte
	mark    int   // len(buf) before the entry being rendered
	written int64 // bytes of every file
	shards  map[string]int
}

// reserve makes the stream ready for an entry at t and returns its buffer.
func (s *stream) reserve(t time.Time) ([]byte, error) {
	h := t.Unix() / 3600
	if s.f == nil || h != s.hour || s.size >= shardSize {
		if err := s.open(t, h); err != nil {
			return s.buf, err
		}
	}
	s.mark = len(s.buf)
	return s.buf, nil
}

// settle counts the entry just rendered and writes a full buffer.
func (s *stream) settle() error {
	n := int64(len(s.buf) - s.mark)
	s.size += n
	s.written += n
	if len(s.buf) >= flushSize {
		return s.flush()
	}
	return nil
}

func (s *stream) flush() error {
	if len(s.buf) == 0 || s.f == nil {
		return nil
	}
	_, err := s.f.Write(s.buf)
	s.buf = s.buf[:0]
	return err
}

// open closes the current file and opens the next shard of t's hour.
func (s *stream) open(t time.Time, h int64) error {
	if err := s.close(); err != nil {
		return err
	}
	t = t.UTC()
	day := filepath.Join(s.dir, t.Format("2006"), t.Format("01"), t.Format("02"))
	if err := os.MkdirAll(day, 0o755); err != nil {
		return err
	}
	hh := t.Format("15")
	prefix := filepath.Join(day, hh+":00:00_"+hh+":59:59_S")
	shard := s.shards[prefix]
	s.shards[prefix] = shard + 1
	f, err := os.OpenFile(fmt.Sprintf("%s%d.json", prefix, shard), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	s.f, s.hour, s.size = f, h, 0
	return nil
}

func (s *stream) close() error {
	if s.f == nil {
		return nil
	}
	err := s.flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f = nil
	return err
}
