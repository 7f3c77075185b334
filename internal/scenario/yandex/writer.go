package yandex

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Delivery: a trail uploads a file about every five minutes, and sooner
// when a file grows large.
const (
	fileWindow = 5 * time.Minute
	maxFile    = 32 << 20
)

// writer renders ops into trail files. Records are written in event time
// order: the later records of an operation (DONE) wait in pending until
// the ops that come before them have been written.
type writer struct {
	c       *Cloud
	root    string
	trails  map[string]*trailFile // by trail id
	folders map[string]*folderOut // by folder id
	actors  map[*scenario.Principal]*actorOut
	// The folder of the previous op, and the op being rendered.
	lastAcct   *scenario.Account
	lastFolder *folderOut
	cur        call
	sa         map[string]bool      // principals made by CreateServiceAccount
	sgRules    map[string][]ingress // a security group's INGRESS rules so far
	pending    []pend
	buf        []byte
	bytes      int64
	err        error
}

// pend is a record waiting for its time.
type pend struct {
	t   time.Time
	tf  *trailFile
	rec []byte
}

// NewWriter writes under dir the files of each trail the ops' folders
// belong to.
func (c *Cloud) NewWriter(dir string) (scenario.Writer, error) {
	c.init()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &writer{c: c, root: dir, trails: map[string]*trailFile{}, folders: map[string]*folderOut{},
		actors: map[*scenario.Principal]*actorOut{}, sa: map[string]bool{}, sgRules: map[string][]ingress{},
		buf: make([]byte, 0, 4096)}, nil
}

var errNoActor = errors.New("yandex: op without actor or account")

// Write renders op: its first record now, the rest when their time comes.
func (w *writer) Write(op *scenario.Op) error {
	if w.err != nil {
		return w.err
	}
	if op == nil || op.Actor == nil || op.Account == nil {
		return errNoActor
	}
	if w.err = w.flush(op.Time, false); w.err != nil {
		return w.err
	}
	c := w.call(op)
	var err error
	switch op.Kind {
	case scenario.Read:
		err = w.read(c)
	case scenario.InstanceCreate:
		err = w.createInstance(c)
	default:
		r, ok := renderers[op.Kind]
		if !ok {
			return errors.New("yandex: no Audit Trails event for op kind " + strconv.Itoa(int(op.Kind)))
		}
		err = w.operation(c, r)
	}
	if err != nil {
		w.err = err
	}
	return err
}

// Close writes what waits, closes every file and returns the bytes written.
func (w *writer) Close() (int64, error) {
	err := w.err
	if err == nil {
		err = w.flush(time.Time{}, true)
	}
	ids := make([]string, 0, len(w.trails))
	for id := range w.trails {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if cerr := w.closeFile(w.trails[id]); err == nil {
			err = cerr
		}
	}
	if w.err == nil {
		w.err = errors.New("yandex: writer closed")
	}
	return w.bytes, err
}

// later queues a record for time t, after those queued for the same time.
func (w *writer) later(tf *trailFile, t time.Time, rec []byte) {
	p := pend{t: t, tf: tf, rec: append([]byte(nil), rec...)}
	i := len(w.pending)
	for i > 0 && w.pending[i-1].t.After(t) {
		i--
	}
	w.pending = slices.Insert(w.pending, i, p)
}

// flush writes the queued records due by t (all of them when all is set).
func (w *writer) flush(t time.Time, all bool) error {
	n := 0
	for n < len(w.pending) && (all || !w.pending[n].t.After(t)) {
		p := w.pending[n]
		if err := w.emit(p.tf, p.t, p.rec); err != nil {
			return err
		}
		w.pending[n] = pend{}
		n++
	}
	if n > 0 {
		w.pending = w.pending[:copy(w.pending, w.pending[n:])]
	}
	return nil
}

// trailFile is the file a trail is filling. Records are rendered straight
// into its buffer, which goes to the file in large writes.
type trailFile struct {
	dir    string // <root>/trail/<trail id>
	f      *os.File
	buf    []byte
	end    time.Time // the file's window closes here
	size   int       // bytes in the file, written or buffered
	n      int
	last   time.Time // the time in the previous file's name
	dayDir string
}

const flushAt = 256 << 10

// start returns the trail's buffer ready for a record at t: the next file
// opened when the window closed or the file is full, the separator written.
// The caller appends the record and hands the buffer to commit.
func (w *writer) start(tf *trailFile, t time.Time) ([]byte, error) {
	if tf.f != nil && (!t.Before(tf.end) || tf.size > maxFile) {
		if err := w.closeFile(tf); err != nil {
			return nil, err
		}
	}
	if tf.f == nil {
		if err := w.openFile(tf, t); err != nil {
			return nil, err
		}
	}
	b := tf.buf
	if tf.n > 0 {
		b = append(b, ',', '\n')
	}
	return b, nil
}

// commit takes the buffer back with a record appended, writing it out when
// it has grown large.
func (w *writer) commit(tf *trailFile, b []byte) error {
	added := len(b) - len(tf.buf)
	tf.size += added
	w.bytes += int64(added)
	tf.n++
	tf.buf = b
	if len(b) >= flushAt {
		_, err := tf.f.Write(b)
		tf.buf = b[:0]
		return err
	}
	return nil
}

// emit writes a record rendered elsewhere.
func (w *writer) emit(tf *trailFile, t time.Time, rec []byte) error {
	b, err := w.start(tf, t)
	if err != nil {
		return err
	}
	return w.commit(tf, append(b, rec...))
}

// openFile starts a file named by t (HHMMSSmmm.json in the day's folder),
// a millisecond after the previous name at least.
func (w *writer) openFile(tf *trailFile, t time.Time) error {
	t = t.UTC()
	name := t.Truncate(time.Millisecond)
	if !name.After(tf.last) {
		name = tf.last.Add(time.Millisecond)
	}
	tf.last = name
	y, mo, d := name.Date()
	day := filepath.Join(tf.dir, string(appendDigits(nil, y, 4)), string(appendDigits(nil, int(mo), 2)),
		string(appendDigits(nil, d, 2)))
	if day != tf.dayDir {
		if err := os.MkdirAll(day, 0o755); err != nil {
			return err
		}
		tf.dayDir = day
	}
	h, mi, s := name.Clock()
	base := appendDigits(nil, h, 2)
	base = appendDigits(base, mi, 2)
	base = appendDigits(base, s, 2)
	base = appendDigits(base, name.Nanosecond()/int(time.Millisecond), 3)
	f, err := os.Create(filepath.Join(day, string(base)+".json"))
	if err != nil {
		return err
	}
	if tf.buf == nil {
		tf.buf = make([]byte, 0, flushAt+64<<10)
	}
	tf.f, tf.buf = f, append(tf.buf[:0], '[')
	tf.end = t.Truncate(fileWindow).Add(fileWindow)
	tf.size, tf.n = 1, 0
	w.bytes++
	return nil
}

func (w *writer) closeFile(tf *trailFile) error {
	if tf.f == nil {
		return nil
	}
	tf.buf = append(tf.buf, ']')
	w.bytes++
	_, err := tf.f.Write(tf.buf)
	if cerr := tf.f.Close(); err == nil {
		err = cerr
	}
	tf.f, tf.buf = nil, tf.buf[:0]
	return err
}

// trail returns the file state of a trail.
func (w *writer) trail(id string) *trailFile {
	tf := w.trails[id]
	if tf == nil {
		tf = &trailFile{dir: filepath.Join(w.root, "trail", id)}
		w.trails[id] = tf
	}
	return tf
}
