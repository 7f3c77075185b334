package aws

import (
	"fmt"
	"sort"
	"strings"
)

// source is one policy that applies to a principal, with the chain that
// brings it (group, policy, version).
type source struct {
	via    []string
	doc    *document
	policy string // the managed policy's ARN ("" for inline ones)
}

// node is a principal (user or role) with the policies that decide what it
// may do.
type node struct {
	kind          string // user or role
	name          string
	arn           string
	account       string
	identity      []source // inline and attached, then each group's
	boundary      *source
	scps          []source // nil: no SCP applies (none given, or exempt)
	groups        []string // ARNs of the user's groups
	attached      []string // ARNs of managed policies attached directly or through groups
	trust         *document
	vars          map[string]string // policy variables: ${aws:username}…
	serviceLinked bool
	// derived is set on a what-if copy of a principal (after joining a
	// group, after changing a policy's default version): not a principal
	// of the report, and not changed further
	derived bool
}

// join returns the user as it would be in group g as well.
func (n *node) join(g *group) *node {
	c := *n
	c.identity = append(append([]source{}, n.identity...), g.sources...)
	c.groups = append(append([]string{}, n.groups...), g.arn)
	c.attached = append(append([]string{}, n.attached...), g.attached...)
	c.derived = true
	return &c
}

// withVersion returns the principal as it would be with another version of
// managed policy arn made the default.
func (n *node) withVersion(arn string, alt source) *node {
	c := *n
	c.identity = make([]source, len(n.identity))
	for i, s := range n.identity {
		if s.policy == arn {
			s.via = append(append([]string{}, s.via[:len(s.via)-1]...), alt.via...)
			s.doc = alt.doc
		}
		c.identity[i] = s
	}
	c.derived = true
	return &c
}

// group is an IAM group: not a principal, but its policies apply to its
// members (and to a user that can add itself to it).
type group struct {
	arn      string
	account  string
	sources  []source // each via starts with the group
	attached []string
}

// account is the export, resolved: principals and their policies.
type account struct {
	nodes  []*node // users, then roles
	roles  []*node
	users  []*node
	groups []*group
	// versions are the managed policies' non-default versions
	versions map[string][]source
	notes    []string
}

// build resolves the export into principals; errors name the file and the
// element of the document that is wrong.
func build(file string, d *authDetails, scps []source, cat *catalog) (*account, error) {
	a := &account{versions: make(map[string][]source)}
	policies := make(map[string]source, len(d.Policies))
	for i, p := range d.Policies {
		def, others, err := versions(p)
		if err != nil {
			return nil, fmt.Errorf("%s: Policies[%d] (%s): %w", file, i, p.Arn, err)
		}
		if def != nil {
			policies[p.Arn] = *def
		}
		if len(others) > 0 {
			a.versions[p.Arn] = others
		}
	}
	missing := make(map[string]bool)
	managed := func(arn, owner string) (source, bool) {
		if src, ok := policies[arn]; ok {
			return src, true
		}
		if doc, ok := cat.Known[arn]; ok {
			if !missing[arn] {
				missing[arn] = true
				a.notes = append(a.notes, fmt.Sprintf("managed policy %s is attached but not in the export; evaluated as AWS publishes it", arn))
			}
			return source{via: []string{"managed policy " + arn + " (published version; not in the export)"}, doc: doc, policy: arn}, true
		}
		if !missing[arn] {
			missing[arn] = true
			a.notes = append(a.notes, fmt.Sprintf("managed policy %s attached to %s is not in the export: its grants are not evaluated", arn, owner))
		}
		return source{}, false
	}
	inline := func(list []inlinePolicy, owner, element string) ([]source, error) {
		var out []source
		for i, p := range list {
			doc, err := parseDocument(p.PolicyDocument)
			if err != nil {
				return nil, fmt.Errorf("%s: %s %s: %s[%d] (%s): %w", file, ownerKind(owner), owner, element, i, p.PolicyName, err)
			}
			out = append(out, source{via: []string{"inline policy " + p.PolicyName + " of " + owner}, doc: doc})
		}
		return out, nil
	}
	attach := func(list []attachment, owner string) ([]source, []string) {
		var out []source
		var arns []string
		for _, p := range list {
			arns = append(arns, p.PolicyArn)
			if src, ok := managed(p.PolicyArn, owner); ok {
				out = append(out, src)
			}
		}
		return out, arns
	}
	boundaryOf := func(b *boundary, owner string) *source {
		if b == nil || b.PermissionsBoundaryArn == "" {
			return nil
		}
		src, ok := managed(b.PermissionsBoundaryArn, owner)
		if !ok {
			// an unknown boundary still caps: nothing it allows can be shown
			src = source{doc: &document{}}
		}
		src.via = append([]string{"permissions boundary"}, src.via...)
		return &src
	}

	groups := make(map[string]*group, len(d.GroupDetailList))
	for _, g := range d.GroupDetailList {
		in, err := inline(g.GroupPolicyList, g.Arn, "GroupPolicyList")
		if err != nil {
			return nil, err
		}
		at, arns := attach(g.AttachedManagedPolicies, g.Arn)
		var srcs []source
		for _, s := range append(in, at...) {
			s.via = append([]string{"group " + g.Arn}, s.via...)
			srcs = append(srcs, s)
		}
		grp := &group{arn: g.Arn, account: accountOf(g.Arn), sources: srcs, attached: arns}
		groups[g.GroupName] = grp
		a.groups = append(a.groups, grp)
	}

	for _, u := range d.UserDetailList {
		n := &node{kind: "user", name: u.UserName, arn: u.Arn, account: accountOf(u.Arn), scps: scps}
		in, err := inline(u.UserPolicyList, u.Arn, "UserPolicyList")
		if err != nil {
			return nil, err
		}
		at, arns := attach(u.AttachedManagedPolicies, u.Arn)
		n.identity = append(in, at...)
		n.attached = arns
		for _, gname := range u.GroupList {
			g, ok := groups[gname]
			if !ok {
				a.notes = append(a.notes, fmt.Sprintf("group %s of %s is not in the export: its policies are not evaluated", gname, u.Arn))
				continue
			}
			n.groups = append(n.groups, g.arn)
			n.identity = append(n.identity, g.sources...)
			n.attached = append(n.attached, g.attached...)
		}
		n.boundary = boundaryOf(u.PermissionsBoundary, u.Arn)
		n.vars = variables(n)
		a.nodes = append(a.nodes, n)
		a.users = append(a.users, n)
	}
	for i, r := range d.RoleDetailList {
		n := &node{kind: "role", name: r.RoleName, arn: r.Arn, account: accountOf(r.Arn), scps: scps}
		// service-linked roles are exempt from SCPs
		n.serviceLinked = strings.HasPrefix(r.Path, "/aws-service-role/")
		if n.serviceLinked {
			n.scps = nil
		}
		in, err := inline(r.RolePolicyList, r.Arn, "RolePolicyList")
		if err != nil {
			return nil, err
		}
		at, arns := attach(r.AttachedManagedPolicies, r.Arn)
		n.identity = append(in, at...)
		n.attached = arns
		n.boundary = boundaryOf(r.PermissionsBoundary, r.Arn)
		n.vars = variables(n)
		if len(r.AssumeRolePolicyDocument) > 0 {
			doc, err := parseDocument(r.AssumeRolePolicyDocument)
			if err != nil {
				return nil, fmt.Errorf("%s: RoleDetailList[%d] (%s): AssumeRolePolicyDocument: %w", file, i, r.Arn, err)
			}
			n.trust = doc
		}
		a.nodes = append(a.nodes, n)
		a.roles = append(a.roles, n)
	}
	sort.Strings(a.notes)
	return a, nil
}

// versions parses the policy's versions: the default one (the only one in
// force) and the others (which iam:SetDefaultPolicyVersion can bring back).
func versions(p managedPolicy) (*source, []source, error) {
	var def *source
	var others []source
	for i, v := range p.PolicyVersionList {
		doc, err := parseDocument(v.Document)
		if err != nil {
			return nil, nil, fmt.Errorf("PolicyVersionList[%d] (%s): %w", i, v.VersionID, err)
		}
		label := "managed policy " + p.Arn
		if v.VersionID != "" {
			label += " (" + v.VersionID + ")"
		}
		src := source{via: []string{label}, doc: doc, policy: p.Arn}
		if v.IsDefaultVersion && def == nil {
			def = &src
			continue
		}
		src.via = []string{label + ", once made the default"}
		others = append(others, src)
	}
	return def, others, nil
}

// accountOf returns the account id of an IAM ARN.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

func ownerKind(arn string) string {
	switch {
	case strings.Contains(arn, ":group/"):
		return "group"
	case strings.Contains(arn, ":role/"):
		return "role"
	default:
		return "user"
	}
}

// allowAll is the policy a principal able to grant itself anything could
// attach.
var allowAllDoc = &document{Statements: []statement{{Actions: []string{"*"}}}}
