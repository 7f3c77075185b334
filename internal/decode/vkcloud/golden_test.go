package vkcloud_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/vkcloud"
	"github.com/snapwarden/snapwarden/internal/event"
)

var formats = []decode.Format{vkcloud.Format{}}

// fixtures decodes every hand-written fixture under testdata, auto-detecting
// the format (so JSON and text sniffing both run), and fails on any bad
// record.
func fixtures(t *testing.T) map[string][]*event.Event {
	t.Helper()
	paths, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*event.Event{}
	for _, p := range paths {
		if strings.HasSuffix(p, ".golden.jsonl") || !isFile(p) {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		res := decodetest.Decode(t, nil, formats, filepath.Base(p), b)
		for _, e := range res.Errors {
			t.Errorf("%s: bad record: %v", p, e)
		}
		if res.Err != nil {
			t.Errorf("%s: input ended early: %v", p, res.Err)
		}
		name := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		out[name] = res.Events
	}
	return out
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func TestGolden(t *testing.T) {
	for name, events := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			if len(events) == 0 {
				t.Fatal("no events")
			}
			decodetest.Golden(t, name, events)
		})
	}
}
