package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
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

// refKeys is actorKeys.of written plainly: each key trimmed and
// lower-cased on its own, the session ARN built by concatenation.
func refKeys(a event.Actor) []string {
	var out []string
	add := func(s string) {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	add(a.ID)
	add(a.SessionIssuer)
	if !strings.HasPrefix(a.ID, "arn:") {
		add(a.Name)
	} else if a.Name != "" {
		for _, role := range []string{a.SessionIssuer, a.ID} {
			if partition, account, name, _, ok := parseRoleARN(role); ok {
				add("arn:" + partition + ":sts::" + account + ":assumed-role/" + name + "/" + a.Name)
				break
			}
		}
	}
	return out
}

func FuzzActorKeys(f *testing.F) {
	role := "arn:aws:iam::111122223333:role/OpsDashboard"
	f.Add(role, "Session-1", role)
	f.Add(" arn:aws:iam::1:role/path/X ", "ÜSER", "")
	f.Add("Backup@Example.RU", "backup@example.ru", "")
	f.Add(strings.Repeat("A", 300), strings.Repeat("B", 100), "arn:aws:iam::2:role/"+strings.Repeat("C", 200))
	f.Add("\u00a0x\u0085", "İ", "K")
	f.Fuzz(func(t *testing.T, id, name, issuer string) {
		a := event.Actor{ID: id, Name: name, SessionIssuer: issuer}
		var k actorKeys
		k.of(a)
		var got []string
		for i := range k.n {
			got = append(got, k.key(i))
		}
		if want := refKeys(a); !slices.Equal(got, want) {
			t.Fatalf("keys of %+v: %q, want %q", a, got, want)
		}
	})
}
