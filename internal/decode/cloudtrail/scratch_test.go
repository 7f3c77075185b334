package cloudtrail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// decodeAll decodes input with or without Options.Scratch and returns the
// events as JSON, each taken as a consumer that keeps it must: Own, then a
// Clone. lent counts the events that were the decoder's scratch event.
func decodeAll(t *testing.T, input []byte, scratch bool) (events []string, lent int) {
	t.Helper()
	d := decode.NewDecoder(decode.Options{Formats: []decode.Format{cloudtrail.Format{}}, Scratch: scratch})
	var first *event.Event
	emit := func(e *event.Event) error {
		if e.Scratch {
			lent++
			if first == nil {
				first = e
			} else if e != first {
				t.Error("a scratch event that is not the decoder's one event")
			}
			if len(e.Resources)+len(e.Shares)+len(e.Ingress) > 0 {
				t.Errorf("scratch event %s has resources, shares or ingress rules", e.ID)
			}
		}
		e.Own()
		b, err := json.Marshal(e.Clone())
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, string(b))
		return nil
	}
	bad := func(*decode.RecordError) error { return nil }
	if _, err := d.Decode(context.Background(), bytes.NewReader(input), "input", emit, bad); err != nil {
		t.Fatal(err)
	}
	return events, lent
}

// TestScratch_sameEvents decodes the shared samples and the fixtures with
// and without scratch events: the events are the same, and those of
// operations without a handler (reads) were lent.
func TestScratch_sameEvents(t *testing.T) {
	var paths []string
	for _, g := range []string{
		filepath.Join(decodetest.SamplesDir(t), "aws", "cloudtrail", "*", "*.json"),
		filepath.Join(decodetest.SamplesDir(t), "aws", "cloudtrail", "*", "*", "*.json*"),
		filepath.Join("testdata", "*.json"),
	} {
		p, _ := filepath.Glob(g)
		paths = append(paths, p...)
	}
	total, lent := 0, 0
	for _, p := range paths {
		input := decodetest.ReadFile(t, p)
		owned, none := decodeAll(t, input, false)
		scratch, n := decodeAll(t, input, true)
		if none != 0 {
			t.Errorf("%s: %d scratch events from a decoder without Scratch", p, none)
		}
		if len(owned) != len(scratch) {
			t.Fatalf("%s: %d events with Scratch, %d without", p, len(scratch), len(owned))
		}
		for i := range owned {
			if owned[i] != scratch[i] {
				t.Errorf("%s: event %d with Scratch:\n%s\nwithout:\n%s", p, i, scratch[i], owned[i])
			}
		}
		total += len(owned)
		lent += n
	}
	t.Logf("%d files, %d events, %d lent", len(paths), total, lent)
	if total < 900 || lent == 0 || lent == total {
		t.Errorf("%d events, %d lent: want the samples' hundreds, reads lent, the rest not", total, lent)
	}
}
