package azure

import "strings"

// scope is an ARM scope: "/" (the tenant root), a management group, a
// subscription, a resource group or a resource. An assignment applies at
// its scope and at every scope below it.
type scope struct {
	text  string // as the export wrote it, without a trailing slash
	lower string
	depth int // path segments: the more, the narrower
}

func parseScope(s string) scope {
	s = strings.TrimSpace(s)
	if len(s) > 1 {
		s = strings.TrimRight(s, "/")
	}
	if s == "" {
		s = "/"
	}
	lower := strings.ToLower(s)
	depth := 0
	for _, seg := range strings.Split(lower, "/") {
		if seg != "" {
			depth++
		}
	}
	return scope{text: s, lower: lower, depth: depth}
}

// level names where the scope sits in the hierarchy.
func (s scope) level() string {
	segs := strings.Split(strings.Trim(s.lower, "/"), "/")
	switch {
	case s.depth == 0:
		return "root"
	case len(segs) == 4 && segs[0] == "providers" && segs[1] == "microsoft.management" && segs[2] == "managementgroups":
		return "management group"
	case len(segs) == 2 && segs[0] == "subscriptions":
		return "subscription"
	case len(segs) == 4 && segs[0] == "subscriptions" && segs[2] == "resourcegroups":
		return "resource group"
	case len(segs) > 4 && segs[0] == "subscriptions":
		return "resource"
	}
	return "scope"
}

// covers reports whether an assignment at s applies at t: s is t or one of
// its ancestors along the path. A management group's subscriptions are not
// in the scope string, so a management group covers only itself (and
// resources written below it).
func (s scope) covers(t scope) bool {
	return s.depth == 0 || s.lower == t.lower || strings.HasPrefix(t.lower, s.lower+"/")
}

// rank orders scopes from the widest: the root, a management group, a
// subscription, a resource group, a resource.
func (s scope) rank() int {
	if s.level() == "management group" {
		return 1
	}
	return s.depth
}

func (s scope) describe() string { return s.text + " (" + s.level() + ")" }
