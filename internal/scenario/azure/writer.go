package azure

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"slices"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// writer writes a diagnostic setting's blobs: one PT1H.json per
// subscription and hour of event time,
// insights-activity-logs/resourceId=/SUBSCRIPTIONS/<SUB>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json,
// a record per line. An operation's records go to the blob of its first
// record's hour.
type writer struct {
	root  string
	blobs map[string]*blob // by subscription id
	ids   map[identKey]*ident
	reads map[*scenario.Account]readSet
	buf   []byte
	req   []byte
	resp  []byte
	n     int64
}

type blob struct {
	f    *os.File
	w    *bufio.Writer
	hour int64 // unix hours
}

func newWriter(dir string) (*writer, error) {
	root := filepath.Join(dir, "insights-activity-logs")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	return &writer{root: root, blobs: map[string]*blob{}, ids: map[identKey]*ident{},
		reads: map[*scenario.Account]readSet{}}, nil
}

// Write renders op and writes its records.
func (w *writer) Write(op *scenario.Op) error {
	if op.Account == nil || op.Actor == nil {
		return errors.New("azure: op without account or actor")
	}
	b, err := w.render(w.buf[:0], op)
	w.buf = b
	if err != nil {
		return err
	}
	bl, err := w.blobFor(op)
	if err != nil {
		return err
	}
	if _, err := bl.w.Write(b); err != nil {
		return err
	}
	w.n += int64(len(b))
	return nil
}

// blobFor returns the open blob of op's subscription and hour, closing the
// subscription's previous one.
func (w *writer) blobFor(op *scenario.Op) (*blob, error) {
	sub := op.Account.ID
	hour := op.Time.Unix() / 3600
	if bl := w.blobs[sub]; bl != nil {
		if bl.hour == hour {
			return bl, nil
		}
		delete(w.blobs, sub)
		if err := bl.close(); err != nil {
			return nil, err
		}
	}
	t := op.Time.UTC()
	var p []byte
	p = append(p, "resourceId=/SUBSCRIPTIONS/"...)
	p = appendUpper(p, sub)
	p = append(p, "/y="...)
	p = appendDigits(p, t.Year(), 4)
	p = append(p, "/m="...)
	p = appendDigits(p, int(t.Month()), 2)
	p = append(p, "/d="...)
	p = appendDigits(p, t.Day(), 2)
	p = append(p, "/h="...)
	p = appendDigits(p, t.Hour(), 2)
	p = append(p, "/m=00"...)
	dir := filepath.Join(w.root, filepath.FromSlash(string(p)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// Append: ops of an hour that was closed (out of order) are kept.
	f, err := os.OpenFile(filepath.Join(dir, "PT1H.json"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	bl := &blob{f: f, w: bufio.NewWriterSize(f, 256<<10), hour: hour}
	w.blobs[sub] = bl
	return bl, nil
}

func (bl *blob) close() error {
	err := bl.w.Flush()
	return errors.Join(err, bl.f.Close())
}

// Close flushes and closes the open blobs and reports the bytes written.
func (w *writer) Close() (int64, error) {
	subs := make([]string, 0, len(w.blobs))
	for s := range w.blobs {
		subs = append(subs, s)
	}
	slices.Sort(subs)
	var errs []error
	for _, s := range subs {
		errs = append(errs, w.blobs[s].close())
	}
	clear(w.blobs)
	return w.n, errors.Join(errs...)
}

// readSetOf returns the read targets of an account.
func (w *writer) readSetOf(a *scenario.Account) readSet {
	rs := w.reads[a]
	if rs == nil {
		rs = newReadSet(a)
		w.reads[a] = rs
	}
	return rs
}
