package gcpaudit

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// firewallWrite: a firewall rule inserted, patched or updated. An enabled
// INGRESS rule (the API's default direction) with allowed protocols opens
// ingress: one rule per protocol/ports and source (CIDR, source tag or
// source service account). Audit requests pluralise repeated fields
// (alloweds), the REST API does not (allowed); both are read.
func firewallWrite(c *norm) {
	insert := strings.HasSuffix(strings.ToLower(c.e.Operation), ".insert")
	rule := c.created(global, "firewalls")
	c.add(event.RoleTarget, event.FirewallRule, rule)

	project := cmp.Or(event.GCPProject(rule), c.res.project)
	net := str(c.req, "network")
	if net == "" && insert {
		net = "global/networks/default"
	}
	c.add(event.RoleTarget, event.Network, c.res.resolve(net, global, "networks"))
	for _, t := range decode.Strs(c.req, "targetTags") {
		c.add(event.RoleTarget, NetworkTag, networkTag(project, t))
	}
	for _, sa := range decode.Strs(c.req, "targetServiceAccounts") {
		c.add(event.RoleTarget, event.Principal, clean(sa))
	}

	dir := strings.ToUpper(str(c.req, "direction"))
	if (dir != "" && dir != "INGRESS") || decode.Bool(c.req, "disabled") {
		return
	}
	allowed := decode.Each(c.req, "alloweds")
	if allowed == nil {
		allowed = decode.Each(c.req, "allowed")
	}
	if len(allowed) == 0 {
		return
	}
	c.e.Action = event.IngressOpen

	var sources []string
	for _, r := range decode.Strs(c.req, "sourceRanges") {
		sources = append(sources, clean(r))
	}
	for _, t := range decode.Strs(c.req, "sourceTags") {
		sources = append(sources, "tag:"+clean(t))
	}
	for _, sa := range decode.Strs(c.req, "sourceServiceAccounts") {
		sources = append(sources, "serviceAccount:"+clean(sa))
	}
	if len(sources) == 0 && insert {
		sources = []string{"0.0.0.0/0"} // no source on insert admits any address
	}
	if len(sources) == 0 {
		sources = []string{""} // a patch that keeps the rule's sources: unknown here
	}
	for _, a := range allowed {
		for _, pr := range portRanges(a) {
			for _, s := range sources {
				pr.Source = s
				c.e.AddIngress(pr)
			}
		}
	}
}

// portRanges reads one allowed entry: {IPProtocol, ports[]}.
func portRanges(a *jsondoc.Value) []event.Ingress {
	proto := event.Protocol(cmp.Or(str(a, "IPProtocol"), str(a, "ipProtocol")))
	ports := decode.Strs(a, "ports")
	if len(ports) == 0 {
		switch proto {
		case "tcp", "udp", "sctp":
			return []event.Ingress{{Protocol: proto, FromPort: 0, ToPort: 65535}}
		}
		return []event.Ingress{{Protocol: proto}}
	}
	var out []event.Ingress
	for _, p := range ports {
		lo, hi, ok := portRange(p)
		if ok {
			out = append(out, event.Ingress{Protocol: proto, FromPort: lo, ToPort: hi})
		}
	}
	return out
}

// portRange parses "22" or "8000-8080".
func portRange(s string) (lo, hi int, ok bool) {
	a, b, isRange := strings.Cut(strings.TrimSpace(s), "-")
	lo, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil {
		return 0, 0, false
	}
	hi = lo
	if isRange {
		if hi, err = strconv.Atoi(strings.TrimSpace(b)); err != nil {
			return 0, 0, false
		}
	}
	return lo, hi, true
}
