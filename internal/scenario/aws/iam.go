package aws

import (
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// IAM: new users and roles, their access keys, policies attached to them.
// IAM is global: its calls are logged in us-east-1, and a refused one
// without its request.

func iamAPI(name, command string) api {
	return api{source: "iam.amazonaws.com", name: name, version: "1.09", command: "iam." + command, iam: "iam", global: true, nullOnDeny: true}
}

var (
	apiCreateUser        = iamAPI("CreateUser", "create-user")
	apiCreateRole        = iamAPI("CreateRole", "create-role")
	apiCreateAccessKey   = iamAPI("CreateAccessKey", "create-access-key")
	apiAttachUserPolicy  = iamAPI("AttachUserPolicy", "attach-user-policy")
	apiAttachRolePolicy  = iamAPI("AttachRolePolicy", "attach-role-policy")
	errNotIAMPrincipal   = errors.New("not an IAM user or role ARN")
	errAccessKeyForRole  = errors.New("access keys are made for IAM users, not roles")
	managedPolicies      = []string{"AdministratorAccess", "PowerUserAccess", "AmazonEC2FullAccess"}
	trustPolicy          = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	trustPolicyURLEncode = `%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D`
)

// iamName splits an IAM ARN (arn:aws:iam::A:user/PATH/NAME) into its kind
// (user, role), path and name.
func iamName(arn string) (kind, path, name string, ok bool) {
	_, rest, ok := strings.Cut(arn, ":iam::")
	if !ok {
		return "", "", "", false
	}
	_, res, ok := strings.Cut(rest, ":")
	if !ok {
		return "", "", "", false
	}
	kind, rest, ok = strings.Cut(res, "/")
	if !ok || (kind != "user" && kind != "role") {
		return "", "", "", false
	}
	i := strings.LastIndexByte(rest, '/')
	return kind, "/" + rest[:i+1], rest[i+1:], rest[i+1:] != ""
}

// createPrincipal makes the user or role op.Created names.
func (r *rec) createPrincipal() error {
	op := r.op
	kind, path, name, ok := iamName(op.Created)
	if !ok {
		return errNotIAMPrincipal
	}
	a, idKey, nameKey, prefix := &apiCreateUser, "userId", "userName", "AIDA"
	if kind == "role" {
		a, idKey, nameKey, prefix = &apiCreateRole, "roleId", "roleName", "AROA"
	}
	r.begin(a, op.Created)
	if r.request() {
		b := append(r.b, `{"`...)
		b = append(b, nameKey...)
		b = append(b, `":`...)
		b = scenario.AppendString(b, name)
		if path != "/" {
			b = appendField(b, "path", path)
		}
		if kind == "role" {
			b = appendField(b, "assumeRolePolicyDocument", trustPolicy)
		}
		r.b = append(b, '}')
	}
	if r.response() {
		unique, _ := iamIDs(op.Created, prefix)
		b := append(r.b, `{"`...)
		b = append(b, kind...)
		b = append(b, `":{"path":`...)
		b = scenario.AppendString(b, path)
		b = appendField(b, nameKey, name)
		b = appendField(b, idKey, unique)
		b = appendField(b, "arn", op.Created)
		b = appendJavaDate(append(b, `,"createDate":`...), op.Time)
		if kind == "role" {
			b = appendField(b, "assumeRolePolicyDocument", trustPolicyURLEncode)
		}
		r.b = append(b, `}}`...)
	}
	r.end()
	return nil
}

// createAccessKey gives the user op.Target a key: the key its later calls
// are signed with.
func (r *rec) createAccessKey() error {
	op := r.op
	kind, _, name, ok := iamName(op.Target)
	if !ok {
		return errNotIAMPrincipal
	}
	if kind != "user" {
		return errAccessKeyForRole
	}
	r.begin(&apiCreateAccessKey, "user "+name)
	if r.request() {
		r.b = append(scenario.AppendString(append(r.b, `{"userName":`...), name), '}')
	}
	if r.response() {
		_, key := iamIDs(op.Target, "AIDA")
		b := scenario.AppendString(append(r.b, `{"accessKey":{"userName":`...), name)
		b = appendField(b, "accessKeyId", key)
		b = append(b, `,"status":"Active","createDate":`...)
		r.b = append(appendJavaDate(b, op.Time), `}}`...)
	}
	r.end()
	return nil
}

// attachPolicy attaches an AWS managed policy to the user or role
// op.Target.
func (r *rec) attachPolicy() error {
	op := r.op
	kind, _, name, ok := iamName(op.Target)
	if !ok {
		return errNotIAMPrincipal
	}
	a, nameKey := &apiAttachUserPolicy, "userName"
	if kind == "role" {
		a, nameKey = &apiAttachRolePolicy, "roleName"
	}
	r.begin(a, kind+" "+name)
	if r.request() {
		policy := managedPolicies[r.s.next()%uint64(len(managedPolicies))]
		b := append(r.b, `{"`...)
		b = append(b, nameKey...)
		b = append(b, `":`...)
		b = scenario.AppendString(b, name)
		r.b = append(appendField(b, "policyArn", "arn:aws:iam::aws:policy/"+policy), '}')
	}
	if r.response() {
		r.b = append(r.b, "null"...)
	}
	r.end()
	return nil
}
