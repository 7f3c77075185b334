package source

import (
	"io"
	"sync/atomic"
)

// countingReader counts bytes read; the count may be read from another
// goroutine (the progress display).
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
