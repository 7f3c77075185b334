package sink

import (
	"strconv"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// SDID is the SD-ID of the structured data element of a syslog message.
// 32473 is the private enterprise number RFC 5612 sets aside for
// documentation and examples; snapwarden has none of its own.
const SDID = "finding@32473"

// Caps on the parts of one message, in bytes after escaping.
const (
	maxParamValue = 256
	maxListParams = 8 // actors, resources, techniques each
	maxCEFVersion = 32
	maxCEFRule    = 128
	maxCEFTitle   = 256
	maxCEFList    = 512
)

// envelope holds what every RFC 5424 message of a sink shares.
type envelope struct {
	facility int
	hostname string // HOSTNAME, already an ASCII field
	appName  string // APP-NAME, likewise
	procID   string // PROCID
	version  string // snapwarden's, for the CEF header
}

// syslogSeverity maps a finding's severity to an RFC 5424 severity:
//
//	critical → 2 Critical
//	high     → 3 Error
//	medium   → 4 Warning
//	low      → 5 Notice
//	info     → 6 Informational (so is an invalid severity)
//
// 0 Emergency and 1 Alert stay free: they mean the system is unusable or
// needs immediate action, which a single finding does not say.
func syslogSeverity(s finding.Severity) int {
	switch s {
	case finding.Critical:
		return 2
	case finding.High:
		return 3
	case finding.Medium:
		return 4
	case finding.Low:
		return 5
	}
	return 6
}

// appendHeader writes "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID ".
// The timestamp is when the message is sent, in UTC with microseconds; the
// finding's own time is in the structured data (syslog) or rt (CEF).
func (e *envelope) appendHeader(dst []byte, sev finding.Severity, msgID string, now time.Time) []byte {
	dst = append(dst, '<')
	dst = strconv.AppendInt(dst, int64(e.facility*8+syslogSeverity(sev)), 10)
	dst = append(dst, ">1 "...)
	dst = now.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000Z07:00")
	for _, f := range []string{e.hostname, e.appName, e.procID, msgID} {
		dst = append(dst, ' ')
		dst = append(dst, f...)
	}
	return append(dst, ' ')
}

// appendSyslog writes f as one RFC 5424 message of at most limit bytes:
//
//	<PRI>1 TIMESTAMP HOST APP PROCID finding [finding@32473 id="…" rule="…"
//	severity="high" kind="chain" cloud="aws" account="…" title="…"
//	time="…" revision="2" status="open" attack="T1578.001" actor="…"…
//	resource="snapshot:snap-…"…] English summary
//
// Parameters come in that order, the lists (attack, actor, resource, at
// most 8 of each) as repeated parameters, every value cleaned of control
// characters, escaped (", \, ]) and cut at 256 bytes. A parameter that does
// not fit within limit is left out; the summary (MSG, UTF-8 without BOM,
// cleaned, so it holds no line break) takes the room left and is cut with
// "…" when short of it.
func (e *envelope) appendSyslog(dst []byte, f *finding.Finding, now time.Time, limit int) []byte {
	start := len(dst)
	limit += start
	dst = e.appendHeader(dst, f.Severity, "finding", now)
	dst = append(dst, '[')
	dst = append(dst, SDID...)
	param := func(name, value string) {
		mark := len(dst)
		dst = append(dst, ' ')
		dst = append(dst, name...)
		dst = append(dst, '=', '"')
		dst = appendText(dst, clean(value), maxParamValue, escSD)
		dst = append(dst, '"')
		if len(dst)+1 > limit { // room for ']'
			dst = dst[:mark]
		}
	}
	param("id", f.ID)
	param("rule", f.Rule.ID)
	param("severity", severityName(f.Severity))
	param("kind", string(f.Rule.Kind))
	param("cloud", string(f.Cloud))
	param("account", f.Account)
	param("title", f.Rule.Title)
	if !f.Time.IsZero() {
		param("time", f.Time.UTC().Format(time.RFC3339Nano))
	}
	if f.Revision > 0 {
		param("revision", strconv.Itoa(f.Revision))
	}
	if f.Status != "" {
		param("status", string(f.Status))
	}
	for _, t := range first(f.Attack, maxListParams) {
		param("attack", t)
	}
	for _, a := range first(f.Actors, maxListParams) {
		param("actor", a)
	}
	for _, r := range first(f.Resources, maxListParams) {
		param("resource", string(r.Type)+":"+r.ID)
	}
	dst = append(dst, ']')
	return appendMsg(dst, summary(f), limit)
}

// appendMsg adds " msg" when there is room for some of it.
func appendMsg(dst []byte, msg string, limit int) []byte {
	room := limit - len(dst) - 1
	if msg == "" || room < len(ellipsis)+1 {
		return dst
	}
	dst = append(dst, ' ')
	return appendText(dst, clean(msg), room, "")
}

// summary is the English summary, else the rule's title.
func summary(f *finding.Finding) string {
	if s := f.SummaryIn("en"); s != "" {
		return s
	}
	return f.Rule.Title
}

// severityName is the severity's name, "unknown" when it is invalid.
func severityName(s finding.Severity) string {
	if !s.Valid() {
		return "unknown"
	}
	return s.String()
}

func first[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}
