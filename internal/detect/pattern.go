package detect

import (
	"encoding/binary"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sigma values are compared case-insensitively: both sides are folded by
// appendFold, at compile time for rule values and lazily, once per event, for
// field values. One function for both keeps the index (folded keys) and the
// evaluation in agreement.

// appendFold appends s lower-cased: ASCII by arithmetic, eight bytes at a
// time, other runes by unicode.ToLower. Bytes that are not UTF-8 are kept
// as they are.
func appendFold(dst []byte, s string) []byte {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if x&hiBits != 0 {
			break // not ASCII: rune by rune from here
		}
		dst = binary.LittleEndian.AppendUint64(dst, x|upperMask(x)>>2)
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, c)
		} else {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		i += n
	}
	return dst
}

const (
	loBits = 0x0101010101010101
	hiBits = 0x8080808080808080
)

// upperMask has the high bit set in each byte of x (ASCII, high bits
// clear) that is an upper-case letter: the sums cannot carry across bytes.
func upperMask(x uint64) uint64 {
	geA := x + (0x80-'A')*loBits
	gtZ := x + (0x80-'Z'-1)*loBits
	return geA &^ gtZ & hiBits
}

// needsFold reports whether appendFold could change s.
func needsFold(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if x&hiBits != 0 || upperMask(x) != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return true
		}
	}
	return false
}

// fold is appendFold for compile time.
func fold(s string) string {
	if !needsFold(s) {
		return s
	}
	return string(appendFold(make([]byte, 0, len(s)), s))
}

// token is one piece of a Sigma string: a literal run, `*` or `?`.
type token struct {
	kind tokKind
	lit  string
}

type tokKind uint8

const (
	tokLit  tokKind = iota
	tokStar         // any run of characters, possibly empty
	tokOne          // exactly one character (rune)
)

// parseWildcards splits a Sigma string into tokens. A backslash escapes `*`,
// `?` and itself; before anything else it is a plain backslash (Sigma
// specification, "Escaping").
func parseWildcards(s string) []token {
	var toks []token
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, token{kind: tokLit, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\') {
				lit.WriteByte(s[i+1])
				i++
			} else {
				lit.WriteByte('\\')
			}
		case '*':
			flush()
			if n := len(toks); n == 0 || toks[n-1].kind != tokStar {
				toks = append(toks, token{kind: tokStar})
			}
		case '?':
			flush()
			toks = append(toks, token{kind: tokOne})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return toks
}

// plain returns the literal text of tokens without wildcards.
func plain(toks []token) (string, bool) {
	var b strings.Builder
	for _, t := range toks {
		if t.kind != tokLit {
			return "", false
		}
		b.WriteString(t.lit)
	}
	return b.String(), true
}

// wrap puts `*` before (contains, endswith) and after (contains,
// startswith) the tokens.
func wrap(toks []token, before, after bool) []token {
	out := make([]token, 0, len(toks)+2)
	if before && (len(toks) == 0 || toks[0].kind != tokStar) {
		out = append(out, token{kind: tokStar})
	}
	out = append(out, toks...)
	if after && (len(out) == 0 || out[len(out)-1].kind != tokStar) {
		out = append(out, token{kind: tokStar})
	}
	return out
}

// pattern is a compiled Sigma string. Most values become one string
// comparison (exact, prefix, suffix, contains); the rest a glob over
// segments. Regular expressions are never needed for wildcards.
type pattern struct {
	op    patOp
	lit   string // folded unless cased
	glob  glob
	cased bool
}

type patOp uint8

const (
	patExact patOp = iota
	patPrefix
	patSuffix
	patContains
	patAny // only stars: any text
	patGlob
)

// glob is a pattern with `?`, or with `*` between literals.
type glob struct {
	lead, trail bool // starts, ends with `*`
	segs        [][]token
}

// compilePattern compiles tokens; cased keeps the case of literals.
func compilePattern(toks []token, cased bool) pattern {
	p := pattern{cased: cased}
	if !cased {
		for i := range toks {
			if toks[i].kind == tokLit {
				toks[i].lit = fold(toks[i].lit)
			}
		}
	}
	var stars, ones int
	for _, t := range toks {
		switch t.kind {
		case tokStar:
			stars++
		case tokOne:
			ones++
		}
	}
	n := len(toks)
	switch {
	case n == 0:
		p.op = patExact
		return p
	case stars == n:
		p.op = patAny
		return p
	case ones == 0 && stars == 0:
		p.op, p.lit = patExact, toks[0].lit
		return p
	case ones == 0 && n == 2 && toks[1].kind == tokStar:
		p.op, p.lit = patPrefix, toks[0].lit
		return p
	case ones == 0 && n == 2 && toks[0].kind == tokStar:
		p.op, p.lit = patSuffix, toks[1].lit
		return p
	case ones == 0 && n == 3 && toks[0].kind == tokStar && toks[2].kind == tokStar:
		p.op, p.lit = patContains, toks[1].lit
		return p
	}
	p.op = patGlob
	p.glob.lead = toks[0].kind == tokStar
	p.glob.trail = toks[n-1].kind == tokStar
	var seg []token
	for _, t := range toks {
		if t.kind == tokStar {
			if len(seg) > 0 {
				p.glob.segs = append(p.glob.segs, seg)
				seg = nil
			}
			continue
		}
		seg = append(seg, t)
	}
	if len(seg) > 0 {
		p.glob.segs = append(p.glob.segs, seg)
	}
	return p
}

// foldLen returns the shortest and the longest text the pattern matches,
// in bytes; hi is -1 when there is no longest.
func (p *pattern) foldLen() (lo, hi int) {
	switch p.op {
	case patExact:
		return len(p.lit), len(p.lit)
	case patPrefix, patSuffix, patContains:
		return len(p.lit), -1
	case patGlob:
		for _, seg := range p.glob.segs {
			for _, t := range seg {
				lo += len(t.lit) // a `?` is one rune: at least one byte
				if t.kind == tokOne {
					lo++
				}
			}
		}
		return lo, -1
	}
	return 0, -1
}

// match tests text (folded when the pattern is not cased).
func (p *pattern) match(text string) bool {
	switch p.op {
	case patExact:
		return text == p.lit
	case patPrefix:
		return strings.HasPrefix(text, p.lit)
	case patSuffix:
		return strings.HasSuffix(text, p.lit)
	case patContains:
		return strings.Contains(text, p.lit)
	case patAny:
		return true
	}
	return p.glob.match(text)
}

// match runs the glob: the first segment is anchored at the start unless
// the pattern starts with `*`, the last at the end unless it ends with `*`,
// and the segments between are found leftmost in turn, which is optimal
// because every segment matches a fixed number of runes.
func (g *glob) match(h string) bool {
	segs := g.segs
	pos := 0
	if !g.lead {
		end, ok := segAt(h, 0, segs[0])
		if !ok {
			return false
		}
		if len(segs) == 1 && !g.trail {
			return end == len(h)
		}
		pos, segs = end, segs[1:]
	}
	if len(segs) == 0 {
		return g.trail || pos == len(h)
	}
	mid := segs
	if !g.trail {
		mid = segs[:len(segs)-1]
	}
	for _, s := range mid {
		end, ok := segFind(h, pos, s)
		if !ok {
			return false
		}
		pos = end
	}
	if g.trail {
		return true
	}
	return segSuffix(h, pos, segs[len(segs)-1])
}

// segAt matches a segment at byte i and returns where it ends.
func segAt(h string, i int, seg []token) (int, bool) {
	for _, t := range seg {
		if t.kind == tokOne {
			if i >= len(h) {
				return 0, false
			}
			_, n := utf8.DecodeRuneInString(h[i:])
			i += n
			continue
		}
		if !strings.HasPrefix(h[i:], t.lit) {
			return 0, false
		}
		i += len(t.lit)
	}
	return i, true
}

// segFind finds the leftmost match of a segment at or after byte from.
func segFind(h string, from int, seg []token) (int, bool) {
	for i := from; i <= len(h); {
		if seg[0].kind == tokLit {
			j := strings.Index(h[i:], seg[0].lit)
			if j < 0 {
				return 0, false
			}
			i += j
		}
		if end, ok := segAt(h, i, seg); ok {
			return end, true
		}
		if i >= len(h) {
			break
		}
		_, n := utf8.DecodeRuneInString(h[i:])
		i += n
	}
	return 0, false
}

// segSuffix reports whether a segment matches h from some byte at or after
// from up to its end.
func segSuffix(h string, from int, seg []token) bool {
	fixed := 0
	for _, t := range seg {
		if t.kind == tokOne {
			fixed = -1
			break
		}
		fixed += len(t.lit)
	}
	if fixed >= 0 {
		start := len(h) - fixed
		if start < from {
			return false
		}
		end, ok := segAt(h, start, seg)
		return ok && end == len(h)
	}
	for i := from; i <= len(h); {
		if end, ok := segAt(h, i, seg); ok && end == len(h) {
			return true
		}
		if i >= len(h) {
			break
		}
		_, n := utf8.DecodeRuneInString(h[i:])
		i += n
	}
	return false
}

// requiredLiteral returns the longest literal that every match of a
// regular expression contains (folded when the expression ignores case
// there), or "". Checking it with strings.Contains first spares most
// regexp runs: RE2 has no fast path for expressions such as `.+:x:.+`.
func requiredLiteral(expr string) (lit string, folded bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return "", false
	}
	lit, folded = longestRequired(re.Simplify())
	if folded {
		for _, r := range lit {
			if r >= utf8.RuneSelf {
				return "", false // Unicode case folding differs from lower-casing
			}
		}
		lit = fold(lit)
	}
	return lit, folded
}

func longestRequired(re *syntax.Regexp) (string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return string(re.Rune), re.Flags&syntax.FoldCase != 0
	case syntax.OpCapture, syntax.OpPlus:
		return longestRequired(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return longestRequired(re.Sub[0])
		}
	case syntax.OpConcat:
		best, folded := "", false
		for _, sub := range re.Sub {
			if l, f := longestRequired(sub); len(l) > len(best) {
				best, folded = l, f
			}
		}
		return best, folded
	}
	return "", false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
