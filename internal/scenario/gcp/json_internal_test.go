package gcp

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// TestAppendTime compares the hand-rolled clock with time's own RFC 3339.
func TestAppendTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	times := []time.Time{
		time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2000, 2, 29, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 1, 0, 0, 0, 120_000_000, time.UTC),
		time.Date(2100, 3, 1, 1, 2, 3, 4, time.UTC),
	}
	for range 2000 {
		times = append(times, time.Unix(r.Int64N(8_000_000_000)-1_000_000_000, r.Int64N(1e9)).UTC())
	}
	for _, tm := range times {
		got := string(appendTime(nil, tm, 9))
		want := `"` + tm.Format(time.RFC3339Nano) + `"`
		if got != want {
			t.Fatalf("appendTime(%v) = %s, want %s", tm, got, want)
		}
		got = string(appendTime(nil, tm, 6))
		want = `"` + tm.Truncate(time.Microsecond).Format(time.RFC3339Nano) + `"`
		if got != want {
			t.Fatalf("appendTime(%v, 6) = %s, want %s", tm, got, want)
		}
	}
}

// TestAppendPacific: Compute's operation times in US Pacific time.
func TestAppendPacific(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 1, 8, 59, 0, 0, time.UTC), `"2026-11-01T01:59:00.000-07:00"`}, // still summer
		{time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), `"2026-11-01T01:00:00.000-08:00"`},
		{time.Date(2026, 3, 8, 10, 0, 0, 5_000_000, time.UTC), `"2026-03-08T03:00:00.005-07:00"`},
		{time.Date(2026, 3, 8, 9, 59, 59, 0, time.UTC), `"2026-03-08T01:59:59.000-08:00"`},
		{time.Date(2024, 1, 30, 12, 52, 35, 886_000_000, time.UTC), `"2024-01-30T04:52:35.886-08:00"`},
	}
	for _, tt := range tests {
		if got := string(appendPacific(nil, tt.in)); got != tt.want {
			t.Errorf("appendPacific(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestAppendString: what it writes is JSON that reads back as the text
// (invalid UTF-8 as U+FFFD, as encoding/json does).
func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ back`, "ctl \x00\x01\n\t\r\x1f", "ünïcödé ✓", "bad \xff\xfe utf8", strings.Repeat("x", 300) + "\""} {
		b := scenario.AppendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q → %s: %v", s, b, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q → %s reads back %q, want %q", s, b, back, wantBack)
		}
	}
}

// TestParse: placeholders expand; other braces are text.
func TestParse(t *testing.T) {
	v := vars{project: "p-1", zone: "europe-west1-b", region: "europe-west1"}
	got := string(parse(`{"a":"{P}/{Z}/{R}","n":"{N}","x":"{Q}{"}`).expand(nil, &v))
	want := `{"a":"p-1/europe-west1-b/europe-west1","n":"` + strconv.FormatUint(projectNumber("p-1"), 10) + `","x":"{Q}{"}`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
