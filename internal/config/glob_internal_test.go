package config

import (
	"strings"
	"testing"
)

// TestGlob_kinds: each compiled kind matches as the general backtracking
// matcher does.
func TestGlob_kinds(t *testing.T) {
	gd := "arn:aws:iam::*:role/aws-service-role/malware-protection.guardduty.amazonaws.com/*"
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{gd, "arn:aws:iam::111122223333:role/aws-service-role/malware-protection.guardduty.amazonaws.com/awsservicerole", true},
		{gd, "arn:aws:iam::111122223333:role/ops-dashboard", false},
		{gd, "arn:aws:iam:::role/aws-service-role/malware-protection.guardduty.amazonaws.com/", true},
		{"a*b*a", "aba", true},
		{"a*b*a", "ab", false},
		{"a*a", "a", false},
		{"*x*y", "yxy", true},
		{"x**y", "xy", true},
		{"ab*ba", "aba", false},
		{"a*b?c", "axxbzc", true},
	} {
		g := compileGlob(tc.pattern)
		if got := g.match(tc.s); got != tc.want || got != wildcard(strings.ToLower(tc.pattern), tc.s) {
			t.Errorf("%q (kind %d) on %q: %v, want %v", tc.pattern, g.kind, tc.s, got, tc.want)
		}
	}
}

// FuzzGlob checks every compiled kind against the backtracking matcher.
func FuzzGlob(f *testing.F) {
	f.Add("a*b*c", "aXbYc")
	f.Add("*ab*", "xxabyy")
	f.Add("a*?b", "azzb")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		g := compileGlob(pattern)
		s = strings.ToLower(s)
		if got, want := g.match(s), wildcard(strings.ToLower(strings.TrimSpace(pattern)), s); got != want {
			t.Fatalf("%q (kind %d) on %q: %v, backtracking says %v", pattern, g.kind, s, got, want)
		}
	})
}
