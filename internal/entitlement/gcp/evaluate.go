package gcp

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Evaluate reads the GCP IAM exports and returns, per principal and
// capability, the grant. Bad input is an error naming the file and the
// element.
func Evaluate(in Input) (*entitlement.Report, error) {
	e := &evaluator{
		c:        loadCatalog(),
		h:        newHierarchy(),
		roles:    map[string][]string{},
		byMember: map[string][]*binding{},
	}
	if err := e.load(in); err != nil {
		return nil, err
	}
	return e.run(), nil
}

type evaluator struct {
	c        *catalog
	h        *hierarchy
	roles    map[string][]string   // custom roles: name → relevant permissions
	byMember map[string][]*binding // member → the bindings naming it
	deny     []*denyRule
	denyAt   map[Resource]bool // resources deny rules are attached to
	notes    []string
	unknown  map[string]string   // roles neither predefined nor exported → where first seen
	groupsOf map[string][]string // member → every group it is in, nested ones too
	exported map[string]bool     // groups whose members were given
}

func (e *evaluator) load(in Input) error {
	if err := parseRoles(in.Roles, e.c, e.roles, &e.notes); err != nil {
		return err
	}
	for _, f := range in.Ancestry {
		if err := e.h.parseAncestry(f); err != nil {
			return err
		}
	}
	e.unknown = map[string]string{}
	for _, f := range in.Policies {
		bs, at, err := parsePolicy(f)
		if err != nil {
			return err
		}
		e.h.add(at)
		for _, b := range bs {
			if _, ok := e.rolePerms(b.Role); !ok {
				if _, seen := e.unknown[b.Role]; !seen {
					e.unknown[b.Role] = fmt.Sprintf("%s bindings[%d]", at, b.index)
				}
			}
			for _, m := range slices.Compact(slices.Sorted(slices.Values(b.Members))) {
				e.byMember[m] = append(e.byMember[m], b)
			}
		}
	}
	if err := e.expandGroups(in.Groups); err != nil {
		return err
	}
	for _, f := range in.Deny {
		rules, err := parseDeny(f)
		if err != nil {
			return err
		}
		for _, r := range rules {
			for _, u := range r.unresolved {
				e.notes = append(e.notes, fmt.Sprintf("%s: denied principal %s cannot be matched to allow-policy members and was not applied", r.label(), u))
			}
		}
		e.deny = append(e.deny, rules...)
	}
	e.denyAt = map[Resource]bool{}
	for _, r := range e.deny {
		e.denyAt[r.at] = true
	}
	return nil
}

// rolePerms is a role's relevant permissions and whether the role is known.
func (e *evaluator) rolePerms(role string) ([]string, bool) {
	if perms, ok := e.roles[role]; ok {
		return perms, true
	}
	perms, ok := e.c.predefined[role]
	return perms, ok
}

func (e *evaluator) run() *entitlement.Report {
	members := make([]string, 0, len(e.byMember))
	for m := range e.byMember {
		members = append(members, m)
	}
	sort.Strings(members)
	var leaves []*chain
	for _, l := range e.h.leaves() {
		leaves = append(leaves, e.h.chainOf(l))
	}

	direct := map[string]map[entitlement.Capability]*result{}
	deleted := 0
	for _, m := range members {
		if strings.HasPrefix(m, "deleted:") {
			deleted++
			continue
		}
		direct[m] = e.direct(m, leaves)
	}
	edges := e.impersonation(members)

	report := &entitlement.Report{Principals: len(members)}
	for _, m := range members {
		own, ok := direct[m]
		if !ok {
			continue
		}
		results := lift(m, own, direct, edges)
		typ, _ := principalType(m)
		for _, c := range entitlement.Capabilities {
			r := results[c]
			if r == nil {
				continue
			}
			report.Grants = append(report.Grants, entitlement.Grant{
				ID:            entitlement.GrantID(event.GCP, m, c),
				Cloud:         event.GCP,
				Principal:     m,
				PrincipalType: typ,
				Capability:    c,
				Verdict:       r.verdict,
				Via:           r.via,
				Conditions:    r.conds,
				Standing:      true,
				Indirect:      r.indirect,
				Scope:         joinResources(r.scopes),
			})
		}
	}
	report.Notes = e.finalNotes(members, deleted)
	return report
}

func (e *evaluator) finalNotes(members []string, deleted int) []string {
	notes := slices.Clone(e.notes)
	for _, role := range slices.Sorted(maps.Keys(e.unknown)) {
		notes = append(notes, fmt.Sprintf("role %s (first at %s) is neither in the predefined role catalog nor in the custom role exports: its bindings were not evaluated", role, e.unknown[role]))
	}
	if e.h.fallback {
		notes = append(notes, "no ancestry for some projects or folders: each was taken to inherit from every folder and organization policy given (pass `gcloud projects get-ancestors` output to be exact)")
	}
	if deleted > 0 {
		notes = append(notes, fmt.Sprintf("%d deleted principal(s) in bindings hold nothing and were left out", deleted))
	}
	var unexpanded []string
	for _, m := range members {
		if strings.HasPrefix(m, "group:") && !e.exported[m] {
			unexpanded = append(unexpanded, m)
		}
	}
	if len(unexpanded) > 0 {
		notes = append(notes, fmt.Sprintf("%d group(s) without a membership export (%s): their grants reach their members, who are not listed, and deny rules naming them reach no one else", len(unexpanded), strings.Join(unexpanded[:min(len(unexpanded), 5)], ", ")))
	}
	notes = append(notes, "not modeled: resource-level policies below projects (snapshots, images, disks), Principal Access Boundary policies, Privileged Access Manager entitlements, and the truth of IAM conditions (a conditional binding is CONDITIONAL)")
	return notes
}

func joinResources(rs []Resource) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.String()
	}
	return strings.Join(s, ",")
}
