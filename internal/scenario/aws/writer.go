package aws

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// CloudTrail delivers a file per account and region about every five
// minutes, and splits a busy five minutes into several.
const (
	fileWindow  = 5 * time.Minute
	fileRecords = 5000
	bufferSize  = 256 << 10
)

// writer renders ops into CloudTrail's S3 layout.
type writer struct {
	cloud  *Cloud
	dir    string
	plain  bool
	files  map[fileKey]*file
	idents map[*scenario.Principal]*ident
	rec    rec
	facts  facts
	bytes  int64
	// free writers to reuse: a gzip writer holds about a megabyte.
	freeGzip []*gzip.Writer
	freeBuf  []*bufio.Writer
}

// fileKey is where a record is delivered: its account and region.
type fileKey struct{ account, region string }

// file is one delivery file being written.
type file struct {
	f      *os.File
	buf    *bufio.Writer
	gz     *gzip.Writer
	out    io.Writer // buf, through gz unless plain
	window int64     // the five minutes it holds (Unix time / fileWindow)
	seq    int       // files already written in the window
	n      int       // records written
}

func newWriter(c *Cloud, dir string) (*writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w := &writer{cloud: c, dir: dir, plain: c.Plain, files: map[fileKey]*file{}, idents: map[*scenario.Principal]*ident{}}
	w.rec.w = w
	w.facts = facts{sizes: map[string]int64{}, engines: map[string]*engine{}}
	w.rec.b = make([]byte, 0, 64<<10)
	return w, nil
}

var errIncomplete = errors.New("op without account or actor")

// Write renders op and appends it to its account and region's file.
func (w *writer) Write(op *scenario.Op) error {
	if op.Account == nil || op.Actor == nil {
		return errIncomplete
	}
	r := &w.rec
	r.b, r.op = append(r.b[:0], ' '), op // the separator's place
	id := w.idents[op.Actor]
	if id == nil {
		id = identOf(op.Actor)
		w.idents[op.Actor] = id
	}
	r.id = id
	if err := r.render(); err != nil {
		return fmt.Errorf("%s %s: %w", op.ID, op.Name, err)
	}
	return w.emit(fileKey{r.account, r.region}, op.Time, r.b)
}

// render renders r.op by its kind.
func (r *rec) render() error {
	switch op := r.op; op.Kind {
	case scenario.Read:
		return r.renderRead()
	case scenario.VolumeCreate, scenario.VolumeRestore:
		return r.createVolume()
	case scenario.VolumeDelete:
		return r.deleteVolume()
	case scenario.SnapshotCreate:
		return r.createSnapshot()
	case scenario.SnapshotDelete:
		return r.deleteSnapshot()
	case scenario.SnapshotCopy:
		return r.copySnapshot()
	case scenario.SnapshotShare:
		return r.modifySnapshotAttribute("add")
	case scenario.SnapshotUnshare:
		return r.modifySnapshotAttribute("remove")
	case scenario.SnapshotExport:
		return r.listSnapshotBlocks()
	case scenario.ImageCreate:
		return r.createImage()
	case scenario.ImageShare:
		return r.modifyImageAttribute()
	case scenario.VolumeAttach:
		return r.attachVolume()
	case scenario.InstanceCreate:
		return r.runInstances()
	case scenario.IngressOpen:
		return r.authorizeIngress()
	case scenario.PrincipalCreate:
		return r.createPrincipal()
	case scenario.CredentialCreate:
		return r.createAccessKey()
	case scenario.RoleAssign:
		return r.attachPolicy()
	case scenario.DBSnapshotCreate:
		return r.createDBSnapshot()
	case scenario.DBSnapshotShare:
		return r.modifyDBSnapshotAttribute()
	case scenario.DBRestore:
		return r.restoreDBInstance()
	case scenario.DBModify:
		return r.modifyDBInstance()
	default:
		return fmt.Errorf("unknown op kind %d", op.Kind)
	}
}

// emit appends one record to the file of key, first starting a new file
// when the current one is full or its five minutes are over. record starts
// with a byte left for the separator.
func (w *writer) emit(key fileKey, t time.Time, record []byte) error {
	window := t.Unix() / int64(fileWindow/time.Second)
	f := w.files[key]
	if f != nil && (f.n >= fileRecords || window > f.window) {
		seq := 0
		if window <= f.window { // full: the same five minutes go on in a next file
			window, seq = f.window, f.seq+1
		}
		delete(w.files, key)
		if err := w.closeFile(f); err != nil {
			return err
		}
		f = nil
		var err error
		if f, err = w.openFile(key, window, seq); err != nil {
			return err
		}
	}
	if f == nil {
		var err error
		if f, err = w.openFile(key, window, 0); err != nil {
			return err
		}
	}
	record[0] = ','
	if f.n == 0 {
		record[0] = '['
	}
	f.n++
	n, err := f.out.Write(record)
	w.bytes += int64(n)
	return err
}

// openFile starts the seq-th file of key's five minutes: its name carries
// the end of the window (when CloudTrail would deliver it) and 16
// characters derived from the key, the window and seq.
func (w *writer) openFile(key fileKey, window int64, seq int) (*file, error) {
	at := time.Unix((window+1)*int64(fileWindow/time.Second), 0).UTC()
	s := streamOf(key.account + "/" + key.region + "/" + at.Format(time.RFC3339) + "/" + fmt.Sprint(seq))
	suffix := string(appendChars(nil, &s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 16))
	ext := ".json.gz"
	if w.plain {
		ext = ".json"
	}
	dir := filepath.Join(w.dir, "AWSLogs", key.account, "CloudTrail", key.region, at.Format("2006"), at.Format("01"), at.Format("02"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	name := key.account + "_CloudTrail_" + key.region + "_" + at.Format("20060102T1504Z") + "_" + suffix + ext
	osf, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	f := &file{f: osf, window: window, seq: seq}
	if n := len(w.freeBuf); n > 0 {
		f.buf, w.freeBuf = w.freeBuf[n-1], w.freeBuf[:n-1]
		f.buf.Reset(osf)
	} else {
		f.buf = bufio.NewWriterSize(osf, bufferSize)
	}
	f.out = f.buf
	if !w.plain {
		if n := len(w.freeGzip); n > 0 {
			f.gz, w.freeGzip = w.freeGzip[n-1], w.freeGzip[:n-1]
			f.gz.Reset(f.buf)
		} else if f.gz, err = gzip.NewWriterLevel(f.buf, gzip.BestSpeed); err != nil {
			osf.Close()
			return nil, err
		}
		f.out = f.gz
	}
	head := `{"Records":`
	if _, err := io.WriteString(f.out, head); err != nil {
		osf.Close()
		return nil, err
	}
	w.bytes += int64(len(head))
	w.files[key] = f
	return f, nil
}

// closeFile ends the records array and the file.
func (w *writer) closeFile(f *file) error {
	tail := "]}"
	if f.n == 0 {
		tail = "[]}"
	}
	_, err := io.WriteString(f.out, tail)
	w.bytes += int64(len(tail))
	if f.gz != nil {
		err = cmp.Or(err, f.gz.Close())
		w.freeGzip = append(w.freeGzip, f.gz)
	}
	err = cmp.Or(err, f.buf.Flush())
	w.freeBuf = append(w.freeBuf, f.buf)
	return cmp.Or(err, f.f.Close())
}

// Close finishes every open file and returns the JSON bytes written.
func (w *writer) Close() (int64, error) {
	keys := make([]fileKey, 0, len(w.files))
	for k := range w.files {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b fileKey) int {
		return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.region, b.region))
	})
	var err error
	for _, k := range keys {
		err = cmp.Or(err, w.closeFile(w.files[k]))
		delete(w.files, k)
	}
	return w.bytes, err
}
