//go:build unix

package scan_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scan"
	"github.com/snapwarden/snapwarden/internal/source"
)

// A plain file is mapped into memory. Cut short by another process while
// it is read, it is reported as changed, not a crash, and the worker reads
// the next file as usual.
func TestRunFileShrinksWhileMapped(t *testing.T) {
	dir := t.TempDir()
	cut := filepath.Join(dir, "a.json")
	var b strings.Builder
	for i := range 50000 {
		fmt.Fprintf(&b, `{"op":"Describe","id":"a%d","pad":"%s"}`+"\n", i, strings.Repeat("x", 40))
	}
	writeFile(t, cut, b.String(), false)
	writeFile(t, filepath.Join(dir, "b.json"), `{"op":"A","id":"b1"}`+"\n"+`{"op":"B","id":"b2"}`, false)

	in, err := source.Open(source.Input{Name: cut}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if in.Bytes() == nil {
		t.Fatal("a plain file was not mapped")
	}
	in.Close()

	inputs, _, err := source.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var problems []error
	var ids []string
	touched := 0
	sum, err := scan.Run(context.Background(), inputs, scan.Options{
		Formats: []decode.Format{toyFormat{}},
		Workers: 1,
		Problem: func(p scan.Problem) { problems = append(problems, p.Err) },
	}, nil, func() scan.Emit {
		return func(e *event.Event) error {
			if e.ID == "a0" {
				if err := os.Truncate(cut, 0); err != nil {
					t.Fatal(err)
				}
			}
			ids = append(ids, e.ID)
			// Read the record's text, as a finding's evidence does: past
			// the cut, a memory fault.
			for _, raw := range e.Raw {
				for _, c := range raw {
					touched += int(c)
				}
			}
			return nil
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !errors.Is(problems[0], source.ErrFileChanged) || !strings.Contains(problems[0].Error(), "a.json: input cut short") {
		t.Fatalf("problems = %v, want a.json cut short because it changed", problems)
	}
	if sum.FilesFailed != 1 || sum.Files != 2 {
		t.Errorf("summary = %+v", sum)
	}
	if n := len(ids); n < 3 || n > 50000 || ids[n-2] != "b1" || ids[n-1] != "b2" {
		t.Errorf("read %d events, ending %v; want a.json's first ones, then b.json's", n, ids[max(0, n-3):])
	}
}

// Progress through a mapped file follows the decoder, and ends at the
// file's size.
func TestRunProgressOfMappedFile(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&b, `{"op":"Describe","id":"a%d"}`+"\n", i)
	}
	writeFile(t, filepath.Join(dir, "a.json"), b.String(), false)
	inputs, _, err := source.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var progress scan.Progress
	var seen []int64 // progress bytes at every 1000th event
	events := 0
	_, err = scan.Run(context.Background(), inputs, scan.Options{Formats: []decode.Format{toyFormat{}}, Workers: 1}, &progress,
		func() scan.Emit {
			return func(*event.Event) error {
				if events++; events%1000 == 0 {
					seen = append(seen, progress.Bytes.Load())
				}
				return nil
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] < seen[i-1] {
			t.Errorf("progress went back: %v", seen)
		}
	}
	if len(seen) < 5 || seen[len(seen)-1] == 0 {
		t.Errorf("progress during the file: %v", seen)
	}
	if got := progress.Bytes.Load(); got != int64(b.Len()) {
		t.Errorf("progress at the end: %d bytes, want %d", got, b.Len())
	}
}
