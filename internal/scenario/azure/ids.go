package azure

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
)

// mix is a splitmix64 stream. The writer takes the values a record needs
// beyond the op (correlation ids, durations, token times) from a stream
// seeded by what it renders, so the output depends on the ops alone.
type mix uint64

// mixOf seeds a stream from s (FNV-1a).
func mixOf(s string) mix {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h)
}

func (m *mix) next() uint64 {
	*m += 0x9e3779b97f4a7c15
	z := uint64(*m)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n).
func (m *mix) intn(n int) int { return int(m.next() % uint64(n)) }

// appendUUID appends a version-4 UUID made of hi and lo, lower-case with
// dashes, as Azure writes object, correlation and event ids.
func appendUUID(b []byte, hi, lo uint64) []byte {
	hi = hi&^(0xf<<12) | 4<<12
	lo = lo&^(3<<62) | 2<<62
	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], hi)
	binary.BigEndian.PutUint64(u[8:], lo)
	for i, x := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[x>>4], hexDigits[x&15])
	}
	return b
}

// uuid returns a fresh UUID from the run's generator.
func uuid(r *rand.Rand) string {
	return string(appendUUID(nil, r.Uint64(), r.Uint64()))
}

// (m *mix) uuid returns a UUID from the stream.
func (m *mix) uuid() string {
	return string(appendUUID(make([]byte, 0, 36), m.next(), m.next()))
}

// hashUUID is a UUID fixed by s: a tenant id fixed by the organisation.
func hashUUID(s string) string {
	m := mixOf(s)
	return m.uuid()
}

// plainID strips the dashes of a UUID: role assignment evidence writes
// principal and assignment ids that way.
func plainID(id string) string { return strings.ReplaceAll(id, "-", "") }

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// appendToken appends n base64url characters from the stream: token
// claims such as uti, aio and nameidentifier look like this.
func (m *mix) appendToken(b []byte, n int) []byte {
	var x uint64
	for i := range n {
		if i%10 == 0 {
			x = m.next()
		}
		b = append(b, b64[x&63])
		x >>= 6
	}
	return b
}

// casing gives the ARM spelling of the id segments the package writes;
// canonical ids are lower-case, the logs spell them like this.
var casing = map[string]string{
	"resourcegroups":                "resourceGroups",
	"microsoft.compute":             "Microsoft.Compute",
	"virtualmachines":               "virtualMachines",
	"microsoft.network":             "Microsoft.Network",
	"networksecuritygroups":         "networkSecurityGroups",
	"securityrules":                 "securityRules",
	"networkinterfaces":             "networkInterfaces",
	"publicipaddresses":             "publicIPAddresses",
	"virtualnetworks":               "virtualNetworks",
	"networkwatchers":               "networkWatchers",
	"microsoft.dbforpostgresql":     "Microsoft.DBforPostgreSQL",
	"flexibleservers":               "flexibleServers",
	"microsoft.authorization":       "Microsoft.Authorization",
	"roleassignments":               "roleAssignments",
	"roledefinitions":               "roleDefinitions",
	"policyassignments":             "policyAssignments",
	"microsoft.storage":             "Microsoft.Storage",
	"storageaccounts":               "storageAccounts",
	"blobservices":                  "blobServices",
	"microsoft.keyvault":            "Microsoft.KeyVault",
	"microsoft.web":                 "Microsoft.Web",
	"microsoft.containerservice":    "Microsoft.ContainerService",
	"managedclusters":               "managedClusters",
	"microsoft.sql":                 "Microsoft.Sql",
	"microsoft.recoveryservices":    "Microsoft.RecoveryServices",
	"microsoft.resources":           "Microsoft.Resources",
	"microsoft.insights":            "Microsoft.Insights",
	"diagnosticsettings":            "diagnosticSettings",
	"microsoft.operationalinsights": "Microsoft.OperationalInsights",
}

// properID spells a canonical (lower-case) ARM id the way ARM writes it:
// keywords, namespaces and types in their casing, names as they are.
func properID(id string) string {
	var b strings.Builder
	b.Grow(len(id))
	const (
		keyword = iota // subscriptions, resourceGroups, providers
		value          // a subscription id, a group name
		namespace
		typ
		name
	)
	state := keyword
	for seg := range strings.SplitSeq(strings.TrimPrefix(id, "/"), "/") {
		b.WriteByte('/')
		switch state {
		case keyword, typ:
			if seg == "providers" {
				b.WriteString(seg)
				state = namespace
				continue
			}
			b.WriteString(cased(seg))
			if state == keyword {
				state = value
			} else {
				state = name
			}
		case value:
			b.WriteString(seg)
			state = keyword
		case namespace:
			b.WriteString(cased(seg))
			state = typ
		case name:
			b.WriteString(seg)
			state = typ
		}
	}
	return b.String()
}

func cased(seg string) string {
	if c, ok := casing[seg]; ok {
		return c
	}
	return seg
}

// lastSegment is a resource's name: the text after the last slash.
func lastSegment(id string) string {
	return id[strings.LastIndexByte(id, '/')+1:]
}

// groupOf returns the resource group segment of an id ("" if none).
func groupOf(id string) string {
	const p = "/resourcegroups/"
	i := strings.Index(strings.ToLower(id), p)
	if i < 0 {
		return ""
	}
	rest := id[i+len(p):]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
