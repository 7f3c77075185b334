package yandex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Load builds an Input from command-line arguments, reading each file
// with read:
//
//	LEVEL:ID=FILE       access bindings of that resource (folder:b1g…=f.json)
//	members:GROUP=FILE  the members of a user group
//	FILE                a resource listing (clouds, folders, service
//	                    accounts…) when its content is one, else access
//	                    bindings named by the file (folder-b1g….json)
func Load(args []string, read func(path string) ([]byte, error)) (Input, error) {
	var in Input
	for _, arg := range args {
		if rest, ok := strings.CutPrefix(arg, "members:"); ok {
			gid, path, ok := strings.Cut(rest, "=")
			if !ok || gid == "" || path == "" {
				return Input{}, fmt.Errorf("%q: want members:GROUP_ID=FILE", arg)
			}
			data, err := read(path)
			if err != nil {
				return Input{}, err
			}
			in.Groups = append(in.Groups, GroupFile{Name: path, GroupID: gid, Data: data})
			continue
		}
		level, id, path, err := ParseSpec(arg)
		if err != nil {
			return Input{}, err
		}
		data, err := read(path)
		if err != nil {
			return Input{}, err
		}
		switch {
		case level != "":
			in.Bindings = append(in.Bindings, BindingFile{Name: path, Level: level, ID: id, Data: data})
		case sniff(data) == listingFile:
			in.Resources = append(in.Resources, File{Name: path, Data: data})
		case sniff(data) == membersFile:
			return Input{}, fmt.Errorf("%s: a member list: say whose with members:GROUP_ID=%s", path, path)
		default:
			in.Bindings = append(in.Bindings, BindingFile{Name: path, Data: data})
		}
	}
	return in, nil
}

type fileKind int

const (
	bindingsFile fileKind = iota // or unknown: reading it as bindings gives the error
	listingFile
	membersFile
)

// sniff tells a listing or a member list from access bindings by the
// fields of the first item.
func sniff(data []byte) fileKind {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return bindingsFile
	}
	var first map[string]json.RawMessage
	switch trimmed[0] {
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(trimmed, &obj) != nil {
			return bindingsFile
		}
		if _, ok := obj["members"]; ok {
			return membersFile
		}
		for k := range obj {
			if _, ok := listKinds[k]; ok {
				return listingFile
			}
		}
		return bindingsFile
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(trimmed, &items) != nil || len(items) == 0 || json.Unmarshal(items[0], &first) != nil {
			return bindingsFile
		}
	default:
		return bindingsFile
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := first[k]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("role_id", "roleId", "subject"):
		return bindingsFile
	case has("subject_id", "subjectId"):
		return membersFile
	case has("id"):
		return listingFile
	}
	return bindingsFile
}
