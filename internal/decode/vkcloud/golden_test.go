package vkcloud_test

import (
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/vkcloud"
	"github.com/snapwarden/snapwarden/internal/event"
)

var formats = []decode.Format{vkcloud.Format{}}

// fixtureGlob matches every hand-written fixture under testdata (and the
// golden files, which decodetest.Fixtures leaves out).
const fixtureGlob = "testdata/*"

// decodeFixture decodes a fixture auto-detecting the format (so JSON and
// text sniffing both run), and fails on any bad record.
func decodeFixture(t *testing.T, f decodetest.Fixture) []*event.Event {
	t.Helper()
	return decodetest.Decode(t, nil, formats, filepath.Base(f.Path), f.Input).Clean(t)
}

// fixtures decodes every fixture, by name.
func fixtures(t *testing.T) map[string][]*event.Event {
	t.Helper()
	out := map[string][]*event.Event{}
	for _, f := range decodetest.Fixtures(t, fixtureGlob) {
		out[f.Name] = decodeFixture(t, f)
	}
	return out
}

func TestGolden(t *testing.T) {
	decodetest.GoldenFiles(t, decodetest.Fixtures(t, fixtureGlob), func(t *testing.T, f decodetest.Fixture) []*event.Event {
		events := decodeFixture(t, f)
		if len(events) == 0 {
			t.Fatal("no events")
		}
		return events
	})
}
