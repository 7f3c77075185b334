package finding

import (
	"encoding/binary"
	"io"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// JSONL returns a sink that writes each finding as one JSON object a line,
// keys in struct order. Besides what encoding/json escapes, it escapes
// invisible formatting characters (bidi overrides, zero-width spaces), DEL
// and C1 controls as \uXXXX, so a JSONL stream printed on a terminal shows them
// instead of obeying them; the JSON value is the same. The sink is safe for
// concurrent use: each finding is one whole Write.
func JSONL(w io.Writer) func(Finding) error {
	return lines(w, func(b []byte, f *Finding) ([]byte, error) { return f.AppendJSON(b) })
}

// lines returns a sink writing what appendJSON appends for each finding as
// one line under a lock.
func lines(w io.Writer, appendJSON func([]byte, *Finding) ([]byte, error)) func(Finding) error {
	var mu sync.Mutex
	// Workers write findings concurrently; each line is built in a buffer
	// of the pool, not a new one per finding.
	bufs := sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}
	return func(f Finding) error {
		buf := bufs.Get().(*[]byte)
		defer bufs.Put(buf)
		b, err := appendJSON((*buf)[:0], &f)
		if err != nil {
			return err
		}
		b = append(escapeInvisible(b), '\n')
		*buf = b
		mu.Lock()
		defer mu.Unlock()
		_, err = w.Write(b)
		return err
	}
}

// escapeInvisible rewrites JSON text so that DEL and non-ASCII control and
// format characters appear as \u escapes. Outside strings JSON text is
// printable ASCII, so every such character is inside a string, where an
// escape is equivalent.
func escapeInvisible(b []byte) []byte {
	i := plainPrefix(b)
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c == 0x7f { // DEL: encoding/json leaves it raw
			out = appendU(out, 0x7f)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			n := plainPrefix(b[i:])
			out = append(out, b[i:i+n]...)
			i += n
			continue
		}
		if c >= 0xc3 && c <= 0xd7 && i+1 < len(b) && b[i+1]&0xc0 == 0x80 {
			// U+00C0 to U+05FF (Latin, Greek, Cyrillic, Armenian, Hebrew)
			// hold no control or format character: a Russian summary
			// needs no look at each letter.
			out = append(out, c, b[i+1])
			i += 2
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				out = appendU(appendU(out, r1), r2)
			} else {
				out = appendU(out, r)
			}
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

// plainPrefix returns how many bytes b starts with that are ASCII and not
// DEL, looking at eight at a time: most findings are all such bytes.
func plainPrefix(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		// A byte from 0x80 has its high bit set; DEL is the one below it
		// that one more sets it.
		if x := binary.LittleEndian.Uint64(b[i:]); (x|(x+ones))&highs != 0 {
			break
		}
	}
	for i < len(b) && b[i] < utf8.RuneSelf && b[i] != 0x7f {
		i++
	}
	return i
}

func appendU(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}
