package store

import (
	"slices"
	"strings"
	"testing"
)

func TestLinks(t *testing.T) {
	tests := [][]string{
		{"i-1"},
		{"i-1", "sg-1", "sg-2"},
		{""},
		{"", ""},
		{`\`, `\\`, `\n`, "\n", "\\\n", "a\nb\\nc"},
		{"\xff\xfe", "\x00"},
	}
	for _, links := range tests {
		enc := joinLinks(links)
		s, ok := enc.(string)
		if !ok {
			t.Fatalf("joinLinks(%q) = %v, want a string", links, enc)
		}
		if got := splitLinks(s); !slices.Equal(got, links) {
			t.Errorf("round trip of %q: encoded %q, decoded %q", links, s, got)
		}
	}
	if joinLinks(nil) != nil || joinLinks([]string{}) != nil {
		t.Error("no links should be NULL")
	}
}

func FuzzLinks(f *testing.F) {
	f.Add("i-1\x00sg-1", 2)
	f.Add(`a\nb`+"\n", 1)
	f.Fuzz(func(t *testing.T, s string, parts int) {
		// Split s into up to parts links at NULs (any byte would do).
		links := strings.SplitN(s, "\x00", max(1, min(parts, 16)))
		enc := joinLinks(links).(string)
		if got := splitLinks(enc); !slices.Equal(got, links) {
			t.Errorf("round trip of %q: encoded %q, decoded %q", links, enc, got)
		}
		splitLinks(s) // any stored text decodes without a panic
	})
}
