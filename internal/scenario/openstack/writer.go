package openstack

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// service is a notification stream: one folder of hourly files.
type service int

const (
	nova service = iota
	cinder
	neutron
	glance
	keystone
	trove
	nServices
)

var serviceNames = [nServices]string{"nova", "cinder", "neutron", "glance", "keystone", "trove"}

// flushAt is how much a stream buffers before it writes.
const flushAt = 1 << 20

// stream is one folder of hourly NDJSON files, written forward in time: a
// record stamped before the open file's hour (a response that came in after
// the rotation) goes to the open file, as a collector rotating on arrival
// would put it.
type stream struct {
	dir  string
	hour int64 // unix hour of the open file
	f    *os.File
	buf  []byte
}

// at makes the open file the one for t's hour, or a later one.
func (s *stream) at(t time.Time, w *writer) {
	h := t.Unix() / 3600
	if s.f != nil && h <= s.hour {
		return
	}
	s.close(w)
	day := filepath.Join(s.dir, t.UTC().Format("2006-01-02"))
	if err := os.MkdirAll(day, 0o755); err != nil {
		w.fail(err)
		return
	}
	f, err := os.Create(filepath.Join(day, string(append2(nil, t.UTC().Hour()))+".ndjson"))
	if err != nil {
		w.fail(err)
		return
	}
	s.f, s.hour = f, h
}

// flush writes the buffer out.
func (s *stream) flush(w *writer) {
	if len(s.buf) == 0 {
		return
	}
	if s.f == nil {
		w.fail(errors.New("record without an open file"))
	} else if _, err := s.f.Write(s.buf); err != nil {
		w.fail(err)
	}
	w.bytes += int64(len(s.buf))
	s.buf = s.buf[:0]
}

func (s *stream) close(w *writer) {
	s.flush(w)
	if s.f != nil {
		if err := s.f.Close(); err != nil {
			w.fail(err)
		}
		s.f = nil
	}
}

// queued is a notification waiting for the ops before its time to be
// written: an operation's closing record comes seconds or minutes after
// its start, when later operations may have begun.
type queued struct {
	t    time.Time
	seq  int
	svc  service
	line []byte
}

// writer renders ops as notifications and audit events.
type writer struct {
	cloud *Cloud
	audit stream
	notes [nServices]stream
	queue []queued
	seq   int
	bytes int64
	err   error

	projects   map[string]*project
	last       *project
	initiators map[*scenario.Principal]initiator
	targets    map[string][]string // project id → the read calls' CADF targets
	snapVolume map[string]string   // snapshot → the volume it was taken of
	scratch    jw
	path       []byte
	quoted     []byte
	clock      clock
}

// initiator is a principal's CADF initiator, rendered once per project.
type initiator struct {
	project string
	json    []byte
}

func newWriter(c *Cloud, dir string) *writer {
	w := &writer{cloud: c, projects: map[string]*project{}, initiators: map[*scenario.Principal]initiator{},
		targets: map[string][]string{}, snapVolume: map[string]string{}}
	w.audit = stream{dir: filepath.Join(dir, "audit"), buf: make([]byte, 0, flushAt+64<<10)}
	for i := range w.notes {
		w.notes[i] = stream{dir: filepath.Join(dir, "notifications", serviceNames[i])}
	}
	return w
}

func (w *writer) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// Write renders one op. Reads and refused calls go to the audit stream at
// once; notifications wait in the queue until no later op can precede them.
func (w *writer) Write(op *scenario.Op) error {
	if w.err != nil {
		return w.err
	}
	if op.Account == nil || op.Actor == nil {
		return fmt.Errorf("op %s: no account or actor", op.ID)
	}
	w.drain(op.Time)
	d := deriveFrom(op.ID)
	p := w.project(op.Account.ID)
	switch {
	case op.Kind == scenario.Read:
		if err := w.read(op, p, &d); err != nil {
			return err
		}
	case op.Failed:
		w.refused(op, p, &d)
	default:
		if err := w.notify(op, p, &d); err != nil {
			return err
		}
	}
	if len(w.audit.buf) >= flushAt {
		w.audit.flush(w)
	}
	return w.err
}

// Close writes what is queued and closes every file.
func (w *writer) Close() (int64, error) {
	w.drain(time.Time{})
	w.audit.close(w)
	for i := range w.notes {
		w.notes[i].close(w)
	}
	return w.bytes, w.err
}

// project returns what the writer knows of a project.
func (w *writer) project(id string) *project {
	if w.last != nil && w.last.id == id {
		return w.last
	}
	p := w.projects[id]
	if p == nil {
		p = newProject(id)
		w.projects[id] = p
	}
	w.last = p
	return p
}

// enqueue queues a notification line stamped t.
func (w *writer) enqueue(svc service, t time.Time, line []byte) {
	w.seq++
	q := queued{t: t, seq: w.seq, svc: svc, line: line}
	i, _ := slices.BinarySearchFunc(w.queue, q, func(a, b queued) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	w.queue = slices.Insert(w.queue, i, q)
}

// drain writes the queued notifications stamped up to t (all of them when t
// is zero).
func (w *writer) drain(t time.Time) {
	n := 0
	for _, q := range w.queue {
		if !t.IsZero() && q.t.After(t) {
			break
		}
		s := &w.notes[q.svc]
		s.at(q.t, w)
		s.buf = append(s.buf, q.line...)
		if len(s.buf) >= flushAt {
			s.flush(w)
		}
		n++
	}
	w.queue = slices.Delete(w.queue, 0, n)
}

// name is the display name of a resource: the one the generator made it
// for, or its fleet name.
func (w *writer) name(p *project, id string) string {
	if r, ok := w.cloud.lookup(id); ok {
		return r.name
	}
	return p.names[id]
}

// kindOf tells what the generator made id as.
func (w *writer) kindOf(id string) (scenario.ResourceKind, bool) {
	r, ok := w.cloud.lookup(id)
	return r.kind, ok
}
