package timeorder_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
	"unsafe"

	"github.com/snapwarden/snapwarden/internal/timeorder"
)

// ev stands for a snapshot event: many share a timestamp, Seq records the
// order they were added in.
type ev struct {
	At   time.Time
	Seq  int
	Name string
}

func byTime(a, b *ev) bool { return a.At.Before(b.At) }

// randomEvents returns n events over few distinct seconds, so that many keys
// are equal.
func randomEvents(seed uint64, n, seconds int) []ev {
	rng := rand.New(rand.NewPCG(seed, 7))
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	out := make([]ev, n)
	for i := range out {
		out[i] = ev{
			At:   base.Add(time.Duration(rng.IntN(max(seconds, 1))) * time.Second),
			Seq:  i,
			Name: fmt.Sprintf("snap-%06x", rng.IntN(1<<24)),
		}
	}
	return out
}

// stableSorted is the order Drain must reproduce.
func stableSorted(items []ev) []ev {
	want := append([]ev(nil), items...)
	sort.SliceStable(want, func(i, j int) bool { return byTime(&want[i], &want[j]) })
	return want
}

func drainAll(t testing.TB, s *timeorder.Sorter[ev]) []ev {
	t.Helper()
	var got []ev
	if err := s.Drain(func(e ev) error {
		got = append(got, e)
		return nil
	}); err != nil {
		t.Fatalf("Drain: %v", err)
	}
	return got
}

func assertSame(t testing.TB, got, want []ev) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.At.Equal(w.At) || g.Seq != w.Seq || g.Name != w.Name {
			t.Fatalf("item %d: got %+v, want %+v", i, g, w)
		}
	}
}

func assertEmptyDir(t testing.TB, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("%d files left in %s, first %s", len(left), dir, left[0].Name())
	}
}

func TestSorter_Drain(t *testing.T) {
	tests := []struct {
		name       string
		n, seconds int
		opts       timeorder.Options
		wantRuns   bool
		wantMerged bool
	}{
		{name: "zero items", n: 0, seconds: 10},
		{name: "one item", n: 1, seconds: 10},
		{name: "memory only", n: 3000, seconds: 50},
		{name: "all keys equal in memory", n: 500, seconds: 1},
		{name: "several runs", n: 5000, seconds: 50, opts: timeorder.Options{MaxBytes: 32 << 10}, wantRuns: true},
		{name: "all keys equal spilled", n: 2000, seconds: 1, opts: timeorder.Options{MaxBytes: 4 << 10}, wantRuns: true},
		{name: "one item a run", n: 300, seconds: 20, opts: timeorder.Options{MaxBytes: 1}, wantRuns: true, wantMerged: true},
		{name: "fan-in forces merges", n: 5000, seconds: 50, opts: timeorder.Options{MaxBytes: 2 << 10, FanIn: 3}, wantRuns: true, wantMerged: true},
		{name: "fan-in of two", n: 1500, seconds: 30, opts: timeorder.Options{MaxBytes: 1 << 10, FanIn: 2}, wantRuns: true, wantMerged: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := tt.opts
			opts.Dir = dir
			items := randomEvents(uint64(i), tt.n, tt.seconds)
			s := timeorder.New(byTime, timeorder.JSON[ev]{}, opts)
			for _, e := range items {
				if err := s.Add(e); err != nil {
					t.Fatalf("Add: %v", err)
				}
			}
			if s.Len() != tt.n {
				t.Errorf("Len = %d, want %d", s.Len(), tt.n)
			}
			got := drainAll(t, s)
			assertSame(t, got, stableSorted(items))

			st := s.Stats()
			if st.Items != tt.n {
				t.Errorf("Stats.Items = %d, want %d", st.Items, tt.n)
			}
			if (st.Runs > 1) != tt.wantRuns || (st.SpilledBytes > 0) != tt.wantRuns {
				t.Errorf("Stats = %+v, want runs spilled: %v", st, tt.wantRuns)
			}
			if (st.Merged > 0) != tt.wantMerged {
				t.Errorf("Stats = %+v, want merges: %v", st, tt.wantMerged)
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			assertEmptyDir(t, dir)
		})
	}
}

// fixed encodes an ev's time and sequence in 16 bytes, so the budget
// arithmetic is exact.
type fixed struct{}

func (fixed) Append(dst []byte, e *ev) ([]byte, error) {
	dst = appendUint64(dst, uint64(e.At.UnixNano()))
	return appendUint64(dst, uint64(e.Seq)), nil
}

func (fixed) Decode(src []byte) (ev, error) {
	if len(src) != 16 {
		return ev{}, fmt.Errorf("want 16 bytes, got %d", len(src))
	}
	return ev{At: time.Unix(0, int64(readUint64(src))).UTC(), Seq: int(readUint64(src[8:]))}, nil
}

func appendUint64(b []byte, v uint64) []byte {
	for i := range 8 {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

func readUint64(b []byte) uint64 {
	var v uint64
	for i := range 8 {
		v |= uint64(b[i]) << (8 * i)
	}
	return v
}

func TestSorter_Budget(t *testing.T) {
	// Each item counts for its slot in memory plus its 16 encoded bytes; a
	// run is written when the items held pass MaxBytes, i.e. at the 101st.
	perItem := int64(unsafe.Sizeof(ev{})) + 16
	dir := t.TempDir()
	items := randomEvents(3, 1000, 40)
	for i := range items {
		items[i].Name = ""
	}
	s := timeorder.New(byTime, fixed{}, timeorder.Options{MaxBytes: perItem * 100, Dir: dir})
	defer s.Close()
	for _, e := range items {
		if err := s.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	st := s.Stats()
	// Frames of 16 bytes take 1 length byte + 16 + 4 checksum bytes.
	if st.Runs != 9 || st.SpilledBytes != 9*101*21 {
		t.Errorf("Stats = %+v, want 9 runs of 101 items (%d bytes)", st, 9*101*21)
	}
	var onDisk int64
	files, _ := os.ReadDir(dir)
	for _, f := range files {
		info, err := f.Info()
		if err != nil {
			t.Fatal(err)
		}
		onDisk += info.Size()
	}
	if onDisk != st.SpilledBytes || len(files) != st.Runs {
		t.Errorf("%d files of %d bytes in the directory, Stats = %+v", len(files), onDisk, st)
	}
	assertSame(t, drainAll(t, s), stableSorted(items))
}

func TestSorter_Drain_fanIn(t *testing.T) {
	// As in TestSorter_Budget: 9 runs of 101 items (2121 bytes each) and 91
	// items in memory, which take one of the FanIn sources.
	const runBytes = 101 * 21
	tests := []struct {
		fanIn       int
		wantMerged  int
		wantRewrite int64 // runs' worth of bytes rewritten
	}{
		{fanIn: 10}, // 9 runs + memory fit
		{fanIn: 9, wantMerged: 1, wantRewrite: 2}, // merge 2 runs: 8 + memory
		{fanIn: 4, wantMerged: 2, wantRewrite: 8}, // runs 1-4 and 5-8: 3 + memory
		{fanIn: 0}, // DefaultFanIn
		{fanIn: 3, wantMerged: 4, wantRewrite: 9 + 6}, // 3 groups of 3, then 2 of those
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("fanIn=%d", tt.fanIn), func(t *testing.T) {
			dir := t.TempDir()
			items := randomEvents(9, 1000, 30)
			for i := range items {
				items[i].Name = ""
			}
			perItem := int64(unsafe.Sizeof(ev{})) + 16
			s := timeorder.New(byTime, fixed{}, timeorder.Options{MaxBytes: perItem * 100, Dir: dir, FanIn: tt.fanIn})
			for _, e := range items {
				if err := s.Add(e); err != nil {
					t.Fatal(err)
				}
			}
			assertSame(t, drainAll(t, s), stableSorted(items))
			st := s.Stats()
			if st.Runs != 9 || st.Merged != tt.wantMerged || st.MergedBytes != tt.wantRewrite*runBytes {
				t.Errorf("Stats = %+v, want 9 runs, %d merged, %d bytes rewritten", st, tt.wantMerged, tt.wantRewrite*runBytes)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			assertEmptyDir(t, dir)
		})
	}
}

var errStop = errors.New("stop")

func TestSorter_Drain_yieldError(t *testing.T) {
	for _, maxBytes := range []int64{0, 2 << 10} {
		t.Run(fmt.Sprintf("maxBytes=%d", maxBytes), func(t *testing.T) {
			dir := t.TempDir()
			items := randomEvents(4, 2000, 30)
			s := timeorder.New(byTime, timeorder.JSON[ev]{}, timeorder.Options{MaxBytes: maxBytes, Dir: dir})
			for _, e := range items {
				if err := s.Add(e); err != nil {
					t.Fatal(err)
				}
			}
			var got []ev
			err := s.Drain(func(e ev) error {
				if len(got) == 10 {
					return errStop
				}
				got = append(got, e)
				return nil
			})
			if err != errStop {
				t.Fatalf("Drain = %v, want the yield error as it was", err)
			}
			assertSame(t, got, stableSorted(items)[:10])
			if err := s.Drain(func(ev) error { return nil }); !errors.Is(err, timeorder.ErrDrained) {
				t.Errorf("second Drain = %v, want ErrDrained", err)
			}
			if err := s.Add(items[0]); !errors.Is(err, timeorder.ErrDrained) {
				t.Errorf("Add after Drain = %v, want ErrDrained", err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			assertEmptyDir(t, dir)
		})
	}
}

func TestSorter_Close(t *testing.T) {
	dir := t.TempDir()
	s := timeorder.New(byTime, timeorder.JSON[ev]{}, timeorder.Options{MaxBytes: 512, Dir: dir})
	for _, e := range randomEvents(5, 200, 10) {
		if err := s.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if s.Stats().Runs == 0 {
		t.Fatal("no run written; the test needs some")
	}
	for i := range 2 {
		if err := s.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	assertEmptyDir(t, dir)
	if err := s.Add(ev{}); !errors.Is(err, timeorder.ErrClosed) {
		t.Errorf("Add after Close = %v, want ErrClosed", err)
	}
	if err := s.Drain(func(ev) error { return nil }); !errors.Is(err, timeorder.ErrClosed) {
		t.Errorf("Drain after Close = %v, want ErrClosed", err)
	}
}

// failing encodes like JSON but refuses the item with sequence bad.
type failing struct {
	timeorder.JSON[ev]
	bad int
}

var errBad = errors.New("cannot encode")

func (f failing) Append(dst []byte, e *ev) ([]byte, error) {
	if e.Seq == f.bad {
		return dst, errBad
	}
	return f.JSON.Append(dst, e)
}

func TestSorter_Add_errors(t *testing.T) {
	t.Run("sampled item", func(t *testing.T) {
		// The first item is always encoded to measure it: Add refuses it
		// and the Sorter goes on.
		s := timeorder.New(byTime, failing{bad: 0}, timeorder.Options{Dir: t.TempDir()})
		defer s.Close()
		items := randomEvents(6, 50, 5)
		if err := s.Add(items[0]); !errors.Is(err, errBad) {
			t.Fatalf("Add = %v, want errBad", err)
		}
		for _, e := range items[1:] {
			if err := s.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		if s.Len() != 49 {
			t.Errorf("Len = %d, want 49", s.Len())
		}
		assertSame(t, drainAll(t, s), stableSorted(items[1:]))
	})
	t.Run("while spilling", func(t *testing.T) {
		dir := t.TempDir()
		s := timeorder.New(byTime, failing{bad: 5}, timeorder.Options{MaxBytes: 1 << 10, Dir: dir})
		var first error
		for _, e := range randomEvents(7, 500, 5) {
			if first = s.Add(e); first != nil {
				break
			}
		}
		if !errors.Is(first, errBad) {
			t.Fatalf("Add = %v, want errBad once the item is spilled", first)
		}
		if err := s.Add(ev{Seq: 1000}); !errors.Is(err, errBad) {
			t.Errorf("Add after a failed spill = %v, want the same error", err)
		}
		if err := s.Drain(func(ev) error { return nil }); !errors.Is(err, errBad) {
			t.Errorf("Drain after a failed spill = %v, want the same error", err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		assertEmptyDir(t, dir)
	})
	t.Run("missing directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "gone")
		s := timeorder.New(byTime, timeorder.JSON[ev]{}, timeorder.Options{MaxBytes: 1, Dir: dir})
		defer s.Close()
		if err := s.Add(ev{}); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Add = %v, want a not-exist error", err)
		}
	})
}

func TestSorter_Drain_corruptRun(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(t *testing.T, path string)
		want    error
	}{
		{"flipped byte", func(t *testing.T, path string) {
			b := readFile(t, path)
			b[len(b)/2] ^= 0x40
			writeFile(t, path, b)
		}, timeorder.ErrCorruptRun},
		{"truncated", func(t *testing.T, path string) {
			b := readFile(t, path)
			writeFile(t, path, b[:len(b)-7])
		}, timeorder.ErrCorruptRun},
		{"trailing bytes", func(t *testing.T, path string) {
			writeFile(t, path, append(readFile(t, path), 0))
		}, timeorder.ErrCorruptRun},
		{"huge length", func(t *testing.T, path string) {
			b := readFile(t, path)
			huge := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}
			writeFile(t, path, append(huge, b...))
		}, timeorder.ErrCorruptRun},
		{"empty", func(t *testing.T, path string) {
			writeFile(t, path, nil)
		}, timeorder.ErrCorruptRun},
		{"removed", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, os.ErrNotExist},
	}
	for _, tt := range tests {
		for _, fanIn := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/fanIn=%d", tt.name, fanIn), func(t *testing.T) {
				dir := t.TempDir()
				s := timeorder.New(byTime, timeorder.JSON[ev]{}, timeorder.Options{MaxBytes: 2 << 10, Dir: dir, FanIn: fanIn})
				for _, e := range randomEvents(8, 1000, 20) {
					if err := s.Add(e); err != nil {
						t.Fatal(err)
					}
				}
				files, err := os.ReadDir(dir)
				if err != nil || len(files) < 3 {
					t.Fatalf("want 3 run files or more, got %d (%v)", len(files), err)
				}
				tt.corrupt(t, filepath.Join(dir, files[1].Name()))
				err = s.Drain(func(ev) error { return nil })
				if !errors.Is(err, tt.want) {
					t.Errorf("Drain = %v, want %v", err, tt.want)
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				assertEmptyDir(t, dir)
			})
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
