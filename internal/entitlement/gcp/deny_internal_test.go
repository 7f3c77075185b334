package gcp

import (
	"strings"
	"testing"
	"time"
)

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"compute.snapshots.create", "compute.snapshots.create", true},
		{"compute.snapshots.*", "compute.snapshots.create", true},
		{"compute.*.setIamPolicy", "compute.images.setIamPolicy", true},
		{"compute.*.setIamPolicy", "compute.images.getIamPolicy", false},
		{"*", "anything", true},
		{"compute.*", "computer.x", false},
		{"*.create", "compute.snapshots.create", true},
		{"compute.snapshots.create", "compute.snapshots.createX", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
	}
	for _, tt := range tests {
		if got := glob(tt.pattern, tt.s); got != tt.want {
			t.Errorf("glob(%q, %q) = %v", tt.pattern, tt.s, got)
		}
	}
	// Many stars must not blow up (exponential matching would take ages;
	// the bound only catches that, it is not a speed target).
	start := time.Now()
	if glob(strings.Repeat("*a", 40)+"b", strings.Repeat("a", 200)) {
		t.Error("matched")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}
