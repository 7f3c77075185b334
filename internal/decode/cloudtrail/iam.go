package cloudtrail

import (
	"cmp"
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// IAM and STS operations: the "new principal" and "new credential" signals
// of the chain, and grants. Principals are named by ARN, the same string a
// later event's actor id carries (a user's ARN, a role's ARN for its
// sessions); a name alone is qualified by the event's account (path "/").

func createUser(r *rec) {
	r.e.Action = event.PrincipalCreate
	name := cmp.Or(r.req("userName"), r.resp("user", "userName"))
	r.principal(event.RoleCreated, cmp.Or(r.resp("user", "arn"), r.iamARN("user", name)), name)
}

func createRole(r *rec) {
	r.e.Action = event.PrincipalCreate
	name := cmp.Or(r.req("roleName"), r.resp("role", "roleName"))
	r.principal(event.RoleCreated, cmp.Or(r.resp("role", "arn"), r.iamARN("role", name)), name)
}

// createLoginProfile gives a user a console password.
func createLoginProfile(r *rec) {
	r.e.Action = event.CredentialCreate
	r.userOrCaller(cmp.Or(r.req("userName"), r.resp("loginProfile", "userName")))
}

// createAccessKey makes a key for a user (the caller when none is named).
// The key id is recorded as a principal made, named after its user: later
// events signed with it carry it as userIdentity.accessKeyId.
func createAccessKey(r *rec) {
	r.e.Action = event.CredentialCreate
	name := cmp.Or(r.req("userName"), r.resp("accessKey", "userName"))
	r.userOrCaller(name)
	if res := r.add(event.RoleCreated, event.Principal, r.resp("accessKey", "accessKeyId")); res != nil {
		res.Name = cmp.Or(name, r.e.Actor.Name)
	}
}

// userGrant attaches or puts a policy on a user, or adds it to a group.
func userGrant(r *rec) {
	r.e.Action = event.RoleAssign
	name := r.req("userName")
	r.principal(event.RoleTarget, r.iamARN("user", name), name)
}

func roleGrant(r *rec) {
	r.e.Action = event.RoleAssign
	name := r.req("roleName")
	r.principal(event.RoleTarget, r.iamARN("role", name), name)
}

func groupGrant(r *rec) {
	r.e.Action = event.RoleAssign
	name := r.req("groupName")
	r.principal(event.RoleTarget, r.iamARN("group", name), name)
}

// assumeRole has no action of its own (its sessions act under the role's
// identity); the role is recorded as the target.
func assumeRole(r *rec) {
	r.add(event.RoleTarget, event.Principal, r.req("roleArn"))
}

// identityCenterUser is a user of IAM Identity Center (SSO), named by its
// directory id.
func identityCenterUser(r *rec) {
	r.e.Action = event.PrincipalCreate
	r.add(event.RoleCreated, event.Principal, cmp.Or(r.resp("user", "userId"), r.resp("userId")))
}

// userOrCaller records the user a credential is made for: the named one,
// else, when the request was logged without a name, the calling IAM user.
func (r *rec) userOrCaller(name string) {
	if name != "" {
		r.principal(event.RoleTarget, r.iamARN("user", name), name)
		return
	}
	if r.rp != nil && decode.Str(r.v, "userIdentity", "type") == "IAMUser" {
		r.principal(event.RoleTarget, decode.Str(r.v, "userIdentity", "arn"), r.e.Actor.Name)
	}
}

func (r *rec) principal(role event.Role, arn, name string) {
	if res := r.add(role, event.Principal, arn); res != nil {
		res.Name = name
	}
}

// iamARN qualifies an IAM name by the event's account.
func (r *rec) iamARN(kind, name string) string {
	if name == "" {
		return ""
	}
	return "arn:aws:iam::" + r.e.Account + ":" + kind + "/" + name
}
