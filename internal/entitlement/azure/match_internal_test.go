package azure

import (
	"slices"
	"strings"
	"testing"
)

func TestPattern_match(t *testing.T) {
	cases := []struct {
		pattern, op string
		want        bool
	}{
		{"*", "Microsoft.Compute/snapshots/write", true},
		{"*/read", "Microsoft.Compute/snapshots/read", true},
		{"*/read", "Microsoft.Compute/snapshots/write", false},
		{"*/read", "Microsoft.Compute/snapshots/readx", false},
		{"Microsoft.Compute/*", "Microsoft.Compute/snapshots/write", true},
		{"Microsoft.Compute/*", "Microsoft.ComputeSchedule/x/write", false},
		{"Microsoft.Compute/*/write", "Microsoft.Compute/snapshots/write", true},
		{"Microsoft.Compute/*/write", "Microsoft.Compute/galleries/images/versions/write", true},
		{"Microsoft.Compute/*/write", "Microsoft.Compute/snapshots/beginGetAccess/action", false},
		{"Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write", true},
		{"microsoft.compute/SNAPSHOTS/write", "Microsoft.Compute/snapshots/write", true},
		{"Microsoft.Compute/snapshots/write", "Microsoft.Compute/snapshots/writes", false},
		{"Microsoft.Compute/snapshots/*/action", "Microsoft.Compute/snapshots/beginGetAccess/action", true},
		{"Microsoft.*/snapshots/*", "Microsoft.Compute/snapshots/write", true},
		{"a*a", "a", false},
		{"a*a", "aa", true},
		{"**", "x", true},
		{"", "x", false},
		{"  ", "x", false},
	}
	for _, c := range cases {
		if got := compilePattern(c.pattern).match(strings.ToLower(c.op)); got != c.want {
			t.Errorf("%q matches %q: %v, want %v", c.pattern, c.op, got, c.want)
		}
	}
}

func TestParseCondition(t *testing.T) {
	delegation := `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals{acdd72a7-3385-48ef-bd42-f606fba81ae7})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals{acdd72a7-3385-48ef-bd42-f606fba81ae7}))`
	c := parseCondition(delegation)
	wantKeys := []string{"@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId]", "@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId]"}
	if !slices.Equal(c.keys, wantKeys) {
		t.Errorf("keys %q, want %q", c.keys, wantKeys)
	}
	for op, want := range map[string]bool{
		"microsoft.authorization/roleassignments/write":  true,
		"microsoft.authorization/roleassignments/delete": true,
		"microsoft.compute/snapshots/write":              false,
	} {
		if got := c.restricts(op); got != want {
			t.Errorf("restricts %s: %v, want %v", op, got, want)
		}
	}

	// No ActionMatches: every operation is under the condition, and with
	// no attribute named the expression itself is kept.
	c = parseCondition("@Environment[isPrivateLink] BoolEquals true")
	if !c.restricts("microsoft.compute/snapshots/write") || !slices.Equal(c.keys, []string{"@Environment[isPrivateLink]"}) {
		t.Errorf("got %+v", c)
	}
	c = parseCondition("  true  ")
	if !slices.Equal(c.keys, []string{"true"}) {
		t.Errorf("keys %q", c.keys)
	}
	long := parseCondition(strings.Repeat("é", 300))
	if len(long.keys) != 1 || !strings.HasSuffix(long.keys[0], "…") || len(long.keys[0]) > maxConditionText+len("…") {
		t.Errorf("long condition kept as %q", long.keys)
	}
	if parseCondition(" ") != nil || parseCondition("").restricts("x") {
		t.Error("an empty condition restricts")
	}
}
