package azure

import (
	"fmt"
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Operation names and API versions of the ops the writer renders.
const (
	opDiskWrite      = "Microsoft.Compute/disks/write"
	opDiskDelete     = "Microsoft.Compute/disks/delete"
	opSnapWrite      = "Microsoft.Compute/snapshots/write"
	opSnapDelete     = "Microsoft.Compute/snapshots/delete"
	opSnapGetAccess  = "Microsoft.Compute/snapshots/beginGetAccess/action"
	opSnapEndAccess  = "Microsoft.Compute/snapshots/endGetAccess/action"
	opImageWrite     = "Microsoft.Compute/images/write"
	opVMWrite        = "Microsoft.Compute/virtualMachines/write"
	opNICWrite       = "Microsoft.Network/networkInterfaces/write"
	opRuleWrite      = "Microsoft.Network/networkSecurityGroups/securityRules/write"
	opRoleAssign     = "Microsoft.Authorization/roleAssignments/write"
	opFlexibleWrite  = "Microsoft.DBforPostgreSQL/flexibleServers/write"
	versionDisks     = "2024-03-02"
	versionCompute   = "2024-07-01"
	versionNetwork   = "2024-05-01"
	versionRoles     = "2022-04-01"
	versionFlexible  = "2024-08-01"
	versionResources = "2024-03-01"
)

// versions are the API versions read operations are called with, by
// namespace.
var versions = map[string]string{
	"Microsoft.Compute": versionCompute, "Microsoft.Network": versionNetwork, "Microsoft.Storage": "2023-05-01",
	"Microsoft.KeyVault": "2023-07-01", "Microsoft.Web": "2023-12-01", "Microsoft.ContainerService": "2024-09-01",
	"Microsoft.DBforPostgreSQL": versionFlexible, "Microsoft.Sql": "2023-08-01-preview",
	"Microsoft.RecoveryServices": "2024-04-01", "Microsoft.Resources": versionResources,
	"Microsoft.Authorization": "2022-06-01", "Microsoft.Insights": "2021-05-01-preview",
	"Microsoft.OperationalInsights": "2023-09-01",
}

func versionOf(op string) string {
	if strings.HasPrefix(op, "Microsoft.Compute/disks/") || strings.HasPrefix(op, "Microsoft.Compute/snapshots/") {
		return versionDisks
	}
	ns, _, _ := strings.Cut(op, "/")
	if v, ok := versions[ns]; ok {
		return v
	}
	return versionResources
}

var (
	created  = flow{code: "Created", sig: "Succeeded.Created"}
	ok       = flow{code: "OK", sig: "Succeeded.OK"}
	accepted = flow{async: true, code: "Accepted", sig: "Accepted.Accepted"}
	madeLate = flow{async: true, code: "Created", sig: "Accepted.Created"} // 201 now, provisioned later
	updating = flow{async: true, code: "OK", sig: "Accepted.OK"}
)

// render appends the records of op.
func (w *writer) render(b []byte, op *scenario.Op) ([]byte, error) {
	m := mixOf(op.ID)
	c := call{id: w.identOf(op.Actor, op.Account), m: &m, sub: op.Account.ID, refused: op.Failed}
	appendUUID(c.corr[:0], m.next(), m.next()) // fills the array: 36 bytes, its capacity
	loc := op.Region
	if loc == "" && len(op.Account.Regions) > 0 {
		loc = op.Account.Regions[0]
	}
	// Bodies are built in the writer's scratch buffers, kept for the next op.
	req, resp := w.req[:0], w.resp[:0]
	defer func() { w.keep(req, resp) }()

	switch op.Kind {
	case scenario.Read:
		ro := w.readSetOf(op.Account)[op.Name]
		if ro == nil {
			c.set("/subscriptions/"+op.Account.ID, op.Name, versionOf(op.Name))
		} else {
			t := ro.targets[m.intn(len(ro.targets))]
			c.op, c.opQ, c.opUpperQ, c.version = op.Name, ro.opQ, ro.opUpperQ, ro.version
			c.scope, c.scopeQ, c.resQ = t.scope, t.scopeQ, t.resQ
		}
		return c.appendCall(b, op.Time, &op.ID, ok, nil, nil), nil

	case scenario.VolumeCreate, scenario.VolumeRestore:
		id := op.Created
		c.setResource(id, opDiskWrite, versionDisks)
		option, src := "Empty", ""
		if op.Kind == scenario.VolumeRestore {
			option, src = "Copy", properID(op.Source)
		}
		size := diskSizes[m.intn(len(diskSizes))]
		req = diskRequest(req, loc, option, src, size)
		resp = diskResponse(resp, &m, id, loc, option, src, size, "disks")
		return c.appendCall(b, op.Time, &op.ID, accepted, req, resp), nil

	case scenario.SnapshotCreate, scenario.SnapshotCopy:
		id := op.Created
		c.setResource(id, opSnapWrite, versionDisks)
		src := properID(op.Source)
		size := diskSizes[m.intn(len(diskSizes))]
		req = diskRequest(req, loc, "Copy", src, 0)
		resp = diskResponse(resp, &m, id, loc, "Copy", src, size, "snapshots")
		return c.appendCall(b, op.Time, &op.ID, accepted, req, resp), nil

	case scenario.VolumeDelete:
		c.setResource(op.Target, opDiskDelete, versionDisks)
		return c.appendCall(b, op.Time, &op.ID, accepted, nil, nil), nil

	case scenario.SnapshotDelete:
		c.setResource(op.Target, opSnapDelete, versionDisks)
		return c.appendCall(b, op.Time, &op.ID, accepted, nil, nil), nil

	case scenario.SnapshotExport:
		c.setResource(op.Target, opSnapGetAccess, versionDisks)
		req = append(req, `{"access":"Read","durationInSeconds":`...)
		req = appendInt(req, sasDurations[m.intn(len(sasDurations))])
		req = append(req, '}')
		return c.appendCall(b, op.Time, &op.ID, accepted, req, nil), nil

	case scenario.SnapshotUnshare:
		c.setResource(op.Target, opSnapEndAccess, versionDisks)
		return c.appendCall(b, op.Time, &op.ID, accepted, nil, nil), nil

	case scenario.ImageCreate:
		id := op.Created
		c.setResource(id, opImageWrite, versionCompute)
		req = imageBody(req, nil, "", loc, op.Source, "")
		resp = imageBody(resp, &m, id, loc, op.Source, "Creating")
		return c.appendCall(b, op.Time, &op.ID, madeLate, req, resp), nil

	case scenario.VolumeAttach:
		vm := vmOf(op.Target)
		c.setResource(op.Target, opVMWrite, versionCompute)
		req = vmBody(req, nil, vm, loc, op.Source, "", "")
		resp = vmBody(resp, &m, vm, loc, op.Source, "", "Updating")
		return c.appendCall(b, op.Time, &op.ID, updating, req, resp), nil

	case scenario.InstanceCreate:
		return w.instanceCreate(b, &c, &m, op, loc), nil

	case scenario.IngressOpen:
		return w.ingressOpen(b, &c, &m, op), nil

	case scenario.PrincipalCreate, scenario.CredentialCreate, scenario.RoleAssign:
		return w.roleAssignment(b, &c, &m, op), nil

	case scenario.DBModify:
		c.setResource(op.Target, opFlexibleWrite, versionFlexible)
		// az postgres flexible-server update --admin-password: a PATCH; the
		// log keeps the property, not the secret.
		req = append(req, `{"properties":{"administratorLoginPassword":"******"}}`...)
		return c.appendCall(b, op.Time, &op.ID, accepted, req, nil), nil
	}
	return b, fmt.Errorf("azure: no Activity Log operation for kind %d", op.Kind)
}

// keep holds on to grown scratch buffers.
func (w *writer) keep(req, resp []byte) {
	if cap(req) > cap(w.req) {
		w.req = req
	}
	if cap(resp) > cap(w.resp) {
		w.resp = resp
	}
}

// setResource sets the call's resource (a canonical id), operation and API
// version.
func (c *call) setResource(id, op, version string) {
	c.set(properID(id), op, version)
}
