package tail

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// followGzip delivers a settled gzip file decompressed, once: only after a
// first pass has read the whole stream (every member, every checksum), so a
// file still being written, or cut short, delivers nothing. One that stays
// incomplete is reported once for its size and time, and checked again when
// it changes. The position counts decompressed bytes, so a delivery that
// failed half way resumes after the part delivered.
func (t *Tailer) followGzip(ctx context.Context, f *file, deliver func(context.Context, Chunk) error) {
	if f.size == f.badSize && f.mod.Equal(f.badMod) {
		return
	}
	fh, ok := t.open(f)
	if !ok {
		return
	}
	defer fh.Close()
	small := &capped{max: t.opts.MaxChunk}
	total, err := decompress(fh, small)
	if err != nil {
		f.badSize, f.badMod = f.size, f.mod
		t.gzipIncomplete.Add(1)
		t.log.Warn("gzip file incomplete or corrupt; waiting for it to change", keyFile, f.Path, "size", f.size, keyErr, err)
		return
	}
	if f.Offset > total {
		t.truncations.Add(1)
		t.log.Info("gzip file shorter than its position; reading it from the start", keyFile, f.Path, "offset", f.Offset, "size", total)
		f.Offset, f.dirty = 0, true
	}
	var r io.Reader
	if !small.over {
		r = bytes.NewReader(small.buf[f.Offset:])
	} else {
		zr, err := reopen(fh, f.Offset)
		if err != nil {
			t.problem(f.Path, err.Error())
			return
		}
		r = zr
	}
	if t.deliverAll(ctx, f, newChunker(r, t.opts.MaxChunk, true), deliver) {
		f.Done, f.dirty = true, true
		t.save(ctx, f)
	}
}

// decompress reads the whole gzip stream in r into w, returning its
// decompressed size.
func decompress(r io.Reader, w io.Writer) (int64, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(w, zr)
	if err != nil {
		return n, err
	}
	return n, zr.Close()
}

// reopen decompresses fh again from its start, skipping skip bytes.
func reopen(fh io.ReadSeeker, skip int64) (io.Reader, error) {
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(fh)
	if err != nil {
		return nil, err
	}
	if n, err := io.CopyN(io.Discard, zr, skip); err != nil {
		return nil, fmt.Errorf("skip %d delivered bytes (got %d): %w", skip, n, err)
	}
	return zr, nil
}

// capped keeps what is written while it fits in max bytes; past that it
// keeps nothing and only says so.
type capped struct {
	buf  []byte
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if !c.over && len(c.buf)+len(p) <= c.max {
		c.buf = append(c.buf, p...)
	} else {
		c.over, c.buf = true, nil
	}
	return len(p), nil
}
