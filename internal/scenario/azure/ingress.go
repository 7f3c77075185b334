package azure

import (
	"strconv"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

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
		b = scenario.AppendString(b, port)
		b = append(b, `,"sourceAddressPrefix":`...)
		b = scenario.AppendString(b, src)
		b = append(b, `,"destinationAddressPrefix":"*","access":"Allow","priority":`...)
		b = appendInt(b, priority)
		b = append(b, `,"direction":"Inbound","sourcePortRanges":[],"destinationPortRanges":[],"sourceAddressPrefixes":[],"destinationAddressPrefixes":[]}`...)
		return b
	}
	req := props(append(w.req[:0], '{'), false)
	req = append(req, '}')
	resp := append(w.resp[:0], `{"name":`...)
	resp = scenario.AppendString(resp, name)
	resp = append(resp, `,"id":`...)
	resp = scenario.AppendString(resp, c.scope)
	resp = append(resp, `,"etag":"W/\"`...)
	resp = appendUUID(resp, m.next(), m.next())
	resp = append(resp, `\"","type":"Microsoft.Network/networkSecurityGroups/securityRules",`...)
	resp = props(resp, true)
	resp = append(resp, '}')
	w.keep(req, resp)
	return c.appendCall(b, op.Time, &op.ID, created, req, resp)
}
