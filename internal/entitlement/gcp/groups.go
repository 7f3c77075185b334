package gcp

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
)

// GroupFile is one group's members (`gcloud identity groups memberships
// list --group-email=EMAIL --format=json`: a list, or {"memberships": […]})
// with the group's email. An empty Group is read from the file's name:
// group-EMAIL.json, group_EMAIL.json or EMAIL.json.
type GroupFile struct {
	File
	Group string
}

// GroupFromName tells a memberships file's group from its name.
func GroupFromName(name string) (string, bool) {
	base := strings.TrimSuffix(filepath.Base(filepath.ToSlash(name)), ".json")
	for _, prefix := range []string{"group-", "group_", "group:", "group="} {
		base = strings.TrimPrefix(base, prefix)
	}
	if !strings.Contains(base, "@") {
		return "", false
	}
	return base, true
}

type membership struct {
	PreferredMemberKey *struct {
		ID string `json:"id"`
	} `json:"preferredMemberKey"`
	MemberKey *struct { // the older field name
		ID string `json:"id"`
	} `json:"memberKey"`
	Type string `json:"type"`
}

// expandGroups gives each member of an exported group the group's
// bindings, named through the group.
func (e *evaluator) expandGroups(files []GroupFile) error {
	in, err := parseGroups(files)
	if err != nil {
		return err
	}
	e.groupsOf, e.exported = map[string][]string{}, map[string]bool{}
	for _, f := range files {
		e.exported["group:"+groupOf(f)] = true
	}
	own := maps.Clone(e.byMember) // each group's own bindings, before any is expanded
	for _, member := range slices.Sorted(maps.Keys(in)) {
		for _, path := range groupPaths(member, in) {
			group := path[len(path)-1]
			e.groupsOf[member] = append(e.groupsOf[member], group)
			through := "through " + strings.Join(path, " in ") + ": "
			for _, b := range own[group] {
				derived := *b
				derived.name = through + b.name
				e.byMember[member] = append(e.byMember[member], &derived)
			}
		}
		if _, ok := e.byMember[member]; !ok {
			e.byMember[member] = nil // a principal that holds nothing
		}
	}
	return nil
}

// parseGroups reads the membership files into member → the groups it is
// directly in ("group:EMAIL").
func parseGroups(files []GroupFile) (map[string][]string, error) {
	exported := map[string]bool{}
	for _, f := range files {
		if g := groupOf(f); g != "" {
			exported[strings.ToLower(g)] = true
		}
	}
	in := map[string][]string{}
	for _, f := range files {
		group := groupOf(f)
		if group == "" {
			return nil, fmt.Errorf("group %s: cannot tell the group from the name: pass it as GROUP_EMAIL=FILE or name the file group-EMAIL.json", f.Name)
		}
		list, err := decodeList[membership](f.Data, "memberships")
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", f.Name, err)
		}
		for i, m := range list {
			key := m.PreferredMemberKey
			if key == nil {
				key = m.MemberKey
			}
			if key == nil || !strings.Contains(key.ID, "@") {
				return nil, fmt.Errorf("group %s: [%d]: no preferredMemberKey.id email", f.Name, i)
			}
			member := memberForm(key.ID, m.Type, exported)
			in[member] = append(in[member], "group:"+group)
		}
	}
	return in, nil
}

func groupOf(f GroupFile) string {
	if f.Group != "" {
		return strings.TrimPrefix(f.Group, "group:")
	}
	g, _ := GroupFromName(f.Name)
	return g
}

// memberForm turns a membership into its allow-policy member form. Without
// a type (the basic view), a service account is told by its domain and a
// group by having its own membership export.
func memberForm(id, typ string, groups map[string]bool) string {
	switch {
	case typ == "GROUP" || (typ == "" && groups[strings.ToLower(id)]):
		return "group:" + id
	case typ == "SERVICE_ACCOUNT" || (typ == "" && strings.HasSuffix(id, ".gserviceaccount.com")):
		return "serviceAccount:" + id
	}
	return "user:" + id
}

// groupPaths returns, for a member, every group it is in, directly or
// through nested groups, each with the chain that leads to it
// ("group:a, group:b" when a is in b).
func groupPaths(member string, in map[string][]string) [][]string {
	var out [][]string
	seen := map[string]bool{member: true}
	queue := [][]string{{member}}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		for _, g := range in[path[len(path)-1]] {
			if seen[g] {
				continue
			}
			seen[g] = true
			next := append(append([]string(nil), path...), g)
			out = append(out, next[1:])
			queue = append(queue, next)
		}
	}
	return out
}
