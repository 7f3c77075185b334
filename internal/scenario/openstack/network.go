package openstack

import (
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// ruleCreate renders neutron's security_group_rule.create: the start
// carries the request body with neutron's defaults filled in, the end the
// rule as stored.
func (w *writer) ruleCreate(op *scenario.Op, p *project, d *derive) {
	rule := d.uuidString()
	ether := "IPv4"
	if strings.Contains(op.CIDR, ":") {
		ether = "IPv6"
	}
	attr := 20000 + d.intn(80000)
	n := own(op, note{svc: neutron, publisher: "network." + controller(d), eventType: "security_group_rule.create",
		req: reqID(d), neutron: true})
	took := time.Duration(40+d.intn(250))*time.Millisecond + time.Duration(d.intn(1000))*time.Microsecond
	w.pair(op, d, n, took, func(j *jw, end bool) {
		j.obj()
		j.objK("security_group_rule")
		if end {
			j.s("id", rule)
			j.s("tenant_id", p.id)
		}
		j.s("security_group_id", op.Target)
		j.s("ethertype", ether)
		j.s("direction", "ingress")
		j.s("protocol", "tcp")
		j.n("port_range_min", op.Port)
		j.n("port_range_max", op.Port)
		j.sn("remote_ip_prefix", op.CIDR)
		j.nul("remote_address_group_id")
		if end {
			j.sn("normalized_cidr", op.CIDR)
		}
		j.nul("remote_group_id")
		if end {
			j.n("standard_attr_id", attr)
			j.bo("belongs_to_default_sg", false)
		}
		j.s("description", "")
		if end {
			j.time("created_at", op.Time.Truncate(time.Second), isoZ)
			j.time("updated_at", op.Time.Truncate(time.Second), isoZ)
			j.n("revision_number", 0)
		} else {
			j.s("tenant_id", p.id)
		}
		j.s("project_id", p.id)
		j.end()
		j.end()
	})
	p.add(slotGroup, op.Target)
}
