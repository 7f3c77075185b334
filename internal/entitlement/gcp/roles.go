package gcp

import (
	"fmt"
	"strings"
)

// customRole is a custom role export (`gcloud iam roles describe`).
type customRole struct {
	Name    string   `json:"name"`
	Perms   []string `json:"includedPermissions"`
	Stage   string   `json:"stage"`
	Deleted bool     `json:"deleted"`
}

// parseRoles reads custom role files into name → relevant permissions.
// A deleted or disabled role grants nothing, as in IAM.
func parseRoles(files []File, c *catalog, roles map[string][]string, notes *[]string) error {
	for _, f := range files {
		list, err := decodeList[customRole](f.Data, "roles")
		if err != nil {
			return fmt.Errorf("role %s: %w", f.Name, err)
		}
		for i, r := range list {
			where := fmt.Sprintf("role %s", f.Name)
			if len(list) > 1 {
				where = fmt.Sprintf("role %s: [%d]", f.Name, i)
			}
			if !isCustomRole(r.Name) {
				return fmt.Errorf("%s: name %q: want projects/P/roles/R or organizations/O/roles/R", where, r.Name)
			}
			if r.Perms == nil && !r.Deleted {
				*notes = append(*notes, fmt.Sprintf("custom role %s (%s) lists no includedPermissions: export it with `gcloud iam roles describe`; it is taken to grant nothing", r.Name, f.Name))
			}
			var perms []string
			if !r.Deleted && r.Stage != "DISABLED" {
				for _, p := range r.Perms {
					if c.relevant[p] {
						perms = append(perms, p)
					}
				}
			}
			roles[r.Name] = perms
		}
	}
	return nil
}

// isCustomRole reports whether name is projects/P/roles/R or
// organizations/O/roles/R.
func isCustomRole(name string) bool {
	parts := strings.Split(name, "/")
	return len(parts) == 4 && (parts[0] == "projects" || parts[0] == "organizations") &&
		parts[1] != "" && parts[2] == "roles" && parts[3] != ""
}

// roleHome is the resource a custom role is defined in.
func roleHome(name string) Resource {
	parts := strings.Split(name, "/")
	if len(parts) != 4 {
		return Resource{}
	}
	l, err := ParseLevel(parts[0])
	if err != nil {
		return Resource{}
	}
	return Resource{Level: l, ID: parts[1]}
}
