package detect

import (
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Field describes one field of the normalized event that rules with
// `logsource: {product: snapwarden}` read. The catalog is data: the CLI
// prints it in --help and docs/field-mappings.md lists it.
type Field struct {
	Name string
	// Type is "string", "number", "bool" or "time".
	Type string
	// List is true for a field with one value per element (resources,
	// shares, ingress rules): a value matches when any element does.
	List bool
	// Derived fields are computed from the configuration (Options).
	Derived     bool
	Description string
}

// normField is a catalog entry with its accessor, which appends the field's
// values to the matcher's scratch and reports whether the field is present.
type normField struct {
	Field
	get func(m *Matcher, e *event.Event) bool
}

// Fields returns the catalog of normalized fields, in documentation order.
func Fields() []Field {
	out := make([]Field, len(normFields))
	for i, f := range normFields {
		out[i] = f.Field
	}
	return out
}

func lookupNormField(name string) *normField {
	for i := range normFields {
		if normFields[i].Name == name {
			return &normFields[i]
		}
	}
	return nil
}

func normFieldNames() string {
	names := make([]string, len(normFields))
	for i, f := range normFields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

func str(name, desc string, get func(e *event.Event) string) normField {
	return normField{Field{Name: name, Type: "string", Description: desc},
		func(m *Matcher, e *event.Event) bool { return m.addString(get(e)) }}
}

func derived(name, desc string, get func(m *Matcher, e *event.Event) bool) normField {
	return normField{Field{Name: name, Type: "bool", Derived: true, Description: desc},
		func(m *Matcher, e *event.Event) bool { m.addBool(get(m, e)); return true }}
}

func resourceField(name, desc string, get func(r *event.Resource) string) normField {
	return normField{Field{Name: name, Type: "string", List: true, Description: desc},
		func(m *Matcher, e *event.Event) bool {
			found := false
			for i := range e.Resources {
				found = m.addString(get(&e.Resources[i])) || found
			}
			return found
		}}
}

func shareField(name, desc string, get func(s *event.Share) string) normField {
	return normField{Field{Name: name, Type: "string", List: true, Description: desc},
		func(m *Matcher, e *event.Event) bool {
			found := false
			for i := range e.Shares {
				found = m.addString(get(&e.Shares[i])) || found
			}
			return found
		}}
}

func ingressField(name, typ, desc string, get func(m *Matcher, in *event.Ingress) bool) normField {
	return normField{Field{Name: name, Type: typ, List: true, Description: desc},
		func(m *Matcher, e *event.Event) bool {
			found := false
			for i := range e.Ingress {
				found = get(m, &e.Ingress[i]) || found
			}
			return found
		}}
}

// normFields is the catalog. Entries are never modified.
var normFields = []normField{
	str("id", "provider event id", func(e *event.Event) string { return e.ID }),
	{Field{Name: "time", Type: "time", Description: "event time (RFC 3339); the time-part modifiers read it"},
		func(m *Matcher, e *event.Event) bool {
			if e.Time.IsZero() {
				return false
			}
			m.addTime(e.Time)
			return true
		}},
	str("cloud", "aws, azure, gcp, vkcloud, openstack or yandex", func(e *event.Event) string { return string(e.Cloud) }),
	str("format", "decoder: cloudtrail, azureactivity, gcpaudit, vkcloud, openstack, yandex", func(e *event.Event) string { return e.Format }),
	str("account", "AWS account, Azure subscription, GCP project, OpenStack/VK project, Yandex folder or cloud", func(e *event.Event) string { return e.Account }),
	str("region", "region or location", func(e *event.Event) string { return e.Region }),
	str("service", "provider service (ec2.amazonaws.com, microsoft.compute, compute.googleapis.com, cinder, …)", func(e *event.Event) string { return e.Service }),
	str("operation", "provider operation name (CreateSnapshot, microsoft.compute/snapshots/write, v1.compute.snapshots.insert, …)", func(e *event.Event) string { return e.Operation }),
	str("action", "normalized action (snapshot.create, image.share, network.ingress.open, …); empty when the operation means nothing for snapshot abuse", func(e *event.Event) string { return string(e.Action) }),
	str("outcome", "success, failure or unknown", func(e *event.Event) string { return string(e.Outcome) }),
	str("error", "provider error code or message of a failed operation", func(e *event.Event) string { return e.Error }),
	str("actor.id", "stable identity of the principal (session issuer ARN, object id, principal email, user id, subject id)", func(e *event.Event) string { return e.Actor.ID }),
	str("actor.name", "principal's display name", func(e *event.Event) string { return e.Actor.Name }),
	str("actor.type", "principal type as the provider names it", func(e *event.Event) string { return e.Actor.Type }),
	str("actor.ip", "source IP address", func(e *event.Event) string { return e.Actor.IP }),
	str("actor.user_agent", "user agent", func(e *event.Event) string { return e.Actor.UserAgent }),
	str("actor.session_issuer", "role or identity whose session this is", func(e *event.Event) string { return e.Actor.SessionIssuer }),
	str("actor.account", "the principal's own account when it differs from the event's", func(e *event.Event) string { return e.Actor.Account }),
	derived("actor.trusted", "the principal is among trusted_principals", func(m *Matcher, e *event.Event) bool {
		return m.e.opts.TrustedPrincipal != nil && m.e.opts.TrustedPrincipal(e.Actor)
	}),
	resourceField("resources.role", "part a resource played: source, created, target, shared-with", func(r *event.Resource) string { return string(r.Role) }),
	resourceField("resources.type", "volume, snapshot, image, backup, instance, database, db_snapshot, security_group, …", func(r *event.Resource) string { return string(r.Type) }),
	resourceField("resources.id", "canonical resource id", func(r *event.Resource) string { return r.ID }),
	resourceField("resources.name", "resource name, when the log gives one", func(r *event.Resource) string { return r.Name }),
	resourceField("resources.account", "account of a resource outside the event's account", func(r *event.Resource) string { return r.Account }),
	derived("resource.critical", "a source or target resource is critical (config critical)", func(m *Matcher, e *event.Event) bool {
		crit := m.e.opts.Critical
		if crit == nil {
			return false
		}
		for _, r := range e.Resources {
			if (r.Role == event.RoleSource || r.Role == event.RoleTarget) && crit(e.Cloud, r) {
				return true
			}
		}
		return false
	}),
	shareField("shares.target", "account id, principal or \"public\" given access to a copy", func(s *event.Share) string { return s.Target }),
	shareField("shares.kind", "account, principal, organization, group or public", func(s *event.Share) string { return s.Kind }),
	derived("share.external", "a share target is outside trusted_accounts (public counts as external)", func(m *Matcher, e *event.Event) bool {
		for _, s := range e.Shares {
			if !m.e.trustedShare(s) {
				return true
			}
		}
		return false
	}),
	derived("share.public", "a copy was made public", func(m *Matcher, e *event.Event) bool {
		for _, s := range e.Shares {
			if isPublic(s) {
				return true
			}
		}
		return false
	}),
	ingressField("ingress.protocol", "string", "tcp, udp, icmp, icmpv6, all, or another name or number", func(m *Matcher, in *event.Ingress) bool {
		return m.addString(in.Protocol)
	}),
	ingressField("ingress.from_port", "number", "first port of an inbound rule", func(m *Matcher, in *event.Ingress) bool {
		m.addInt(in.FromPort)
		return true
	}),
	ingressField("ingress.to_port", "number", "last port of an inbound rule", func(m *Matcher, in *event.Ingress) bool {
		m.addInt(in.ToPort)
		return true
	}),
	ingressField("ingress.source", "string", "CIDR, tag, group or service an inbound rule admits", func(m *Matcher, in *event.Ingress) bool {
		return m.addString(in.Source)
	}),
	derived("ingress.world_open", "an inbound rule admits any address (prefix length 0, *, Internet, Any)", func(m *Matcher, e *event.Event) bool {
		for _, in := range e.Ingress {
			if in.WorldOpen() {
				return true
			}
		}
		return false
	}),
	derived("ingress.admin_open", "a world-open inbound rule covers an administrative port (admin_ports; 22 and 3389 by default), through its range or \"all protocols\"", func(m *Matcher, e *event.Event) bool {
		for _, in := range e.Ingress {
			if adminOpen(in, m.e.adminPorts) {
				return true
			}
		}
		return false
	}),
}

// DefaultAdminPorts returns the administrative ports used when
// Options.AdminPorts is empty: SSH and RDP.
func DefaultAdminPorts() []int { return []int{22, 3389} }

// adminOpen reports whether a world-open rule admits one of the ports over
// a protocol that carries them.
func adminOpen(in event.Ingress, ports []int) bool {
	if !in.WorldOpen() {
		return false
	}
	switch event.Protocol(in.Protocol) {
	case "all", "tcp", "udp":
	default:
		return false
	}
	for _, p := range ports {
		if in.CoversPort(p) {
			return true
		}
	}
	return false
}

func isPublic(s event.Share) bool { return s.IsPublic() }

// trustedShare reports whether a share target is inside trusted_accounts
// (see event.Share.Within). A public share never is.
func (e *Engine) trustedShare(s event.Share) bool {
	if len(e.trustedAccounts) == 0 && e.opts.TrustedAccount == nil {
		return false
	}
	return s.Within(e.trustedAccount)
}

func (e *Engine) trustedAccount(id string) bool {
	if e.opts.TrustedAccount != nil {
		return e.opts.TrustedAccount(id)
	}
	_, ok := e.trustedAccounts[id]
	return ok
}

// timeLayouts are the timestamp forms the time-part modifiers read from raw
// fields (RFC 3339 with or without a zone, with a space or a T).
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}
