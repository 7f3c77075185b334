package finding

import (
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/snapwarden/snapwarden/internal/jsonstr"
)

// AppendJSON appends the finding's JSON: the bytes encoding/json writes for
// it (keys in struct order, empty lists as [] and an empty summary as {},
// strings escaped as encoding/json escapes them), built without reflection:
// hunt writes a line per finding, and reflection took a fifth of its time
// when every finding was written.
func (f *Finding) AppendJSON(b []byte) ([]byte, error) {
	sev, err := f.Severity.MarshalText()
	if err != nil {
		return nil, err
	}
	b = append(b, `{"id":`...)
	b = appendJSONString(b, f.ID)
	b = append(b, `,"rule":{"id":`...)
	b = appendJSONString(b, f.Rule.ID)
	b = appendKeyString(b, "title", f.Rule.Title)
	b = appendKeyString(b, "kind", string(f.Rule.Kind))
	b = append(b, `},"severity":`...)
	b = appendJSONString(b, string(sev))
	b = append(b, `,"attack":`...)
	b = appendJSONStrings(b, f.Attack)
	b = append(b, `,"time":`...)
	if b, err = appendJSONTime(b, f.Time); err != nil {
		return nil, err
	}
	b = appendKeyString(b, "cloud", string(f.Cloud))
	b = appendKeyString(b, "account", f.Account)
	b = append(b, `,"actors":`...)
	b = appendJSONStrings(b, f.Actors)
	b = append(b, `,"resources":[`...)
	for i, r := range f.Resources {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = appendJSONString(b, string(r.Type))
		b = appendKeyString(b, "id", r.ID)
		b = append(b, '}')
	}
	b = append(b, `],"events":[`...)
	for i, e := range f.Events {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = appendJSONString(b, e.ID)
		b = append(b, `,"time":`...)
		if b, err = appendJSONTime(b, e.Time); err != nil {
			return nil, err
		}
		b = appendKeyString(b, "operation", e.Operation)
		b = appendKeyString(b, "action", string(e.Action))
		b = appendKeyString(b, "actor", e.Actor)
		b = append(b, '}')
	}
	b = append(b, `],"summary":`...)
	b = appendJSONMap(b, f.Summary)
	if f.Status != "" {
		b = appendKeyString(b, "status", string(f.Status))
	}
	if f.Revision != 0 {
		b = appendKeyInt(b, "revision", int64(f.Revision))
	}
	if f.Suppression != nil {
		b = appendSuppression(b, f.Suppression)
	}
	return append(b, '}'), nil
}

// appendSuppression appends ,"suppression":{…}.
func appendSuppression(b []byte, s *Suppression) []byte {
	b = append(b, `,"suppression":{"reason":`...)
	b = appendJSONString(b, s.Reason)
	b = appendKeyString(b, "by", s.By)
	if s.Expires != "" {
		b = appendKeyString(b, "expires", s.Expires)
	}
	return append(b, '}')
}

// appendJSONMap writes a map as encoding/json does, keys in order (maps
// here have two or three: a small array saves the allocation).
func appendJSONMap(b []byte, m map[string]string) []byte {
	keys := make([]string, 0, 4)
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}

func appendJSONStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

var errYearRange = errors.New("time: year outside of range [0,9999]")

// appendJSONTime writes t as time.Time's MarshalJSON does, RFC 3339 with
// nanoseconds, and refuses the years it refuses.
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, errYearRange
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// appendJSONString writes s quoted as encoding/json does, HTML-safe.
func appendJSONString(b []byte, s string) []byte { return jsonstr.Append(b, s, true) }

// appendKeyString appends ,"key":"value"; key is written as is.
func appendKeyString(b []byte, key, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendJSONString(b, value)
}

func appendKeyInt(b []byte, key string, n int64) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return strconv.AppendInt(b, n, 10)
}
