package openstack

import (
	"encoding/json"
	"testing"
	"time"
)

func TestStamp(t *testing.T) {
	for in, want := range map[string]time.Time{
		`"2025-03-02T01:00:00.000000"`:      time.Date(2025, 3, 2, 1, 0, 0, 0, time.UTC),
		`"2025-03-03T11:20:30.123456"`:      time.Date(2025, 3, 3, 11, 20, 30, 123456000, time.UTC),
		`"2025-03-01T03:00:00"`:             time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC),
		`"2025-03-02T02:00:00Z"`:            time.Date(2025, 3, 2, 2, 0, 0, 0, time.UTC),
		`"2025-03-02T05:00:00+03:00"`:       time.Date(2025, 3, 2, 2, 0, 0, 0, time.UTC),
		`"2025-03-02 01:00:00"`:             time.Date(2025, 3, 2, 1, 0, 0, 0, time.UTC),
		`null`:                              {},
		`"yesterday"`:                       {},
		`12345`:                             {},
		`{"nested": "2025-03-02T01:00:00"}`: {},
	} {
		var s stamp
		if err := json.Unmarshal([]byte(in), &s); err != nil {
			t.Errorf("%s: %v", in, err)
		}
		if !s.Equal(want) || s.Location() != time.UTC {
			t.Errorf("%s = %v, want %v UTC", in, s.Time, want)
		}
	}
}

func TestText(t *testing.T) {
	for in, want := range map[string]text{
		`"prod"`: "prod", `42`: "42", `0.5`: "0.5", `true`: "true", `null`: "", `["a"]`: "", `{"a":1}`: "",
	} {
		var s text
		if err := json.Unmarshal([]byte(in), &s); err != nil || s != want {
			t.Errorf("%s = %q, %v; want %q", in, s, err, want)
		}
	}
}

func TestGB(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{`100`, 100}, {`0.14`, 1}, {`2.5`, 3}, {`0`, 0}, {`-3`, 0}, {`null`, 0}, {`"10"`, 0}, {`1e300`, maxGB},
	} {
		var n number
		if err := json.Unmarshal([]byte(c.in), &n); err != nil {
			t.Errorf("%s: %v", c.in, err)
		}
		if got := gb(n); got != c.want {
			t.Errorf("gb(%s) = %d, want %d", c.in, got, c.want)
		}
	}
	for bytes, want := range map[number]int64{1 << 30: 1, 1<<30 + 1: 2, 524288000: 1, 10737418240: 10, 0: 0} {
		if got := bytesGB(bytes); got != want {
			t.Errorf("bytesGB(%v) = %d, want %d", bytes, got, want)
		}
	}
}
