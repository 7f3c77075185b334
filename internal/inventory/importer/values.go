package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// number is an integer an export may write as a JSON number or, as GCP and
// Yandex do for int64 fields, as a decimal string.
type number int64

func (n *number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Some exports print sizes as floats (20.0).
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || !(f >= 0 && f <= 1<<62) { // NaN fails both
			return fmt.Errorf("not an integer: %.40q", s)
		}
		v = int64(f)
	}
	*n = number(v)
	return nil
}

// timeLayouts are the timestamp shapes the exports use: RFC 3339 with any
// fraction (AWS, Azure, GCP, Yandex) and Cinder's zone-less microseconds
// (OpenStack CLI "Created At"), which are UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// parseTime reads an export's timestamp as UTC; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a timestamp: %.40q", s)
}

// gib is the size in GiB of n bytes, rounded up: Yandex gives bytes, the
// record keeps whole GB as every other cloud reports them.
func gib(n number) int64 {
	const g = 1 << 30
	if n <= 0 {
		return 0
	}
	return (int64(n) + g - 1) / g
}

// awsTag is an AWS Key/Value tag pair (EC2 Tags, RDS TagList).
type awsTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// awsTags turns AWS tag pairs into a map (nil when there are none) and
// returns the Name tag apart, the name EC2 consoles show.
func awsTags(ts []awsTag) (tags map[string]string, name string) {
	if len(ts) == 0 {
		return nil, ""
	}
	tags = make(map[string]string, len(ts))
	for _, t := range ts {
		tags[t.Key] = t.Value
	}
	return tags, tags["Name"]
}

// labels is a string map whose values may be null or non-strings in a
// hand-edited export; those keep their JSON text rather than failing.
type labels map[string]string

func (l *labels) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) == 0 {
		*l = nil
		return nil
	}
	m := make(labels, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			s = string(bytes.TrimSpace(v))
			if s == "null" {
				s = ""
			}
		}
		m[k] = s
	}
	*l = m
	return nil
}

// tags returns the labels as a record's tags (nil when empty).
func (l labels) tags() map[string]string {
	if len(l) == 0 {
		return nil
	}
	return map[string]string(l)
}
