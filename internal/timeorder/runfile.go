package timeorder

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// A run file is a sequence of frames, one per item, in sorted order:
//
//	uvarint(len(payload)) | payload | crc32c(uvarint bytes + payload), little-endian
//
// The sorter remembers each run's item count and longest payload, so a reader
// refuses a length it never wrote (no huge allocation), a short file and
// trailing bytes; the checksum catches flipped bits.

// ErrCorruptRun reports a run file that does not hold what was written to it.
var ErrCorruptRun = errors.New("corrupt run file")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const bufSize = 64 << 10

// run is one sorted run file on disk.
type run struct {
	path   string
	count  int // items written
	maxLen int // longest payload written
}

// runWriter frames encoded items into a run file.
type runWriter struct {
	bw    *bufio.Writer
	hdr   [binary.MaxVarintLen64]byte
	run   *run
	bytes int64
}

func newRunWriter(w io.Writer, r *run) *runWriter {
	return &runWriter{bw: bufio.NewWriterSize(w, bufSize), run: r}
}

// write frames one encoded payload.
func (w *runWriter) write(payload []byte) error {
	n := binary.PutUvarint(w.hdr[:], uint64(len(payload)))
	sum := crc32.Update(crc32.Checksum(w.hdr[:n], castagnoli), castagnoli, payload)
	var tail [4]byte
	binary.LittleEndian.PutUint32(tail[:], sum)
	if _, err := w.bw.Write(w.hdr[:n]); err != nil {
		return err
	}
	if _, err := w.bw.Write(payload); err != nil {
		return err
	}
	if _, err := w.bw.Write(tail[:]); err != nil {
		return err
	}
	w.run.count++
	w.run.maxLen = max(w.run.maxLen, len(payload))
	w.bytes += int64(n + len(payload) + len(tail))
	return nil
}

func (w *runWriter) flush() error { return w.bw.Flush() }

// runReader reads back the frames of one run, checking them against what the
// writer recorded.
type runReader struct {
	br     *bufio.Reader
	left   int // frames still expected
	maxLen int
	buf    []byte
	hdr    [binary.MaxVarintLen64]byte
}

func newRunReader(r io.Reader, count, maxLen int) *runReader {
	return &runReader{br: bufio.NewReaderSize(r, bufSize), left: count, maxLen: maxLen}
}

// next returns the next payload, valid until the following call, or io.EOF
// once every frame has been read and the file ends there.
func (r *runReader) next() ([]byte, error) {
	if r.left <= 0 {
		if _, err := r.br.ReadByte(); err == nil {
			return nil, fmt.Errorf("%w: data after the last item", ErrCorruptRun)
		} else if err != io.EOF {
			return nil, err
		}
		return nil, io.EOF
	}
	n, hlen, err := r.readLen()
	if err != nil {
		return nil, err
	}
	if cap(r.buf) < n {
		r.buf = make([]byte, n)
	}
	r.buf = r.buf[:n]
	var tail [4]byte
	if _, err := io.ReadFull(r.br, r.buf); err != nil {
		return nil, r.short(err)
	}
	if _, err := io.ReadFull(r.br, tail[:]); err != nil {
		return nil, r.short(err)
	}
	sum := crc32.Update(crc32.Checksum(r.hdr[:hlen], castagnoli), castagnoli, r.buf)
	if binary.LittleEndian.Uint32(tail[:]) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorruptRun)
	}
	r.left--
	return r.buf, nil
}

// readLen reads a frame's uvarint length, keeping its bytes for the checksum.
func (r *runReader) readLen() (n, hlen int, err error) {
	var v uint64
	var shift uint
	for i := range len(r.hdr) {
		c, err := r.br.ReadByte()
		if err != nil {
			return 0, 0, r.short(err)
		}
		r.hdr[i] = c
		if i == len(r.hdr)-1 && c > 1 {
			break // would overflow 64 bits
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			if v > uint64(r.maxLen) {
				return 0, 0, fmt.Errorf("%w: item of %d bytes, longest written was %d", ErrCorruptRun, v, r.maxLen)
			}
			return int(v), i + 1, nil
		}
		shift += 7
	}
	return 0, 0, fmt.Errorf("%w: bad item length", ErrCorruptRun)
}

func (r *runReader) short(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: ends %d items early", ErrCorruptRun, r.left)
	}
	return err
}
