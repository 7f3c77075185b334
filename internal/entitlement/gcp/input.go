package gcp

import (
	"fmt"
	"path/filepath"
	"strings"
)

// File is one export: its name (for errors and, for policies, to tell the
// resource) and its bytes.
type File struct {
	Name string
	Data []byte
}

// PolicyFile is an allow policy (`gcloud organizations|resource-manager
// folders|projects|iam service-accounts get-iam-policy ID --format=json`)
// and the resource it is attached to. A zero Resource is read from the
// file's name (see ResourceFromName).
type PolicyFile struct {
	File
	Resource Resource
}

// Input is what Evaluate reads.
type Input struct {
	// Policies are allow policies of the organization, folders, projects and
	// service accounts (a service account's policy says who can impersonate
	// it).
	Policies []PolicyFile
	// Deny are deny policies (`gcloud iam policies get|list
	// --kind=denypolicies --attachment-point=… --format=json`: one policy, a
	// list, or {"policies": […]}). Each policy's name gives its attachment
	// point; when it has none, the file's Resource or name does.
	Deny []PolicyFile
	// Roles are custom role exports (`gcloud iam roles describe|list
	// --format=json`: one role, a list, or {"roles": […]}), each with its
	// includedPermissions. Predefined roles come from the embedded catalog.
	Roles []File
	// Groups are optional group membership exports: a group's bindings
	// then reach its members (nested groups too), and deny rules naming the
	// group cap them. Without them, a group is a principal of its own.
	Groups []GroupFile
	// Ancestry is optional `gcloud projects get-ancestors ID --format=json`
	// output ([{"id", "type"}…], the project first). Without it, a project is
	// taken to inherit from every folder and organization given, and a folder
	// from every organization (Report.Notes says so).
	Ancestry []File
}

// Level is the kind of resource a policy is attached to.
type Level string

const (
	Organization   Level = "organizations"
	Folder         Level = "folders"
	Project        Level = "projects"
	ServiceAccount Level = "serviceAccounts"
)

// rank orders the hierarchy from the top.
func (l Level) rank() int {
	switch l {
	case Organization:
		return 0
	case Folder:
		return 1
	case Project:
		return 2
	}
	return 3
}

// ParseLevel accepts a level's name in any of the forms gcloud and people
// use: organization(s), org, folder(s), project(s), serviceAccount(s), sa.
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(s) {
	case "organization", "organizations", "org", "orgs":
		return Organization, nil
	case "folder", "folders":
		return Folder, nil
	case "project", "projects":
		return Project, nil
	case "serviceaccount", "serviceaccounts", "service-account", "service_account", "sa":
		return ServiceAccount, nil
	}
	return "", fmt.Errorf("unknown resource level %q (want organization, folder, project or serviceAccount)", s)
}

// Resource is a policy's attachment point: organizations/123,
// folders/456, projects/my-project, serviceAccounts/sa@p.iam.gserviceaccount.com.
type Resource struct {
	Level Level
	ID    string
}

func (r Resource) String() string {
	if r.Level == "" {
		return ""
	}
	return string(r.Level) + "/" + r.ID
}

// IsZero reports whether the resource is unset.
func (r Resource) IsZero() bool { return r.Level == "" && r.ID == "" }

// ParsePolicyArg splits a `LEVEL:ID=FILE` argument (e.g.
// `project:my-proj=iam.json`, `org:123=org.json`) into the resource and
// the file. An argument without that prefix is a plain file name: the
// resource is then zero and the caller leaves it to ResourceFromName.
func ParsePolicyArg(arg string) (Resource, string, error) {
	colon := strings.IndexByte(arg, ':')
	eq := strings.IndexByte(arg, '=')
	if colon <= 0 || eq < colon {
		return Resource{}, arg, nil
	}
	level, err := ParseLevel(arg[:colon])
	if err != nil {
		// Not a LEVEL: prefix (a path with a colon in it, say): a file.
		return Resource{}, arg, nil
	}
	id, file := arg[colon+1:eq], arg[eq+1:]
	id = strings.TrimPrefix(id, string(level)+"/") // org:organizations/123=…
	if id == "" || file == "" {
		return Resource{}, "", fmt.Errorf("policy argument %q: want LEVEL:ID=FILE with a non-empty ID and FILE", arg)
	}
	return Resource{Level: level, ID: id}, file, nil
}

// ResourceFromName tells a policy's resource from its file name: a path
// holding `organizations/123/…` or `projects/my-proj.json`, or a base name
// such as `organization-123.json`, `folder_456.json`,
// `project-my-proj.iam.json`, `serviceAccount-sa@p.iam.gserviceaccount.com.json`.
func ResourceFromName(name string) (Resource, bool) {
	parts := strings.Split(filepath.ToSlash(name), "/")
	base := trimExt(parts[len(parts)-1])
	if i := strings.IndexAny(base, "-_.:="); i > 0 {
		level, err := ParseLevel(base[:i])
		if err == nil && len(base) > i+1 {
			return Resource{Level: level, ID: base[i+1:]}, true
		}
	}
	// The nearest LEVEL/ID pair of folders in the path.
	for i := len(parts) - 2; i >= 0; i-- {
		level, err := ParseLevel(parts[i])
		if err != nil {
			continue
		}
		if id := trimExt(parts[i+1]); id != "" {
			return Resource{Level: level, ID: id}, true
		}
	}
	return Resource{}, false
}

// trimExt drops .json (and a .policy/.iam before it) from a file name.
func trimExt(s string) string {
	for _, ext := range []string{".json", ".policy", ".iam", "-policy", "-iam", "_policy", "_iam"} {
		s = strings.TrimSuffix(s, ext)
	}
	return s
}
