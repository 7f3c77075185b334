package compare

import (
	"slices"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name         string
		a, b         []int
		onlyA, onlyB []int
	}{
		{"both empty", nil, nil, nil, nil},
		{"same", []int{1, 4, 9}, []int{1, 4, 9}, nil, nil},
		{"a only", []int{2, 3}, nil, []int{2, 3}, nil},
		{"b only", nil, []int{5}, nil, []int{5}},
		{"interleaved", []int{1, 3, 5, 7}, []int{2, 3, 6, 7, 8}, []int{1, 5}, []int{2, 6, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			onlyA, onlyB := diff(tt.a, tt.b)
			if !slices.Equal(onlyA, tt.onlyA) || !slices.Equal(onlyB, tt.onlyB) {
				t.Errorf("diff(%v, %v) = %v, %v; want %v, %v", tt.a, tt.b, onlyA, onlyB, tt.onlyA, tt.onlyB)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	const (
		bucketDeleted = "39c9f26d-6e3b-4dbb-9c7a-4154b0281112" // nullValue: peer error, snapwarden only
		vmExport      = "54b9a76a-3c71-4673-b4b3-2edb4566ea7b" // wildcardFilter: peer only
		samlDeletion  = "ccd6a6c8-bb4e-4a91-9d2a-07e632819374" // statusOutcome: snapwarden only
	)
	nullErr := "error evaluating search selection_status_null: expected scalar field matching value got: <nil> (<nil>)"
	tests := []struct {
		name string
		row  RuleRow
		want string // a part of the reason; "" for none
	}{
		{"unknown rule", RuleRow{ID: "00000000-0000-0000-0000-000000000000", OnlySnapwarden: []int{1}, PeerLoaded: true}, ""},
		{"direction it explains", RuleRow{ID: samlDeletion, OnlySnapwarden: []int{3}, PeerLoaded: true}, "snapwarden mapping: "},
		{"direction it cannot produce", RuleRow{ID: samlDeletion, OnlyPeer: []int{3}, PeerLoaded: true}, ""},
		{"both directions, one explained", RuleRow{ID: vmExport, OnlySnapwarden: []int{1}, OnlyPeer: []int{2}, PeerLoaded: true}, ""},
		{"peer only", RuleRow{ID: vmExport, OnlyPeer: []int{2}, PeerLoaded: true}, "peer defect: "},
		{"peer failed on every missed record", RuleRow{ID: bucketDeleted, OnlySnapwarden: []int{2, 7},
			PeerLoaded: true, PeerFailed: []int{0, 1, 2, 3, 4, 5, 6, 7}, PeerError: nullErr}, "peer lacks: "},
		{"peer evaluated a missed record", RuleRow{ID: bucketDeleted, OnlySnapwarden: []int{2, 7},
			PeerLoaded: true, PeerFailed: []int{2}, PeerError: nullErr}, ""},
		{"peer failed for another reason", RuleRow{ID: bucketDeleted, OnlySnapwarden: []int{2},
			PeerLoaded: true, PeerFailed: []int{2}, PeerError: "error evaluating search x: unknown modifier cased"}, ""},
		{"peer did not parse the rule", RuleRow{ID: bucketDeleted, OnlySnapwarden: []int{2}, PeerError: "expected scalar field matching value got: <nil>"}, "peer lacks: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explain(tt.row)
			if tt.want == "" && got != "" || tt.want != "" && !strings.HasPrefix(got, tt.want) {
				t.Errorf("explain = %q, want prefix %q", got, tt.want)
			}
		})
	}
}

// Every explanation names a cause and a side, and a reason that prints on
// one line.
func TestExplanations_WellFormed(t *testing.T) {
	for id, e := range explanations {
		if e.cause.String() == "unknown" || e.side == 0 || e.reason == "" || strings.ContainsAny(e.reason, "\n\r") {
			t.Errorf("%s: incomplete explanation %+v", id, e)
		}
		if len(id) != 36 || strings.Count(id, "-") != 4 {
			t.Errorf("%q is not a rule id", id)
		}
	}
}
