package correlate

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// Observation is what a correlation keeps of one hit of one of its base
// rules: small, self-contained and serializable (the caller sorts
// observations by event time and may spill them to disk between Observe
// and Feed).
type Observation struct {
	// Rule is the correlation rule's id; Ref the index of the base rule in
	// its rules list.
	Rule string `json:"rule"`
	Ref  int    `json:"ref"`

	Time      time.Time    `json:"time"`
	Event     string       `json:"event"`
	Cloud     event.Cloud  `json:"cloud,omitempty"`
	Account   string       `json:"account,omitempty"`
	Region    string       `json:"region,omitempty"`
	Actor     string       `json:"actor,omitempty"`
	ActorName string       `json:"actor_name,omitempty"`
	Operation string       `json:"operation,omitempty"`
	Action    event.Action `json:"action,omitempty"`
	// Resources are the event's resources, at most maxResources.
	Resources []finding.Resource `json:"resources,omitempty"`

	// Group holds the event's value of each group-by field, in order.
	Group []string `json:"group,omitempty"`
	// Values are the distinct values of the condition's field (value_*
	// types), at most maxValues.
	Values []string `json:"values,omitempty"`
}

// Bounds on what one observation carries: an event's resources, and the
// values of a list field.
const (
	maxResources = 8
	maxValues    = 64
)

// Compare orders observations for Feed: by time, then event id, then rule,
// base rule and group. It is a total order, so that sorting gives the same
// sequence whatever order workers observed in.
func Compare(a, b *Observation) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	return cmp.Or(
		strings.Compare(a.Event, b.Event),
		strings.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Ref, b.Ref),
		slices.Compare(a.Group, b.Group),
		slices.Compare(a.Values, b.Values),
	)
}

// Less is Compare(a, b) < 0, in the form sorters take.
func Less(a, b *Observation) bool { return Compare(a, b) < 0 }
