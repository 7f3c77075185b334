package openstack

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// id returns an OpenStack id in the decoders' canonical form: trimmed and
// lower-cased (UUIDs and Keystone ids are written both ways).
func id(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// stamp is an API time: Cinder and Trove write UTC without a zone
// ("2024-05-01T10:00:00.000000"), Glance and Keystone with one. Text that
// is no time reads as zero, never as an error that would lose the page.
type stamp struct{ time.Time }

var stampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

func (s *stamp) UnmarshalJSON(b []byte) error {
	var t string
	if json.Unmarshal(b, &t) != nil {
		return nil
	}
	for _, layout := range stampLayouts {
		if v, err := time.Parse(layout, strings.TrimSpace(t)); err == nil {
			s.Time = v.UTC()
			return nil
		}
	}
	return nil
}

// text is a string field that tolerates other JSON: a number or boolean
// reads as its text, anything else as "". Image properties and metadata
// are free-form, and one odd value must not fail a whole page.
type text string

func (s *text) UnmarshalJSON(b []byte) error {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	switch v := v.(type) {
	case string:
		*s = text(v)
	case float64:
		*s = text(strconv.FormatFloat(v, 'f', -1, 64))
	case bool:
		*s = text(strconv.FormatBool(v))
	}
	return nil
}

// number is a numeric field that reads anything else (null, text) as 0.
type number float64

func (n *number) UnmarshalJSON(b []byte) error {
	var v float64
	if json.Unmarshal(b, &v) == nil {
		*n = number(v)
	}
	return nil
}

// maxGB bounds sizes, so an absurd value cannot overflow int64.
const maxGB = 1 << 40

// gb rounds a size up to whole GB (Trove reports fractions: 0.14).
func gb(v number) int64 {
	f := float64(v)
	if !(f > 0) {
		return 0
	}
	return int64(math.Ceil(min(f, maxGB)))
}

// bytesGB rounds a size in bytes up to whole GB (Glance).
func bytesGB(v number) int64 { return gb(v / (1 << 30)) }

// tags returns metadata as record tags, nil when there is none.
func tags(m map[string]text) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}
