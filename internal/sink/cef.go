package sink

import (
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// cefSeverity maps a finding's severity onto CEF's 0–10 scale, in the
// middle of ArcSight's bands (0–3 low, 4–6 medium, 7–8 high, 9–10 very
// high): info 1, low 3, medium 5, high 8, critical 10. An invalid severity
// is 0.
func cefSeverity(s finding.Severity) int {
	switch s {
	case finding.Info:
		return 1
	case finding.Low:
		return 3
	case finding.Medium:
		return 5
	case finding.High:
		return 8
	case finding.Critical:
		return 10
	}
	return 0
}

// appendCEF writes f as one RFC 5424 message of at most limit bytes whose
// MSG is a CEF event (no structured data, MSGID "CEF"):
//
//	<PRI>1 TIMESTAMP HOST APP PROCID CEF - CEF:0|snapwarden|snapwarden|<version>|<rule id>|<title>|<0-10>|ext
//
// Header fields escape '\' and '|' and are cut at 32 (version), 128 (rule
// id) and 256 bytes (title). The extension, in this order:
//
//	rt        the finding's time, milliseconds since the epoch
//	cat       the rule's kind (detection, correlation, chain, …)
//	cs1       finding id (cs1Label=findingId)
//	cs2       account (cs2Label=account)
//	cs3       cloud (cs3Label=cloud)
//	cs4       ATT&CK technique ids, comma-separated (cs4Label=attack)
//	cs5       resources as type:id, comma-separated (cs5Label=resources)
//	cs6       region, when known (cs6Label=region)
//	suser     the first actor
//	act       the first event's provider operation
//	cn1       revision, when set (cn1Label=revision)
//	msg       the English summary
//
// Values escape '\', '=' and line breaks (`\n`), hold no other control
// character and are cut at 256 bytes (512 for cs5; msg takes the room
// left). A pair that does not fit within limit is left out whole.
func (e *envelope) appendCEF(dst []byte, f *finding.Finding, now time.Time, limit int) []byte {
	limit += len(dst)
	dst = e.appendHeader(dst, f.Severity, "CEF", now)
	dst = append(dst, "- CEF:0|snapwarden|snapwarden|"...)
	dst = appendText(dst, clean(e.version), maxCEFVersion, escCEFHeader)
	dst = append(dst, '|')
	dst = appendText(dst, clean(f.Rule.ID), maxCEFRule, escCEFHeader)
	dst = append(dst, '|')
	dst = appendText(dst, clean(f.Rule.Title), maxCEFTitle, escCEFHeader)
	dst = append(dst, '|')
	dst = strconv.AppendInt(dst, int64(cefSeverity(f.Severity)), 10)
	dst = append(dst, '|')

	sep := false
	pair := func(key, value string, max int) bool {
		if value == "" {
			return false
		}
		mark := len(dst)
		if sep {
			dst = append(dst, ' ')
		}
		dst = append(dst, key...)
		dst = append(dst, '=')
		at := len(dst)
		dst = appendText(dst, cleanLines(value), min(max, limit-len(dst)), escCEFExt)
		if len(dst) > limit || len(dst) == at { // no room, or nothing left of the value
			dst = dst[:mark]
			return false
		}
		sep = true
		return true
	}
	labelled := func(key, label, value string, max int) {
		mark, wasSep := len(dst), sep
		if value == "" || !pair(key+"Label", label, maxParamValue) {
			return
		}
		if !pair(key, value, max) {
			dst, sep = dst[:mark], wasSep
		}
	}
	if !f.Time.IsZero() {
		pair("rt", strconv.FormatInt(f.Time.UnixMilli(), 10), maxParamValue)
	}
	pair("cat", string(f.Rule.Kind), maxParamValue)
	labelled("cs1", "findingId", f.ID, maxParamValue)
	labelled("cs2", "account", f.Account, maxParamValue)
	labelled("cs3", "cloud", string(f.Cloud), maxParamValue)
	labelled("cs4", "attack", strings.Join(f.Attack, ","), maxParamValue)
	labelled("cs5", "resources", resourceList(f.Resources), maxCEFList)
	labelled("cs6", "region", f.Region, maxParamValue)
	if len(f.Actors) > 0 {
		pair("suser", f.Actors[0], maxParamValue)
	}
	if len(f.Events) > 0 {
		pair("act", f.Events[0].Operation, maxParamValue)
	}
	if f.Revision > 0 {
		labelled("cn1", "revision", strconv.Itoa(f.Revision), maxParamValue)
	}
	pair("msg", summary(f), limit)
	return dst
}

// resourceList joins the first resources as type:id.
func resourceList(rs []finding.Resource) string {
	var b strings.Builder
	for i, r := range first(rs, maxListParams) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(r.Type))
		b.WriteByte(':')
		b.WriteString(r.ID)
	}
	return b.String()
}
