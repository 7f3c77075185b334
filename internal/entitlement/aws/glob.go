package aws

import "strings"

// IAM patterns are globs: '*' matches any run of characters, '?' exactly
// one. Actions are compared lower-cased (AWS treats them case-insensitively);
// ARNs are compared as written (they are case-sensitive).

// match reports whether pattern matches the literal s.
func match(pattern, s string) bool {
	// Iterative glob with one backtrack point: linear in practice and no
	// recursion on attacker-sized input.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// ARN patterns are compared segment by segment (partition, service,
// region, account, resource): a '*' in the region does not reach into the
// resource. A pattern with fewer segments ("*", "arn:aws:s3:::*" is fine,
// "arn:*" is not) is compared as a whole.

// arnSegments splits an ARN pattern into its six segments, or returns nil.
func arnSegments(p string) []string {
	parts := strings.SplitN(p, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return nil
	}
	return parts
}

// intersects reports whether some ARN matches both patterns: an allow on
// arn:aws:ec2:*:*:volume/vol-1* reaches the volumes an action needs.
func intersects(a, b string) bool {
	sa, sb := arnSegments(a), arnSegments(b)
	if sa == nil || sb == nil {
		return intersectsText(a, b)
	}
	for i := range sa {
		if !intersectsText(sa[i], sb[i]) {
			return false
		}
	}
	return true
}

// covers reports whether every ARN q matches also matches p (a sound
// under-approximation): a deny on p then blocks all of q.
func covers(p, q string) bool {
	sp, sq := arnSegments(p), arnSegments(q)
	if sp == nil || sq == nil {
		return coversText(p, q)
	}
	for i := range sp {
		if !coversText(sp[i], sq[i]) {
			return false
		}
	}
	return true
}

// intersectsText reports whether some string matches both patterns.
func intersectsText(a, b string) bool {
	switch {
	case a == "*" || b == "*" || a == b:
		return true
	case !wild(b):
		return match(a, b)
	case !wild(a):
		return match(b, a)
	}
	seen := newMemo(len(a), len(b))
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		if v, ok := seen.get(i, j); ok {
			return v
		}
		seen.set(i, j, false)
		var ok bool
		switch {
		case i == len(a) && j == len(b):
			ok = true
		case i < len(a) && a[i] == '*':
			ok = walk(i+1, j) || (j < len(b) && walk(i, j+1))
		case j < len(b) && b[j] == '*':
			ok = walk(i, j+1) || (i < len(a) && walk(i+1, j))
		case i < len(a) && j < len(b):
			ok = (a[i] == '?' || b[j] == '?' || a[i] == b[j]) && walk(i+1, j+1)
		}
		seen.set(i, j, ok)
		return ok
	}
	return walk(0, 0)
}

// coversText reports whether every string q matches also matches p.
func coversText(p, q string) bool {
	switch {
	case p == "*" || p == q:
		return true
	case !wild(q):
		return match(p, q)
	case !wild(p):
		return false // a literal covers only itself
	}
	seen := newMemo(len(p), len(q))
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		if v, ok := seen.get(i, j); ok {
			return v
		}
		seen.set(i, j, false)
		var ok bool
		switch {
		case i == len(p):
			ok = j == len(q)
		case p[i] == '*':
			ok = walk(i+1, j) || (j < len(q) && walk(i, j+1))
		case j == len(q):
			ok = false
		case p[i] == '?':
			ok = q[j] != '*' && walk(i+1, j+1)
		default:
			ok = q[j] != '*' && q[j] != '?' && p[i] == q[j] && walk(i+1, j+1)
		}
		seen.set(i, j, ok)
		return ok
	}
	return walk(0, 0)
}

func wild(s string) bool { return strings.ContainsAny(s, "*?") }

// memo remembers the result of each (i, j) step of a two-pattern walk.
type memo struct {
	cols  int
	state []uint8 // 0 unknown, 1 false, 2 true
}

func newMemo(n, m int) memo { return memo{cols: m + 1, state: make([]uint8, (n+1)*(m+1))} }

func (m memo) get(i, j int) (bool, bool) {
	v := m.state[i*m.cols+j]
	return v == 2, v != 0
}

func (m memo) set(i, j int, v bool) {
	if v {
		m.state[i*m.cols+j] = 2
	} else {
		m.state[i*m.cols+j] = 1
	}
}

// lower lower-cases an action name or pattern.
func lower(s string) string { return strings.ToLower(s) }
