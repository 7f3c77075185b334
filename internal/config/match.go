package config

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Matchers are the configuration's lists compiled for per-event use: no
// pattern is parsed after Matchers returns, and the value is safe for
// concurrent use (it is never modified; WithTags returns a copy).
type Matchers struct {
	accounts   set
	principals set
	critical   []criticalMatcher
	allow      []allowMatcher
	// allowActors are the actor patterns of every allow entry: an actor
	// none of them matches is allowed by no entry, whatever the rule.
	allowActors   set
	allowAnyActor bool // an entry without an actor
	adminPorts    []int
	tags          func(cloud event.Cloud, id string) map[string]string
}

type criticalMatcher struct {
	cloud event.Cloud // "" = any
	ids   map[event.Cloud]map[string]struct{}
	names set
	tags  []tagMatcher
}

type tagMatcher struct {
	key   string // lower-cased
	value glob
}

type allowMatcher struct {
	rule     glob
	actor    set // with role sessions, as for trusted principals
	anyRule  bool
	anyActor bool
	reason   string
	expires  string    // the date as written, 2027-12-31; "" forever
	until    time.Time // exclusive; zero = forever
}

// Matchers compiles the configuration. Call it once, after Validate;
// entries Validate would reject (an empty pattern, an unknown cloud) match
// nothing rather than everything.
func (c *Config) Matchers() *Matchers {
	m := &Matchers{
		accounts:   compileSet(c.TrustedAccounts),
		principals: compileSet(withRoleSessions(c.TrustedPrincipals)),
	}
	for _, e := range c.Critical {
		cm := criticalMatcher{cloud: e.Cloud, ids: map[event.Cloud]map[string]struct{}{}, names: compileSet(e.Names)}
		for _, cloud := range event.Clouds {
			if e.Cloud != "" && e.Cloud != cloud {
				continue
			}
			ids := map[string]struct{}{}
			for _, id := range e.IDs {
				if id = canonicalID(cloud, id); id != "" {
					ids[id] = struct{}{}
				}
			}
			cm.ids[cloud] = ids
		}
		for k, v := range e.Tags {
			cm.tags = append(cm.tags, tagMatcher{key: strings.ToLower(k), value: compileGlob(v)})
		}
		slices.SortFunc(cm.tags, func(a, b tagMatcher) int { return strings.Compare(a.key, b.key) })
		m.critical = append(m.critical, cm)
	}
	var allowActors []string
	for _, e := range c.Allow {
		if strings.TrimSpace(e.Actor) != "" {
			allowActors = append(allowActors, withRoleSessions([]string{e.Actor})...)
		}
		am := allowMatcher{
			rule: compileGlob(e.Rule), actor: compileSet(withRoleSessions([]string{e.Actor})),
			anyRule: strings.TrimSpace(e.Rule) == "", anyActor: strings.TrimSpace(e.Actor) == "",
			reason: e.Reason,
		}
		if am.anyRule && am.anyActor {
			continue // matches nothing rather than everything (Validate rejects it)
		}
		if !e.Expires.IsZero() {
			am.until = e.Expires.AddDate(0, 0, 1) // through the whole day
			am.expires = e.Expires.Format(time.DateOnly)
		}
		m.allow = append(m.allow, am)
		m.allowAnyActor = m.allowAnyActor || am.anyActor
	}
	m.allowActors = compileSet(allowActors)
	m.adminPorts = slices.Concat(alwaysAdminPorts, c.AdminPorts)
	m.adminPorts = slices.DeleteFunc(m.adminPorts, func(p int) bool { return p < 1 || p > 65535 })
	slices.Sort(m.adminPorts)
	m.adminPorts = slices.Compact(m.adminPorts)
	return m
}

// WithTags returns a copy of m that looks tags up with f (tags learned
// from the events that created or tagged a resource), so critical entries
// with tags can match. f must be safe for concurrent use if m is shared.
func (m *Matchers) WithTags(f func(cloud event.Cloud, id string) map[string]string) *Matchers {
	c := *m
	c.tags = f
	return &c
}

// TrustedAccount reports whether an account id is among trusted_accounts.
func (m *Matchers) TrustedAccount(id string) bool {
	if id == "" {
		return false
	}
	return m.accounts.match(strings.ToLower(strings.TrimSpace(id)))
}

// TrustedPrincipal reports whether the actor is among trusted_principals,
// by its id, its session issuer, its name, or (for an AWS role) the ARN of
// its session.
func (m *Matchers) TrustedPrincipal(a event.Actor) bool {
	if m.principals.empty() {
		return false
	}
	var keys actorKeys
	keys.of(a)
	return m.principals.matchAny(&keys)
}

// Critical reports whether the config marks r critical: by id (exact; Azure
// ids case-insensitively, GCP ids as relative names), by a name glob on
// r.Name or the last segment of r.ID, or by tags when WithTags gave a
// lookup.
func (m *Matchers) Critical(cloud event.Cloud, r event.Resource) bool {
	if len(m.critical) == 0 || r.ID == "" && r.Name == "" {
		return false
	}
	id := canonicalID(cloud, r.ID)
	name := strings.ToLower(r.Name)
	last := strings.ToLower(lastSegment(r.ID))
	var tags map[string]string
	tagsLooked := false
	for i := range m.critical {
		e := &m.critical[i]
		if e.cloud != "" && e.cloud != cloud {
			continue
		}
		if _, ok := e.ids[cloud][id]; ok && id != "" {
			return true
		}
		if name != "" && e.names.match(name) || last != "" && e.names.match(last) {
			return true
		}
		if len(e.tags) > 0 {
			if !tagsLooked {
				tags, tagsLooked = m.tagsOf(cloud, r), true
			}
			if tagsMatch(e.tags, tags) {
				return true
			}
		}
	}
	return false
}

// tagsOf returns the resource's tags: those the event gave it, over those
// learned earlier (WithTags).
func (m *Matchers) tagsOf(cloud event.Cloud, r event.Resource) map[string]string {
	var learned map[string]string
	if m.tags != nil {
		learned = m.tags(cloud, r.ID)
	}
	switch {
	case len(r.Tags) == 0:
		return learned
	case len(learned) == 0:
		return r.Tags
	}
	all := make(map[string]string, len(learned)+len(r.Tags))
	maps.Copy(all, learned)
	maps.Copy(all, r.Tags)
	return all
}

func tagsMatch(want []tagMatcher, have map[string]string) bool {
	if len(have) == 0 {
		return false
	}
	for _, t := range want {
		found := false
		for k, v := range have {
			if strings.EqualFold(k, t.key) && t.value.match(strings.ToLower(v)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Allowed reports whether an allow entry covers a finding of ruleID for
// actor a at time at, and the entry's reason. An entry holds through its
// expiry date (UTC). at is usually the current time: an expired entry stops
// suppressing, however old the events.
func (m *Matchers) Allowed(ruleID string, a event.Actor, at time.Time) (reason string, ok bool) {
	reason, _, ok = m.Allowance(ruleID, a, at)
	return reason, ok
}

// Allowance is Allowed with the entry's expiry date ("" for none), for
// findings that carry their suppression.
func (m *Matchers) Allowance(ruleID string, a event.Actor, at time.Time) (reason, expires string, ok bool) {
	if len(m.allow) == 0 {
		return "", "", false
	}
	var keys actorKeys
	keys.of(a)
	if !m.allowAnyActor && !m.allowActors.matchAny(&keys) {
		return "", "", false // no entry names the actor: most findings
	}
	rule := strings.ToLower(ruleID)
	for i := range m.allow {
		e := &m.allow[i]
		if !e.until.IsZero() && !at.Before(e.until) {
			continue
		}
		if !e.anyRule && !e.rule.match(rule) {
			continue
		}
		if e.anyActor {
			return e.reason, e.expires, true
		}
		for k := range keys.n {
			if e.actor.match(keys.key(k)) {
				return e.reason, e.expires, true
			}
		}
	}
	return "", "", false
}

// AdminPorts returns the administrative ports, sorted, 22 and 3389 always
// among them.
func (m *Matchers) AdminPorts() []int { return slices.Clone(m.adminPorts) }

// AdminPort reports whether port is administrative.
func (m *Matchers) AdminPort(port int) bool {
	_, ok := slices.BinarySearch(m.adminPorts, port)
	return ok
}

// ExposedAdminPort returns the first administrative port an inbound rule
// opens to any source (a /0 CIDR, Azure's * or Internet), if any. ICMP and
// other port-less protocols expose no port.
func (m *Matchers) ExposedAdminPort(in event.Ingress) (int, bool) {
	if !in.WorldOpen() {
		return 0, false
	}
	switch in.Protocol {
	case "tcp", "udp", "all", "-1":
	default:
		return 0, false
	}
	for _, p := range m.adminPorts {
		if in.CoversPort(p) {
			return p, true
		}
	}
	return 0, false
}

// actorKeys are the lower-cased strings an actor is known by. The name is
// left out for actors identified by an ARN: an AWS session name is chosen by
// whoever assumes the role, so trusting it would let anyone name a session
// "backup@example.ru". Their session ARN is added instead. Checked per
// finding, they are lower-cased into room, which a caller keeps on its
// stack: only keys that do not fit, or need Unicode lowering, allocate.
type actorKeys struct {
	room  [320]byte
	used  int
	ends  [4]int    // key i is room[ends[i-1]:ends[i]] (from 0)…
	extra [4]string // …unless it is here
	n     int
}

// of fills k with a's keys.
func (k *actorKeys) of(a event.Actor) {
	k.add(a.ID)
	if a.SessionIssuer != a.ID {
		k.add(a.SessionIssuer)
	}
	if !strings.HasPrefix(a.ID, "arn:") {
		k.add(a.Name)
	} else if a.Name != "" {
		for _, role := range []string{a.SessionIssuer, a.ID} {
			if partition, account, name, _, ok := parseRoleARN(role); ok {
				k.add("arn:", partition, ":sts::", account, ":assumed-role/", name, "/", a.Name)
				break
			}
		}
	}
}

// key returns key i, valid while k is.
func (k *actorKeys) key(i int) string {
	if k.extra[i] != "" {
		return k.extra[i]
	}
	start := 0
	if i > 0 {
		start = k.ends[i-1]
	}
	return unsafe.String(&k.room[start], k.ends[i]-start)
}

// add adds the concatenation of parts, trimmed and lower-cased, unless it
// is empty or known already.
func (k *actorKeys) add(parts ...string) {
	start, end := k.used, k.used
	for _, p := range parts {
		if end+len(p) > len(k.room) {
			k.addExtra(parts)
			return
		}
		end += copy(k.room[end:], p)
	}
	b := bytes.TrimSpace(k.room[start:end])
	for i, c := range b {
		switch {
		case c >= utf8.RuneSelf:
			k.addExtra(parts)
			return
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		}
	}
	if len(b) == 0 {
		return
	}
	// Keys are kept contiguous: the trimmed key moves to the start.
	n := copy(k.room[start:], b)
	k.used = start + n
	k.extra[k.n] = ""
	k.ends[k.n] = k.used
	if k.known(k.key(k.n)) {
		k.used = start
		return
	}
	k.n++
}

// addExtra adds a key lower-cased with Unicode rules, outside room.
func (k *actorKeys) addExtra(parts []string) {
	s := strings.ToLower(strings.TrimSpace(strings.Join(parts, "")))
	if s == "" || k.known(s) {
		return
	}
	k.extra[k.n] = s
	k.ends[k.n] = k.used
	k.n++
}

func (k *actorKeys) known(s string) bool {
	for i := range k.n {
		if k.key(i) == s {
			return true
		}
	}
	return false
}

// parseRoleARN splits arn:P:iam::A:role/[path/]R, path saying whether one
// is there; the account and name may be globs.
func parseRoleARN(arn string) (partition, account, name string, path, ok bool) {
	rest, isARN := strings.CutPrefix(arn, "arn:")
	if !isARN {
		return "", "", "", false, false
	}
	var fields [5]string // partition, service, region, account, resource
	for i := range 4 {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return "", "", "", false, false
		}
		fields[i], rest = rest[:j], rest[j+1:]
	}
	fields[4] = rest
	res, isRole := strings.CutPrefix(fields[4], "role/")
	if fields[1] != "iam" || !isRole || res == "" {
		return "", "", "", false, false
	}
	i := strings.LastIndexByte(res, '/')
	return fields[0], fields[3], res[i+1:], i >= 0, true
}

// withRoleSessions adds, for each role ARN, the pattern of its sessions:
// arn:aws:iam::A:role/R also matches arn:aws:sts::A:assumed-role/R/*. A
// session ARN has no path, so a pattern whose path is what picks the roles
// (role/aws-service-role/backup.amazonaws.com/*) has none: its sessions
// would be every role's.
func withRoleSessions(patterns []string) []string {
	out := slices.Clone(patterns)
	for _, p := range patterns {
		partition, account, name, path, ok := parseRoleARN(strings.TrimSpace(p))
		if !ok || path && strings.ContainsAny(name, "*?") {
			continue
		}
		out = append(out, "arn:"+partition+":sts::"+account+":assumed-role/"+name+"/*")
	}
	return out
}

// canonicalID spells an id as the decoders do for the cloud, so config ids
// written from a console or an API URL still match.
func canonicalID(cloud event.Cloud, id string) string {
	id = strings.TrimSpace(id)
	switch cloud {
	case event.Azure:
		return event.AzureID(id)
	case event.GCP:
		return event.GCPName(id)
	}
	return id
}

// lastSegment is what follows the last / or : of an id: the disk of an
// Azure id, the identifier of an RDS ARN.
func lastSegment(id string) string {
	return id[strings.LastIndexAny(id, "/:")+1:]
}
