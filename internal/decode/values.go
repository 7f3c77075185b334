package decode

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Helpers for reading provider records. They never fail: a missing, null or
// mistyped field reads as the zero value, because hostile or truncated
// records must still yield what can be read.

// Docs are the records of one operation in order (first, middles, last).
// Lookups return the value of the first record that has one, so a joined
// event exposes the fields of both records and the first one wins.
type Docs []*jsondoc.Value

// Str returns the first non-empty text at path (see Str).
func (d Docs) Str(path ...string) string {
	for _, v := range d {
		if s := Str(v, path...); s != "" {
			return s
		}
	}
	return ""
}

// Last returns the last record.
func (d Docs) Last() *jsondoc.Value { return d[len(d)-1] }

// Str returns the value at path as text: a string as is, a number or boolean
// as written; "" for null, missing, objects and arrays.
func Str(v *jsondoc.Value, path ...string) string {
	if v == nil {
		return ""
	}
	x := v.Get(path...)
	if x == nil {
		return ""
	}
	switch x.Type() {
	case jsondoc.TypeString:
		b, _ := x.StringBytes()
		return string(b)
	case jsondoc.TypeNumber, jsondoc.TypeTrue, jsondoc.TypeFalse:
		return x.String()
	}
	return ""
}

// View is Str of v itself without the copy: the text of a string points
// into the parser's buffer, so it is valid only until that parser parses
// again. A decoder reads with View what it may drop; an event made of views
// is scratch until event.Own copies them.
func View(v *jsondoc.Value) string {
	if s, ok := v.Str(); ok {
		return s
	}
	if v == nil {
		return ""
	}
	switch v.Type() {
	case jsondoc.TypeNumber, jsondoc.TypeTrue, jsondoc.TypeFalse:
		return v.String()
	}
	return ""
}

// Int returns the value at path as an integer, accepting numbers and numeric
// strings ("443"); ok is false otherwise.
func Int(v *jsondoc.Value, path ...string) (n int, ok bool) {
	if v == nil {
		return 0, false
	}
	x := v.Get(path...)
	if x == nil {
		return 0, false
	}
	switch x.Type() {
	case jsondoc.TypeNumber:
		f, err := x.Float64()
		if err != nil {
			return 0, false
		}
		return int(f), true
	case jsondoc.TypeString:
		b, _ := x.StringBytes()
		i, err := strconv.Atoi(strings.TrimSpace(string(b)))
		return i, err == nil
	}
	return 0, false
}

// Bool returns the value at path as a boolean, accepting true/false and
// their string spellings.
func Bool(v *jsondoc.Value, path ...string) bool {
	if v == nil {
		return false
	}
	x := v.Get(path...)
	if x == nil {
		return false
	}
	switch x.Type() {
	case jsondoc.TypeTrue:
		return true
	case jsondoc.TypeString:
		b, _ := x.StringBytes()
		return strings.EqualFold(string(b), "true")
	}
	return false
}

// GetFold returns the member of object v whose key equals key ignoring case
// (Azure bodies, Panther's lower-cased GCP keys), or nil.
func GetFold(v *jsondoc.Value, key string) *jsondoc.Value {
	if v == nil || v.Type() != jsondoc.TypeObject {
		return nil
	}
	if x := v.Get(key); x != nil {
		return x
	}
	o, _ := v.Object()
	var found *jsondoc.Value
	o.Visit(func(k []byte, x *jsondoc.Value) {
		if found == nil && strings.EqualFold(string(k), key) {
			found = x
		}
	})
	return found
}

// GetPathFold follows path with GetFold at every step.
func GetPathFold(v *jsondoc.Value, path ...string) *jsondoc.Value {
	for _, k := range path {
		v = GetFold(v, k)
		if v == nil {
			return nil
		}
	}
	return v
}

// StrFold is Str with case-insensitive keys.
func StrFold(v *jsondoc.Value, path ...string) string {
	return Str(GetPathFold(v, path...))
}

// Each returns the elements at path: an array's elements, a lone object as
// one element (CloudTrail writes one-item lists both ways), nothing otherwise.
func Each(v *jsondoc.Value, path ...string) []*jsondoc.Value {
	if v == nil {
		return nil
	}
	x := v.Get(path...)
	if x == nil {
		return nil
	}
	switch x.Type() {
	case jsondoc.TypeArray:
		a, _ := x.Array()
		return a
	case jsondoc.TypeObject:
		return []*jsondoc.Value{x}
	}
	return nil
}

// Strs returns the strings at path: an array's string elements, or a lone
// string as one.
func Strs(v *jsondoc.Value, path ...string) []string {
	if v == nil {
		return nil
	}
	x := v.Get(path...)
	if x == nil {
		return nil
	}
	if x.Type() == jsondoc.TypeArray {
		a, _ := x.Array()
		out := make([]string, 0, len(a))
		for _, e := range a {
			if s := Str(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	if s := Str(x); s != "" {
		return []string{s}
	}
	return nil
}

// ParseEmbedded parses JSON carried inside a string (Azure request and
// response bodies, VK bodies, lookup-events' CloudTrailEvent, oslo messages)
// with a parser of its own, so the result outlives the next parse. It
// returns nil when the text is empty, masked, truncated or not JSON.
func ParseEmbedded(s string) *jsondoc.Value {
	s = strings.TrimSpace(s)
	if s == "" || (s[0] != '{' && s[0] != '[') {
		return nil
	}
	var p jsondoc.Parser
	v, err := p.Parse(s)
	if err != nil {
		return nil
	}
	return v
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",  // +0000 offsets (CADF)
	"2006-01-02 15:04:05.999999999Z07:00", // space separator
	"2006-01-02 15:04:05.999999999",       // oslo notifications, UTC
	"2006-01-02T15:04:05.999999999",       // no zone: UTC
	"2006-01-02 15:04:05.999999999Z0700",
}

// ParseTime parses the timestamps audit logs use (RFC 3339 with or without
// zone, a space separator, +0000 offsets, Unix seconds or milliseconds).
// Times without a zone are UTC. ok is false for anything else.
func ParseTime(s string) (t time.Time, ok bool) {
	if t, ok := parseUTC(s); ok {
		return t, true
	}
	return parseTime(s)
}

// parseTime is ParseTime's general path, apart so that the fast one does
// not pay for its frame.
func parseTime(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return inYears(t.UTC())
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e12 {
			return inYears(time.UnixMilli(n).UTC())
		}
		return inYears(time.Unix(n, 0).UTC())
	}
	return time.Time{}, false
}

// inYears passes t when its year has four digits (1 to 9999): no log
// means a time beyond them, and JSON (RFC 3339) cannot write one. An epoch
// number or a zone offset can take a time there.
func inYears(t time.Time) (time.Time, bool) {
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, false
	}
	return t, true
}

// parseUTC parses the shape nearly every record's time has,
// 2006-01-02T15:04:05Z with an optional fraction of 1 to 9 digits, at a
// fraction of time.Parse's cost. It gives up (ok false) on anything else,
// out-of-range fields included, which then take the general path: it never
// accepts what time.Parse would reject, nor reads a time differently.
func parseUTC(s string) (time.Time, bool) {
	n := len(s)
	if n < 20 || s[n-1] != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	// The digits less '0', tested at once: any byte that is not a digit
	// makes its value, and so the largest, exceed 9.
	y0, y1, y2, y3 := s[0]-'0', s[1]-'0', s[2]-'0', s[3]-'0'
	mo0, mo1, d0, d1 := s[5]-'0', s[6]-'0', s[8]-'0', s[9]-'0'
	h0, h1, mi0, mi1, s0, s1 := s[11]-'0', s[12]-'0', s[14]-'0', s[15]-'0', s[17]-'0', s[18]-'0'
	if max(y0, y1, y2, y3, mo0, mo1, d0, d1, h0, h1, mi0, mi1, s0, s1) > 9 {
		return time.Time{}, false
	}
	year := int(y0)*1000 + int(y1)*100 + int(y2)*10 + int(y3)
	month, day := int(mo0)*10+int(mo1), int(d0)*10+int(d1)
	hour, minute, sec := int(h0)*10+int(h1), int(mi0)*10+int(mi1), int(s0)*10+int(s1)
	nsec := 0
	if frac := s[19 : n-1]; frac != "" {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		f, ok := atoiDigits(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			f *= 10
		}
		nsec = f
	}
	if year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	unix := int64(daysSinceEpoch(year, month, day))*86400 + int64(hour*3600+minute*60+sec)
	return time.Unix(unix, int64(nsec)).UTC(), true
}

// daysSinceEpoch counts days from 1970-01-01 to a date of the proleptic
// Gregorian calendar (year ≥ 1), in closed form: the year is taken to start
// in March, so that a leap day ends it.
func daysSinceEpoch(year, month, day int) int {
	if month <= 2 {
		year--
	}
	era := year / 400
	yoe := year - era*400                     // year of the 400-year era
	doy := (153*((month+9)%12)+2)/5 + day - 1 // day of the March-based year
	doe := yoe*365 + yoe/4 - yoe/100 + doy    // day of the era
	return era*146097 + doe - 719468          // 719468: days from 0000-03-01 to 1970-01-01
}

// atoiDigits reads a run of ASCII digits; ok is false if any byte is not one.
func atoiDigits(s string) (n int, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int(c)
	}
	return n, true
}

// daysIn returns the number of days in a month of a (proleptic Gregorian) year.
func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((m+m/8)%2)
}

// FallbackID derives a stable event id from a record that carries none.
func FallbackID(v *jsondoc.Value) string {
	sum := sha256.Sum256(v.MarshalTo(nil))
	return "sha256:" + hex.EncodeToString(sum[:12])
}

// Tags reads tags or labels as providers write them: an object of key →
// value, a list of {key|name, value} entries (any key case), or a list of
// plain strings (keys with an empty value). Values that are not text, a
// number or a boolean read as "". It returns nil when there are none.
func Tags(v *jsondoc.Value) map[string]string { return AddTags(nil, v) }

// AddTags adds the tags in v (see Tags) to m, creating m when needed.
func AddTags(m map[string]string, v *jsondoc.Value) map[string]string {
	put := func(k, val string) {
		if k == "" {
			return
		}
		if m == nil {
			m = map[string]string{}
		}
		m[k] = val
	}
	switch {
	case v == nil:
	case v.Type() == jsondoc.TypeObject:
		o, _ := v.Object()
		o.Visit(func(k []byte, x *jsondoc.Value) { put(string(k), Str(x)) })
	case v.Type() == jsondoc.TypeArray:
		a, _ := v.Array()
		for _, x := range a {
			switch x.Type() {
			case jsondoc.TypeString:
				put(Str(x), "")
			case jsondoc.TypeObject:
				k := StrFold(x, "key")
				if k == "" {
					k = StrFold(x, "name")
				}
				put(k, Str(GetFold(x, "value")))
			}
		}
	}
	return m
}

// Camel spells a snake_case key in camelCase (request_metadata →
// requestMetadata), as protobuf JSON does; a key with a leading underscore
// is left alone.
func Camel(s string) string {
	if !strings.Contains(s, "_") || strings.HasPrefix(s, "_") {
		return s
	}
	var b strings.Builder
	up := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			up = true
		case up && 'a' <= c && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
			up = false
		default:
			b.WriteByte(c)
			up = false
		}
	}
	return b.String()
}

// ParseTimeValue is ParseTime on a JSON value (a timestamp string, or Unix
// seconds or milliseconds as a number) without copying the text.
func ParseTimeValue(v *jsondoc.Value) (time.Time, bool) {
	if v == nil {
		return time.Time{}, false
	}
	if b, err := v.StringBytes(); err == nil {
		if len(b) == 0 {
			return time.Time{}, false
		}
		// The parse keeps nothing of its input (an error value would, and
		// it is dropped), so the bytes need not become a string of their own.
		return ParseTime(unsafe.String(&b[0], len(b)))
	}
	return ParseTime(Str(v))
}
