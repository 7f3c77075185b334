package azure

import "strings"

// pattern is an action pattern of a role or deny assignment: Azure matches
// operations case-insensitively and lets `*` stand for any run of
// characters, slashes included ("*/read", "Microsoft.Compute/*").
type pattern struct {
	text  string   // as written, for the via chain
	parts []string // lower-cased pieces between the stars
}

func compilePattern(s string) pattern {
	return pattern{text: s, parts: strings.Split(strings.ToLower(strings.TrimSpace(s)), "*")}
}

// match reports whether the lower-cased operation name matches.
func (p pattern) match(name string) bool {
	parts := p.parts
	if len(parts) == 1 {
		return parts[0] != "" && name == parts[0]
	}
	first, last := parts[0], parts[len(parts)-1]
	if !strings.HasPrefix(name, first) || len(name) < len(first)+len(last) {
		return false
	}
	rest := name[len(first):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, mid)
		if i < 0 {
			return false
		}
		rest = rest[i+len(mid):]
	}
	return strings.HasSuffix(rest, last)
}

// patterns is a list as one permission field holds it.
type patterns []pattern

func compilePatterns(list []string) patterns {
	out := make(patterns, 0, len(list))
	for _, s := range list {
		if strings.TrimSpace(s) != "" {
			out = append(out, compilePattern(s))
		}
	}
	return out
}

// first returns the first pattern that matches, or nil.
func (ps patterns) first(name string) *pattern {
	for i := range ps {
		if ps[i].match(name) {
			return &ps[i]
		}
	}
	return nil
}
