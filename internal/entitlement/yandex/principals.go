package yandex

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// collect gathers the principals: every subject bound, every group member
// (holding its groups' bindings), every service account listed or bound
// on; and notes what the input leaves unknown.
func (ev *evaluator) collect(src *sources) {
	byGroup := map[string][]*entry{}
	for _, e := range src.entries {
		ev.addPrincipal(e.subject)
		ev.hold(e.subject.key(), held{e: e})
		if e.subject.typ == "group" {
			byGroup[e.subject.id] = append(byGroup[e.subject.id], e)
		}
	}
	var lonely []string
	for _, gid := range sortedKeys(byGroup) {
		if _, ok := src.members[gid]; !ok {
			lonely = append(lonely, gid)
		}
	}
	if len(lonely) > 0 {
		ev.notes = append(ev.notes, "groups without a member list (their grants are reported on the group only): "+strings.Join(lonely, ", "))
	}
	for _, gid := range sortedKeys(src.members) {
		for _, m := range src.members[gid] {
			ev.addPrincipal(m)
			for _, e := range byGroup[gid] {
				ev.hold(m.key(), held{e: e, group: gid})
			}
		}
	}
	for _, r := range src.resources {
		if r.level == ServiceAccount {
			ev.addPrincipal(subject{typ: "serviceAccount", id: r.id})
		}
	}
	for _, n := range src.bound {
		if n.level == ServiceAccount {
			ev.addPrincipal(subject{typ: "serviceAccount", id: n.id})
		}
	}
	ev.noteUnplacedAccounts(src.entries, src.bound)
	for key, s := range ev.principals {
		if s.typ == "system" && len(ev.holds[key]) > 0 {
			ev.notes = append(ev.notes, fmt.Sprintf("public group %s is bound: what it holds, every principal it covers holds", s.id))
		}
	}
}

// addPrincipal records a subject; an id seen before keeps its first type
// (bindings are read before members and listings).
func (ev *evaluator) addPrincipal(s subject) {
	cur, ok := ev.principals[s.key()]
	if !ok {
		ev.principals[s.key()] = s
		return
	}
	if cur.typ != s.typ {
		ev.notes = append(ev.notes, fmt.Sprintf("subject %s appears as %s and as %s: taken as %s", s.id, cur.typ, s.typ, cur.typ))
	}
}

func (ev *evaluator) hold(key string, h held) {
	ev.holds[key] = append(ev.holds[key], h)
	ev.byNode[h.e.node] = append(ev.byNode[h.e.node], heldBy{principal: key, h: h})
}

// noteUnplacedAccounts says which service accounts impersonation rights
// bound above them could not reach, for want of their folder.
func (ev *evaluator) noteUnplacedAccounts(entries []*entry, bound []node) {
	above := false
	for _, e := range entries {
		if e.node.level.depth() < 3 && e.rights&(ev.cat.token|ev.cat.use) != 0 {
			above = true
			break
		}
	}
	if !above {
		return
	}
	var ids []string
	for _, s := range ev.principals {
		if s.typ != "serviceAccount" || slices.Contains(bound, node{level: ServiceAccount, id: s.id}) {
			continue // a bound account has its own note
		}
		if _, ok := ev.h.parent[s.id]; !ok {
			ids = append(ids, s.id)
		}
	}
	if len(ids) > 0 {
		sort.Strings(ids)
		ev.notes = append(ev.notes, "service accounts whose folder is not listed (give the service-account listing): impersonation rights bound on folders, clouds or the organization not applied to "+strings.Join(ids, ", "))
	}
}
