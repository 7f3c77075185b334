package cloudtrail

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// authorizeSecurityGroupIngress reads the rules opened. The response's
// securityGroupRuleSet is uniform and says which rules are ingress, so it
// wins when present; older records only have the request, in one of two
// shapes: nested ipPermissions.items[] or flat cidrIp/fromPort/toPort.
func authorizeSecurityGroupIngress(r *rec) {
	r.add(event.RoleTarget, event.SecurityGroup, ec2ID(cmp.Or(r.req("groupId"), r.req("groupName"))))
	if rules := items(r.re, "securityGroupRuleSet"); len(rules) > 0 {
		for _, it := range rules {
			if decode.Bool(it, "isEgress") {
				continue
			}
			r.e.Action = event.IngressOpen
			r.add(event.RoleTarget, event.SecurityGroup, ec2ID(decode.Str(it, "groupId")))
			r.rule(it, decode.Str(it, "cidrIpv4"), decode.Str(it, "cidrIpv6"),
				decode.Str(it, "prefixListId"), decode.Str(it, "referencedGroupInfo", "groupId"))
		}
		return
	}
	r.e.Action = event.IngressOpen
	for _, p := range items(r.rp, "ipPermissions") {
		for _, x := range items(p, "ipRanges") {
			r.rule(p, decode.Str(x, "cidrIp"))
		}
		for _, x := range items(p, "ipv6Ranges") {
			r.rule(p, decode.Str(x, "cidrIpv6"))
		}
		for _, x := range items(p, "groups") {
			r.rule(p, cmp.Or(decode.Str(x, "groupId"), decode.Str(x, "groupName")))
		}
		for _, x := range items(p, "prefixListIds") {
			r.rule(p, decode.Str(x, "prefixListId"))
		}
	}
	r.rule(r.rp, r.req("cidrIp"), r.req("cidrIpv6"), r.req("sourceSecurityGroupName"))
}

// modifySecurityGroupRules replaces existing rules. The request does not
// say whether a rule is ingress or egress, so every rule counts as opened.
func modifySecurityGroupRules(r *rec) {
	r.e.Action = event.IngressOpen
	req := decode.GetFold(r.rp, "ModifySecurityGroupRulesRequest")
	if req == nil {
		req = r.rp
	}
	r.add(event.RoleTarget, event.SecurityGroup, ec2ID(decode.StrFold(req, "GroupId")))
	rules := decode.GetFold(req, "SecurityGroupRule")
	if rules == nil {
		rules = decode.GetFold(req, "SecurityGroupRules")
	}
	for _, u := range eachValue(rules) {
		rule := decode.GetFold(u, "SecurityGroupRule")
		if rule == nil {
			rule = u
		}
		r.ruleFold(rule)
	}
}

// rule records an inbound rule of permission p for each non-empty source.
func (r *rec) rule(p *jsondoc.Value, sources ...string) {
	from, okFrom := decode.Int(p, "fromPort")
	to, okTo := decode.Int(p, "toPort")
	r.addRules(decode.Str(p, "ipProtocol"), from, to, okFrom, okTo, sources)
}

// ruleFold is rule for the PascalCase members of newer EC2 requests.
func (r *rec) ruleFold(p *jsondoc.Value) {
	from, okFrom := decode.Int(decode.GetFold(p, "FromPort"))
	to, okTo := decode.Int(decode.GetFold(p, "ToPort"))
	r.addRules(decode.StrFold(p, "IpProtocol"), from, to, okFrom, okTo, []string{
		decode.StrFold(p, "CidrIpv4"), decode.StrFold(p, "CidrIpv6"),
		decode.StrFold(p, "PrefixListId"), decode.StrFold(p, "ReferencedGroupId"),
	})
}

func (r *rec) addRules(proto string, from, to int, okFrom, okTo bool, sources []string) {
	in := event.Ingress{Protocol: event.Protocol(proto), FromPort: from, ToPort: to}
	switch {
	case in.Protocol == "all":
		in.FromPort, in.ToPort = 0, 65535
	case !okFrom && !okTo:
		in.FromPort, in.ToPort = 0, 65535
	case !okTo:
		in.ToPort = in.FromPort
	case !okFrom:
		in.FromPort = in.ToPort
	}
	for _, s := range sources {
		if s = strings.TrimSpace(s); s != "" {
			in.Source = s
			r.e.AddIngress(in)
		}
	}
}

// eachValue returns an array's elements, or a lone value as one.
func eachValue(v *jsondoc.Value) []*jsondoc.Value {
	if v == nil {
		return nil
	}
	if v.Type() == jsondoc.TypeArray {
		a, _ := v.Array()
		return a
	}
	return []*jsondoc.Value{v}
}
