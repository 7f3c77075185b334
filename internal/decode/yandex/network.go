package yandex

import (
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Security groups. UpdateSecurityGroup carries the group's full rule list,
// not the change: every INGRESS rule is listed in Ingress, and telling the
// newly opened rule from the standing ones (a diff against the previous
// state per security_group_id) is the correlation stage's job.

func createSecurityGroup(o *op) { securityGroup(o, event.RoleCreated) }

func updateSecurityGroup(o *op) { securityGroup(o, event.RoleTarget) }

func securityGroup(o *op, role event.Role) {
	o.add(role, event.SecurityGroup, o.created("security_group_id"), o.detail("security_group_name"))
	// The rules as the operation left them: DONE's when it has them.
	for _, rule := range decode.Each(o.r.latest("details", "rules")) {
		ingress(o.e, rule)
	}
	if len(o.e.Ingress) > 0 {
		o.e.Action = event.IngressOpen
	}
}

// ingress adds an INGRESS rule, once per source it admits: each IPv4 and
// IPv6 CIDR, another security group's id, or a predefined target
// (self_security_group, loadbalancer_healthchecks).
func ingress(e *event.Event, rule *jsondoc.Value) {
	if !strings.EqualFold(str(rule, "direction"), "INGRESS") {
		return
	}
	proto := protocol(str(rule, "protocol_name"), str(rule, "protocol_number"))
	from, okFrom := integer(rule, "ports", "from_port")
	to, okTo := integer(rule, "ports", "to_port")
	switch {
	case !okFrom && !okTo: // no range: every port
		from, to = 0, 65535
	case !okTo:
		to = from
	case !okFrom:
		from = to
	}
	var sources []string
	sources = append(sources, strs(rule, "cidr_blocks", "v4_cidr_blocks")...)
	sources = append(sources, strs(rule, "cidr_blocks", "v6_cidr_blocks")...)
	if s := str(rule, "security_group_id"); s != "" {
		sources = append(sources, s)
	}
	if s := str(rule, "predefined_target"); s != "" {
		sources = append(sources, s)
	}
	for _, src := range sources {
		e.AddIngress(event.Ingress{Protocol: proto, FromPort: from, ToPort: to, Source: src})
	}
}

// protocol names a rule's protocol as event.Protocol does, from
// protocol_name when the rule has one, else from protocol_number; a rule
// with neither, or with a number that is not one, admits every protocol.
func protocol(name, number string) string {
	if strings.TrimSpace(name) != "" {
		return event.Protocol(name)
	}
	if _, err := strconv.Atoi(number); err != nil {
		return "all"
	}
	return event.Protocol(number)
}
