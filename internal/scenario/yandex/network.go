package yandex

import (
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Security groups. UpdateSecurityGroup carries the group's whole rule list,
// not the change, so the writer keeps each group's rules: the default
// outbound rule and every inbound rule opened so far.

// ingress is an INGRESS rule the writer opened.
type ingress struct {
	id   string
	port int
	cidr string
}

// securityGroupUpdate lists the group's rules with op's new one.
func securityGroupUpdate(w *writer, b []byte, c *call, _ bool) []byte {
	op := c.op
	b = appendField(b, "security_group_id", op.Target)
	b = appendField(b, "security_group_name", w.name(op.Target))
	b = appendField(b, "network_id", c.f.f.network)
	b = appendField(b, "network_name", c.f.f.netName)
	b = append(b, `,"rules":[`...)
	for _, r := range w.sgRules[op.Target] {
		b = appendIngress(b, r)
		b = append(b, ',')
	}
	b = appendIngress(b, newIngress(op))
	b = append(b, `,{"id":`...)
	b = scenario.AppendString(b, derive(prefixNetwork, op.Target, 0))
	b = append(b, `,"description":"default egress","direction":"EGRESS","protocol_name":"ANY","protocol_number":"-1","cidr_blocks":{"v4_cidr_blocks":["0.0.0.0/0"]}}]`...)
	return b
}

// securityGroupUpdated keeps the rule the op opened.
func securityGroupUpdated(w *writer, c *call) {
	w.sgRules[c.op.Target] = append(w.sgRules[c.op.Target], newIngress(c.op))
}

func newIngress(op *scenario.Op) ingress {
	return ingress{id: derive(prefixNetwork, op.ID, 9), port: op.Port, cidr: op.CIDR}
}

func appendIngress(b []byte, r ingress) []byte {
	b = append(b, `{"id":`...)
	b = scenario.AppendString(b, r.id)
	b = append(b, `,"direction":"INGRESS"`...)
	if r.port > 0 {
		p := strconv.Itoa(r.port)
		b = append(b, `,"ports":{"from_port":"`...)
		b = append(b, p...)
		b = append(b, `","to_port":"`...)
		b = append(b, p...)
		b = append(b, `"}`...)
	}
	b = append(b, `,"protocol_name":"TCP","protocol_number":"6"`...)
	if r.cidr == "" {
		return append(b, '}')
	}
	b = append(b, `,"cidr_blocks":{"`...)
	if strings.Contains(r.cidr, ":") {
		b = append(b, "v6_cidr_blocks"...)
	} else {
		b = append(b, "v4_cidr_blocks"...)
	}
	b = append(b, `":[`...)
	b = scenario.AppendString(b, r.cidr)
	return append(b, `]}}`...)
}
