// Package azure evaluates Azure RBAC exports for the entitlement audit:
// from role definitions, role assignments, deny assignments and PIM
// eligibility, which principal holds which snapshot capability, at which
// scope, through which role and permission block. The capability catalog
// is data (catalog.yaml). It imports only the entitlement model.
package azure

import (
	"fmt"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// File is one export, named for error messages.
type File struct {
	Name string
	Data []byte
}

// Input holds the exports. Roles is required: `az role definition list`
// (or the ARM roleDefinitions list). Assignments is `az role assignment
// list --all` (or the ARM / Resource Graph form); deny assignments may be
// in it too, or in Deny. Eligible is a PIM export of role eligibility
// schedules or schedule instances. Without Assignments and Eligible, each
// role is evaluated as a principal "role:NAME", to review the catalog of
// roles itself.
type Input struct {
	Roles       File
	Assignments File
	Eligible    File
	Deny        File
}

// Evaluate reads the exports and returns, per principal and capability, the
// strongest grant with its via chain; other assignments that give the same
// capability are named at the end of the chain ("also: …").
func Evaluate(in Input) (*entitlement.Report, error) {
	cat, err := parseCatalog(catalogYAML)
	if err != nil {
		return nil, err
	}
	if len(in.Roles.Data) == 0 {
		return nil, fmt.Errorf("azure: no role definitions given (want `az role definition list` output)")
	}
	st, err := load(in, cat)
	if err != nil {
		return nil, err
	}
	return st.report(cat), nil
}
