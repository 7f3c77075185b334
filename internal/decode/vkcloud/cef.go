package vkcloud

import (
	"bytes"
	"errors"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// A CEF line ("CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|k=v …")
// is rebuilt as a Cloud Audit event object, so that one normalizer reads
// both; the object keeps every CEF key verbatim under "cef". VK has not
// published its CEF layout, so the mapping is an assumption to check
// against a real capture:
//
//	externalId                      event_id
//	act, else SignatureID           action
//	rt, else end, start             timestamp (epoch ms or "Jan 02 2006 15:04:05")
//	msg, else Name                  message
//	Severity                        severity
//	suid                            subject.user_id
//	suser                           subject.metadata.email (an e-mail), else subject.name
//	src                             subject.address
//	requestClientApplication        subject.user_agent
//	cat                             source.id (the VK service)
//	dvc, dvchost                    source.address
//	outcome                         status.code when numeric, else outcome
//	reason                          status.message
//	requestMethod, request          method, uri
//	csN / cnN with csNLabel         by label (cefLabels), e.g. project_id,
//	                                resource_id, resource_type, stream_id,
//	                                request, response, status_code
//
// Other labelled custom fields land in labels{}.

type cefHeader struct {
	version, vendor, product, devVersion, signature, name, severity string
}

// parseCEFHeader splits the seven header fields (with \| and \\ escapes)
// from the extension.
func parseCEFHeader(b []byte) (cefHeader, []byte, bool) {
	var h cefHeader
	if !bytes.HasPrefix(b, []byte("CEF:")) {
		return h, nil, false
	}
	b = b[4:]
	fields := [7]*string{&h.version, &h.vendor, &h.product, &h.devVersion, &h.signature, &h.name, &h.severity}
	var cur []byte
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b) && (b[i+1] == '|' || b[i+1] == '\\'):
			cur = append(cur, b[i+1])
			i++
		case c == '|':
			*fields[n] = strings.TrimSpace(string(cur))
			cur = cur[:0]
			if n++; n == len(fields) {
				return h, b[i+1:], true
			}
		default:
			cur = append(cur, c)
		}
	}
	return h, nil, false
}

// vkVendor reports whether a CEF header names VK Cloud (or its former
// names Mail.ru Cloud Solutions / MCS) or Cloud Audit.
func vkVendor(h cefHeader) bool {
	s := strings.ToLower(h.vendor + " " + h.product)
	for _, w := range []string{"vk", "mail.ru", "mcs", "cloud audit", "cloudaudit", "cloud-audit"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// maxCEFPairs bounds the extension keys read from one record (real
// records have a few dozen), so hostile input costs linear time.
const maxCEFPairs = 256

// parseCEFExtension reads "k=v k=v …": a key is the word before an
// unescaped '=', and a value runs to the space before the next key; \= \\
// \n \r are unescaped. An unescaped '=' with no key before it stays in
// its value. One pass, so any input costs linear time.
func parseCEFExtension(b []byte) []pair {
	type mark struct{ key, eq int }
	var marks []mark
	keyStart, keyOK := 0, true // the word since the last space, and whether it can be a key
	for i := 0; i < len(b) && len(marks) < maxCEFPairs; i++ {
		switch c := b[i]; {
		case c == ' ':
			keyStart, keyOK = i+1, true
		case c == '\\':
			keyOK = false
			i++
		case c == '=':
			if keyOK && i > keyStart {
				marks = append(marks, mark{keyStart, i})
			}
			keyOK = false
		case !cefKeyByte(c):
			keyOK = false
		}
	}
	out := make([]pair, 0, len(marks))
	for i, m := range marks {
		end := len(b)
		if i+1 < len(marks) {
			end = marks[i+1].key
		}
		out = append(out, pair{string(b[m.key:m.eq]), cefUnescape(b[m.eq+1 : end])})
	}
	return out
}

func cefKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' || c == '[' || c == ']'
}

func cefUnescape(b []byte) string {
	b = bytes.TrimSpace(b)
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	var s strings.Builder
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) {
			i++
			switch b[i] {
			case 'n':
				s.WriteByte('\n')
			case 'r':
				s.WriteByte('\r')
			default:
				s.WriteByte(b[i])
			}
			continue
		}
		s.WriteByte(b[i])
	}
	return s.String()
}

// cefKeys maps standard CEF extension keys onto Cloud Audit paths.
var cefKeys = map[string][]string{
	"externalId":               {"event_id"},
	"act":                      {"action"},
	"msg":                      {"message"},
	"suid":                     {"subject", "user_id"},
	"src":                      {"subject", "address"},
	"requestClientApplication": {"subject", "user_agent"},
	"cat":                      {"source", "id"},
	"dvc":                      {"source", "address"},
	"dvchost":                  {"source", "address"},
	"reason":                   {"status", "message"},
	"requestMethod":            {"method"},
	"request":                  {"uri"},
}

// cefLabels maps custom-field labels (lower-case, letters and digits only)
// onto Cloud Audit paths.
var cefLabels = map[string][]string{
	"eventid":       {"event_id"},
	"requestid":     {"request_id"},
	"action":        {"action"},
	"projectid":     {"subject", "project_id"},
	"userid":        {"subject", "user_id"},
	"email":         {"subject", "metadata", "email"},
	"useremail":     {"subject", "metadata", "email"},
	"useragent":     {"subject", "user_agent"},
	"subjecttype":   {"subject", "type"},
	"useraddress":   {"subject", "address"},
	"source":        {"source", "id"},
	"sourceid":      {"source", "id"},
	"service":       {"source", "id"},
	"resourceid":    {"resource", "id"},
	"resourcetype":  {"resource", "type"},
	"resourcename":  {"resource", "name"},
	"serviceid":     {"resource", "metadata", "service_id"},
	"groupid":       {"resource", "metadata", "group_id"},
	"streamid":      {"resource", "metadata", "stream_id"},
	"request":       {"request"},
	"requestbody":   {"request"},
	"response":      {"response"},
	"responsebody":  {"response"},
	"statuscode":    {"status", "code"},
	"statusmessage": {"status", "message"},
	"uri":           {"uri"},
	"method":        {"method"},
}

// decodeCEF rebuilds a CEF record as a Cloud Audit object and hands it over.
// ts and host come from a syslog header, if any.
func decodeCEF(line []byte, ts, host string, out *decode.Output) error {
	h, ext, ok := parseCEFHeader(line)
	if !ok {
		return errNotCEF
	}
	var b objectBuilder
	b.root = b.a.NewObject()
	raw := b.a.NewObject()
	b.root.Set("cef", raw)
	pairs := parseCEFExtension(ext)
	labels := map[string]string{}
	for _, p := range pairs {
		raw.Set(p.key, b.a.NewString(p.val))
		if strings.HasSuffix(p.key, "Label") {
			labels[strings.TrimSuffix(p.key, "Label")] = p.val
		}
	}
	for _, p := range pairs {
		switch k := p.key; {
		case k == "rt" || k == "end" || k == "start":
			b.set(cefTime(p.val), "timestamp")
		case k == "suser":
			if strings.Contains(p.val, "@") {
				b.set(p.val, "subject", "metadata", "email")
			} else {
				b.set(p.val, "subject", "name")
			}
		case k == "outcome":
			if isNumber(p.val) {
				b.set(p.val, "status", "code")
			} else {
				b.set(p.val, "outcome")
			}
		case cefKeys[k] != nil:
			b.set(p.val, cefKeys[k]...)
		case labels[k] != "":
			if path := cefLabels[labelKey(labels[k])]; path != nil {
				b.set(p.val, path...)
			} else {
				b.set(p.val, "labels", labels[k])
			}
		}
	}
	b.set(h.signature, "action")
	b.set(h.name, "message")
	b.set(h.severity, "severity")
	b.set(cefTime(ts), "timestamp")
	b.set(host, "source", "address")
	b.set(h.vendor, "labels", "cef_vendor")
	b.set(h.product, "labels", "cef_product")
	b.set(h.devVersion, "labels", "cef_version")
	return out.Record(b.root, b.root.MarshalTo(nil))
}

var errNotCEF = errors.New("malformed CEF header (want CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|)")

// labelKey folds a custom-field label: "Project ID", "project_id" → "projectid".
func labelKey(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// cefDateLayouts are CEF's "MMM dd yyyy HH:mm:ss[.SSS] [zzz]" forms.
var cefDateLayouts = []string{
	"Jan 2 2006 15:04:05.000 MST",
	"Jan 2 2006 15:04:05 MST",
	"Jan 2 2006 15:04:05.000",
	"Jan 2 2006 15:04:05",
}

// cefTime writes a CEF time (epoch milliseconds, RFC 3339 or the CEF date
// form) as RFC 3339; text it cannot read is kept as is.
func cefTime(s string) string {
	s = strings.TrimSpace(s)
	if t, ok := decode.ParseTime(s); ok {
		return t.Format(time.RFC3339Nano)
	}
	for _, l := range cefDateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC().Format(time.RFC3339Nano)
		}
	}
	return s
}

// objectBuilder sets strings at nested paths of a JSON object; the first
// value set at a path wins.
type objectBuilder struct {
	a    jsondoc.Arena
	root *jsondoc.Value
}

func (b *objectBuilder) set(val string, path ...string) {
	if val == "" || len(path) == 0 {
		return
	}
	o := b.root
	for _, k := range path[:len(path)-1] {
		next := o.Get(k)
		if next == nil {
			next = b.a.NewObject()
			o.Set(k, next)
		} else if next.Type() != jsondoc.TypeObject {
			return
		}
		o = next
	}
	last := path[len(path)-1]
	if x := o.Get(last); x != nil {
		return
	}
	o.Set(last, b.a.NewString(val))
}
