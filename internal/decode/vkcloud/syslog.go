package vkcloud

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Cloud Audit sends events to a SIEM as "RAW (Syslog RFC5424)" or CEF. VK
// does not publish the wire layout; this reads an RFC 5424 line whose MSG
// is the event's JSON or a CEF record, and a bare CEF line (also after an
// RFC 3164 header).
//
//	<14>1 2026-11-20T02:05:11Z cloudaudit.vk.example cloud-audit - - - {"event_id":…}

// syslogLine is an RFC 5424 line: the parts of the header kept, and MSG.
type syslogLine struct {
	time string
	host string
	msg  []byte
}

// parseSyslog splits an RFC 5424 line ("<PRI>1 TIMESTAMP HOSTNAME APP-NAME
// PROCID MSGID STRUCTURED-DATA [MSG]").
func parseSyslog(line []byte) (syslogLine, bool) {
	var s syslogLine
	rest, ok := syslogPRI(line)
	if !ok || !bytes.HasPrefix(rest, []byte("1 ")) {
		return s, false
	}
	rest = rest[2:]
	var fields [5][]byte // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
	for i := range fields {
		j := bytes.IndexByte(rest, ' ')
		if j <= 0 {
			return s, false
		}
		fields[i], rest = rest[:j], rest[j+1:]
	}
	s.time, s.host = nilValue(fields[0]), nilValue(fields[1])
	rest, ok = skipStructuredData(rest)
	if !ok {
		return s, false
	}
	rest = bytes.TrimPrefix(rest, []byte(" "))
	s.msg = bytes.TrimPrefix(rest, []byte("\xEF\xBB\xBF"))
	return s, true
}

// syslogPRI strips "<PRI>" (one to three digits).
func syslogPRI(line []byte) ([]byte, bool) {
	if len(line) < 3 || line[0] != '<' {
		return nil, false
	}
	for i := 1; i < len(line) && i <= 4; i++ {
		switch c := line[i]; {
		case c == '>' && i > 1:
			return line[i+1:], true
		case c < '0' || c > '9':
			return nil, false
		}
	}
	return nil, false
}

func nilValue(b []byte) string {
	if string(b) == "-" {
		return ""
	}
	return string(b)
}

// skipStructuredData skips "-" or one or more [id k="v" …] elements, whose
// quoted values may hold escaped '"', '\' and ']'.
func skipStructuredData(b []byte) ([]byte, bool) {
	if len(b) > 0 && b[0] == '-' {
		return b[1:], true
	}
	if len(b) == 0 || b[0] != '[' {
		return nil, false
	}
	for len(b) > 0 && b[0] == '[' {
		i, quoted := 1, false
		for ; i < len(b); i++ {
			c := b[i]
			if quoted {
				switch c {
				case '\\':
					i++
				case '"':
					quoted = false
				}
				continue
			}
			if c == '"' {
				quoted = true
			} else if c == ']' {
				break
			}
		}
		if i >= len(b) {
			return nil, false
		}
		b = b[i+1:]
	}
	return b, true
}

// cefStart returns the CEF record in a line: the line itself, or what
// follows a syslog header (RFC 5424 or RFC 3164).
func cefStart(line []byte) ([]byte, bool) {
	if bytes.HasPrefix(line, []byte("CEF:")) {
		return line, true
	}
	if _, ok := syslogPRI(line); !ok {
		return nil, false
	}
	i := bytes.Index(line, []byte(" CEF:"))
	if i < 0 {
		return nil, false
	}
	return line[i+1:], true
}

// SniffText claims an RFC 5424 line whose MSG is a VK event's JSON, and a
// CEF line from a VK vendor or product. CEF from an unknown vendor is
// decoded only under --format vkcloud.
func (Format) SniffText(line []byte) bool {
	if s, ok := parseSyslog(line); ok {
		m := bytes.TrimSpace(s.msg)
		if len(m) > 0 && m[0] == '{' {
			return bytes.Contains(m, []byte(`"action"`)) &&
				(bytes.Contains(m, []byte(`"subject"`)) || bytes.Contains(m, []byte(`"source"`)))
		}
		line = m
	}
	if cef, ok := cefStart(line); ok {
		h, _, ok := parseCEFHeader(cef)
		return ok && vkVendor(h)
	}
	return false
}

// DecodeText decodes one syslog or CEF line.
func (f Format) DecodeText(line []byte, out *decode.Output) error {
	if s, ok := parseSyslog(line); ok {
		m := bytes.TrimSpace(s.msg)
		if len(m) > 0 && m[0] == '{' {
			return f.decodeSyslogJSON(m, s.time, out)
		}
		if bytes.HasPrefix(m, []byte("CEF:")) {
			return decodeCEF(m, s.time, s.host, out)
		}
		return fmt.Errorf("syslog message is neither JSON nor CEF: %q", clip(m, 40))
	}
	if cef, ok := cefStart(line); ok {
		return decodeCEF(cef, "", "", out)
	}
	return errors.New("not an RFC 5424 syslog or CEF line")
}

// decodeSyslogJSON decodes the JSON MSG of a syslog line. The header's
// timestamp stands in for a missing event timestamp.
func (f Format) decodeSyslogJSON(msg []byte, ts string, out *decode.Output) error {
	var p jsondoc.Parser
	v, err := p.ParseBytes(msg)
	if err != nil {
		return fmt.Errorf("syslog message: invalid JSON: %v", err)
	}
	if !f.Sniff(v) {
		return errors.New("syslog message is JSON but not a VK Cloud event")
	}
	raw := msg
	if ts != "" && v.Type() == jsondoc.TypeObject && !isPage(v) && decode.Str(v, "timestamp") == "" {
		var a jsondoc.Arena
		v.Set("timestamp", a.NewString(ts))
		raw = nil
	}
	if isPage(v) {
		return f.Decode(v, out)
	}
	return out.Record(v, raw)
}

func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
