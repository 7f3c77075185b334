// Package entitlement answers who can create, copy, share, export and
// restore snapshots, backups and images (mitigations M1047, M1018): from the
// clouds' IAM exports, per principal and capability, with the verdict and the
// chain of grants that gives it. Each cloud's evaluator lives in
// internal/entitlement/<cloud> and yields Grants; this package holds the
// model, the expected-holders review (findings of kind entitlement) and the
// comparison with a previous run.
package entitlement

import (
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// Capability is what a principal can do to copies.
type Capability string

// The capability catalog (../shared/reference/iam-capabilities.md §2).
const (
	Create          Capability = "create"
	Copy            Capability = "copy"
	Share           Capability = "share"
	Export          Capability = "export"
	Restore         Capability = "restore"
	ReadData        Capability = "read-data"
	Schedule        Capability = "schedule"
	GuardrailOff    Capability = "disable-guardrail"
	AdminEquivalent Capability = "admin-equivalent"
)

// Capabilities lists the catalog in report order.
var Capabilities = []Capability{Create, Copy, Share, Export, Restore, ReadData, Schedule, GuardrailOff, AdminEquivalent}

// Verdict is how a principal holds a capability.
type Verdict string

const (
	Allow       Verdict = "ALLOW"
	Conditional Verdict = "CONDITIONAL" // allowed under conditions (Grant.Conditions names the keys)
	Eligible    Verdict = "ELIGIBLE"    // Azure PIM: can activate it
	Denied      Verdict = "DENIED"      // an allow exists, but an explicit deny, an SCP or a boundary caps it
	NotGranted  Verdict = "NOT_GRANTED"
)

// Grant is one principal × capability, with how it is held.
type Grant struct {
	// ID is stable across runs: a hash of cloud, principal and capability
	// (see GrantID).
	ID            string      `json:"id"`
	Cloud         event.Cloud `json:"cloud"`
	Principal     string      `json:"principal"`      // ARN, object id, member ("user:…", "serviceAccount:…"), user id, subject id
	PrincipalType string      `json:"principal_type"` // user, group, role, service_account, service_principal, …
	Capability    Capability  `json:"capability"`
	Verdict       Verdict     `json:"verdict"`
	// Via is the chain of grants, outermost first: the group or assumed
	// role, the policy or role definition and statement/permission, the
	// assignment's scope.
	Via []string `json:"via"`
	// Conditions are the condition keys (or expressions) a CONDITIONAL
	// verdict depends on.
	Conditions []string `json:"conditions,omitempty"`
	// Standing is false for an eligible (activate-on-demand) grant.
	Standing bool `json:"standing"`
	// Indirect is true when the capability comes through another identity
	// (role assumption, impersonation, PassRole to a service, granting
	// oneself a permission).
	Indirect bool `json:"indirect,omitempty"`
	// Scope is where the grant applies: "*" (everything the account holds),
	// a resource group, project, ARN pattern…
	Scope string `json:"scope,omitempty"`
}

// GrantID is a grant's stable id.
func GrantID(cloud event.Cloud, principal string, c Capability) string {
	return finding.ID("entitlement", string(cloud), principal, string(c))
}

// Report is one evaluation: the grants (NOT_GRANTED ones left out unless
// they were denied) and what the evaluator could not model.
type Report struct {
	Grants []Grant `json:"grants"`
	// Principals counts the principals evaluated.
	Principals int `json:"principals"`
	// Notes say what the input lacked or the evaluator did not model.
	Notes []string `json:"notes,omitempty"`
}
