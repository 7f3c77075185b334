package finding

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
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
	b = append(b, `,"title":`...)
	b = appendJSONString(b, f.Rule.Title)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(f.Rule.Kind))
	b = append(b, `},"severity":`...)
	b = appendJSONString(b, string(sev))
	b = append(b, `,"attack":`...)
	b = appendJSONStrings(b, f.Attack)
	b = append(b, `,"time":`...)
	if b, err = appendJSONTime(b, f.Time); err != nil {
		return nil, err
	}
	b = append(b, `,"cloud":`...)
	b = appendJSONString(b, string(f.Cloud))
	b = append(b, `,"account":`...)
	b = appendJSONString(b, f.Account)
	b = append(b, `,"actors":`...)
	b = appendJSONStrings(b, f.Actors)
	b = append(b, `,"resources":[`...)
	for i, r := range f.Resources {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = appendJSONString(b, string(r.Type))
		b = append(b, `,"id":`...)
		b = appendJSONString(b, r.ID)
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
		b = append(b, `,"operation":`...)
		b = appendJSONString(b, e.Operation)
		b = append(b, `,"action":`...)
		b = appendJSONString(b, string(e.Action))
		b = append(b, `,"actor":`...)
		b = appendJSONString(b, e.Actor)
		b = append(b, '}')
	}
	b = append(b, `],"summary":{`...)
	for i, lang := range sortedKeys(f.Summary) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, lang)
		b = append(b, ':')
		b = appendJSONString(b, f.Summary[lang])
	}
	b = append(b, '}')
	if f.Status != "" {
		b = append(b, `,"status":`...)
		b = appendJSONString(b, string(f.Status))
	}
	if f.Revision != 0 {
		b = append(b, `,"revision":`...)
		b = strconv.AppendInt(b, int64(f.Revision), 10)
	}
	if s := f.Suppression; s != nil {
		b = append(b, `,"suppression":{"reason":`...)
		b = appendJSONString(b, s.Reason)
		b = append(b, `,"by":`...)
		b = appendJSONString(b, s.By)
		if s.Expires != "" {
			b = append(b, `,"expires":`...)
			b = appendJSONString(b, s.Expires)
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// sortedKeys returns a summary's languages in order; summaries have one
// or two, so a small array saves the allocation.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, 4)
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
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

// appendJSONString writes s quoted as encoding/json does: \b \f \n \r \t
// and \" \\ short, other controls, <, >, &, U+2028 and U+2029 as \u
// escapes, each invalid UTF-8 byte as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start, i := 0, 0
	for i+8 <= len(s) && plain8(binary.LittleEndian.Uint64([]byte(s[i:i+8]))) {
		i += 8
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += n
			start = i
			continue
		}
		i += n
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plain8 reports whether eight bytes are all printable ASCII that JSON
// strings keep as they are: none below 0x20 or from 0x80, none of " \ < > &.
func plain8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	below := (x - 0x20*ones) &^ x // a byte below 0x20 (or from 0x80) sets its high bit
	has := func(c uint64) uint64 { y := x ^ c*ones; return (y - ones) &^ y }
	return (below|x|has('"')|has('\\')|has('<')|has('>')|has('&'))&highs == 0
}
