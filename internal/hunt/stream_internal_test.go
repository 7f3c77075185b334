package hunt

import (
	"fmt"
	"testing"
	"time"
)

// TestNotFound_Bounded: the negative cache holds at most max ids, forgets
// the oldest first, and each for notFoundTTL.
func TestNotFound_Bounded(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	c := notFound{max: 100}
	for i := range 1000 {
		c.add(fmt.Sprint("id-", i), now.Add(time.Duration(i)*time.Millisecond))
		if len(c.at) > c.max || len(c.queue) > c.max {
			t.Fatalf("after %d adds: %d ids, %d queued, max %d", i+1, len(c.at), len(c.queue), c.max)
		}
	}
	at := now.Add(time.Second)
	for _, tc := range []struct {
		id   string
		want bool
	}{{"id-999", true}, {"id-900", true}, {"id-899", false}, {"id-0", false}} {
		if got := c.has(tc.id, at); got != tc.want {
			t.Errorf("has(%s) = %v, want %v", tc.id, got, tc.want)
		}
	}
	if c.has("id-999", now.Add(time.Second+notFoundTTL)) {
		t.Error("id-999 still remembered a minute later")
	}
	// Past the time-to-live, adding one id drops every expired one.
	c.add("late", now.Add(time.Hour))
	if len(c.at) != 1 || len(c.queue) != 1 {
		t.Errorf("an hour later: %d ids, %d queued; want 1", len(c.at), len(c.queue))
	}
	// An id added again is remembered from its last add.
	c.add("late", now.Add(time.Hour+notFoundTTL/2))
	if !c.has("late", now.Add(time.Hour+notFoundTTL)) {
		t.Error("an id added again is forgotten by its first add's time")
	}
}
