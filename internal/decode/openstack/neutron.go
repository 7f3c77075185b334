package openstack

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// neutron maps network notifications, whose payload is the API resource
// ({"security_group_rule": {…}}, {"port": {…}}, {"floatingip": {…}}).
func neutron(e *event.Event, n *notes) {
	switch n.op {
	case "security_group_rule.create":
		rules := n.each("security_group_rule")
		if len(rules) == 0 {
			rules = n.each("security_group_rules") // bulk create
		}
		for _, r := range rules {
			e.AddResource(event.RoleTarget, event.SecurityGroup, decode.Str(r, "security_group_id"))
			e.AddResource(event.RoleCreated, event.FirewallRule, decode.Str(r, "id"))
			if e.Account == "" {
				e.Account = cmp.Or(decode.Str(r, "project_id"), decode.Str(r, "tenant_id"))
			}
			if !strings.EqualFold(decode.Str(r, "direction"), "ingress") {
				continue
			}
			e.Action = event.IngressOpen
			e.AddIngress(ruleIngress(r))
		}
	case "security_group_rule.delete":
		e.AddResource(event.RoleTarget, event.FirewallRule, n.str("security_group_rule_id"))
	case "port.create", "port.update":
		// No action: the port ties an instance to its security groups,
		// which the chain needs to reach an instance from an opened group.
		p := n.rec().Get("port")
		role := event.RoleTarget
		if n.op == "port.create" {
			role = event.RoleCreated
		}
		addNamed(e, role, event.NIC, decode.Str(p, "id"), decode.Str(p, "name"))
		if strings.HasPrefix(decode.Str(p, "device_owner"), "compute:") {
			e.AddResource(event.RoleTarget, event.Instance, decode.Str(p, "device_id"))
		}
		for _, sg := range decode.Strs(p, "security_groups") {
			e.AddResource(event.RoleTarget, event.SecurityGroup, sg)
		}
	case "floatingip.create", "floatingip.update":
		f := n.rec().Get("floatingip")
		port := decode.Str(f, "port_id")
		if port == "" {
			return // allocated or released, not exposed
		}
		e.Action = event.PublicIPAssign
		addNamed(e, event.RoleTarget, event.NIC, port, decode.Str(f, "floating_ip_address"))
	}
}

// ruleIngress reads a neutron rule. A rule without a remote admits every
// address of its ethertype; without protocol, every protocol; without
// ports, every port.
func ruleIngress(r *jsondoc.Value) event.Ingress {
	in := event.Ingress{Protocol: event.Protocol(decode.Str(r, "protocol"))}
	lo, okLo := decode.Int(r, "port_range_min")
	hi, okHi := decode.Int(r, "port_range_max")
	switch {
	case okLo && okHi:
		in.FromPort, in.ToPort = lo, hi
	case okLo:
		in.FromPort, in.ToPort = lo, lo
	case in.Protocol == "tcp" || in.Protocol == "udp":
		in.FromPort, in.ToPort = 0, 65535
	}
	in.Source = cmp.Or(decode.Str(r, "remote_ip_prefix"), decode.Str(r, "remote_group_id"),
		decode.Str(r, "remote_address_group_id"))
	if in.Source == "" {
		in.Source = "0.0.0.0/0"
		if strings.EqualFold(decode.Str(r, "ethertype"), "IPv6") {
			in.Source = "::/0"
		}
	}
	return in
}
