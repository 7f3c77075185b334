package sink_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// message is an RFC 5424 message read back by parseSyslog.
type message struct {
	Pri                      int
	Time                     time.Time
	Host, App, ProcID, MsgID string
	SDIDs                    []string
	Params                   map[string][]string // of the first SD element
	Msg                      string
	HasMsg                   bool
}

// parseSyslog reads one RFC 5424 message strictly: anything the RFC
// forbids, and any control character in MSG, is an error.
func parseSyslog(b []byte) (message, error) {
	var m message
	s := string(b)
	if !utf8.ValidString(s) {
		return m, errors.New("not UTF-8")
	}
	if !strings.HasPrefix(s, "<") {
		return m, errors.New("no PRI")
	}
	end := strings.IndexByte(s, '>')
	if end < 2 || end > 4 {
		return m, errors.New("bad PRI")
	}
	pri, err := strconv.Atoi(s[1:end])
	if err != nil || pri < 0 || pri > 191 {
		return m, fmt.Errorf("bad PRI %q", s[1:end])
	}
	m.Pri = pri
	s = s[end+1:]
	if !strings.HasPrefix(s, "1 ") {
		return m, errors.New("VERSION is not 1")
	}
	s = s[2:]
	var fields [5]string
	for i, max := range []int{64, 255, 48, 128, 32} {
		sp := strings.IndexByte(s, ' ')
		if sp <= 0 || sp > max {
			return m, fmt.Errorf("header field %d: missing, empty or too long", i)
		}
		fields[i], s = s[:sp], s[sp+1:]
		for j := 0; j < len(fields[i]); j++ {
			if c := fields[i][j]; c < 33 || c > 126 {
				return m, fmt.Errorf("header field %d: byte %#x", i, c)
			}
		}
	}
	if fields[0] != "-" {
		if m.Time, err = time.Parse(time.RFC3339Nano, fields[0]); err != nil {
			return m, fmt.Errorf("TIMESTAMP: %v", err)
		}
	}
	m.Host, m.App, m.ProcID, m.MsgID = fields[1], fields[2], fields[3], fields[4]
	if strings.HasPrefix(s, "-") {
		s = s[1:]
	} else {
		for strings.HasPrefix(s, "[") {
			id, params, rest, err := parseElement(s[1:])
			if err != nil {
				return m, err
			}
			if len(m.SDIDs) == 0 {
				m.Params = params
			}
			m.SDIDs = append(m.SDIDs, id)
			s = rest
		}
		if len(m.SDIDs) == 0 {
			return m, errors.New("STRUCTURED-DATA is neither - nor [")
		}
	}
	if s == "" {
		return m, nil
	}
	if s[0] != ' ' {
		return m, fmt.Errorf("after STRUCTURED-DATA: %q", s[:1])
	}
	m.Msg, m.HasMsg = s[1:], true
	if r, bad := controlRune(m.Msg); bad {
		return m, fmt.Errorf("MSG holds control character %U", r)
	}
	return m, nil
}

// parseElement reads an SD element after its '['.
func parseElement(s string) (id string, params map[string][]string, rest string, err error) {
	i := strings.IndexAny(s, " ]")
	if i <= 0 || i > 32 {
		return "", nil, "", errors.New("bad SD-ID")
	}
	id, s = s[:i], s[i:]
	if !sdName(id) {
		return "", nil, "", fmt.Errorf("bad SD-ID %q", id)
	}
	params = map[string][]string{}
	for {
		if strings.HasPrefix(s, "]") {
			return id, params, s[1:], nil
		}
		if !strings.HasPrefix(s, " ") {
			return "", nil, "", fmt.Errorf("after a parameter: %q", s)
		}
		s = s[1:]
		eq := strings.IndexByte(s, '=')
		if eq <= 0 || eq > 32 || !sdName(s[:eq]) || len(s) < eq+2 || s[eq+1] != '"' {
			return "", nil, "", fmt.Errorf("bad PARAM-NAME in %q", s)
		}
		name := s[:eq]
		s = s[eq+2:]
		var v strings.Builder
		for {
			if s == "" {
				return "", nil, "", errors.New("unterminated PARAM-VALUE")
			}
			c := s[0]
			if c == '"' {
				s = s[1:]
				break
			}
			if c == ']' {
				return "", nil, "", errors.New("unescaped ] in PARAM-VALUE")
			}
			if c == '\\' {
				if len(s) < 2 || !strings.ContainsRune(`"\]`, rune(s[1])) {
					return "", nil, "", errors.New("stray backslash in PARAM-VALUE")
				}
				v.WriteByte(s[1])
				s = s[2:]
				continue
			}
			v.WriteByte(c)
			s = s[1:]
		}
		if r, bad := controlRune(v.String()); bad {
			return "", nil, "", fmt.Errorf("PARAM-VALUE holds control character %U", r)
		}
		params[name] = append(params[name], v.String())
	}
}

func sdName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 || c == '=' || c == ']' || c == '"' {
			return false
		}
	}
	return s != ""
}

func controlRune(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			return r, true
		}
	}
	return 0, false
}

// cefEvent is a CEF event read back by parseCEF.
type cefEvent struct {
	Header [7]string // version … severity, unescaped
	Ext    map[string]string
	Keys   []string // in order
}

// parseCEF reads a CEF event strictly: escapes other than the spec's, a
// duplicate key or a control character are errors.
func parseCEF(s string) (cefEvent, error) {
	var ev cefEvent
	if !strings.HasPrefix(s, "CEF:") {
		return ev, errors.New("no CEF: prefix")
	}
	s = s[4:]
	for i := range ev.Header {
		var b strings.Builder
		for {
			if s == "" {
				return ev, fmt.Errorf("header field %d unterminated", i)
			}
			c := s[0]
			if c == '|' {
				s = s[1:]
				break
			}
			if c == '\\' {
				if len(s) < 2 || (s[1] != '\\' && s[1] != '|') {
					return ev, fmt.Errorf("header field %d: stray backslash", i)
				}
				b.WriteByte(s[1])
				s = s[2:]
				continue
			}
			b.WriteByte(c)
			s = s[1:]
		}
		ev.Header[i] = b.String()
	}
	if r, bad := controlRune(s); bad {
		return ev, fmt.Errorf("extension holds control character %U", r)
	}
	// Unescaped '=' signs start values; the key is the word before each.
	var eqs []int
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) || !strings.ContainsRune(`\=nr`, rune(s[i+1])) {
				return ev, fmt.Errorf("extension: stray backslash at %d", i)
			}
			i++
		case '=':
			eqs = append(eqs, i)
		}
	}
	ev.Ext = map[string]string{}
	keyStart := 0
	for n, eq := range eqs {
		key := s[keyStart:eq]
		if key == "" || strings.IndexFunc(key, func(r rune) bool {
			return !(r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'))
		}) >= 0 {
			return ev, fmt.Errorf("extension: bad key %q", key)
		}
		valEnd := len(s)
		if n+1 < len(eqs) {
			sp := strings.LastIndexByte(s[eq:eqs[n+1]], ' ')
			if sp < 0 {
				return ev, fmt.Errorf("extension: no space before the key after %s", key)
			}
			valEnd = eq + sp
			keyStart = valEnd + 1
		}
		if _, dup := ev.Ext[key]; dup {
			return ev, fmt.Errorf("extension: key %s twice", key)
		}
		ev.Ext[key] = unescapeExt(s[eq+1 : valEnd])
		ev.Keys = append(ev.Keys, key)
	}
	if len(eqs) == 0 && s != "" {
		return ev, fmt.Errorf("extension without key: %q", s)
	}
	return ev, nil
}

func unescapeExt(v string) string {
	r := strings.NewReplacer(`\\`, `\`, `\=`, `=`, `\n`, "\n", `\r`, "\r")
	return r.Replace(v)
}

// readFrame reads one RFC 6587 octet-counted frame: "LEN SP MSG".
func readFrame(r *bufio.Reader) ([]byte, error) {
	head, err := r.ReadString(' ')
	if err != nil {
		return nil, err
	}
	head = strings.TrimSuffix(head, " ")
	n, err := strconv.Atoi(head)
	if err != nil || n <= 0 || head[0] == '0' || len(head) > 7 {
		return nil, fmt.Errorf("bad frame length %q", head)
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, fmt.Errorf("frame of %d bytes: %w", n, err)
	}
	return msg, nil
}

// mustSyslog parses b or fails the test.
func mustSyslog(t testing.TB, b []byte) message {
	t.Helper()
	m, err := parseSyslog(b)
	if err != nil {
		t.Fatalf("not a well-formed RFC 5424 message: %v\n%q", err, b)
	}
	return m
}
