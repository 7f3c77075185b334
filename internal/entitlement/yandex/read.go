package yandex

import (
	"fmt"
	"strings"
)

// sources is the input read: bindings placed on their nodes, listings,
// group members.
type sources struct {
	entries   []*entry
	bound     []node
	resources []resource
	members   map[string][]subject // by group id, each member once
	notes     []string
}

// read parses every file of the input; the first bad one is the error.
func read(in Input, cat *catalog) (*sources, error) {
	src := &sources{members: map[string][]subject{}}
	unknownRoles := map[string]bool{}
	for _, f := range in.Bindings {
		level, id := f.Level, f.ID
		if level == "" {
			var ok bool
			if level, id, ok = ScopeFromName(f.Name); !ok {
				return nil, fmt.Errorf("%s: cannot tell where these bindings sit: name the file LEVEL-ID.json (folder-b1g….json) or give LEVEL:ID=FILE", f.Name)
			}
		} else if id == "" {
			return nil, fmt.Errorf("%s: level %s without an id", f.Name, level)
		}
		bs, more, err := parseBindings(f.Name, f.Data)
		if err != nil {
			return nil, err
		}
		if more {
			src.notes = append(src.notes, fmt.Sprintf("%s: the response names a next page: bindings beyond it are missing", f.Name))
		}
		n := node{level: level, id: id}
		src.bound = append(src.bound, n)
		for _, b := range bs {
			r, known := cat.role(b.role)
			if !known {
				unknownRoles[b.role] = true
			}
			src.entries = append(src.entries, &entry{node: n, role: b.role, rights: r & cat.applicable(level),
				subject: b.subject, file: f.Name, index: b.index})
		}
	}
	if len(unknownRoles) > 0 {
		src.notes = append(src.notes, "roles not in the catalog, taken to carry no snapshot right: "+strings.Join(sortedKeys(unknownRoles), ", "))
	}
	for _, f := range in.Resources {
		rs, err := parseResources(f.Name, f.Data)
		if err != nil {
			return nil, err
		}
		src.resources = append(src.resources, rs...)
	}
	seen := map[string]map[subject]bool{}
	for _, g := range in.Groups {
		if g.GroupID == "" {
			return nil, fmt.Errorf("%s: no group id: give GROUP_ID=FILE", g.Name)
		}
		ms, err := parseMembers(g.Name, g.Data)
		if err != nil {
			return nil, err
		}
		if seen[g.GroupID] == nil {
			seen[g.GroupID] = map[subject]bool{}
			src.members[g.GroupID] = nil // an empty group is still a listed one
		}
		for _, m := range ms {
			if !seen[g.GroupID][m] {
				seen[g.GroupID][m] = true
				src.members[g.GroupID] = append(src.members[g.GroupID], m)
			}
		}
	}
	return src, nil
}
