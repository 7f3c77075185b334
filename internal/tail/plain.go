package tail

import (
	"context"
	"io"
	"time"
)

// followPlain delivers the lines appended to a plain file since its
// position, and its unterminated tail once it has settled. A file shorter
// than its position was truncated (copytruncate rotation) and is read again
// from the start.
func (t *Tailer) followPlain(ctx context.Context, f *file, now time.Time, deliver func(context.Context, Chunk) error) {
	if f.size < f.Offset {
		t.truncations.Add(1)
		t.log.Info("file truncated; reading it from the start", keyFile, f.Path, "size", f.size, "offset", f.Offset)
		f.Offset, f.dirty = 0, true
		t.save(ctx, f)
	}
	if f.size == f.Offset {
		return
	}
	fh, ok := t.open(f)
	if !ok {
		return
	}
	defer fh.Close()
	if t.holdStart(fh, f, now) {
		return
	}
	// Up to the size the scan saw: what was appended since waits for the
	// next poll, whose scan tells whether the file is still being written.
	r := io.NewSectionReader(fh, f.Offset, f.size-f.Offset)
	t.deliverAll(ctx, f, newChunker(r, t.opts.MaxChunk, t.settled(f, now)), deliver)
}

// holdStart says whether to wait before delivering the start of a file
// whose data does not end in a newline yet: a document written whole (a
// pretty-printed JSON export) must go in one chunk, not as its lines and
// then, once settled, its last one. The wait ends when the file settles or
// ends in a newline, or after 4×Settle, so that a busy log whose writer
// always leaves half a line at the end is not held for good.
func (t *Tailer) holdStart(fh io.ReaderAt, f *file, now time.Time) bool {
	if f.Offset != 0 || t.settled(f, now) || now.Sub(f.seen) >= 4*t.opts.Settle {
		return false
	}
	var last [1]byte
	if _, err := fh.ReadAt(last[:], f.size-1); err != nil {
		return true // shorter than the scan saw: the next poll tells
	}
	return last[0] != '\n'
}
