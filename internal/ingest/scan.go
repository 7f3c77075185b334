package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// item is one top-level piece of a body: a JSON object or array (however
// many lines it spans), or a line of text where a JSON value was expected.
type item struct {
	b    []byte
	off  int // offset of b in the body
	text bool
}

// nextItem returns the item at or after pos and the offset after it; ok is
// false when only white space is left. It only finds where a JSON value
// ends (brackets outside strings); the caller parses it.
func nextItem(body []byte, pos int) (it item, end int, ok bool) {
	for pos < len(body) && isSpace(body[pos]) {
		pos++
	}
	if pos >= len(body) {
		return item{}, pos, false
	}
	if c := body[pos]; c != '{' && c != '[' {
		end = len(body)
		if i := bytes.IndexByte(body[pos:], '\n'); i >= 0 {
			end = pos + i
		}
		return item{b: bytes.TrimRight(body[pos:end], "\r \t"), off: pos, text: true}, end, true
	}
	end = valueEnd(body, pos)
	return item{b: body[pos:end], off: pos}, end, true
}

// valueEnd returns the offset just after the object or array starting at
// start, or len(b) when it is not closed (the parser then says why).
func valueEnd(b []byte, start int) int {
	depth := 0
	for i := start; i < len(b); i++ {
		switch b[i] {
		case '"':
			// Jump to the closing quote: the next one not escaped by an
			// odd run of backslashes.
			for {
				j := bytes.IndexByte(b[i+1:], '"')
				if j < 0 {
					return len(b)
				}
				i += 1 + j
				k := i - 1
				for b[k] == '\\' {
					k--
				}
				if (i-1-k)%2 == 0 {
					break
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(b)
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// syntaxError locates and explains the first JSON error in b, a value the
// strict parser refused. encoding/json is used for its offsets and messages; it
// runs only on this error path.
func syntaxError(b []byte, parseErr error) (off int, msg string) {
	var raw json.RawMessage
	err := json.Unmarshal(b, &raw)
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		if int(se.Offset) >= len(b) && strings.Contains(se.Error(), "unexpected end") {
			// The value is not closed: point just past its last byte.
			return len(bytes.TrimRight(b, " \t\r\n")), se.Error()
		}
		// Offset counts the bytes read, the bad one included.
		return max(int(se.Offset)-1, 0), se.Error()
	}
	// The two parsers disagree (the parser's depth limit, say): point at
	// the value's start with its reason.
	return 0, clip(parseErr.Error(), 200)
}

// position turns a byte offset into a 1-based line and a 1-based column in
// characters.
func position(b []byte, off int) (line, col int) {
	off = min(max(off, 0), len(b))
	line = 1 + bytes.Count(b[:off], []byte{'\n'})
	start := bytes.LastIndexByte(b[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(b[start:off])
}
