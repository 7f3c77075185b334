package gcp

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// denyRule is one rule of a deny policy, with principals in allow-policy
// member form and permissions in v1 form (compute.snapshots.create).
type denyRule struct {
	policy string // the policy's name, or its file's
	index  int
	at     Resource

	principals, exceptPrincipals []string
	perms, exceptPerms           []string
	cond                         *condition
	unresolved                   []string // denied principals with no allow-policy form
}

func (r *denyRule) label() string {
	s := fmt.Sprintf("denied at %s by %s rules[%d]", r.at, r.policy, r.index)
	if r.cond != nil {
		s += " if " + r.cond.String()
	}
	return s
}

// matchesPrincipal reports whether the rule denies the member, itself or
// through a group it is in.
func (r *denyRule) matchesPrincipal(member string, groups []string) bool {
	return matchMember(r.principals, member, groups) && !matchMember(r.exceptPrincipals, member, groups)
}

// matchesPermission reports whether the rule denies the permission.
func (r *denyRule) matchesPermission(perm string) bool {
	return matchPerm(r.perms, perm) && !matchPerm(r.exceptPerms, perm)
}

func matchMember(list []string, member string, groups []string) bool {
	for _, m := range list {
		if m == "*" || m == member || slices.Contains(groups, m) {
			return true
		}
	}
	return false
}

func matchPerm(list []string, perm string) bool {
	for _, p := range list {
		if glob(p, perm) {
			return true
		}
	}
	return false
}

// glob matches s against a pattern where `*` stands for any run of
// characters, in time linear in their product (path.Match backtracks
// exponentially on many stars).
func glob(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p, mark = star+1, mark+1
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

type rawDenyPolicy struct {
	Name  string `json:"name"`
	Rules []struct {
		DenyRule *struct {
			DeniedPrincipals     []string   `json:"deniedPrincipals"`
			ExceptionPrincipals  []string   `json:"exceptionPrincipals"`
			DeniedPermissions    []string   `json:"deniedPermissions"`
			ExceptionPermissions []string   `json:"exceptionPermissions"`
			DenialCondition      *condition `json:"denialCondition"`
		} `json:"denyRule"`
	} `json:"rules"`
}

// parseDeny reads a deny policy file: one policy, a list of them, or
// {"policies": […]}.
func parseDeny(f PolicyFile) ([]*denyRule, error) {
	policies, err := decodeList[rawDenyPolicy](f.Data, "policies")
	if err != nil {
		return nil, fmt.Errorf("deny policy %s: %w", f.Name, err)
	}
	var rules []*denyRule
	for pi, p := range policies {
		where := fmt.Sprintf("deny policy %s", f.Name)
		if len(policies) > 1 {
			where = fmt.Sprintf("deny policy %s: policies[%d]", f.Name, pi)
		}
		if p.Name == "" && p.Rules == nil {
			return nil, fmt.Errorf("%s: not a deny policy (no name or rules)", where)
		}
		at, err := attachmentPoint(p.Name, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		name := p.Name
		if name == "" {
			name = f.Name
		}
		for ri, raw := range p.Rules {
			dr := raw.DenyRule
			if dr == nil {
				return nil, fmt.Errorf("%s: rules[%d]: no denyRule", where, ri)
			}
			r := &denyRule{policy: name, index: ri, at: at, cond: dr.DenialCondition}
			if r.cond != nil && r.cond.Expression == "" {
				r.cond = nil
			}
			for j, pr := range dr.DeniedPrincipals {
				m, ok := memberOf(pr)
				if !ok {
					r.unresolved = append(r.unresolved, pr)
					continue
				}
				if m == "" {
					return nil, fmt.Errorf("%s: rules[%d].deniedPrincipals[%d]: empty", where, ri, j)
				}
				r.principals = append(r.principals, m)
			}
			for _, pr := range dr.ExceptionPrincipals {
				if m, ok := memberOf(pr); ok && m != "" {
					r.exceptPrincipals = append(r.exceptPrincipals, m)
				}
			}
			if r.perms, err = v1Permissions(dr.DeniedPermissions); err != nil {
				return nil, fmt.Errorf("%s: rules[%d].deniedPermissions: %w", where, ri, err)
			}
			if r.exceptPerms, err = v1Permissions(dr.ExceptionPermissions); err != nil {
				return nil, fmt.Errorf("%s: rules[%d].exceptionPermissions: %w", where, ri, err)
			}
			rules = append(rules, r)
		}
	}
	return rules, nil
}

// attachmentPoint reads policies/<url-encoded attachment point>/denypolicies/<id>.
func attachmentPoint(name string, f PolicyFile) (Resource, error) {
	if name != "" {
		rest, ok := strings.CutPrefix(name, "policies/")
		point, _, ok2 := strings.Cut(rest, "/")
		if !ok || !ok2 {
			return Resource{}, fmt.Errorf("name %q: want policies/ATTACHMENT_POINT/denypolicies/ID", name)
		}
		decoded, err := url.PathUnescape(point)
		if err != nil {
			return Resource{}, fmt.Errorf("name %q: %w", name, err)
		}
		decoded = strings.TrimPrefix(decoded, "cloudresourcemanager.googleapis.com/")
		level, id, _ := strings.Cut(decoded, "/")
		l, err := ParseLevel(level)
		if err != nil || id == "" || l == ServiceAccount {
			return Resource{}, fmt.Errorf("name %q: attachment point %q is not an organization, folder or project", name, decoded)
		}
		return Resource{Level: l, ID: id}, nil
	}
	if !f.Resource.IsZero() {
		return f.Resource, nil
	}
	if r, ok := ResourceFromName(f.Name); ok && r.Level != ServiceAccount {
		return r, nil
	}
	return Resource{}, fmt.Errorf("no name to tell its attachment point: pass it as LEVEL:ID=FILE")
}

// memberOf turns a v2 principal identifier into the allow-policy member it
// names; "*" stands for everyone. ok is false for a set this evaluator
// cannot expand (a workspace, a project's service accounts, a pool).
func memberOf(p string) (string, bool) {
	switch {
	case p == "principalSet://goog/public:all":
		return "*", true
	case strings.HasPrefix(p, "principal://goog/subject/"):
		return "user:" + strings.TrimPrefix(p, "principal://goog/subject/"), true
	case strings.HasPrefix(p, "principalSet://goog/group/"):
		return "group:" + strings.TrimPrefix(p, "principalSet://goog/group/"), true
	case strings.HasPrefix(p, "principal://iam.googleapis.com/projects/-/serviceAccounts/"):
		return "serviceAccount:" + strings.TrimPrefix(p, "principal://iam.googleapis.com/projects/-/serviceAccounts/"), true
	case strings.HasPrefix(p, "principal://iam.googleapis.com/locations/"),
		strings.HasPrefix(p, "principal://iam.googleapis.com/projects/"):
		return p, true // a workload or workforce identity: the same string as in allow policies
	}
	return "", false
}

// v1Permissions turns compute.googleapis.com/snapshots.create into
// compute.snapshots.create; `*` wildcards are kept.
func v1Permissions(perms []string) ([]string, error) {
	out := make([]string, 0, len(perms))
	for i, p := range perms {
		fqdn, rest, ok := strings.Cut(p, "/")
		if !ok || fqdn == "" || rest == "" {
			return nil, fmt.Errorf("[%d] %q: want SERVICE.googleapis.com/RESOURCE.ACTION", i, p)
		}
		service := strings.TrimSuffix(fqdn, ".googleapis.com")
		switch service {
		case "cloudresourcemanager":
			service = "resourcemanager"
		case "sqladmin":
			service = "cloudsql"
		}
		out = append(out, service+"."+rest)
	}
	return out, nil
}
