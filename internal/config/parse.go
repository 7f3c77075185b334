package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/snapwarden/snapwarden/internal/event"
)

// maxFileSize bounds what Parse reads: a configuration is a few kilobytes.
const maxFileSize = 16 << 20

// Load reads and parses a configuration file. It does not Validate.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a configuration from r; name is the file name for messages.
// Keys the file leaves out keep their defaults; a list or map in the file
// replaces the default one. Unknown keys, wrong types, bad durations and
// dates are errors, all of them reported (errors.Join of *Error). Parse does
// not Validate.
func Parse(r io.Reader, name string) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxFileSize {
		return nil, &Error{Pos: Pos{File: name}, Msg: fmt.Sprintf("larger than %d MB", maxFileSize>>20)}
	}
	c := Default()
	c.file = name
	c.origin = map[string]Pos{}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil // an empty file: all defaults
		}
		return nil, yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{Pos: Pos{File: name, Line: extra.Line, Col: extra.Column}, Msg: "want one YAML document, found another"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(name, err)
	}

	if n := expandedSize(&doc, map[*yaml.Node]int{}); n > maxNodes {
		return nil, &Error{Pos: Pos{File: name}, Msg: "aliases expand the document beyond a million values (or refer to themselves)"}
	}
	p := &parser{file: name, c: c}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return c, nil
		}
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return c, nil // a file of comments only
	}
	p.top(root)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return c, nil
}

// maxNodes bounds a document with its aliases expanded, so a few anchors
// referring to each other cannot make Parse walk billions of values.
const maxNodes = 1 << 20

// expandedSize counts the nodes of n with aliases expanded, stopping past
// maxNodes; a node that contains an alias to itself counts as too many.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) int {
	if n == nil {
		return 0
	}
	if size, ok := memo[n]; ok {
		return size
	}
	memo[n] = maxNodes + 1 // until known: a cycle back here is too big
	size := 1
	if n.Kind == yaml.AliasNode {
		size += expandedSize(n.Alias, memo)
	}
	for _, c := range n.Content {
		if size > maxNodes {
			break
		}
		size += expandedSize(c, memo)
	}
	memo[n] = min(size, maxNodes+1)
	return memo[n]
}

// yamlError turns the YAML library's "yaml: line 3: …" into file:3: ….
func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	pos := Pos{File: file}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				pos.Line, msg = n, tail
			}
		}
	}
	return &Error{Pos: pos, Msg: "invalid YAML: " + msg}
}

type parser struct {
	file string
	c    *Config
	errs []error
}

func (p *parser) pos(n *yaml.Node) Pos { return Pos{File: p.file, Line: n.Line, Col: n.Column} }

func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: p.pos(n), Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) record(n *yaml.Node, path string) { p.c.origin[path] = p.pos(n) }

// recordPair remembers where a key's value is, or the key itself when the
// value is a list or mapping (whose position is its first element's).
func (p *parser) recordPair(k, v *yaml.Node, path string) {
	if resolve(v).Kind == yaml.ScalarNode {
		p.record(v, path)
	} else {
		p.record(k, path)
	}
}

// resolve follows aliases, so anchors work as in any YAML file.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// fields walks a mapping, calling set for each known key and reporting
// unknown and repeated keys.
func (p *parser) fields(n *yaml.Node, path string, known []string, set func(key string, v *yaml.Node, path string)) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "want a mapping of %s", strings.Join(known, ", "))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		kp := join(path, key)
		if k.Kind != yaml.ScalarNode || k.Value == "<<" {
			p.errorf(k, path, "want a plain key (merge keys and complex keys are not supported)")
			continue
		}
		if !slices.Contains(known, key) {
			p.errorf(k, kp, "unknown key%s (known: %s)", suggest(key, known), strings.Join(known, ", "))
			continue
		}
		if line, dup := seen[key]; dup {
			p.errorf(k, kp, "repeated key (first set on line %d)", line)
			continue
		}
		seen[key] = k.Line
		p.recordPair(k, v, kp)
		set(key, resolve(v), kp)
	}
}

// suggest names a known key close to an unknown one (a typo, a dash for an
// underscore).
func suggest(key string, known []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	for _, k := range known {
		if norm(key) == k || strings.TrimSuffix(norm(key), "s") == strings.TrimSuffix(k, "s") {
			return fmt.Sprintf(", did you mean %q?", k)
		}
	}
	return ""
}

var topKeys = []string{"lang", "store", "critical", "trusted_accounts", "trusted_principals", "windows", "allow", "admin_ports", "placeholders", "field_mappings", "inventory", "serve", "kafka"}

func (p *parser) top(n *yaml.Node) {
	c := p.c
	p.fields(n, "", topKeys, func(key string, v *yaml.Node, path string) {
		switch key {
		case "lang":
			c.Lang, _ = p.str(v, path)
		case "store":
			c.Store, _ = p.str(v, path)
		case "inventory":
			p.fields(v, path, []string{"max_age", "short_lived"}, func(key string, v *yaml.Node, path string) {
				d, ok := p.duration(v, path)
				if !ok {
					return
				}
				switch key {
				case "max_age":
					c.Inventory.MaxAge = d
				case "short_lived":
					c.Inventory.ShortLived = d
				}
			})
		case "serve":
			p.serve(v, path)
		case "kafka":
			p.kafka(v, path)
		case "critical":
			c.Critical = []CriticalEntry{}
			p.list(v, path, func(v *yaml.Node, path string) {
				c.Critical = append(c.Critical, p.critical(v, path))
			})
		case "trusted_accounts":
			c.TrustedAccounts = p.strs(v, path, false)
		case "trusted_principals":
			c.TrustedPrincipals = p.strs(v, path, false)
		case "windows":
			p.fields(v, path, []string{"chain", "new_principal", "lateness"}, func(key string, v *yaml.Node, path string) {
				d, ok := p.duration(v, path)
				if !ok {
					return
				}
				switch key {
				case "chain":
					c.Windows.Chain = d
				case "new_principal":
					c.Windows.NewPrincipal = d
				case "lateness":
					c.Windows.Lateness = d
				}
			})
		case "allow":
			c.Allow = []AllowEntry{}
			p.list(v, path, func(v *yaml.Node, path string) {
				c.Allow = append(c.Allow, p.allow(v, path))
			})
		case "admin_ports":
			c.AdminPorts = []int{}
			p.list(v, path, func(v *yaml.Node, path string) {
				if port, ok := p.int(v, path); ok {
					c.AdminPorts = append(c.AdminPorts, port)
				}
			})
		case "placeholders":
			c.Placeholders = map[string][]string{}
			p.mapOf(v, path, func(k string, v *yaml.Node, path string) {
				c.Placeholders[strings.Trim(k, "%")] = p.strs(v, path, true)
			})
		case "field_mappings":
			c.FieldMappings = map[string]map[string][]string{}
			p.mapOf(v, path, func(src string, v *yaml.Node, path string) {
				m := map[string][]string{}
				p.mapOf(v, path, func(field string, v *yaml.Node, path string) {
					m[field] = p.strs(v, path, true)
				})
				c.FieldMappings[src] = m
			})
		}
	})
}

var serveKeys = []string{"listen", "instance", "tokens", "users", "tls", "trusted_proxies", "session_key", "hold", "checkpoint", "max_body_mb", "max_queued_mb", "tail", "retention", "min_severity", "accounts", "pair_wait", "sinks"}

func (p *parser) serve(n *yaml.Node, path string) {
	s := &p.c.Serve
	p.fields(n, path, serveKeys, func(key string, v *yaml.Node, path string) {
		switch key {
		case "listen":
			s.Listen, _ = p.str(v, path)
		case "instance":
			s.Instance, _ = p.str(v, path)
		case "min_severity":
			s.MinSeverity, _ = p.str(v, path)
		case "trusted_proxies":
			s.TrustedProxies = p.strs(v, path, true)
		case "session_key":
			s.SessionKey, _ = p.str(v, path)
		case "tokens":
			s.Tokens = []Token{}
			p.list(v, path, func(v *yaml.Node, path string) {
				var t Token
				p.fields(v, path, []string{"name", "sha256"}, func(key string, v *yaml.Node, path string) {
					switch key {
					case "name":
						t.Name, _ = p.str(v, path)
					case "sha256":
						t.SHA256, _ = p.str(v, path)
					}
				})
				s.Tokens = append(s.Tokens, t)
			})
		case "users":
			s.Users = []User{}
			p.list(v, path, func(v *yaml.Node, path string) {
				var u User
				p.fields(v, path, []string{"name", "password_bcrypt"}, func(key string, v *yaml.Node, path string) {
					switch key {
					case "name":
						u.Name, _ = p.str(v, path)
					case "password_bcrypt":
						u.PasswordBcrypt, _ = p.str(v, path)
					}
				})
				s.Users = append(s.Users, u)
			})
		case "tls":
			p.fields(v, path, []string{"cert", "key"}, func(key string, v *yaml.Node, path string) {
				switch key {
				case "cert":
					s.TLS.Cert, _ = p.str(v, path)
				case "key":
					s.TLS.Key, _ = p.str(v, path)
				}
			})
		case "sinks":
			s.Sinks = []Sink{}
			p.list(v, path, func(v *yaml.Node, path string) {
				s.Sinks = append(s.Sinks, p.sink(v, path))
			})
		case "hold", "checkpoint", "retention", "pair_wait":
			d, ok := p.duration(v, path)
			if !ok {
				return
			}
			switch key {
			case "hold":
				s.Hold = d
			case "checkpoint":
				s.Checkpoint = d
			case "retention":
				s.Retention = d
			case "pair_wait":
				s.PairWait = d
			}
		case "max_body_mb":
			s.MaxBodyMB, _ = p.int(v, path)
		case "max_queued_mb":
			s.MaxQueuedMB, _ = p.int(v, path)
		case "tail":
			s.Tail = p.strs(v, path, true)
		case "accounts":
			s.Accounts = map[string]string{}
			p.mapOf(v, path, func(k string, v *yaml.Node, path string) {
				s.Accounts[strings.ToLower(k)], _ = p.str(v, path)
			})
		}
	})
}

var sinkKeys = []string{"name", "type", "min_severity", "timeout", "retry", "tls", "url", "secret", "headers",
	"address", "protocol", "facility", "app_name", "hostname", "max_message"}

func (p *parser) sink(n *yaml.Node, path string) Sink {
	var s Sink
	p.fields(n, path, sinkKeys, func(key string, v *yaml.Node, path string) {
		switch key {
		case "name":
			s.Name, _ = p.str(v, path)
		case "type":
			s.Type, _ = p.str(v, path)
		case "min_severity":
			s.MinSeverity, _ = p.str(v, path)
		case "timeout":
			s.Timeout, _ = p.duration(v, path)
		case "url":
			s.URL, _ = p.str(v, path)
		case "secret":
			s.Secret, _ = p.str(v, path)
		case "address":
			s.Address, _ = p.str(v, path)
		case "protocol":
			s.Protocol, _ = p.str(v, path)
		case "facility":
			s.Facility, _ = p.str(v, path)
		case "app_name":
			s.AppName, _ = p.str(v, path)
		case "hostname":
			s.Hostname, _ = p.str(v, path)
		case "max_message":
			s.MaxMessage, _ = p.int(v, path)
		case "headers":
			s.Headers = map[string]string{}
			p.mapOf(v, path, func(k string, v *yaml.Node, path string) {
				s.Headers[k], _ = p.str(v, path)
			})
		case "retry":
			p.fields(v, path, []string{"max_attempts", "backoff", "max_backoff", "max_elapsed"}, func(key string, v *yaml.Node, path string) {
				switch key {
				case "max_attempts":
					s.Retry.MaxAttempts, _ = p.int(v, path)
				case "backoff":
					s.Retry.Backoff, _ = p.duration(v, path)
				case "max_backoff":
					s.Retry.MaxBackoff, _ = p.duration(v, path)
				case "max_elapsed":
					s.Retry.MaxElapsed, _ = p.duration(v, path)
				}
			})
		case "tls":
			s.TLS = &SinkTLS{}
			p.fields(v, path, []string{"ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"}, func(key string, v *yaml.Node, path string) {
				switch key {
				case "ca_file":
					s.TLS.CAFile, _ = p.str(v, path)
				case "cert_file":
					s.TLS.CertFile, _ = p.str(v, path)
				case "key_file":
					s.TLS.KeyFile, _ = p.str(v, path)
				case "server_name":
					s.TLS.ServerName, _ = p.str(v, path)
				case "insecure_skip_verify":
					s.TLS.InsecureSkipVerify, _ = p.bool(v, path)
				}
			})
		}
	})
	return s
}

func (p *parser) critical(n *yaml.Node, path string) CriticalEntry {
	var e CriticalEntry
	p.fields(n, path, []string{"cloud", "ids", "names", "tags"}, func(key string, v *yaml.Node, path string) {
		switch key {
		case "cloud":
			s, _ := p.str(v, path)
			e.Cloud = event.Cloud(strings.ToLower(s))
		case "ids":
			e.IDs = p.strs(v, path, false)
		case "names":
			e.Names = p.strs(v, path, false)
		case "tags":
			e.Tags = map[string]string{}
			p.mapOf(v, path, func(k string, v *yaml.Node, path string) {
				e.Tags[k], _ = p.str(v, path)
			})
		}
	})
	return e
}

func (p *parser) allow(n *yaml.Node, path string) AllowEntry {
	var e AllowEntry
	p.fields(n, path, []string{"rule", "actor", "reason", "expires"}, func(key string, v *yaml.Node, path string) {
		switch key {
		case "rule":
			e.Rule, _ = p.str(v, path)
		case "actor":
			e.Actor, _ = p.str(v, path)
		case "reason":
			e.Reason, _ = p.str(v, path)
		case "expires":
			e.Expires, _ = p.date(v, path)
		}
	})
	return e
}

// list walks a sequence.
func (p *parser) list(n *yaml.Node, path string, each func(v *yaml.Node, path string)) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "want a list")
		return
	}
	for i, v := range n.Content {
		ip := index(path, i)
		p.record(v, ip)
		each(resolve(v), ip)
	}
}

// mapOf walks a mapping with free-form keys.
func (p *parser) mapOf(n *yaml.Node, path string, each func(key string, v *yaml.Node, path string)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "want a mapping")
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "<<" {
			p.errorf(k, path, "want a plain key")
			continue
		}
		kp := join(path, k.Value)
		if line, dup := seen[k.Value]; dup {
			p.errorf(k, kp, "repeated key (first set on line %d)", line)
			continue
		}
		seen[k.Value] = k.Line
		p.recordPair(k, v, kp)
		each(k.Value, resolve(v), kp)
	}
}

// str reads a scalar as written: an unquoted 111122223333 is an account id,
// not a number.
func (p *parser) str(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, path, "want a string")
		return "", false
	}
	return n.Value, true
}

// strs reads a list of strings; with scalarOK a single string is a list of
// one.
func (p *parser) strs(n *yaml.Node, path string, scalarOK bool) []string {
	out := []string{}
	if scalarOK && n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return append(out, n.Value)
	}
	if n.Kind != yaml.SequenceNode {
		if scalarOK {
			p.errorf(n, path, "want a string or a list of strings")
		} else {
			p.errorf(n, path, "want a list of strings")
		}
		return out
	}
	for i, v := range n.Content {
		ip := index(path, i)
		p.record(v, ip)
		if s, ok := p.str(resolve(v), ip); ok {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) int(n *yaml.Node, path string) (int, bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if v, err := strconv.Atoi(n.Value); err == nil {
			return v, true
		}
	}
	p.errorf(n, path, "want a whole number like 22")
	return 0, false
}

func (p *parser) bool(n *yaml.Node, path string) (bool, bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		if v, err := strconv.ParseBool(n.Value); err == nil {
			return v, true
		}
	}
	p.errorf(n, path, "want true or false")
	return false, false
}

func (p *parser) duration(n *yaml.Node, path string) (time.Duration, bool) {
	if n.Kind == yaml.ScalarNode {
		if d, err := ParseDuration(n.Value); err == nil {
			return d, true
		}
	}
	p.errorf(n, path, "want a duration like 24h, 15m or 7d")
	return 0, false
}

func (p *parser) date(n *yaml.Node, path string) (time.Time, bool) {
	if n.Kind == yaml.ScalarNode {
		if t, err := time.Parse(time.DateOnly, n.Value); err == nil {
			return t, true
		}
	}
	p.errorf(n, path, "want a date like 2027-12-31")
	return time.Time{}, false
}

// ParseDuration reads a Go duration (15m, 24h, 1h30m) or a whole number of
// days (7d), as Sigma timespans write them.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*365 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}
