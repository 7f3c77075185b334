package rule

import (
	"sort"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// source is one rule file: it turns yaml.Node marks and byte offsets inside
// scalars into positions, so an error inside a condition or a modifier chain
// lands on its own column rather than on the start of the scalar.
type source struct {
	file  string
	data  []byte
	lines []int // byte offset at which each line starts
}

func newSource(file string, data []byte) *source {
	s := &source{file: file, data: data, lines: []int{0}}
	// The same line breaks as the YAML reader: LF, CR LF, CR, NEL, LS, PS.
	for i := 0; i < len(data); {
		switch {
		case data[i] == '\n':
			i++
		case data[i] == '\r':
			i++
			if i < len(data) && data[i] == '\n' {
				i++
			}
		case i+1 < len(data) && data[i] == 0xC2 && data[i+1] == 0x85:
			i += 2
		case i+2 < len(data) && data[i] == 0xE2 && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9):
			i += 3
		default:
			i++
			continue
		}
		s.lines = append(s.lines, i)
	}
	return s
}

// at is the position of node n.
func (s *source) at(n *yaml.Node) Pos {
	return Pos{File: s.file, Line: n.Line, Col: n.Column}
}

// lineStart is the byte offset of 1-based line, clamped to the data.
func (s *source) lineStart(line int) int {
	switch {
	case line < 1:
		return 0
	case line > len(s.lines):
		return len(s.data)
	}
	return s.lines[line-1]
}

// offset is the byte offset of a 1-based line and column; columns count
// characters, as the YAML reader does.
func (s *source) offset(line, col int) int {
	off := s.lineStart(line)
	for c := 1; c < col && off < len(s.data); c++ {
		_, w := utf8.DecodeRune(s.data[off:])
		off += w
	}
	return off
}

// posAt is the position of a byte offset into the data.
func (s *source) posAt(off int) Pos {
	off = min(max(off, 0), len(s.data))
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	return Pos{File: s.file, Line: i + 1, Col: utf8.RuneCount(s.data[s.lines[i]:off]) + 1}
}

// alignWindow bounds how far the alignment looks for the next character of
// a scalar's value: indentation, quotes and escapes are short.
const alignWindow = 256

// scalarPos returns a function from byte offsets in scalar n's value to
// positions in the file. The value is aligned with the source text, so it
// works for quoted, folded and literal scalars spread over several lines:
// each non-space character of the value is looked up, in order, in the
// source; spaces (which folding makes out of line breaks) stay where the
// previous character ended. The table is built on first use.
func (s *source) scalarPos(n *yaml.Node) func(off int) Pos {
	var offs []int
	build := func() {
		v := n.Value
		offs = make([]int, len(v)+1)
		j := s.offset(n.Line, n.Column)
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			// The content of a block scalar starts on the next line; its
			// header line may hold a comment that must not be matched.
			j = s.lineStart(n.Line + 1)
		}
		for i := 0; i < len(v); {
			r, w := utf8.DecodeRuneInString(v[i:])
			at := j
			if !unicode.IsSpace(r) {
				for k := j; k < len(s.data) && k-j < alignWindow; {
					rr, ww := utf8.DecodeRune(s.data[k:])
					if rr == r {
						at, j = k, k+ww
						break
					}
					k += ww
				}
			}
			for x := i; x < i+w; x++ {
				offs[x] = at
			}
			i += w
		}
		offs[len(v)] = j
	}
	return func(off int) Pos {
		if offs == nil {
			build()
		}
		return s.posAt(offs[min(max(off, 0), len(offs)-1)])
	}
}
