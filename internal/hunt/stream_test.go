package hunt_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
)

// streamChains feeds events to a Stream in batches of size, taken up one
// second of wall clock apart, releasing after each; it returns the last
// state of each chain finding and the Stream's counters.
func streamChains(t *testing.T, d *hunt.Detector, events []*event.Event, size int, hold time.Duration) ([]finding.Finding, hunt.StreamStats) {
	t.Helper()
	s := d.NewStream(hold)
	w := d.NewWorker()
	s.Attach(w)
	last := map[string]finding.Finding{}
	keep := func(f finding.Finding, _ int64) error {
		if f.Rule.Kind == finding.KindChain {
			if old, ok := last[f.ID]; !ok || f.Revision >= old.Revision {
				last[f.ID] = f
			}
		}
		return nil
	}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	var batch int64
	for start := 0; start < len(events); start += size {
		batch++
		s.Begin(batch, now)
		for _, ev := range events[start:min(start+size, len(events))] {
			if err := w.Findings(ev, func(finding.Finding) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Release(now, false, keep); err != nil {
			t.Fatal(err)
		}
		if c := s.Covered(batch); c > batch || c < 0 {
			t.Fatalf("covered %d after batch %d", c, batch)
		}
		now = now.Add(time.Second)
	}
	if err := s.Release(now, true, keep); err != nil {
		t.Fatal(err)
	}
	if s.Held() != 0 || s.Covered(batch) != batch {
		t.Fatalf("after the final release: %d held, covered %d of %d", s.Held(), s.Covered(batch), batch)
	}
	var out []finding.Finding
	for _, f := range last {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b finding.Finding) int { return strings.Compare(a.ID, b.ID) })
	st, _ := s.Stats()
	return out, st
}

func chainSummary(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID+" "+f.Severity.String()+" "+strings.Join(actions(f), ","))
	}
	slices.Sort(out)
	return out
}

// TestStream_SameChainsAsHunt: events arriving shuffled in small batches
// give serve's Stream the chains a hunt over the same events finds, as
// long as the disorder stays within the hold time; with no hold, the same
// shuffled arrival is fed late and counted.
func TestStream_SameChainsAsHunt(t *testing.T) {
	d := chainDetector(t, nil)
	events := exampleEvents(t, "")
	want := chainSummary(chainFindings(t, d, events))
	if len(want) < 9 {
		t.Fatalf("hunt finds %d chains in examples/, want at least 9", len(want))
	}
	shuffled := slices.Clone(events)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })

	// Every batch arrives within the hold of the first: one order.
	got, st := streamChains(t, d, shuffled, 50, time.Hour)
	if g := chainSummary(got); !slices.Equal(g, want) {
		t.Errorf("shuffled within the hold:\n got %q\nwant %q", g, want)
	}
	if st.Late != 0 {
		t.Errorf("%d late events within the hold", st.Late)
	}

	// In time order, no hold is needed.
	inOrder := slices.Clone(events)
	slices.SortStableFunc(inOrder, func(a, b *event.Event) int { return a.Time.Compare(b.Time) })
	got, st = streamChains(t, d, inOrder, 50, 0)
	if g := chainSummary(got); !slices.Equal(g, want) {
		t.Errorf("in order without hold:\n got %q\nwant %q", g, want)
	}
	if st.Fed == 0 {
		t.Error("nothing fed")
	}

	// Shuffled with no hold: fed as it comes, and the disorder is counted.
	_, st = streamChains(t, d, shuffled, 50, 0)
	if st.Late == 0 {
		t.Error("shuffled without hold: no late event counted")
	}
}
