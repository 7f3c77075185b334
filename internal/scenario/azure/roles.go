package azure

import (
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// principalRole is the role a role assignment gives: a new principal is
// first made a Reader of the subscription, then given Contributor (the
// Activity Log has no record of creating a user or its password: those are
// Entra ID audit events; the assignments that follow are what it shows).
func principalRole(k scenario.Kind) string {
	if k == scenario.PrincipalCreate {
		return roleReader
	}
	return roleContributor
}

// roleAssignment renders a role assignment on the subscription to the
// principal op names (Created for a new one, else Target).
func (w *writer) roleAssignment(b []byte, c *call, m *mix, op *scenario.Op) []byte {
	principal := op.Target
	if op.Kind == scenario.PrincipalCreate {
		principal = op.Created
	}
	scope := "/subscriptions/" + op.Account.ID
	name := m.uuid()
	roleDef := scope + "/providers/Microsoft.Authorization/roleDefinitions/" + principalRole(op.Kind)
	c.set(scope+"/providers/Microsoft.Authorization/roleAssignments/"+name, opRoleAssign, versionRoles)

	req := append(w.req[:0], `{"Id":"`...)
	req = append(req, name...)
	req = append(req, `","Properties":{"PrincipalId":`...)
	req = scenario.AppendString(req, principal)
	req = append(req, `,"PrincipalType":"User","RoleDefinitionId":`...)
	req = scenario.AppendString(req, roleDef)
	req = append(req, `,"Scope":`...)
	req = scenario.AppendString(req, scope)
	req = append(req, `,"Condition":null,"ConditionVersion":null}}`...)

	resp := append(w.resp[:0], `{"properties":{"roleDefinitionId":`...)
	resp = scenario.AppendString(resp, roleDef)
	resp = append(resp, `,"principalId":`...)
	resp = scenario.AppendString(resp, principal)
	resp = append(resp, `,"principalType":"User","scope":`...)
	resp = scenario.AppendString(resp, scope)
	resp = append(resp, `,"condition":null,"conditionVersion":null,"createdOn":"`...)
	resp = appendTime(resp, op.Time.Add(time.Second))
	resp = append(resp, `","updatedOn":"`...)
	resp = appendTime(resp, op.Time.Add(time.Second))
	resp = append(resp, `","createdBy":null,"updatedBy":`...)
	resp = scenario.AppendString(resp, op.Actor.ID)
	resp = append(resp, `,"delegatedManagedIdentityResourceId":null,"description":null},"id":`...)
	resp = scenario.AppendString(resp, c.scope)
	resp = append(resp, `,"type":"Microsoft.Authorization/roleAssignments","name":"`...)
	resp = append(resp, name...)
	resp = append(resp, `"}`...)
	w.keep(req, resp)
	return c.appendCall(b, op.Time, &op.ID, created, req, resp)
}
