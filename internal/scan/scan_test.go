package scan_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
	"github.com/snapwarden/snapwarden/internal/scan"
	"github.com/snapwarden/snapwarden/internal/source"
)

// toyFormat claims objects with an "op" key; "pair" keys make halves.
type toyFormat struct{}

func (toyFormat) Name() string                { return "toy" }
func (toyFormat) Sniff(v *jsondoc.Value) bool { return v.Exists("op") }
func (toyFormat) Decode(v *jsondoc.Value, out *decode.Output) error {
	if k := decode.Str(v, "pair"); k != "" {
		part := decode.First
		if decode.Str(v, "part") == "last" {
			part = decode.Last
		}
		return out.Half(v, nil, k, part, time.Time{})
	}
	return out.Record(v, nil)
}
func (toyFormat) Normalize(docs []*jsondoc.Value) (*event.Event, error) {
	d := decode.Docs(docs)
	op := d.Str("op")
	if op == "" {
		return nil, errors.New("no op")
	}
	return &event.Event{ID: d.Str("id"), Cloud: event.Cloud(cmp.Or(d.Str("cloud"), "aws")), Operation: op, Action: event.Action(d.Str("action"))}, nil
}

func writeFile(t *testing.T, path, data string, gz bool) {
	t.Helper()
	b := []byte(data)
	if gz {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		b = buf.Bytes()
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.json"), `{"Records":[{"op":"A","id":"1","action":"snapshot.create"},{"op":"B","id":"2"}]}`, false)
	writeFile(t, filepath.Join(dir, "b.json.gz"), "{\"op\":\"C\",\"id\":\"3\",\"pair\":\"k\"}\n{\"nope\":1}\n{\"op\":\"\"}\n", true)
	writeFile(t, filepath.Join(dir, "c.json"), `{"op":"C","id":"4","pair":"k","part":"last"}`, false)
	writeFile(t, filepath.Join(dir, "d.txt.log"), "hello\nworld\n", false)
	full := `[{"op":"E","id":"5"},{"op":"F","id":"6"}]`
	var gzbuf bytes.Buffer
	w := gzip.NewWriter(&gzbuf)
	w.Write([]byte(full))
	w.Close()
	os.WriteFile(filepath.Join(dir, "e.json.gz"), gzbuf.Bytes()[:gzbuf.Len()-4], 0o644)

	inputs, _, err := source.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var problems []string
	var ids []string
	sum, err := scan.Run(context.Background(), inputs, scan.Options{
		Formats: []decode.Format{toyFormat{}},
		Workers: 2,
		Problem: func(p scan.Problem) { mu.Lock(); problems = append(problems, p.Err.Error()); mu.Unlock() },
	}, nil, func() scan.Emit {
		return func(e *event.Event) error { mu.Lock(); ids = append(ids, e.ID); mu.Unlock(); return nil }
	})
	if err != nil {
		t.Fatal(err)
	}
	// 1, 2 from a; the pair 3+4 joined into one event with the first id; 5 and 6 from the cut gzip.
	if sum.Events != 5 {
		t.Errorf("events = %d (%v), want 5", sum.Events, ids)
	}
	joined := false
	for _, id := range ids {
		if id == "4" {
			t.Error("the paired record emitted alone")
		}
		if id == "3" {
			joined = true
		}
	}
	if !joined {
		t.Error("the pair was not emitted")
	}
	if sum.Files != 5 || sum.Malformed != 4 || sum.FilesFailed != 1 || sum.UnknownFiles != 1 {
		t.Errorf("summary = %+v", sum)
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{"b.json.gz:2", "b.json.gz:3", "d.txt.log: not in a known format", "e.json.gz: input cut short", "truncated gzip"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
	if sum.PerAction[event.AWS][event.SnapshotCreate] != 1 {
		t.Errorf("per action = %v", sum.PerAction)
	}
}

func TestRunStopsOnEmitError(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.json"), `[{"op":"A","id":"1"},{"op":"B","id":"2"}]`, false)
	inputs, _, _ := source.Expand([]string{dir})
	boom := errors.New("disk full")
	_, err := scan.Run(context.Background(), inputs, scan.Options{Formats: []decode.Format{toyFormat{}}}, nil,
		func() scan.Emit { return func(*event.Event) error { return boom } })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the emit error", err)
	}
}

func TestRunDefaultAccounts(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.json"), `[{"op":"A","id":"1"}]`, false)
	inputs, _, _ := source.Expand([]string{dir})
	var got string
	_, err := scan.Run(context.Background(), inputs, scan.Options{
		Formats:         []decode.Format{toyFormat{}},
		DefaultAccounts: map[event.Cloud]string{event.AWS: "111122223333"},
	}, nil, func() scan.Emit { return func(e *event.Event) error { got = e.Account; return nil } })
	if err != nil || got != "111122223333" {
		t.Errorf("account = %q, %v", got, err)
	}
}

// TestRunCounts: events per cloud and per action, counted by each worker
// apart, add up in the summary.
func TestRunCounts(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.json": `[{"op":"A","action":"snapshot.create"},{"op":"B"},{"op":"C","cloud":"gcp","action":"snapshot.create"}]`,
		"b.json": `[{"op":"D","cloud":"gcp"},{"op":"E","action":"snapshot.share"},{"op":"F","action":"snapshot.create"}]`,
		"c.json": `[{"op":"G","cloud":"yandex"},{"op":"H","cloud":"gcp","action":"image.create"}]`,
	}
	for name, data := range files {
		writeFile(t, filepath.Join(dir, name), data, false)
	}
	inputs, _, _ := source.Expand([]string{dir})
	sum, err := scan.Run(context.Background(), inputs, scan.Options{Formats: []decode.Format{toyFormat{}}, Workers: 2}, nil,
		func() scan.Emit { return func(*event.Event) error { return nil } })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Events != 8 {
		t.Errorf("events = %d, want 8", sum.Events)
	}
	if want := map[event.Cloud]int{event.AWS: 4, event.GCP: 3, event.Yandex: 1}; !maps.Equal(sum.PerCloud, want) {
		t.Errorf("per cloud = %v, want %v", sum.PerCloud, want)
	}
	wantActions := map[event.Cloud]map[event.Action]int{
		event.AWS: {event.SnapshotCreate: 2, event.SnapshotShare: 1},
		event.GCP: {event.SnapshotCreate: 1, event.ImageCreate: 1},
	}
	if !maps.EqualFunc(sum.PerAction, wantActions, maps.Equal) {
		t.Errorf("per action = %v, want %v", sum.PerAction, wantActions)
	}
}
