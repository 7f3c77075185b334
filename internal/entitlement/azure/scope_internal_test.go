package azure

import "testing"

func TestScope(t *testing.T) {
	cases := []struct {
		scope, level string
		rank         int
	}{
		{"/", "root", 0},
		{"", "root", 0},
		{"/providers/Microsoft.Management/managementGroups/mg1", "management group", 1},
		{"/subscriptions/s1/", "subscription", 2},
		{"/subscriptions/s1/resourceGroups/rg1", "resource group", 4},
		{"/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Compute/snapshots/snap1", "resource", 8},
		{"/providers/Microsoft.Capacity", "scope", 2},
	}
	for _, c := range cases {
		s := parseScope(c.scope)
		if s.level() != c.level || s.rank() != c.rank {
			t.Errorf("%q: level %q rank %d, want %q %d", c.scope, s.level(), s.rank(), c.level, c.rank)
		}
	}
}

func TestScope_covers(t *testing.T) {
	cases := []struct {
		outer, inner string
		want         bool
	}{
		{"/", "/subscriptions/s1/resourceGroups/rg1", true},
		{"/subscriptions/s1", "/subscriptions/s1", true},
		{"/subscriptions/s1", "/SUBSCRIPTIONS/S1/resourceGroups/rg1", true},
		{"/subscriptions/s1", "/subscriptions/s10", false},
		{"/subscriptions/s1/resourceGroups/rg1", "/subscriptions/s1", false},
		{"/subscriptions/s1/resourceGroups/rg1", "/subscriptions/s1/resourceGroups/rg2", false},
		{"/subscriptions/s1/resourceGroups/rg1/", "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Compute/snapshots/a", true},
		// The hierarchy above subscriptions is not in the scope string.
		{"/providers/Microsoft.Management/managementGroups/mg1", "/subscriptions/s1", false},
	}
	for _, c := range cases {
		if got := parseScope(c.outer).covers(parseScope(c.inner)); got != c.want {
			t.Errorf("%q covers %q: %v, want %v", c.outer, c.inner, got, c.want)
		}
	}
}
