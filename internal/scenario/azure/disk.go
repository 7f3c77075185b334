package azure

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

var (
	diskSizes    = []int64{32, 64, 128, 128, 256, 512, 1024}
	sasDurations = []int64{3600, 3600, 14400, 86400}
)

// diskRequest is the body of a disk or snapshot PUT: empty, or a copy of
// src.
func diskRequest(b []byte, loc, option, src string, size int64) []byte {
	b = append(b, `{"location":`...)
	b = scenario.AppendString(b, loc)
	if src == "" {
		b = append(b, `,"sku":{"name":"Premium_LRS"}`...)
	} else {
		b = append(b, `,"sku":{"name":"Standard_ZRS"}`...)
	}
	b = append(b, `,"properties":{"creationData":{"createOption":`...)
	b = scenario.AppendString(b, option)
	if src != "" {
		b = append(b, `,"sourceResourceId":`...)
		b = scenario.AppendString(b, src)
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
	b = scenario.AppendString(b, lastSegment(id))
	b = append(b, `,"id":`...)
	b = scenario.AppendString(b, properID(id))
	b = append(b, `,"type":"Microsoft.Compute/`...)
	b = append(b, kind...)
	b = append(b, `","location":`...)
	b = scenario.AppendString(b, loc)
	if kind == "disks" {
		b = append(b, `,"sku":{"name":"Premium_LRS","tier":"Premium"}`...)
	} else {
		b = append(b, `,"sku":{"name":"Standard_ZRS","tier":"Standard"}`...)
	}
	b = append(b, `,"properties":{"creationData":{"createOption":`...)
	b = scenario.AppendString(b, option)
	if src != "" {
		b = append(b, `,"sourceResourceId":`...)
		b = scenario.AppendString(b, src)
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
		b = scenario.AppendString(b, lastSegment(id))
		b = append(b, `,"id":`...)
		b = scenario.AppendString(b, properID(id))
		b = append(b, `,"type":"Microsoft.Compute/images",`...)
	}
	b = append(b, `"location":`...)
	b = scenario.AppendString(b, loc)
	b = append(b, `,"properties":{`...)
	switch {
	case strings.Contains(src, "/virtualmachines/"):
		b = append(b, `"sourceVirtualMachine":{"id":`...)
		b = scenario.AppendString(b, properID(src))
		b = append(b, `},`...)
	case src != "":
		b = append(b, `"storageProfile":{"osDisk":{"osType":"Linux","osState":"Generalized",`...)
		if strings.Contains(src, "/snapshots/") {
			b = append(b, `"snapshot":{"id":`...)
		} else {
			b = append(b, `"managedDisk":{"id":`...)
		}
		b = scenario.AppendString(b, properID(src))
		b = append(b, `},"caching":"ReadWrite","storageAccountType":"Premium_LRS"},"dataDisks":[]},`...)
	}
	b = append(b, `"hyperVGeneration":"V2"`...)
	if state != "" {
		b = append(b, `,"provisioningState":`...)
		b = scenario.AppendString(b, state)
	}
	return append(b, `}}`...)
}
