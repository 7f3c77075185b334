package gcp

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// IAM policies (sharing a snapshot or an image, granting a role) and
// service accounts (a new one, a key for it).

// member spells a share target or grantee as an IAM member.
func member(who string) string {
	switch {
	case who == event.Public:
		return "allUsers"
	case isServiceAccount(who):
		return "serviceAccount:" + who
	case strings.Contains(who, "@"):
		return "user:" + who
	}
	// A bare project id: its viewers, the project convenience member.
	return "projectViewer:" + who
}

// etag is a policy's etag: base64 of 8 bytes, as IAM writes them.
func etag(id string, salt uint64) string {
	h := hash(id, salt)
	raw := [8]byte{0x07, 0x06, byte(h), byte(h >> 8), byte(h >> 16), byte(h >> 24), byte(h >> 32), byte(h >> 40)}
	return base64.StdEncoding.EncodeToString(raw[:])
}

// appendBindings appends a policy's bindings: role, member pairs.
func appendBindings(b []byte, pairs ...string) []byte {
	b = append(b, `"bindings":[`...)
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"members":[`...)
		b = scenario.AppendString(b, pairs[i+1])
		b = append(b, `],"role":`...)
		b = scenario.AppendString(b, pairs[i])
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendDelta appends serviceData with the policy's change.
func appendDelta(b []byte, action, role, m string) []byte {
	b = append(b, `{"@type":"type.googleapis.com/google.iam.v1.logging.AuditData","policyDelta":{"bindingDeltas":[{"action":"`...)
	b = append(b, action...)
	b = append(b, `","member":`...)
	b = scenario.AppendString(b, m)
	b = append(b, `,"role":`...)
	b = scenario.AppendString(b, role)
	return append(b, "}]}}"...)
}

// setIAMPolicy shares or unshares a snapshot or an image: a fresh copy has
// an empty policy, so the new one holds the member added, or nothing left.
func (r *render) setIAMPolicy() {
	op := r.op
	target := op.Target
	coll, resType, role := "snapshots", "gce_snapshot", "roles/compute.storageAdmin"
	labels := []string{"project_id", r.project, "snapshot_id", strconv.FormatUint(numericID(target, 0), 10)}
	if collection(target) == "images" {
		coll, resType, role = "images", "gce_image", "roles/compute.imageUser"
		labels = []string{"image_id", strconv.FormatUint(numericID(target, 0), 10), "project_id", r.project}
	}
	m := member(op.ShareWith)
	add := op.Kind != scenario.SnapshotUnshare
	r.c = call{service: "compute.googleapis.com", method: "v1.compute." + coll + ".setIamPolicy", resource: target,
		authz:   []authz{{"compute." + coll + ".setIamPolicy", target, "compute." + coll}},
		resType: resType, labels: labels, reqType: "compute." + coll + ".setIamPolicy"}
	r.c.request = func(b []byte) []byte {
		b = append(b, `"policy":{`...)
		if add {
			b = append(appendBindings(b, role, m), ',')
		}
		b = append(b, `"etag":`...)
		b = scenario.AppendString(b, etag(op.ID, 8))
		return append(b, '}')
	}
	r.c.serviceData = func(b []byte) []byte {
		if add {
			return appendDelta(b, "ADD", role, m)
		}
		return appendDelta(b, "REMOVE", role, m)
	}
}

// uniqueID is a service account's 21-digit unique id.
func uniqueID(email string) string {
	s := strconv.FormatUint(hash(email, 9), 10) // at most 20 digits
	return "1" + strings.Repeat("0", 20-len(s)) + s
}

// saProject is the project of a service account, else the op's.
func (r *render) saProject(email string) string {
	if p := serviceAccountProject(email); p != "-" {
		return p
	}
	return r.project
}

// createServiceAccount: op.Created is the new account's email.
func (r *render) createServiceAccount() {
	op := r.op
	email := op.Created
	local, _, _ := strings.Cut(email, "@")
	parent := "projects/" + r.project
	uid := uniqueID(email)
	r.c = call{service: "iam.googleapis.com", method: "google.iam.admin.v1.CreateServiceAccount", resource: parent,
		authz: []authz{{"iam.serviceAccounts.create", parent, ""}}, resType: "service_account",
		labels:  []string{"email_id", email, "project_id", r.project, "unique_id", uid},
		reqType: "google.iam.admin.v1.CreateServiceAccountRequest", status: true}
	r.c.request = func(b []byte) []byte {
		b = appendField(b, "account_id", local)
		b = append(b, ',')
		b = appendField(b, "name", parent)
		b = append(b, `,"service_account":{`...)
		b = appendField(b, "display_name", local)
		return append(b, '}')
	}
	r.c.response = func(b []byte) []byte {
		b = append(b, `{"@type":"type.googleapis.com/google.iam.admin.v1.ServiceAccount",`...)
		b = appendField(b, "display_name", local)
		b = append(b, ',')
		b = appendField(b, "email", email)
		b = append(b, ',')
		b = appendField(b, "etag", etag(email, 10))
		b = append(b, ',')
		b = appendField(b, "name", parent+"/serviceAccounts/"+email)
		b = append(b, ',')
		b = appendField(b, "oauth2_client_id", uid)
		b = append(b, ',')
		b = appendField(b, "project_id", r.project)
		b = append(b, ',')
		b = appendField(b, "unique_id", uid)
		return append(b, '}')
	}
}

// createServiceAccountKey: a key for op.Target, the key its holder then
// signs calls with (see appendCaller).
func (r *render) createServiceAccountKey() {
	op := r.op
	email := op.Target
	project := r.saProject(email)
	uid := uniqueID(email)
	name := "projects/-/serviceAccounts/" + uid
	r.c = call{service: "iam.googleapis.com", method: "google.iam.admin.v1.CreateServiceAccountKey", resource: name,
		authz: []authz{{"iam.serviceAccountKeys.create", name, ""}}, resType: "service_account",
		labels:  []string{"email_id", email, "project_id", project, "unique_id", uid},
		reqType: "google.iam.admin.v1.CreateServiceAccountKeyRequest", status: true}
	r.c.request = func(b []byte) []byte {
		b = appendField(b, "name", "projects/-/serviceAccounts/"+email)
		return append(b, `,"private_key_type":2`...)
	}
	r.c.response = func(b []byte) []byte {
		b = append(b, `{"@type":"type.googleapis.com/google.iam.admin.v1.ServiceAccountKey","key_algorithm":2,"key_origin":2,"key_type":1,`...)
		b = appendField(b, "name", "projects/"+project+"/serviceAccounts/"+email+"/keys/"+string(appendKeyID(nil, email)))
		b = append(b, `,"private_key_type":2,"valid_after_time":{"seconds":`...)
		b = strconv.AppendInt(b, op.Time.Unix(), 10)
		return append(b, `},"valid_before_time":{"seconds":253402300799}}`...)
	}
}

// grantRole: the project's policy given a binding for op.Target.
func (r *render) grantRole() {
	op := r.op
	const role = "roles/editor"
	m, owner := member(op.Target), member(op.Actor.ID)
	parent := "projects/" + r.project
	r.c = call{service: "cloudresourcemanager.googleapis.com", method: "SetIamPolicy", resource: parent,
		authz: []authz{{"resourcemanager.projects.setIamPolicy", parent, ""}}, resType: "project",
		labels: []string{"project_id", r.project}, reqType: "google.iam.v1.SetIamPolicyRequest", status: true}
	r.c.request = func(b []byte) []byte {
		b = append(b, `"policy":{`...)
		b = appendBindings(b, "roles/owner", owner, role, m)
		b = append(b, `,"etag":`...)
		b = scenario.AppendString(b, etag(op.ID, 8))
		b = append(b, `},"resource":`...)
		return scenario.AppendString(b, r.project)
	}
	r.c.serviceData = func(b []byte) []byte { return appendDelta(b, "ADD", role, m) }
	r.c.response = func(b []byte) []byte {
		b = append(b, `{"@type":"type.googleapis.com/google.iam.v1.Policy",`...)
		b = appendBindings(b, "roles/owner", owner, role, m)
		b = append(b, `,"etag":`...)
		b = scenario.AppendString(b, etag(op.ID, 12))
		return append(b, '}')
	}
}
