package chain

import (
	"github.com/snapwarden/snapwarden/internal/event"
	"strings"
)

// isCopy tells the resource types that are copies of data: lineage walks
// up through them (a copy of a copy is still the copy).
func isCopy(t event.ResourceType) bool {
	switch t {
	case event.Snapshot, event.Image, event.Backup, event.DBSnapshot:
		return true
	}
	return false
}

// updateLineage adds what ev says about resources to the graph — what each
// created resource came from, who made it, which volumes and network
// objects an instance has, which network objects were opened — and returns
// the nodes whose chains may have advanced: the event's own resources and
// the instances behind a network object it changed.
func (e *Engine) updateLineage(ev *event.Event, t int64) []*node {
	var (
		touched   []*node
		source    *node
		instances []*node
		nets      []*node
		volumes   []*node
	)
	for i := range ev.Resources {
		r := &ev.Resources[i]
		if r.Type == event.Principal || r.Type == event.AccountType || r.Type == event.Credential {
			continue
		}
		n := e.g.node(ev.Cloud, ev.Account, r, t)
		if n == nil {
			continue
		}
		if n.created == 0 && n.parent == "" && !n.critical {
			n.critical = e.opts.Critical(ev.Cloud, *r)
		}
		touched = append(touched, n)
		switch {
		case r.Role == event.RoleSource && source == nil:
			source = n
		case r.Role == event.RoleCreated && n.created == 0:
			n.created, n.event = t, strings.Clone(ev.ID)
			n.creator = e.g.intern(ev.Actor.ID)
		}
		switch {
		case r.Type == event.Instance && r.Role != event.RoleSource:
			instances = append(instances, n)
		case isNet(r.Type):
			nets = append(nets, n)
		case r.Type == event.Volume:
			volumes = append(volumes, n)
		}
	}
	// A created resource comes from the event's first source.
	if source != nil {
		for _, r := range ev.Resources {
			if r.Role != event.RoleCreated || r.Type == event.Principal {
				continue
			}
			if n := e.g.nodes[r.ID]; n != nil && n != source && n.parent == "" {
				e.ch.node(n)
				n.parent = source.id
				n.critical = n.critical || source.critical
			}
		}
	}
	switch {
	case len(instances) > 0:
		for _, in := range instances {
			for _, x := range nets {
				link(in, x)
			}
			for _, v := range volumes {
				link(in, v)
				// A critical instance's volumes are critical.
				v.critical = v.critical || in.critical
			}
		}
	case len(nets) > 1:
		// A NIC given a security group (Azure NIC write, an OpenStack port).
		for _, a := range nets {
			if a.typ != event.NIC {
				continue
			}
			for _, b := range nets {
				if b.typ == event.SecurityGroup {
					link(a, b)
				}
			}
		}
	}
	if ev.Action == event.IngressOpen && len(ev.Ingress) > 0 {
		mark := &openMark{at: t, world: worldOpen(ev), step: e.stepEvent(ev, t)}
		for _, x := range openedBy(nets) {
			if o := x.opening(); o == nil || mark.world && !o.world {
				x.extra().open = mark
			}
			instancesBehind(x, func(in *node) { touched = append(touched, in) })
		}
	}
	return touched
}

// openedBy picks the network objects an ingress rule applies to: security
// groups, network tags and NICs it names; the whole network only when it
// names none of those (a GCP firewall without target tags).
func openedBy(nets []*node) []*node {
	var out, networks []*node
	for _, x := range nets {
		if x.typ == event.Network {
			networks = append(networks, x)
		} else {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return networks
	}
	return out
}
