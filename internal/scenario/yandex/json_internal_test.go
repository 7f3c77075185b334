package yandex

import (
	"testing"
	"time"
)

// appendTime writes what time.RFC3339Nano would, with all nine digits.
func TestAppendTime(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC),
		time.Date(2000, 3, 1, 12, 30, 5, 7, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2100, 12, 31, 1, 2, 3, 450000000, time.FixedZone("MSK", 3*3600)),
	} {
		if got, want := string(appendTime(nil, tm, false)), tm.UTC().Format("2006-01-02T15:04:05.000000000Z"); got != want {
			t.Errorf("appendTime(%v) = %s, want %s", tm, got, want)
		}
		if got, want := string(appendTime(nil, tm, true)), tm.UTC().Format("2006-01-02T15:04:05Z"); got != want {
			t.Errorf("appendTime(%v, secs) = %s, want %s", tm, got, want)
		}
	}
}

// civil agrees with the time package on every day of three centuries.
func TestCivil(t *testing.T) {
	start := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	for day := range int64(365*300 + 73) {
		y, m, d := civil(day)
		wy, wm, wd := start.AddDate(0, 0, int(day)).Date()
		if y != wy || m != int(wm) || d != wd {
			t.Fatalf("day %d: %d-%d-%d, want %d-%d-%d", day, y, m, d, wy, wm, wd)
		}
	}
}
