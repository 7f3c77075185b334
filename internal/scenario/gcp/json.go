package gcp

import (
	"strconv"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Append-only JSON pieces: records are rendered without encoding/json or
// fmt, so a read costs well under a microsecond.

// appendField appends "key":"value" (key needs no escaping).
func appendField(b []byte, key, value string) []byte {
	b = append(b, '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return scenario.AppendString(b, value)
}

// appendQuotedUint appends a number as a JSON string (int64 fields of
// protobuf messages are strings in JSON).
func appendQuotedUint(b []byte, v uint64) []byte {
	b = append(b, '"')
	b = strconv.AppendUint(b, v, 10)
	return append(b, '"')
}

// appendTime appends t in UTC as RFC 3339, quoted, with up to frac
// fractional digits and no trailing zeros, as Cloud Logging writes times.
func appendTime(b []byte, t time.Time, frac int) []byte {
	t = t.UTC()
	return appendClock(append(b, '"'), t, frac, true, "Z\"")
}

// appendClock appends t's date and time of day, frac fractional digits
// (trimmed of trailing zeros when trim says so) and the zone suffix.
func appendClock(b []byte, t time.Time, frac int, trim bool, zone string) []byte {
	secs := t.Unix()
	days, sod := secs/86400, int(secs%86400)
	if sod < 0 {
		days, sod = days-1, sod+86400
	}
	y, mo, d := civil(days)
	h, mi, s := sod/3600, sod/60%60, sod%60
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, mo)
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	var digits [9]byte
	ns := t.Nanosecond()
	for i := 8; i >= 0; i-- {
		digits[i] = byte('0' + ns%10)
		ns /= 10
	}
	n := min(frac, 9)
	for trim && n > 0 && digits[n-1] == '0' {
		n--
	}
	if n > 0 {
		b = append(append(b, '.'), digits[:n]...)
	}
	return append(b, zone...)
}

// appendPacific appends t quoted as Compute's operations show it: in the
// API's home time zone, US Pacific, with milliseconds and the offset.
func appendPacific(b []byte, t time.Time) []byte {
	t = t.UTC()
	off, zone := -8*time.Hour, "-08:00\""
	if pacificSummer(t) {
		off, zone = -7*time.Hour, "-07:00\""
	}
	return appendClock(append(b, '"'), t.Add(off), 3, false, zone)
}

// pacificSummer reports US daylight saving time: from the second Sunday of
// March, 10:00 UTC, to the first Sunday of November, 09:00 UTC.
func pacificSummer(t time.Time) bool {
	y := t.Year()
	start := nthSunday(y, time.March, 2).Add(10 * time.Hour)
	end := nthSunday(y, time.November, 1).Add(9 * time.Hour)
	return !t.Before(start) && t.Before(end)
}

func nthSunday(y int, m time.Month, n int) time.Time {
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	days := (7 - int(first.Weekday())) % 7
	return first.AddDate(0, 0, days+7*(n-1))
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days_from_civil, inverted), without time's tables.
func civil(days int64) (y, m, d int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

func append2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10%10), byte('0'+v%10))
}

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}
