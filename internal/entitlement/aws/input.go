package aws

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// File is one input file: its name (for errors) and content.
type File struct {
	Name string
	Data []byte
}

// Input is what Evaluate reads: the output of
// `aws iam get-account-authorization-details` and, optionally, the service
// control policies that apply to the account (policy documents, or
// `aws organizations describe-policy` output).
type Input struct {
	Authorization File
	SCPs          []File
}

// authDetails mirrors get-account-authorization-details (CLI or SDK form;
// pages merged by the caller or given as one document).
type authDetails struct {
	UserDetailList  []userDetail    `json:"UserDetailList"`
	GroupDetailList []groupDetail   `json:"GroupDetailList"`
	RoleDetailList  []roleDetail    `json:"RoleDetailList"`
	Policies        []managedPolicy `json:"Policies"`
}

type userDetail struct {
	UserName                string         `json:"UserName"`
	Arn                     string         `json:"Arn"`
	Path                    string         `json:"Path"`
	GroupList               []string       `json:"GroupList"`
	UserPolicyList          []inlinePolicy `json:"UserPolicyList"`
	AttachedManagedPolicies []attachment   `json:"AttachedManagedPolicies"`
	PermissionsBoundary     *boundary      `json:"PermissionsBoundary"`
}

type groupDetail struct {
	GroupName               string         `json:"GroupName"`
	Arn                     string         `json:"Arn"`
	GroupPolicyList         []inlinePolicy `json:"GroupPolicyList"`
	AttachedManagedPolicies []attachment   `json:"AttachedManagedPolicies"`
}

type roleDetail struct {
	RoleName                 string          `json:"RoleName"`
	Arn                      string          `json:"Arn"`
	Path                     string          `json:"Path"`
	AssumeRolePolicyDocument json.RawMessage `json:"AssumeRolePolicyDocument"`
	RolePolicyList           []inlinePolicy  `json:"RolePolicyList"`
	AttachedManagedPolicies  []attachment    `json:"AttachedManagedPolicies"`
	PermissionsBoundary      *boundary       `json:"PermissionsBoundary"`
}

type inlinePolicy struct {
	PolicyName     string          `json:"PolicyName"`
	PolicyDocument json.RawMessage `json:"PolicyDocument"`
}

type attachment struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

type boundary struct {
	PermissionsBoundaryArn string `json:"PermissionsBoundaryArn"`
}

type managedPolicy struct {
	PolicyName        string          `json:"PolicyName"`
	Arn               string          `json:"Arn"`
	DefaultVersionID  string          `json:"DefaultVersionId"`
	PolicyVersionList []policyVersion `json:"PolicyVersionList"`
}

type policyVersion struct {
	Document         json.RawMessage `json:"Document"`
	VersionID        string          `json:"VersionId"`
	IsDefaultVersion bool            `json:"IsDefaultVersion"`
}

// readAuthorization parses the export; errors name the file.
func readAuthorization(f File) (*authDetails, error) {
	var d authDetails
	if err := json.Unmarshal(f.Data, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if d.UserDetailList == nil && d.GroupDetailList == nil && d.RoleDetailList == nil && d.Policies == nil {
		return nil, fmt.Errorf("%s: no UserDetailList, GroupDetailList, RoleDetailList or Policies: "+
			"not `aws iam get-account-authorization-details` output", f.Name)
	}
	return &d, nil
}

// readSCP parses one SCP file: a policy document, or describe-policy output
// whose Policy.Content holds it.
func readSCP(f File) (*document, string, error) {
	var wrapped struct {
		Policy *struct {
			PolicySummary struct {
				Arn  string `json:"Arn"`
				Name string `json:"Name"`
			} `json:"PolicySummary"`
			Content json.RawMessage `json:"Content"`
		} `json:"Policy"`
	}
	if err := json.Unmarshal(f.Data, &wrapped); err != nil {
		return nil, "", fmt.Errorf("%s: %w", f.Name, err)
	}
	name := f.Name
	raw := json.RawMessage(bytes.TrimSpace(f.Data))
	if wrapped.Policy != nil {
		raw = wrapped.Policy.Content
		if s := wrapped.Policy.PolicySummary; s.Arn != "" {
			name = s.Arn
		} else if s.Name != "" {
			name = s.Name
		}
	}
	doc, err := parseDocument(raw)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", f.Name, err)
	}
	return doc, name, nil
}
