package tail

import (
	"bytes"
	"io"
	"slices"
)

// chunker cuts what r yields into chunks of whole lines: at most max bytes,
// cut after the last newline within them. A line longer than max goes alone
// and whole up to record bytes; beyond that it is cut (and cut reports it).
// At the end of r an unterminated tail is delivered only when final; when
// final, a rest of at most max bytes goes as one chunk, newlines or not.
type chunker struct {
	r      io.Reader
	max    int
	record int
	final  bool

	buf []byte // read, not yet returned
	eof bool
	cut bool // the last chunk ended inside a line longer than record
}

func newChunker(r io.Reader, max int, final bool) *chunker {
	return &chunker{r: r, max: max, record: 8 * max, final: final}
}

// next returns the next chunk, or nil when there is nothing (more) to
// deliver yet.
func (c *chunker) next() ([]byte, error) {
	c.cut = false
	if err := c.fill(c.max); err != nil {
		return nil, err
	}
	if len(c.buf) == 0 {
		return nil, nil
	}
	if c.final && c.eof && len(c.buf) <= c.max {
		return c.take(len(c.buf)), nil // the rest goes whole: one document stays one chunk
	}
	if i := bytes.LastIndexByte(c.buf[:min(len(c.buf), c.max)], '\n'); i >= 0 {
		return c.take(i + 1), nil
	}
	// No line end within max: one long line, or an unterminated tail.
	if err := c.fill(c.record); err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(c.buf, '\n'); i >= 0 {
		return c.take(i + 1), nil
	}
	if !c.eof {
		c.cut = true
		return c.take(len(c.buf)), nil
	}
	if c.final {
		return c.take(len(c.buf)), nil
	}
	return nil, nil
}

// fill reads until buf holds n bytes or r ends.
func (c *chunker) fill(n int) error {
	for !c.eof && len(c.buf) < n {
		c.buf = slices.Grow(c.buf, n-len(c.buf))
		m, err := c.r.Read(c.buf[len(c.buf):n])
		c.buf = c.buf[:len(c.buf)+m]
		if err == io.EOF {
			c.eof = true
		} else if err != nil {
			return err
		}
	}
	return nil
}

// take hands out the first n buffered bytes; the caller owns them.
func (c *chunker) take(n int) []byte {
	out := c.buf[:n:n]
	c.buf = append([]byte(nil), c.buf[n:]...)
	return out
}
