package yandex

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Input is what Evaluate reads. Only Bindings is required.
type Input struct {
	// Bindings are access-binding exports, one per resource.
	Bindings []BindingFile
	// Resources are listings that place resources in the hierarchy:
	// `yc resource-manager cloud list` (organization_id),
	// `yc resource-manager folder list` (cloud_id), `yc iam service-account
	// list` and other folder resources (folder_id). Without them a folder's
	// cloud is known only when a single cloud is given, and a service
	// account's folder not at all.
	Resources []File
	// Groups are `yc organization-manager group list-members` exports.
	Groups []GroupFile
}

// File is one input file's name (for errors) and content.
type File struct {
	Name string
	Data []byte
}

// BindingFile is the access bindings of one resource.
type BindingFile struct {
	// Name is the file's name, for errors; when Level is empty, Evaluate
	// reads the level and id from it (see ScopeFromName).
	Name string
	// Level and ID say where the bindings sit: organization, cloud,
	// folder, or a resource kind (service-account, snapshot, image, disk,
	// snapshot-schedule, instance).
	Level Level
	ID    string
	Data  []byte
}

// GroupFile lists the members of one user group.
type GroupFile struct {
	Name    string
	GroupID string
	Data    []byte
}

// Level is where an access binding sits in the resource hierarchy.
type Level string

// The hierarchy levels; every other level is a resource inside a folder.
const (
	Organization   Level = "organization"
	Cloud          Level = "cloud"
	Folder         Level = "folder"
	ServiceAccount Level = "service-account"
	Snapshot       Level = "snapshot"
	Image          Level = "image"
	Disk           Level = "disk"
	Schedule       Level = "snapshot-schedule"
	Instance       Level = "instance"
)

// levelNames maps accepted spellings to levels (longest first where one is
// a prefix of another, for file names).
var levelNames = []struct {
	name  string
	level Level
}{
	{"organization", Organization},
	{"org", Organization},
	{"cloud", Cloud},
	{"folder", Folder},
	{"service-account", ServiceAccount},
	{"serviceaccount", ServiceAccount},
	{"sa", ServiceAccount},
	{"snapshot-schedule", Schedule},
	{"snapshot", Snapshot},
	{"image", Image},
	{"disk", Disk},
	{"instance", Instance},
}

// ParseLevel accepts a level name (organization, org, cloud, folder,
// service-account, sa, snapshot, image, disk, snapshot-schedule, instance).
func ParseLevel(s string) (Level, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	for _, n := range levelNames {
		if l == n.name {
			return n.level, nil
		}
	}
	return "", fmt.Errorf("unknown level %q (want organization, cloud, folder, service-account, snapshot, image, disk, snapshot-schedule or instance)", s)
}

// depth orders levels from the broadest: organization 0, cloud 1, folder 2,
// a resource 3.
func (l Level) depth() int {
	switch l {
	case Organization:
		return 0
	case Cloud:
		return 1
	case Folder:
		return 2
	}
	return 3
}

// ParseSpec splits the command-line form LEVEL:ID=FILE (as in
// `--yandex-bindings folder:b1g…=bindings.json`). A plain FILE gives an
// empty level and id: Evaluate then reads them from the file name.
func ParseSpec(spec string) (level Level, id, path string, err error) {
	head, file, ok := strings.Cut(spec, "=")
	if !ok {
		return "", "", spec, nil
	}
	lv, rid, ok := strings.Cut(head, ":")
	if !ok || rid == "" || file == "" {
		return "", "", "", fmt.Errorf("%q: want LEVEL:ID=FILE, e.g. folder:b1gexample=bindings.json", spec)
	}
	level, err = ParseLevel(lv)
	if err != nil {
		return "", "", "", fmt.Errorf("%q: %w", spec, err)
	}
	return level, rid, file, nil
}

// ScopeFromName reads a level and id from a file name such as
// folder-b1g0abc.json, cloud_b1g0abc.json or service-account.aje0abc.json.
func ScopeFromName(name string) (Level, string, bool) {
	orig := filepath.Base(name)
	orig = strings.TrimSuffix(orig, filepath.Ext(orig))
	base := strings.ToLower(orig)
	if len(base) != len(orig) {
		return "", "", false // not ASCII: no id of ours
	}
	for _, n := range levelNames {
		if !strings.HasPrefix(base, n.name) || len(base) <= len(n.name)+1 {
			continue
		}
		switch base[len(n.name)] {
		case '-', '_', '.', ':':
			id := orig[len(n.name)+1:]
			if validID(id) {
				return n.level, id, true
			}
		}
	}
	return "", "", false
}

// validID accepts what Yandex ids look like (letters and digits), and the
// forms of system subjects used as ids elsewhere.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
