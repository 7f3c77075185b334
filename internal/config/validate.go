package config

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"golang.org/x/crypto/bcrypt"
)

// Langs are the summary languages.
var Langs = []string{"en", "ru"}

// Validate checks what the settings mean, reporting every problem
// (errors.Join of *Error, with the line when the setting came from a file).
func (c *Config) Validate() error {
	v := &validator{c: c}
	if !contains(Langs, c.Lang) {
		v.errorf("lang", "want en or ru, not %q", c.Lang)
	}
	for i, e := range c.Critical {
		path := fmt.Sprintf("critical[%d]", i)
		if e.Cloud != "" {
			if _, err := event.ParseCloud(string(e.Cloud)); err != nil {
				v.errorf(path+".cloud", "%v", err)
			}
		}
		if len(e.IDs) == 0 && len(e.Names) == 0 && len(e.Tags) == 0 {
			v.errorf(path, "give ids, names or tags: an entry without them marks nothing")
		}
		for j, id := range e.IDs {
			switch {
			case strings.TrimSpace(id) == "":
				v.errorf(fmt.Sprintf("%s.ids[%d]", path, j), "empty id")
			case strings.ContainsAny(id, "*?"):
				v.errorf(fmt.Sprintf("%s.ids[%d]", path, j), "ids are exact; put patterns such as %q under names", id)
			}
		}
		v.patterns(path+".names", e.Names)
		for k, val := range e.Tags {
			if strings.TrimSpace(k) == "" {
				v.errorf(path+".tags", "empty tag key")
			}
			if val == "" {
				v.errorf(path+".tags."+k, "empty tag value (use \"*\" for any value)")
			}
		}
	}
	v.patterns("trusted_accounts", c.TrustedAccounts)
	v.patterns("trusted_principals", c.TrustedPrincipals)
	for _, w := range []struct {
		key string
		d   time.Duration
	}{{"chain", c.Windows.Chain}, {"new_principal", c.Windows.NewPrincipal}, {"lateness", c.Windows.Lateness}} {
		if w.d <= 0 {
			v.errorf("windows."+w.key, "want a positive duration, not %v", w.d)
		}
	}
	if c.Windows.Lateness > 0 && c.Windows.Chain > 0 && c.Windows.Lateness >= c.Windows.Chain {
		v.errorf("windows.lateness", "want less than windows.chain (%v), not %v", c.Windows.Chain, c.Windows.Lateness)
	}
	for i, e := range c.Allow {
		path := fmt.Sprintf("allow[%d]", i)
		if strings.TrimSpace(e.Rule) == "" && strings.TrimSpace(e.Actor) == "" {
			v.errorf(path, "give a rule, an actor or both (use rule: \"*\" to allow an actor everything)")
		}
		if strings.TrimSpace(e.Reason) == "" {
			v.errorf(path+".reason", "say why this is allowed: the reason is shown with suppressed findings")
		}
	}
	if len(c.AdminPorts) == 0 {
		v.errorf("admin_ports", "list at least one port (22 and 3389 are checked anyway)")
	}
	for i, port := range c.AdminPorts {
		if port < 1 || port > 65535 {
			v.errorf(fmt.Sprintf("admin_ports[%d]", i), "want a port from 1 to 65535, not %d", port)
		}
	}
	for name, vals := range c.Placeholders {
		path := "placeholders." + name
		if name == "" {
			v.errorf("placeholders", "empty placeholder name")
		}
		if len(vals) == 0 {
			v.errorf(path, "give at least one value")
		}
	}
	for format, fields := range c.FieldMappings {
		path := "field_mappings." + format
		if !contains(Formats, format) {
			v.errorf(path, "unknown format %q (want %s; aws/cloudtrail is cloudtrail, azure/activitylogs azureactivity, gcp/gcp.audit gcpaudit)", format, strings.Join(Formats, ", "))
		}
		for field, paths := range fields {
			if strings.TrimSpace(field) == "" {
				v.errorf(path, "empty field name")
			}
			if len(paths) == 0 {
				v.errorf(path+"."+field, "give at least one raw path")
			}
			for j, p := range paths {
				raw := strings.TrimPrefix(p, "event:")
				if strings.TrimSpace(raw) == "" || strings.HasPrefix(raw, ".") || strings.HasSuffix(raw, ".") || strings.Contains(raw, "..") {
					v.errorf(fmt.Sprintf("%s.%s[%d]", path, field, j), "want a dotted path such as protoPayload.methodName (or event:NAME for a normalized field), not %q", p)
				}
			}
		}
	}
	v.serve(&c.Serve)
	v.kafka(&c.Kafka)
	v.sort()
	return errors.Join(v.errs...)
}

// severities are the names min_severity takes (finding's, not imported).
var severities = []string{"info", "low", "medium", "high", "critical"}

func (v *validator) serve(s *Serve) {
	if _, port, err := net.SplitHostPort(s.Listen); err != nil || port == "" {
		v.errorf("serve.listen", "want host:port such as 127.0.0.1:8080 or :8443, not %q", s.Listen)
	}
	names := map[string]bool{}
	for i, t := range s.Tokens {
		path := fmt.Sprintf("serve.tokens[%d]", i)
		if strings.TrimSpace(t.Name) == "" {
			v.errorf(path+".name", "give the token a name (it is recorded as the reviewer of what it does)")
		} else if names[t.Name] {
			v.errorf(path+".name", "repeated token name %q", t.Name)
		}
		names[t.Name] = true
		if b, err := hex.DecodeString(t.SHA256); err != nil || len(b) != sha256.Size {
			v.errorf(path+".sha256", "want the token's SHA-256 as 64 hex digits (printf %%s \"$TOKEN\" | sha256sum), not %q", t.SHA256)
		}
	}
	users := map[string]bool{}
	for i, u := range s.Users {
		path := fmt.Sprintf("serve.users[%d]", i)
		if strings.TrimSpace(u.Name) == "" {
			v.errorf(path+".name", "give the user a name (it is recorded as the reviewer of what they do)")
		} else if users[u.Name] {
			v.errorf(path+".name", "repeated user name %q", u.Name)
		}
		users[u.Name] = true
		if _, err := bcrypt.Cost([]byte(u.PasswordBcrypt)); err != nil {
			// Not quoted: it may be a password pasted by mistake.
			v.errorf(path+".password_bcrypt", "not a bcrypt hash ($2a$…): make one with snapwarden config hash-password")
		}
	}
	if (s.TLS.Cert == "") != (s.TLS.Key == "") {
		v.errorf("serve.tls", "give both cert and key, or neither")
	}
	for i, e := range s.TrustedProxies {
		if _, err := ParseProxy(e); err != nil {
			v.errorf(fmt.Sprintf("serve.trusted_proxies[%d]", i), "%v", err)
		}
	}
	if err := CheckSessionKey(s.SessionKey); err != nil {
		v.errorf("serve.session_key", "%v", err)
	}
	for _, d := range []struct {
		key string
		d   time.Duration
	}{{"hold", s.Hold}, {"checkpoint", s.Checkpoint}, {"retention", s.Retention}} {
		if d.d <= 0 {
			v.errorf("serve."+d.key, "want a positive duration, not %v", d.d)
		}
	}
	if s.Retention > 0 && s.Retention < 24*time.Hour {
		v.errorf("serve.retention", "want at least 24h (findings younger than a day would vanish), not %v", s.Retention)
	}
	if s.MaxBodyMB < 1 || s.MaxBodyMB > 4096 {
		v.errorf("serve.max_body_mb", "want 1 to 4096, not %d", s.MaxBodyMB)
	}
	if s.MaxQueuedMB < s.MaxBodyMB {
		v.errorf("serve.max_queued_mb", "want at least max_body_mb (%d), not %d", s.MaxBodyMB, s.MaxQueuedMB)
	}
	if !contains(severities, s.MinSeverity) {
		v.errorf("serve.min_severity", "want one of %s, not %q", strings.Join(severities, ", "), s.MinSeverity)
	}
	for i, dir := range s.Tail {
		if strings.TrimSpace(dir) == "" {
			v.errorf(fmt.Sprintf("serve.tail[%d]", i), "empty directory")
		}
	}
	if s.PairWait <= 0 {
		v.errorf("serve.pair_wait", "want a positive duration, not %v", s.PairWait)
	}
	sinkNames := map[string]bool{}
	for i, k := range s.Sinks {
		path := fmt.Sprintf("serve.sinks[%d]", i)
		if sinkNames[k.Name] {
			v.errorf(path+".name", "repeated sink name %q", k.Name)
		}
		sinkNames[k.Name] = true
		if k.MinSeverity != "" && !contains(severities, k.MinSeverity) {
			v.errorf(path+".min_severity", "want one of %s, not %q", strings.Join(severities, ", "), k.MinSeverity)
		}
	}
	for cloud, account := range s.Accounts {
		if _, err := event.ParseCloud(cloud); err != nil {
			v.errorf("serve.accounts."+cloud, "%v", err)
		}
		if strings.TrimSpace(account) == "" {
			v.errorf("serve.accounts."+cloud, "empty account")
		}
	}
}

// Expired lists the allow entries that no longer hold at now, as warnings
// for `snapwarden config check`.
func (c *Config) Expired(now time.Time) []string {
	var out []string
	for i, e := range c.Allow {
		if !e.Expires.IsZero() && !now.Before(e.Expires.AddDate(0, 0, 1)) {
			path := fmt.Sprintf("allow[%d].expires", i)
			err := &Error{Pos: c.origin[path], Path: path, Msg: fmt.Sprintf("expired on %s; the entry no longer suppresses anything", e.Expires.Format(time.DateOnly))}
			if err.Pos.Line != 0 {
				err.Pos.File = c.file
			}
			out = append(out, err.Error())
		}
	}
	return out
}

type validator struct {
	c    *Config
	errs []error
}

// errorf reports a problem at path, with the file position when the path
// (or, failing that, its nearest parent) came from the file.
func (v *validator) errorf(path, format string, args ...any) {
	e := &Error{Path: path, Msg: fmt.Sprintf(format, args...)}
	for p := path; p != ""; p = parent(p) {
		if pos, ok := v.c.origin[p]; ok {
			e.Pos = pos
			break
		}
	}
	v.errs = append(v.errs, e)
}

// sort orders errors by position so the report reads top to bottom (map
// iteration would shuffle them).
func (v *validator) sort() {
	slices.SortStableFunc(v.errs, func(a, b error) int {
		x, y := a.(*Error), b.(*Error)
		return cmp.Or(cmp.Compare(x.Pos.Line, y.Pos.Line), cmp.Compare(x.Pos.Col, y.Pos.Col), strings.Compare(x.Path, y.Path))
	})
}

// parent strips the last element of a key path: a.b[2].c → a.b[2] → a.b → a.
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

func (v *validator) patterns(path string, list []string) {
	for i, s := range list {
		if strings.TrimSpace(s) == "" {
			v.errorf(fmt.Sprintf("%s[%d]", path, i), "empty entry")
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
