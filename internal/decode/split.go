package decode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Wrapper keys: an object whose member under one of these keys is an array is
// a container (S3 delivery file, Event Hub batch, REST page, VK log page,
// lookup-events output, an audit API's event list, a Logging API page); its
// elements are the records. Other members of a container (paging markers, counts) are skipped.
var wrapperKeys = map[string]bool{
	"Records": true, "records": true, "value": true, "logs": true, "Events": true, "events": true, "entries": true,
}

// DefaultMaxRecord is the largest single record kept in memory.
const DefaultMaxRecord = 64 << 20

const readChunk = 256 << 10

var errTooLarge = errors.New("record too large")

// Chunk is one record's bytes as found in the input: a JSON value, or a line
// of text where a JSON value was expected (syslog, CEF). Bytes are valid
// until the next call to Next.
type Chunk struct {
	Bytes  []byte
	Line   int   // 1-based line of the first byte
	Offset int64 // byte offset of the first byte
	Text   bool  // not JSON: a line of text
	// Whole is set for an object read as one whole line (NDJSON) without
	// checking its brackets: if it does not parse, or is a container, call
	// Rewind and the splitter reads it again the careful way.
	Whole bool
}

type splitState int

const (
	stTop       splitState = iota // between top-level values
	stArray                       // inside a top-level array
	stWrapper                     // inside a container's record array
	stAfterWrap                   // the rest of a container object, after its array
)

// Splitter cuts a stream into records without parsing them, in constant
// memory: NDJSON, concatenated JSON, a top-level array, or a container object
// such as {"Records":[…]} whose array is streamed element by element.
type Splitter struct {
	r        io.Reader
	buf      []byte
	pos, end int   // unread window is buf[pos:end]
	base     int64 // input offset of buf[0]
	line     int   // line number of buf[lineAt]
	lineAt   int
	eof      bool
	borrowed bool // buf is the caller's input (ResetBytes): never written
	readErr  error
	state    splitState
	max      int
	fatal    error
	skipLine bool // the last text line was cut; skip its rest
	// careful disables the NDJSON fast path for the next object (after a
	// Rewind); rewind is where the last Whole chunk started.
	careful bool
	rewind  struct {
		pos, line int
		ok        bool
	}
}

// NewSplitter returns a Splitter reading r.
func NewSplitter(r io.Reader) *Splitter {
	return &Splitter{r: r, buf: make([]byte, 0, readChunk), line: 1, max: DefaultMaxRecord}
}

// maxKeptBuffer is the largest buffer Reset keeps for the next input; one
// grown for a huge record is dropped rather than held by an idle worker.
const maxKeptBuffer = 4 * readChunk

// Reset makes s read r from its start, as NewSplitter(r) would, but keeps
// its buffer: a Decoder reads input after input with one Splitter.
func (s *Splitter) Reset(r io.Reader) {
	buf := s.buf[:0]
	if s.borrowed || cap(buf) == 0 || cap(buf) > maxKeptBuffer {
		buf = make([]byte, 0, readChunk) // never the input of ResetBytes
	}
	*s = Splitter{r: r, buf: buf, line: 1, max: DefaultMaxRecord}
}

// ResetBytes makes s split data, the whole input, without copying it: the
// chunks point into data, which s never writes.
func (s *Splitter) ResetBytes(data []byte) {
	*s = Splitter{buf: data[:len(data):len(data)], end: len(data), eof: true, borrowed: true, line: 1, max: DefaultMaxRecord}
}

// SetMaxRecord changes the largest record kept in memory.
func (s *Splitter) SetMaxRecord(n int) { s.max = n }

// Offset returns the input offset of the next unread byte.
func (s *Splitter) Offset() int64 { return s.base + int64(s.pos) }

// fill reads more input. It first drops buf[:keep], so every index the
// caller holds must be lowered by keep. It reports false at the end of input.
func (s *Splitter) fill(keep int) bool {
	s.rewind.ok = false
	if keep > 0 {
		s.countLines(keep)
		n := s.end - keep
		if s.borrowed {
			s.buf = s.buf[keep:s.end] // the same window, nothing moved
		} else {
			copy(s.buf[:cap(s.buf)], s.buf[keep:s.end])
			s.buf = s.buf[:n]
		}
		s.base += int64(keep)
		s.pos -= keep
		s.lineAt -= keep
		s.end = n
	}
	if s.eof {
		return false
	}
	if s.end == cap(s.buf) {
		nb := make([]byte, s.end, 2*cap(s.buf))
		copy(nb, s.buf)
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:cap(s.buf)])
		s.end += n
		s.buf = s.buf[:s.end]
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.readErr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// countLines advances the line counter over buf[lineAt:upto].
func (s *Splitter) countLines(upto int) {
	if upto > s.lineAt {
		s.line += bytes.Count(s.buf[s.lineAt:upto], []byte{'\n'})
		s.lineAt = upto
	}
}

// skipSpace advances pos over whitespace (and a UTF-8 BOM), keeping
// buf[keep:] on refills (keep is adjusted), and reports whether a byte is
// available.
func (s *Splitter) skipSpace(keep *int) bool {
	for {
		for s.pos < s.end {
			switch s.buf[s.pos] {
			case ' ', '\t', '\r', '\n':
				s.pos++
				continue
			case 0xEF:
				if s.end-s.pos < 3 && !s.eof {
					goto more // a BOM may straddle the read
				}
				if s.end-s.pos >= 3 && s.buf[s.pos+1] == 0xBB && s.buf[s.pos+2] == 0xBF {
					s.pos += 3
					continue
				}
			}
			return true
		}
	more:
		k := s.pos
		if keep != nil {
			k = *keep
		}
		ok := s.fill(k)
		if keep != nil {
			*keep = 0
		}
		if !ok && s.pos >= s.end {
			return false
		}
	}
}

// scan finds the end (exclusive) of the JSON value at pos, keeping buf[keep:]
// on refills (keep is adjusted; pos stays at the value's start). Brackets are
// balanced and strings skipped; the value is not validated, the parser does
// that. A value longer than max is reported as errTooLarge once its end is
// found (its bytes are dropped on the way).
func (s *Splitter) scan(keep *int) (end int, err error) {
	if c := s.buf[s.pos]; c == '}' || c == ']' || c == ',' || c == ':' {
		return 0, fmt.Errorf("unexpected %q where a value was expected", c)
	}
	i := s.pos
	depth := 0
	inStr, dropped := false, false
	for {
		for i < s.end {
			if inStr {
				// Jump to the next quote; it closes the string unless an odd
				// run of backslashes precedes it.
				j := bytes.IndexByte(s.buf[i:s.end], '"')
				if j < 0 {
					i = s.end
					break
				}
				q := i + j
				i = q + 1
				bs := 0
				for p := q - 1; p >= 0 && s.buf[p] == '\\'; p-- {
					bs++
				}
				if bs%2 == 1 {
					continue
				}
				inStr = false
				if depth == 0 {
					return s.scanned(i, dropped)
				}
				continue
			}
			c := s.buf[i]
			if depth > 0 && !structural[c] {
				i++
				continue
			}
			switch c {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				if depth == 0 {
					return s.scanned(i, dropped) // a scalar ended by its container
				}
				depth--
				if depth == 0 {
					return s.scanned(i+1, dropped)
				}
			case ' ', '\t', '\r', '\n', ',', ':':
				if depth == 0 {
					return s.scanned(i, dropped)
				}
			}
			i++
		}
		k := s.pos
		if keep != nil {
			k = *keep
		}
		if i-k > s.max {
			// Too long to keep: drop what was scanned, remember the verdict.
			// A quote's backslash run may straddle the cut; the record is
			// skipped anyway, and the worst case is a misplaced boundary.
			dropped = true
			s.countLines(i)
			s.pos, k = i, i
			if keep != nil {
				*keep = i
			}
		}
		off := i - k
		ok := s.fill(k)
		if keep != nil {
			*keep = 0
		}
		i = off
		if !ok {
			if depth == 0 && !inStr && i > s.pos {
				return s.scanned(s.end, dropped) // a scalar at the end of input
			}
			return 0, io.ErrUnexpectedEOF
		}
	}
}

// structural marks the bytes that matter inside a container.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

func (s *Splitter) scanned(end int, dropped bool) (int, error) {
	if dropped {
		return end, errTooLarge
	}
	return end, nil
}

// Next returns the next record. At the end of input it returns io.EOF. A
// *RecordError is recoverable: the bad bytes were skipped and Next may be
// called again. Any other error ends the input after what could be read: a
// read error such as a truncated gzip stream, or JSON so broken that no
// record boundary can be found again.
func (s *Splitter) Next() (Chunk, error) {
	if s.fatal != nil {
		return Chunk{}, s.fatal
	}
	for {
		if s.skipLine {
			s.skipRestOfLine()
		}
		if !s.skipSpace(nil) {
			return Chunk{}, s.finish()
		}
		c := s.buf[s.pos]
		switch s.state {
		case stTop:
			switch c {
			case '[':
				s.pos++
				s.state = stArray
			case '{':
				if !s.careful {
					if ch, ok := s.wholeLine(); ok {
						return ch, nil
					}
				}
				s.careful = false
				ch, ok, err := s.object()
				if err != nil || ok {
					return ch, err
				}
			default:
				return s.textLine(), nil
			}
		case stArray, stWrapper:
			switch c {
			case ']':
				s.pos++
				if s.state == stArray {
					s.state = stTop
				} else {
					s.state = stAfterWrap
				}
			case ',':
				s.pos++
			default:
				return s.element()
			}
		case stAfterWrap:
			switch c {
			case '}':
				s.pos++
				s.state = stTop
			case ',', ':':
				s.pos++
			default:
				end, err := s.scan(nil)
				if err != nil && err != errTooLarge {
					return Chunk{}, s.broken(err)
				}
				s.pos = end
			}
		}
	}
}

func (s *Splitter) finish() error {
	switch {
	case s.readErr != nil:
		s.fatal = s.readErr
	case s.state != stTop:
		s.countLines(s.pos)
		s.fatal = fmt.Errorf("line %d: input ends inside a JSON array: %w", s.line, io.ErrUnexpectedEOF)
	default:
		return io.EOF
	}
	return s.fatal
}

// broken ends the input after a structural error inside an array, where no
// record boundary can be trusted any more.
func (s *Splitter) broken(err error) error {
	if s.readErr != nil {
		err = s.readErr
	}
	s.countLines(min(s.pos, s.end))
	s.fatal = fmt.Errorf("line %d: malformed JSON, rest of input skipped: %w", s.line, err)
	return s.fatal
}

// textLine returns the line at pos as a text record. A line longer than max
// is cut at max bytes and the rest of it skipped.
func (s *Splitter) textLine() Chunk {
	s.countLines(s.pos)
	ch := Chunk{Line: s.line, Offset: s.base + int64(s.pos), Text: true}
	keep, i := s.pos, s.pos
	for {
		if j := bytes.IndexByte(s.buf[i:s.end], '\n'); j >= 0 {
			e := i + j
			s.pos = e + 1
			if e > keep && s.buf[e-1] == '\r' {
				e--
			}
			ch.Bytes = s.buf[keep:min(e, keep+s.max)]
			return ch
		}
		if s.end-keep > s.max {
			ch.Bytes = s.buf[keep : keep+s.max]
			s.pos = keep + s.max
			s.skipLine = true
			return ch
		}
		off := s.end - keep
		s.pos = keep
		if !s.fill(keep) {
			ch.Bytes = s.buf[:s.end]
			s.pos = s.end
			return ch
		}
		keep, i = 0, off
	}
}

// skipRestOfLine drops input up to and including the next newline.
func (s *Splitter) skipRestOfLine() {
	s.skipLine = false
	for {
		if j := bytes.IndexByte(s.buf[s.pos:s.end], '\n'); j >= 0 {
			s.pos += j + 1
			return
		}
		s.pos = s.end
		if !s.fill(s.pos) {
			return
		}
	}
}

// wholeLine is the NDJSON fast path: an object that starts a line and whose
// line ends (with '}') within the buffer is returned whole, found with one
// newline search instead of a scan of every byte. The parser validates it.
//
// A borrowed input (ResetBytes) is searched no further than a streamed one
// would hold (readChunk): a file of one long line, a {"Records":[…]} object
// of megabytes, is otherwise searched and parsed whole before it is read
// the careful way, element by element.
func (s *Splitter) wholeLine() (Chunk, bool) {
	start := s.pos
	end, eof := s.end, s.eof
	if s.borrowed && end-start > readChunk {
		end, eof = start+readChunk, false
	}
	var e int
	if j := bytes.IndexByte(s.buf[start:end], '\n'); j >= 0 {
		e = start + j
	} else if eof {
		e = end
	} else {
		return Chunk{}, false
	}
	last := e
	for last > start && (s.buf[last-1] == ' ' || s.buf[last-1] == '\t' || s.buf[last-1] == '\r') {
		last--
	}
	if last-start > s.max || s.buf[last-1] != '}' || opensEnvelope(s.buf[start:last]) {
		return Chunk{}, false
	}
	s.countLines(start)
	s.rewind.pos, s.rewind.line, s.rewind.ok = start, s.line, true
	ch := Chunk{Bytes: s.buf[start:last], Line: s.line, Offset: s.base + int64(start), Whole: true}
	s.pos = min(e+1, s.end)
	if e < s.end {
		// The line holds no other newline: count it here rather than
		// search the record for newlines again.
		s.line++
		s.lineAt = s.pos
	}
	return ch, true
}

// opensEnvelope reports whether an object's first member is a list of
// records under a wrapper key ({"Records":[…]): such a line is read element
// by element at once, not parsed whole first only to be read again.
func opensEnvelope(obj []byte) bool {
	i := skipJSONSpace(obj, 1)
	if i >= len(obj) || obj[i] != '"' {
		return false
	}
	j := bytes.IndexByte(obj[i+1:], '"')
	if j < 0 {
		return false
	}
	key := obj[i+1 : i+1+j]
	i = skipJSONSpace(obj, i+j+2)
	if i >= len(obj) || obj[i] != ':' {
		return false
	}
	i = skipJSONSpace(obj, i+1)
	// The key is looked up last: a record's first member is rarely a list.
	return i < len(obj) && obj[i] == '[' && wrapperKeys[string(key)]
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// Rewind undoes the last Whole chunk: the next call to Next reads that
// object again, scanning it fully (and streaming it if it is a container).
// It must be called before Next is called again.
func (s *Splitter) Rewind() {
	if !s.rewind.ok {
		return
	}
	s.pos, s.lineAt, s.line = s.rewind.pos, s.rewind.pos, s.rewind.line
	s.rewind.ok = false
	s.careful = true
}

// element returns the next element of an array being streamed.
func (s *Splitter) element() (Chunk, error) {
	s.countLines(s.pos)
	line, off := s.line, s.base+int64(s.pos)
	end, err := s.scan(nil)
	if err == nil && end-s.pos > s.max {
		err = errTooLarge
	}
	switch {
	case err == errTooLarge:
		s.pos = end
		return Chunk{}, &RecordError{Line: line, Offset: off, Err: fmt.Errorf("record longer than %d bytes skipped", s.max)}
	case err != nil:
		return Chunk{}, s.broken(err)
	}
	ch := Chunk{Bytes: s.buf[s.pos:end], Line: line, Offset: off}
	s.pos = end
	return ch, nil
}

// object reads a top-level object. A container yields nothing here (its
// records follow from Next); any other object is one record.
func (s *Splitter) object() (Chunk, bool, error) {
	s.countLines(s.pos)
	line, off := s.line, s.base+int64(s.pos)
	start := s.pos
	s.pos++ // '{'
	for {
		if !s.skipSpace(&start) {
			return s.topError(line, off, start, io.ErrUnexpectedEOF)
		}
		switch c := s.buf[s.pos]; c {
		case '}':
			s.pos++
			if s.pos-start > s.max {
				return Chunk{}, false, &RecordError{Line: line, Offset: off, Err: fmt.Errorf("record longer than %d bytes skipped", s.max)}
			}
			return Chunk{Bytes: s.buf[start:s.pos], Line: line, Offset: off}, true, nil
		case ',':
			s.pos++
			continue
		case '"':
		default:
			return s.topError(line, off, start, fmt.Errorf("unexpected %q where a key was expected", c))
		}
		end, err := s.scan(&start)
		if err != nil {
			return s.topError(line, off, start, err)
		}
		key := string(s.buf[s.pos+1 : max(s.pos+1, end-1)])
		s.pos = end
		if !s.skipSpace(&start) || s.buf[s.pos] != ':' {
			return s.topError(line, off, start, errors.New("expected ':' after a key"))
		}
		s.pos++
		if !s.skipSpace(&start) {
			return s.topError(line, off, start, io.ErrUnexpectedEOF)
		}
		if wrapperKeys[key] && s.buf[s.pos] == '[' {
			s.pos++
			s.state = stWrapper
			return Chunk{}, false, nil
		}
		end, err = s.scan(&start)
		if err != nil {
			return s.topError(line, off, start, err)
		}
		s.pos = end
	}
}

// topError reports a malformed top-level object and resynchronises at the
// line after the one it started on, so one bad NDJSON line costs one record.
func (s *Splitter) topError(line int, off int64, start int, err error) (Chunk, bool, error) {
	if err == errTooLarge {
		err = fmt.Errorf("record longer than %d bytes", s.max)
	}
	rerr := &RecordError{Line: line, Offset: off, Err: fmt.Errorf("malformed JSON: %w", err)}
	if s.readErr != nil {
		s.fatal = s.readErr
		return Chunk{}, false, rerr
	}
	if start >= 0 && s.base+int64(start) == off {
		// The object's first byte is still in memory: restart after its line.
		s.pos, s.lineAt, s.line = start, start, line
		s.textLine()
	}
	return Chunk{}, false, rerr
}
