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
	// Up to the size the scan saw: what was appended since waits for the
	// next poll, whose scan tells whether the file is still being written.
	r := io.NewSectionReader(fh, f.Offset, f.size-f.Offset)
	t.deliverAll(ctx, f, newChunker(r, t.opts.MaxChunk, t.settled(f, now)), deliver)
}
