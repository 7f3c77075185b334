package gcpaudit

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// IAM: new service accounts and keys, and role grants.

func createServiceAccount(c *norm) {
	c.e.Action = event.PrincipalCreate
	email := c.o.str("response", "email")
	if email == "" {
		id := cmp.Or(str(c.req, "account_id"), str(c.req, "accountId"))
		project := cmp.Or(event.GCPProject(str(c.req, "name")), c.res.project)
		if id != "" && project != "" {
			email = id + "@" + project + ".iam.gserviceaccount.com"
		}
	}
	c.add(event.RoleCreated, event.Principal, email)
}

// createServiceAccountKey: a key for the service account, named by email
// when the entry tells it (resource labels, the key's name), else by its
// relative name.
func createServiceAccountKey(c *norm) {
	c.e.Action = event.CredentialCreate
	c.add(event.RoleTarget, event.Principal, serviceAccount(c))
}

func serviceAccount(c *norm) string {
	if e := c.o.top("resource", "labels", "email_id"); e != "" {
		return e
	}
	names := []string{c.o.str("response", "name"), str(c.req, "name"), str(c.req, "resource"), c.name}
	for _, n := range names {
		if sa := segment(n, "serviceAccounts"); strings.Contains(sa, "@") {
			return sa
		}
	}
	for _, n := range names {
		if sa := segment(n, "serviceAccounts"); sa != "" {
			return event.GCPName(n)
		}
	}
	return ""
}

// grantRoles: SetIamPolicy on a project, folder or organization (Resource
// Manager) or on a service account (IAM). Members added by the policy delta
// are the grantees; without a delta, every member of the new policy. A
// change that only removes members grants nothing.
func grantRoles(c *norm) {
	if strings.HasPrefix(methodKey(c.e.Operation, c.e.Service), "iam.") {
		c.add(event.RoleTarget, event.Principal, serviceAccount(c))
	} else {
		c.add(event.RoleTarget, event.AccountType, parentID(cmp.Or(c.name, event.GCPName(str(c.req, "resource")))))
	}
	added, removed := policyDelta(c)
	members := added
	if added == nil && removed == nil {
		for _, b := range decode.Each(c.req, "policy", "bindings") {
			members = append(members, decode.Strs(b, "members")...)
		}
	}
	if len(members) == 0 {
		return
	}
	c.e.Action = event.RoleAssign
	for _, m := range members {
		if target, _ := shareTarget(m); target != "" {
			c.add(event.RoleSharedWith, event.Principal, target)
		}
	}
}

// parentID names a project by its id and a folder or organization by its
// relative name.
func parentID(name string) string {
	if p := event.GCPProject(name); p != "" {
		return p
	}
	if strings.HasPrefix(name, "organizations/") || strings.HasPrefix(name, "folders/") {
		return name
	}
	if name != "" && !strings.Contains(name, "/") {
		return name // Resource Manager's request.resource is a bare project id
	}
	return ""
}
