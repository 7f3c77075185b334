package config

import (
	"strings"
	"unicode/utf8"
)

// glob is a compiled pattern: * matches any run of characters (slashes and
// colons included, so one * spans ARN and path segments), ? matches one
// character, everything else itself, ignoring case. There are no escapes:
// ids, ARNs and emails never contain * or ?.
type glob struct {
	kind  globKind
	pat   string   // lower-cased; for prefix/suffix/contains, without the stars
	parts []string // segmented: the literals between the stars, first and last maybe empty
}

type globKind uint8

const (
	exact globKind = iota
	prefix
	suffix
	infix
	segmented // stars only, some inside: the literals are found in turn
	general
)

func compileGlob(pattern string) glob {
	p := strings.ToLower(strings.TrimSpace(pattern))
	if strings.IndexByte(p, '?') < 0 {
		inner := strings.Trim(p, "*")
		if strings.IndexByte(inner, '*') < 0 {
			lead, trail := strings.HasPrefix(p, "*"), strings.HasSuffix(p, "*") && len(p) > 1
			switch {
			case !lead && !trail:
				return glob{kind: exact, pat: p}
			case lead && trail || inner == "":
				return glob{kind: infix, pat: inner}
			case trail:
				return glob{kind: prefix, pat: inner}
			default:
				return glob{kind: suffix, pat: inner}
			}
		}
		return glob{kind: segmented, parts: strings.Split(p, "*")}
	}
	return glob{kind: general, pat: p}
}

// match reports whether s, already lower-cased, matches.
func (g glob) match(s string) bool {
	switch g.kind {
	case exact:
		return s == g.pat
	case prefix:
		return strings.HasPrefix(s, g.pat)
	case suffix:
		return strings.HasSuffix(s, g.pat)
	case infix:
		return strings.Contains(s, g.pat)
	case segmented:
		return segments(g.parts, s)
	}
	return wildcard(g.pat, s)
}

// segments matches s against a*b*…*z given as its literals: s starts with
// the first and ends with the last, and holds the others in order between.
// Taking each at its leftmost place is right when * is the only wildcard.
func segments(parts []string, s string) bool {
	first, last := parts[0], parts[len(parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	mid := s[len(first) : len(s)-len(last)]
	for _, lit := range parts[1 : len(parts)-1] {
		i := strings.Index(mid, lit)
		if i < 0 {
			return false
		}
		mid = mid[i+len(lit):]
	}
	return true
}

// wildcard matches with backtracking to the last star only, which is
// linear-ish and never recursive.
func wildcard(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == '?':
			_, n := utf8.DecodeRuneInString(s[si:])
			pi++
			si += n
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			// Let the last star swallow one more character and retry.
			_, n := utf8.DecodeRuneInString(s[mark:])
			mark += n
			pi, si = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// set is a list of globs with the exact ones in a map.
type set struct {
	exact map[string]struct{}
	globs []glob
}

func compileSet(patterns []string) set {
	s := set{exact: map[string]struct{}{}}
	for _, p := range patterns {
		if strings.TrimSpace(p) == "" {
			continue
		}
		g := compileGlob(p)
		if g.kind == exact {
			s.exact[g.pat] = struct{}{}
		} else {
			s.globs = append(s.globs, g)
		}
	}
	return s
}

func (s *set) empty() bool { return len(s.exact) == 0 && len(s.globs) == 0 }

// matchAny reports whether any of an actor's keys matches.
func (s *set) matchAny(k *actorKeys) bool {
	for i := range k.n {
		if s.match(k.key(i)) {
			return true
		}
	}
	return false
}

// match reports whether s, already lower-cased, matches any pattern.
func (s *set) match(x string) bool {
	if _, ok := s.exact[x]; ok {
		return true
	}
	for _, g := range s.globs {
		if g.match(x) {
			return true
		}
	}
	return false
}
