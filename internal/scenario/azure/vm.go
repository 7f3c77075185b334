package azure

import (
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

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
		b = scenario.AppendString(b, v.name)
		b = append(b, `,"id":`...)
		b = scenario.AppendString(b, v.id)
		b = append(b, `,"type":"Microsoft.Compute/virtualMachines",`...)
	}
	b = append(b, `"location":`...)
	b = scenario.AppendString(b, loc)
	b = append(b, `,"properties":{"hardwareProfile":{"vmSize":"`...)
	b = append(b, v.size...)
	b = append(b, `"},"storageProfile":{"imageReference":`...)
	if image != "" {
		b = append(b, `{"id":`...)
		b = scenario.AppendString(b, properID(image))
		b = append(b, '}')
	} else {
		b = append(b, `{"publisher":"Canonical","offer":"ubuntu-24_04-lts","sku":"server","version":"latest"}`...)
	}
	b = append(b, `,"osDisk":{"osType":"Linux","name":`...)
	b = scenario.AppendString(b, lastSegment(v.osDisk))
	b = append(b, `,"createOption":"FromImage","caching":"ReadWrite","managedDisk":{"storageAccountType":"Premium_LRS"`...)
	if m != nil {
		b = append(b, `,"id":`...)
		b = scenario.AppendString(b, v.osDisk)
	}
	b = append(b, `},"deleteOption":"Delete","diskSizeGB":30},"dataDisks":[`...)
	if attach != "" {
		b = append(b, `{"lun":0,"name":`...)
		b = scenario.AppendString(b, lastSegment(attach))
		b = append(b, `,"createOption":"Attach","caching":"None","managedDisk":{"id":`...)
		b = scenario.AppendString(b, properID(attach))
		b = append(b, `},"deleteOption":"Detach","toBeDetached":false}`...)
	}
	b = append(b, `]},"osProfile":{"computerName":`...)
	b = scenario.AppendString(b, v.name)
	b = append(b, `,"adminUsername":"azureuser","linuxConfiguration":{"disablePasswordAuthentication":true,"provisionVMAgent":true},"allowExtensionOperations":true},"networkProfile":{"networkInterfaces":[{"id":`...)
	b = scenario.AppendString(b, v.nic)
	b = append(b, `,"properties":{"deleteOption":"Detach"}}]}`...)
	if m != nil {
		b = append(b, `,"provisioningState":`...)
		b = scenario.AppendString(b, state)
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
		b = nic.appendCall(b, at, nil, created, req, resp)
		w.keep(req, resp)
	}
	c.setResource(op.Created, opVMWrite, versionCompute)
	req := vmBody(w.req[:0], nil, v, loc, attach, image, "")
	resp := vmBody(w.resp[:0], m, v, loc, attach, image, "Creating")
	b = c.appendCall(b, op.Time, &op.ID, madeLate, req, resp)
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
		b = scenario.AppendString(b, lastSegment(v.nic))
		b = append(b, `,"id":`...)
		b = scenario.AppendString(b, v.nic)
		b = append(b, `,"etag":"W/\"`...)
		b = appendUUID(b, m.next(), m.next())
		b = append(b, `\"","type":"Microsoft.Network/networkInterfaces",`...)
	}
	b = append(b, `"location":`...)
	b = scenario.AppendString(b, loc)
	b = append(b, `,"properties":{`...)
	if m != nil {
		b = append(b, `"provisioningState":"Succeeded","resourceGuid":"`...)
		b = appendUUID(b, m.next(), m.next())
		b = append(b, `",`...)
	}
	b = append(b, `"ipConfigurations":[{"name":"ipconfig1",`...)
	if m != nil {
		b = append(b, `"id":`...)
		b = scenario.AppendString(b, v.nic+"/ipConfigurations/ipconfig1")
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
	b = scenario.AppendString(b, subnet)
	b = append(b, `},"publicIPAddress":{"id":`...)
	b = scenario.AppendString(b, v.pip)
	b = append(b, `},"primary":true,"privateIPAddressVersion":"IPv4"}}]`...)
	if nsg != "" {
		b = append(b, `,"networkSecurityGroup":{"id":`...)
		b = scenario.AppendString(b, properID(nsg))
		b = append(b, '}')
	}
	b = append(b, `,"enableAcceleratedNetworking":false,"enableIPForwarding":false,"nicType":"Standard"`...)
	return append(b, `}}`...)
}
