package vkcloud_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// apiPage is an action-log API response as the writer saves it.
type apiPage struct {
	Logs   []map[string]any `json:"logs"`
	Marker *string          `json:"marker"`
}

// TestWriter_Layout: pages go under actionlog/<project>/<day>/, hold at most
// 1000 records newest first, follow each other in time, carry a marker
// except the day's last; every value is a string; Close counts every byte.
func TestWriter_Layout(t *testing.T) {
	w := newWorld()
	reads := w.c.Reads()
	var ops []*scenario.Op
	day1 := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	for i := range 2345 {
		ops = append(ops, &scenario.Op{ID: w.c.EventID(w.r), Time: day1.Add(time.Duration(i) * 30 * time.Second),
			Kind: scenario.Read, Name: reads[i%len(reads)], Account: w.main, Actor: w.alice})
	}
	stranger := w.c.NewPrincipal(w.r, scenario.Human, w.outside, "operator")
	ops = append(ops,
		&scenario.Op{ID: w.c.EventID(w.r), Time: day1.Add(23 * time.Hour), Kind: scenario.VolumeCreate,
			Created: w.id(scenario.VolumeID, "copied-restored"), Account: w.outside, Actor: stranger},
		&scenario.Op{ID: w.c.EventID(w.r), Time: day1.Add(25 * time.Hour), Kind: scenario.Read, Name: reads[0], Account: w.main, Actor: w.bob},
	)
	dir, n := write(t, w.c, ops...)

	var got []string
	var size int64
	for _, p := range pages(t, dir) {
		rel, _ := filepath.Rel(dir, p)
		got = append(got, filepath.ToSlash(rel))
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		size += fi.Size()
	}
	want := []string{
		"actionlog/" + w.main.ID + "/2026-11-03/page-0001.json",
		"actionlog/" + w.main.ID + "/2026-11-03/page-0002.json",
		"actionlog/" + w.main.ID + "/2026-11-03/page-0003.json",
		"actionlog/" + w.main.ID + "/2026-11-04/page-0001.json",
		"actionlog/" + w.outside.ID + "/2026-11-03/page-0001.json",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("files\n%v\nwant\n%v", got, want)
	}
	if n != size {
		t.Errorf("Close reported %d bytes, files hold %d", n, size)
	}

	var prevNewest string
	total := 0
	for i, rel := range want[:3] {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		var pg apiPage
		if err := json.Unmarshal(b, &pg); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		total += len(pg.Logs)
		if len(pg.Logs) > 1000 {
			t.Errorf("%s: %d records", rel, len(pg.Logs))
		}
		if last := i == 2; (pg.Marker == nil) != last {
			t.Errorf("%s: marker %v, last page %v", rel, pg.Marker, last)
		} else if !last {
			tok, err := base64.StdEncoding.DecodeString(*pg.Marker)
			if err != nil || !strings.Contains(string(tok), `"ofs":`) {
				t.Errorf("%s: marker %q → %q, %v", rel, *pg.Marker, tok, err)
			}
		}
		var stamps []string
		for _, r := range pg.Logs {
			for k, v := range r {
				if _, ok := v.(string); !ok {
					t.Fatalf("%s: %s is %T, not a string", rel, k, v)
				}
			}
			stamps = append(stamps, r["timestamp"].(string))
		}
		if !slices.IsSortedFunc(stamps, func(a, b string) int { return strings.Compare(b, a) }) {
			t.Errorf("%s: records not newest first", rel)
		}
		if prevNewest != "" && stamps[len(stamps)-1] < prevNewest {
			t.Errorf("%s starts at %s, before the previous page's end %s", rel, stamps[len(stamps)-1], prevNewest)
		}
		prevNewest = stamps[0]
	}
	if total != 2345 {
		t.Errorf("day one holds %d records, want 2345", total)
	}
	events := decodeDir(t, dir)
	if len(events) != len(ops) {
		t.Errorf("%d events from %d ops", len(events), len(ops))
	}
	for _, op := range ops {
		if e := events[op.ID]; e == nil || e.Actor.ID != op.Actor.ID {
			t.Errorf("op %s: event %+v", op.ID, e)
		}
	}
}

// TestWriter_Empty: a writer given nothing writes nothing.
func TestWriter_Empty(t *testing.T) {
	dir, n := write(t, newWorld().c)
	if n != 0 || len(pages(t, dir)) != 0 {
		t.Errorf("%d bytes, files %v", n, pages(t, dir))
	}
}

// TestWriter_DayComesBack: ops out of time order across days add pages to
// the earlier day instead of overwriting its first.
func TestWriter_DayComesBack(t *testing.T) {
	w := newWorld()
	day := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	var ops []*scenario.Op
	for _, at := range []time.Time{day, day.Add(24 * time.Hour), day.Add(time.Hour)} {
		ops = append(ops, &scenario.Op{ID: w.c.EventID(w.r), Time: at, Kind: scenario.Read, Name: w.c.Reads()[0], Account: w.main, Actor: w.alice})
	}
	dir, _ := write(t, w.c, ops...)
	if got := len(pages(t, filepath.Join(dir, "actionlog", w.main.ID, "2026-11-03"))); got != 2 {
		t.Errorf("%d pages on the day that came back, want 2", got)
	}
	if events := decodeDir(t, dir); len(events) != len(ops) {
		t.Errorf("%d events from %d ops", len(events), len(ops))
	}
}
