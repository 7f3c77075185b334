package detect

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf16"
)

// Transformation modifiers turn one rule value into one or more values
// before matching (Sigma modifiers appendix: windash, encodings, expand).

// maxVariants bounds how many values one written value may expand into.
const maxVariants = 1024

// expandPlaceholders replaces each %name% in s with every value of that
// placeholder (the cross product when there are several). `\%` is a plain
// percent; other escapes are kept for the wildcard parser.
func expandPlaceholders(s string, ph map[string][]string) ([]string, error) {
	out := []string{""}
	var lit strings.Builder
	add := func(alts []string) error {
		prefix := lit.String()
		lit.Reset()
		next := make([]string, 0, len(out)*max(len(alts), 1))
		for _, o := range out {
			for _, a := range alts {
				next = append(next, o+prefix+a)
			}
		}
		if len(next) > maxVariants {
			return fmt.Errorf("expand: more than %d values", maxVariants)
		}
		out = next
		return nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			if s[i+1] == '%' {
				lit.WriteByte('%')
			} else {
				lit.WriteByte('\\')
				lit.WriteByte(s[i+1])
			}
			i++
		case c == '%':
			end := strings.IndexByte(s[i+1:], '%')
			name := ""
			if end >= 0 {
				name = s[i+1 : i+1+end]
			}
			if !placeholderName(name) {
				lit.WriteByte('%') // "100% of 50%": not a placeholder
				continue
			}
			vals, ok := ph[name]
			if !ok {
				return nil, unknownPlaceholder(name, ph)
			}
			if err := add(vals); err != nil {
				return nil, err
			}
			i += end + 1
		default:
			lit.WriteByte(c)
		}
	}
	if err := add([]string{""}); err != nil {
		return nil, err
	}
	return out, nil
}

// placeholderName reports whether s is a placeholder's name (\w+, as
// pySigma reads them).
func placeholderName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func unknownPlaceholder(name string, ph map[string][]string) error {
	var known []string
	for k := range ph {
		known = append(known, "%"+k+"%")
	}
	sort.Strings(known)
	if len(known) == 0 {
		return fmt.Errorf("unknown placeholder %%%s%% (no placeholders are configured)", name)
	}
	return fmt.Errorf("unknown placeholder %%%s%% (known: %s)", name, strings.Join(known, ", "))
}

// dashes are the characters windash permutes.
var dashes = []string{"-", "/", "\u2013", "\u2014", "\u2015"}

// windash returns every variant of toks with each dash-like character
// replaced by each of the others.
func windash(toks []token) ([][]token, error) {
	variants := [][]token{nil}
	for _, t := range toks {
		if t.kind != tokLit {
			for i := range variants {
				variants[i] = append(variants[i], t)
			}
			continue
		}
		// Split the literal at dashes; each dash multiplies the variants.
		parts := []string{""}
		rest := t.lit
		for rest != "" {
			i, n := nextDash(rest)
			if i < 0 {
				for k := range parts {
					parts[k] += rest
				}
				break
			}
			var next []string
			for _, p := range parts {
				for _, d := range dashes {
					next = append(next, p+rest[:i]+d)
				}
			}
			if len(next)*len(variants) > maxVariants {
				return nil, fmt.Errorf("windash: more than %d variants (too many dashes)", maxVariants)
			}
			parts, rest = next, rest[i+n:]
		}
		var next [][]token
		for _, v := range variants {
			for _, p := range parts {
				next = append(next, append(slices.Clip(v), token{kind: tokLit, lit: p}))
			}
		}
		variants = next
	}
	return variants, nil
}

// nextDash returns the byte index and length of the first dash in s, or -1.
func nextDash(s string) (int, int) {
	best, size := -1, 0
	for _, d := range dashes {
		if i := strings.Index(s, d); i >= 0 && (best < 0 || i < best) {
			best, size = i, len(d)
		}
	}
	return best, size
}

var errWildcardEncode = errors.New("cannot encode a value with wildcards (escape * and ? with a backslash)")

// encode applies an encoding modifier to a literal value: utf16le, wide,
// utf16be, utf16 (little-endian with a byte-order mark), base64, or
// base64offset (three values, one per alignment).
func encode(mod string, s string) []string {
	switch mod {
	case "utf16le", "wide":
		return []string{utf16Bytes(s, false, false)}
	case "utf16be":
		return []string{utf16Bytes(s, true, false)}
	case "utf16":
		return []string{utf16Bytes(s, false, true)}
	case "base64":
		return []string{base64.StdEncoding.EncodeToString([]byte(s))}
	case "base64offset":
		return base64Offsets(s)
	}
	return []string{s}
}

func utf16Bytes(s string, bigEndian, bom bool) string {
	var b []byte
	if bom {
		b = append(b, 0xff, 0xfe)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}

// base64Offsets returns the parts of the base64 encoding of s that do not
// depend on the bytes around it, for s starting at each of the three
// offsets modulo 3: the characters that mix in a neighbouring byte are cut.
func base64Offsets(s string) []string {
	starts := [3]int{0, 2, 3}
	cutEnd := [3]int{0, 3, 2} // by (len+shift) % 3
	out := make([]string, 0, 3)
	for shift := range 3 {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, shift), s...))
		end := len(enc) - cutEnd[(len(s)+shift)%3]
		if starts[shift] >= end {
			out = append(out, "")
			continue
		}
		out = append(out, enc[starts[shift]:end])
	}
	return out
}
