package tail

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"
)

// kind is what a file holds, told by its first bytes.
type kind uint8

const (
	unknown kind = iota
	plain
	gzipped
)

// file is the state of one followed file.
type file struct {
	Position // where it is now and how far it was delivered

	kind    kind
	size    int64     // at the last scan
	mod     time.Time // at the last scan
	changed time.Time // when a scan last saw size or mod change (our clock)
	seen    time.Time // when a scan first found it
	gone    time.Time // when a scan stopped finding it; zero while found
	saved   bool      // Position is stored as it is (or was, before dirty)
	dirty   bool      // Position changed since it was stored
	oldPath string    // the name it had before a rename, whose position is dropped once the new one is saved

	// A settled gzip file found incomplete is reported once for its size
	// and time, and checked again only when they change.
	badSize int64
	badMod  time.Time
}

// observe records what a scan found.
func (f *file) observe(e entry, now time.Time) {
	if e.size != f.size || !e.mod.Equal(f.mod) {
		f.size, f.mod, f.changed = e.size, e.mod, now
	}
}

// renamedFrom notes that f was known as old; its position is saved under
// the new name at once.
func (f *file) renamedFrom(old string) {
	f.oldPath = old
	f.dirty = true
}

// settled says whether f has not changed for Settle.
func (t *Tailer) settled(f *file, now time.Time) bool {
	return now.Sub(f.changed) >= t.opts.Settle
}

// gzipMagic starts every gzip stream (RFC 1952).
var gzipMagic = [2]byte{0x1f, 0x8b}

// follow delivers what f has that was not delivered yet.
func (t *Tailer) follow(ctx context.Context, f *file, now time.Time, deliver func(context.Context, Chunk) error) {
	t.save(ctx, f) // a rename or a replacement since the last poll
	if f.Done {
		return
	}
	if f.kind == unknown && (f.size == 0 || !t.tell(f, now)) {
		return
	}
	switch f.kind {
	case plain:
		t.followPlain(ctx, f, now, deliver)
	case gzipped:
		if t.settled(f, now) {
			t.followGzip(ctx, f, deliver)
		}
	}
}

// tell reads f's first bytes to know its kind; false when it cannot tell
// yet. The name is no guide: a .gz may be plain text, a .log gzipped.
func (t *Tailer) tell(f *file, now time.Time) bool {
	if f.size < int64(len(gzipMagic)) {
		if !t.settled(f, now) {
			return false // one byte so far: perhaps a gzip header's first
		}
		f.kind = plain
		return true
	}
	fh, ok := t.open(f)
	if !ok {
		return false
	}
	defer fh.Close()
	var head [len(gzipMagic)]byte
	if _, err := io.ReadFull(fh, head[:]); err != nil {
		t.problem(f.Path, err.Error())
		return false
	}
	f.kind = plain
	if head == gzipMagic {
		f.kind = gzipped
	}
	return true
}

// deliverAll passes c's chunks to deliver, advancing and saving f's
// position after each; false when a chunk was not delivered (it will be
// offered again at the next poll).
func (t *Tailer) deliverAll(ctx context.Context, f *file, c *chunker, deliver func(context.Context, Chunk) error) bool {
	for ctx.Err() == nil {
		data, err := c.next()
		if err != nil {
			t.problem(f.Path, err.Error())
			return false
		}
		if data == nil {
			return true
		}
		if c.cut {
			t.linesCut.Add(1)
			t.log.Warn("line too long; delivered in pieces", keyFile, f.Path, "offset", f.Offset, "limit", c.record)
		}
		ch := Chunk{Path: f.Path, Data: data, Offset: f.Offset, End: f.Offset + int64(len(data)), Gzip: f.kind == gzipped}
		if err := deliver(ctx, ch); err != nil {
			if ctx.Err() == nil {
				t.errs.Add(1)
				t.log.Warn("delivery failed; retrying at the next poll", keyFile, f.Path, "offset", f.Offset, keyErr, err)
			}
			return false
		}
		t.chunks.Add(1)
		t.bytesRead.Add(int64(len(data)))
		f.Offset = ch.End
		f.dirty = true
		t.save(ctx, f)
	}
	return false
}

// open opens f, checking that the name still leads to the file the scan
// found (not a new one a rotation put there since); false when it does not
// or cannot be opened: the next poll sorts it out.
func (t *Tailer) open(f *file) (*os.File, bool) {
	fh, err := os.Open(f.Path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			t.problem(f.Path, err.Error())
		}
		return nil, false
	}
	fi, err := fh.Stat()
	if err != nil {
		fh.Close()
		t.problem(f.Path, err.Error())
		return nil, false
	}
	if identity(fi) != f.Identity {
		fh.Close()
		return nil, false
	}
	t.solved(f.Path)
	return fh, true
}
