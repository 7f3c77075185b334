package yandex

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// IAM: new principals, their keys, and role bindings on any resource.

func createServiceAccount(o *op) {
	o.e.Action = event.PrincipalCreate
	o.add(event.RoleCreated, event.Principal, o.created("service_account_id"), o.detail("service_account_name"))
}

// createKey covers static access keys, API keys and authorized keys. The
// key belongs to service_account_id, or to the caller when the request
// names none.
func createKey(o *op) {
	o.e.Action = event.CredentialCreate
	o.add(event.RoleTarget, event.Principal, cmp.Or(o.param("service_account_id"), o.e.Actor.ID),
		o.detail("service_account_name"))
}

// isAccessBindings tells the events that set or update role bindings
// (SetFolderAccessBindings, UpdateClusterAccessBindings,
// UpdateOrganizationAccessBindings …) in any service.
func isAccessBindings(name string) bool {
	return strings.HasSuffix(name, "AccessBindings") &&
		(strings.HasPrefix(name, "Set") || strings.HasPrefix(name, "Update"))
}

// accessBindings is role.assign unless the change only removes bindings.
// Each subject given a role is listed as shared-with; the resource bound is
// the target when its kind is known.
func accessBindings(o *op) {
	deltas := o.r.each("details", "access_binding_deltas")
	bindings := o.r.each("details", "access_bindings")
	grants := 0
	if len(deltas) > 0 {
		for _, d := range deltas {
			if strings.EqualFold(str(d, "action"), "ADD") {
				grants += grantee(o, get(d, "access_binding"))
			}
		}
	} else {
		for _, b := range bindings {
			grants += grantee(o, b)
		}
	}
	if grants > 0 || (len(deltas) == 0 && len(bindings) == 0) {
		o.e.Action = event.RoleAssign
	}
	boundResource(o)
}

// grantee lists a binding's subject; the audit schema flattens it
// (subject_id), the API nests it (subject.id).
func grantee(o *op, b *jsondoc.Value) int {
	id := cmp.Or(str(b, "subject_id"), str(b, "subject", "id"))
	if id == "" {
		return 0
	}
	o.add(event.RoleSharedWith, event.Principal, id, str(b, "subject_name"))
	return 1
}

func boundResource(o *op) {
	switch o.svc {
	case "resourcemanager", "organizationmanager":
		o.add(event.RoleTarget, event.AccountType,
			cmp.Or(o.param("folder_id"), o.param("cloud_id"), o.param("organization_id"), o.e.Account), "")
	case "mdb":
		o.add(event.RoleTarget, event.Database, o.param("cluster_id"), o.detail("cluster_name"))
	case "iam":
		o.add(event.RoleTarget, event.Principal, o.param("service_account_id"), o.detail("service_account_name"))
	}
}
