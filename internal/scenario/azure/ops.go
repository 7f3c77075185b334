package azure

import (
	"fmt"
	"strconv"
	"strings"
	"time"

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
		return c.appendCall(b, op.Time, op.ID, ok, nil, nil), nil

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
		return c.appendCall(b, op.Time, op.ID, accepted, req, resp), nil

	case scenario.SnapshotCreate, scenario.SnapshotCopy:
		id := op.Created
		c.setResource(id, opSnapWrite, versionDisks)
		src := properID(op.Source)
		size := diskSizes[m.intn(len(diskSizes))]
		req = diskRequest(req, loc, "Copy", src, 0)
		resp = diskResponse(resp, &m, id, loc, "Copy", src, size, "snapshots")
		return c.appendCall(b, op.Time, op.ID, accepted, req, resp), nil

	case scenario.VolumeDelete:
		c.setResource(op.Target, opDiskDelete, versionDisks)
		return c.appendCall(b, op.Time, op.ID, accepted, nil, nil), nil

	case scenario.SnapshotDelete:
		c.setResource(op.Target, opSnapDelete, versionDisks)
		return c.appendCall(b, op.Time, op.ID, accepted, nil, nil), nil

	case scenario.SnapshotExport:
		c.setResource(op.Target, opSnapGetAccess, versionDisks)
		req = append(req, `{"access":"Read","durationInSeconds":`...)
		req = appendInt(req, sasDurations[m.intn(len(sasDurations))])
		req = append(req, '}')
		return c.appendCall(b, op.Time, op.ID, accepted, req, nil), nil

	case scenario.SnapshotUnshare:
		c.setResource(op.Target, opSnapEndAccess, versionDisks)
		return c.appendCall(b, op.Time, op.ID, accepted, nil, nil), nil

	case scenario.ImageCreate:
		id := op.Created
		c.setResource(id, opImageWrite, versionCompute)
		req = imageBody(req, nil, "", loc, op.Source, "")
		resp = imageBody(resp, &m, id, loc, op.Source, "Creating")
		return c.appendCall(b, op.Time, op.ID, madeLate, req, resp), nil

	case scenario.VolumeAttach:
		vm := vmOf(op.Target)
		c.setResource(op.Target, opVMWrite, versionCompute)
		req = vmBody(req, nil, vm, loc, op.Source, "", "")
		resp = vmBody(resp, &m, vm, loc, op.Source, "", "Updating")
		return c.appendCall(b, op.Time, op.ID, updating, req, resp), nil

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
		return c.appendCall(b, op.Time, op.ID, accepted, req, nil), nil
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

var (
	diskSizes    = []int64{32, 64, 128, 128, 256, 512, 1024}
	sasDurations = []int64{3600, 3600, 14400, 86400}
)

// diskRequest is the body of a disk or snapshot PUT: empty, or a copy of
// src.
func diskRequest(b []byte, loc, option, src string, size int64) []byte {
	b = append(b, `{"location":`...)
	b = appendString(b, loc)
	if src == "" {
		b = append(b, `,"sku":{"name":"Premium_LRS"}`...)
	} else {
		b = append(b, `,"sku":{"name":"Standard_ZRS"}`...)
	}
	b = append(b, `,"properties":{"creationData":{"createOption":`...)
	b = appendString(b, option)
	if src != "" {
		b = append(b, `,"sourceResourceId":`...)
		b = appendString(b, src)
	}
	b = append(b, '}')
	if size > 0 {
		b = append(b, `,"diskSizeGB":`...)
		b = appendInt(b, size)
	}
	if strings.HasPrefix(option, "Copy") && src != "" && strings.Contains(src, "/disks/") {
		b = append(b, `,"incremental":true`...)
	}
	return append(b, `}}`...)
}

// diskResponse is the resource a disk or snapshot PUT answers with, while
// it is provisioned.
func diskResponse(b []byte, m *mix, id, loc, option, src string, size int64, kind string) []byte {
	b = append(b, `{"name":`...)
	b = appendString(b, lastSegment(id))
	b = append(b, `,"id":`...)
	b = appendString(b, properID(id))
	b = append(b, `,"type":"Microsoft.Compute/`...)
	b = append(b, kind...)
	b = append(b, `","location":`...)
	b = appendString(b, loc)
	if kind == "disks" {
		b = append(b, `,"sku":{"name":"Premium_LRS","tier":"Premium"}`...)
	} else {
		b = append(b, `,"sku":{"name":"Standard_ZRS","tier":"Standard"}`...)
	}
	b = append(b, `,"properties":{"creationData":{"createOption":`...)
	b = appendString(b, option)
	if src != "" {
		b = append(b, `,"sourceResourceId":`...)
		b = appendString(b, src)
		b = append(b, `,"sourceUniqueId":"`...)
		b = appendUUID(b, m.next(), m.next())
		b = append(b, '"')
	}
	b = append(b, `},"diskSizeGB":`...)
	b = appendInt(b, size)
	if kind == "snapshots" {
		b = append(b, `,"incremental":true`...)
	}
	b = append(b, `,"encryption":{"type":"EncryptionAtRestWithPlatformKey"},"networkAccessPolicy":"AllowAll","publicNetworkAccess":"Enabled","provisioningState":"Updating","isArmResource":true}}`...)
	return b
}

// imageBody is a managed image made from src (a VM, a disk or a
// snapshot): the request when m is nil, else the response.
func imageBody(b []byte, m *mix, id, loc, src, state string) []byte {
	b = append(b, '{')
	if m != nil {
		b = append(b, `"name":`...)
		b = appendString(b, lastSegment(id))
		b = append(b, `,"id":`...)
		b = appendString(b, properID(id))
		b = append(b, `,"type":"Microsoft.Compute/images",`...)
	}
	b = append(b, `"location":`...)
	b = appendString(b, loc)
	b = append(b, `,"properties":{`...)
	switch {
	case strings.Contains(src, "/virtualmachines/"):
		b = append(b, `"sourceVirtualMachine":{"id":`...)
		b = appendString(b, properID(src))
		b = append(b, `},`...)
	case src != "":
		b = append(b, `"storageProfile":{"osDisk":{"osType":"Linux","osState":"Generalized",`...)
		if strings.Contains(src, "/snapshots/") {
			b = append(b, `"snapshot":{"id":`...)
		} else {
			b = append(b, `"managedDisk":{"id":`...)
		}
		b = appendString(b, properID(src))
		b = append(b, `},"caching":"ReadWrite","storageAccountType":"Premium_LRS"},"dataDisks":[]},`...)
	}
	b = append(b, `"hyperVGeneration":"V2"`...)
	if state != "" {
		b = append(b, `,"provisioningState":`...)
		b = appendString(b, state)
	}
	return append(b, `}}`...)
}

// vm is a virtual machine and the resources named after it.
type vm struct {
	id, name, group, sub string
	osDisk, nic, pip     string // ARM-cased ids
	size                 string
}

var vmSizes = []string{"Standard_D2s_v5", "Standard_D4s_v5", "Standard_B2ms", "Standard_E4s_v5"}

// vmOf derives a VM's OS disk, NIC and public address from its id, the way
// the portal and the CLI name them: the same for every op on that VM.
func vmOf(id string) vm {
	name := lastSegment(id)
	m := mixOf(id)
	sub := id
	if i := strings.Index(id, "/resourcegroups/"); i >= 0 {
		sub = id[:i]
	}
	v := vm{id: properID(id), name: name, group: groupOf(id), sub: sub, size: vmSizes[m.intn(len(vmSizes))]}
	rg := sub + "/resourceGroups/" + v.group
	var hex []byte
	hex = appendUUIDPlain(hex, m.next(), m.next())
	v.osDisk = rg + "/providers/Microsoft.Compute/disks/" + name + "_OsDisk_1_" + string(hex)
	v.nic = rg + "/providers/Microsoft.Network/networkInterfaces/" + name + strconv.Itoa(100+m.intn(900))
	v.pip = rg + "/providers/Microsoft.Network/publicIPAddresses/" + name + "-ip"
	return v
}

// vmBody is a VM model: the request when m is nil, else the response in
// provisioning state. attach, when set, is a data disk attached by id;
// image, when set, the image it boots from.
func vmBody(b []byte, m *mix, v vm, loc, attach, image, state string) []byte {
	b = append(b, '{')
	if m != nil {
		b = append(b, `"name":`...)
		b = appendString(b, v.name)
		b = append(b, `,"id":`...)
		b = appendString(b, v.id)
		b = append(b, `,"type":"Microsoft.Compute/virtualMachines",`...)
	}
	b = append(b, `"location":`...)
	b = appendString(b, loc)
	b = append(b, `,"properties":{"hardwareProfile":{"vmSize":"`...)
	b = append(b, v.size...)
	b = append(b, `"},"storageProfile":{"imageReference":`...)
	if image != "" {
		b = append(b, `{"id":`...)
		b = appendString(b, properID(image))
		b = append(b, '}')
	} else {
		b = append(b, `{"publisher":"Canonical","offer":"ubuntu-24_04-lts","sku":"server","version":"latest"}`...)
	}
	b = append(b, `,"osDisk":{"osType":"Linux","name":`...)
	b = appendString(b, lastSegment(v.osDisk))
	b = append(b, `,"createOption":"FromImage","caching":"ReadWrite","managedDisk":{"storageAccountType":"Premium_LRS"`...)
	if m != nil {
		b = append(b, `,"id":`...)
		b = appendString(b, v.osDisk)
	}
	b = append(b, `},"deleteOption":"Delete","diskSizeGB":30},"dataDisks":[`...)
	if attach != "" {
		b = append(b, `{"lun":0,"name":`...)
		b = appendString(b, lastSegment(attach))
		b = append(b, `,"createOption":"Attach","caching":"None","managedDisk":{"id":`...)
		b = appendString(b, properID(attach))
		b = append(b, `},"deleteOption":"Detach","toBeDetached":false}`...)
	}
	b = append(b, `]},"osProfile":{"computerName":`...)
	b = appendString(b, v.name)
	b = append(b, `,"adminUsername":"azureuser","linuxConfiguration":{"disablePasswordAuthentication":true,"provisionVMAgent":true},"allowExtensionOperations":true},"networkProfile":{"networkInterfaces":[{"id":`...)
	b = appendString(b, v.nic)
	b = append(b, `,"properties":{"deleteOption":"Detach"}}]}`...)
	if m != nil {
		b = append(b, `,"provisioningState":`...)
		b = appendString(b, state)
		b = append(b, `,"vmId":"`...)
		vmID := mixOf(v.id)
		b = appendUUID(b, vmID.next(), m.next())
		b = append(b, '"')
	}
	return append(b, `}}`...)
}

// instanceCreate renders a portal-style VM creation: the NIC, placed in the
// network security group op.Net, then the VM on that NIC, both in one
// deployment (one correlation id). The VM's records carry the op's id.
func (w *writer) instanceCreate(b []byte, c *call, m *mix, op *scenario.Op, loc string) []byte {
	v := vmOf(op.Created)
	var attach, image string
	switch {
	case strings.Contains(op.Source, "/disks/"):
		attach = op.Source
	case strings.Contains(op.Source, "/images/"):
		image = op.Source
	}
	if !op.Failed {
		nic := *c
		nic.set(v.nic, opNICWrite, versionNetwork)
		req := nicBody(w.req[:0], nil, v, loc, op.Net)
		resp := nicBody(w.resp[:0], m, v, loc, op.Net)
		at := op.Time.Add(-time.Duration(4000+m.intn(20_000)) * time.Millisecond)
		b = nic.appendCall(b, at, "", created, req, resp)
		w.keep(req, resp)
	}
	c.setResource(op.Created, opVMWrite, versionCompute)
	req := vmBody(w.req[:0], nil, v, loc, attach, image, "")
	resp := vmBody(w.resp[:0], m, v, loc, attach, image, "Creating")
	b = c.appendCall(b, op.Time, op.ID, madeLate, req, resp)
	w.keep(req, resp)
	return b
}

// nicBody is a NIC with a dynamic private address, a public address and
// the security group nsg (a canonical id, or none).
func nicBody(b []byte, m *mix, v vm, loc, nsg string) []byte {
	subnet := v.sub + "/resourceGroups/" + v.group + "/providers/Microsoft.Network/virtualNetworks/vnet-" + v.group + "/subnets/default"
	b = append(b, '{')
	if m != nil {
		b = append(b, `"name":`...)
		b = appendString(b, lastSegment(v.nic))
		b = append(b, `,"id":`...)
		b = appendString(b, v.nic)
		b = append(b, `,"etag":"W/\"`...)
		b = appendUUID(b, m.next(), m.next())
		b = append(b, `\"","type":"Microsoft.Network/networkInterfaces",`...)
	}
	b = append(b, `"location":`...)
	b = appendString(b, loc)
	b = append(b, `,"properties":{`...)
	if m != nil {
		b = append(b, `"provisioningState":"Succeeded","resourceGuid":"`...)
		b = appendUUID(b, m.next(), m.next())
		b = append(b, `",`...)
	}
	b = append(b, `"ipConfigurations":[{"name":"ipconfig1",`...)
	if m != nil {
		b = append(b, `"id":`...)
		b = appendString(b, v.nic+"/ipConfigurations/ipconfig1")
		b = append(b, `,"type":"Microsoft.Network/networkInterfaces/ipConfigurations",`...)
	}
	b = append(b, `"properties":{`...)
	if m != nil {
		b = append(b, `"provisioningState":"Succeeded","privateIPAddress":"10.`...)
		b = appendInt(b, int64(m.intn(250)))
		b = append(b, '.')
		b = appendInt(b, int64(m.intn(250)))
		b = append(b, '.')
		b = appendInt(b, int64(4+m.intn(250)))
		b = append(b, `",`...)
	}
	b = append(b, `"privateIPAllocationMethod":"Dynamic","subnet":{"id":`...)
	b = appendString(b, subnet)
	b = append(b, `},"publicIPAddress":{"id":`...)
	b = appendString(b, v.pip)
	b = append(b, `},"primary":true,"privateIPAddressVersion":"IPv4"}}]`...)
	if nsg != "" {
		b = append(b, `,"networkSecurityGroup":{"id":`...)
		b = appendString(b, properID(nsg))
		b = append(b, '}')
	}
	b = append(b, `,"enableAcceleratedNetworking":false,"enableIPForwarding":false,"nicType":"Standard"`...)
	return append(b, `}}`...)
}

// ingressOpen renders an inbound Allow rule on the security group
// op.Target: port op.Port (all ports when 0) from op.CIDR. Any IPv4
// address is written as the portal or the CLI would: *, Internet or
// 0.0.0.0/0.
func (w *writer) ingressOpen(b []byte, c *call, m *mix, op *scenario.Op) []byte {
	port, name := "*", "AllowAnyCustomAnyInbound"
	switch op.Port {
	case 0:
	case 22:
		port, name = "22", "SSH"
	case 3389:
		port, name = "3389", "RDP"
	case 443:
		port, name = "443", "HTTPS"
	default:
		port = strconv.Itoa(op.Port)
		name = "Port_" + port
	}
	src := op.CIDR
	if src == "" || src == "0.0.0.0/0" {
		src = []string{"*", "Internet", "0.0.0.0/0"}[m.intn(3)]
	}
	c.set(properID(op.Target)+"/securityRules/"+name, opRuleWrite, versionNetwork)
	priority := int64(100 + 10*m.intn(40))
	props := func(b []byte, state bool) []byte {
		b = append(b, `"properties":{`...)
		if state {
			b = append(b, `"provisioningState":"Succeeded",`...)
		}
		b = append(b, `"protocol":"Tcp","sourcePortRange":"*","destinationPortRange":`...)
		b = appendString(b, port)
		b = append(b, `,"sourceAddressPrefix":`...)
		b = appendString(b, src)
		b = append(b, `,"destinationAddressPrefix":"*","access":"Allow","priority":`...)
		b = appendInt(b, priority)
		b = append(b, `,"direction":"Inbound","sourcePortRanges":[],"destinationPortRanges":[],"sourceAddressPrefixes":[],"destinationAddressPrefixes":[]}`...)
		return b
	}
	req := props(append(w.req[:0], '{'), false)
	req = append(req, '}')
	resp := append(w.resp[:0], `{"name":`...)
	resp = appendString(resp, name)
	resp = append(resp, `,"id":`...)
	resp = appendString(resp, c.scope)
	resp = append(resp, `,"etag":"W/\"`...)
	resp = appendUUID(resp, m.next(), m.next())
	resp = append(resp, `\"","type":"Microsoft.Network/networkSecurityGroups/securityRules",`...)
	resp = props(resp, true)
	resp = append(resp, '}')
	w.keep(req, resp)
	return c.appendCall(b, op.Time, op.ID, created, req, resp)
}

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
	req = appendString(req, principal)
	req = append(req, `,"PrincipalType":"User","RoleDefinitionId":`...)
	req = appendString(req, roleDef)
	req = append(req, `,"Scope":`...)
	req = appendString(req, scope)
	req = append(req, `,"Condition":null,"ConditionVersion":null}}`...)

	resp := append(w.resp[:0], `{"properties":{"roleDefinitionId":`...)
	resp = appendString(resp, roleDef)
	resp = append(resp, `,"principalId":`...)
	resp = appendString(resp, principal)
	resp = append(resp, `,"principalType":"User","scope":`...)
	resp = appendString(resp, scope)
	resp = append(resp, `,"condition":null,"conditionVersion":null,"createdOn":"`...)
	resp = appendTime(resp, op.Time.Add(time.Second))
	resp = append(resp, `","updatedOn":"`...)
	resp = appendTime(resp, op.Time.Add(time.Second))
	resp = append(resp, `","createdBy":null,"updatedBy":`...)
	resp = appendString(resp, op.Actor.ID)
	resp = append(resp, `,"delegatedManagedIdentityResourceId":null,"description":null},"id":`...)
	resp = appendString(resp, c.scope)
	resp = append(resp, `,"type":"Microsoft.Authorization/roleAssignments","name":"`...)
	resp = append(resp, name...)
	resp = append(resp, `"}`...)
	w.keep(req, resp)
	return c.appendCall(b, op.Time, op.ID, created, req, resp)
}
