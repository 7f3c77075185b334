package openstack

import "strings"

// api is one service's endpoint as keystonemiddleware's audit filter
// describes it: the CADF target (endpoint id, name, addresses from the
// catalog) and the process that publishes its audit notifications.
type api struct {
	name      string // catalog name: nova, cinderv3, glance, neutron, trove, keystone
	publisher string // the API process (audit notifications carry its name, no host)
	typeURI   string // the audit map's service_endpoints entry
	port      string
	version   string // the URL's version segment; cinder and trove put the project after it
	project   bool
}

var (
	apiNova     = &api{name: "nova", publisher: "nova-api", typeURI: "service/compute", port: "8774", version: "/v2.1"}
	apiCinder   = &api{name: "cinderv3", publisher: "cinder-api", typeURI: "service/storage/block", port: "8776", version: "/v3", project: true}
	apiGlance   = &api{name: "glance", publisher: "glance-api", typeURI: "service/storage/image", port: "9292", version: "/v2"}
	apiNeutron  = &api{name: "neutron", publisher: "neutron-server", typeURI: "service/network", port: "9696", version: "/v2.0"}
	apiTrove    = &api{name: "trove", publisher: "trove-api", typeURI: "service/database", port: "8779", version: "/v1.0", project: true}
	apiKeystone = &api{name: "keystone", publisher: "keystone", typeURI: "service/identity", port: "5000", version: "/v3"}
)

// slot is an id a request path names.
type slot int

const (
	noSlot slot = iota
	slotProject
	slotServer
	slotVolume
	slotSnapshot
	slotImage
	slotGroup
	slotDB
	nSlots
)

// seg is a piece of a request path: text, then an id.
type seg struct {
	lit  string
	slot slot
}

// call is one API call as the audit filter logs it.
type call struct {
	name    string // the decoded operation: action and target typeURI
	api     *api
	action  string // CADF action (read/list for a GET of a collection, read for one item)
	typeURI string
	path    []seg // after the version segment
}

// newCall builds a call from a path template like "/servers/{server}/ips";
// the project of cinder and trove paths comes first by itself.
func newCall(a *api, action, typeURI, tmpl string) call {
	c := call{name: action + " " + a.typeURI + typeURI, api: a, action: action, typeURI: a.typeURI + typeURI}
	lit := a.version
	if a.project {
		c.path = append(c.path, seg{lit: lit + "/", slot: slotProject})
		lit = ""
	}
	for tmpl != "" {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			lit += tmpl
			break
		}
		j := strings.IndexByte(tmpl[i:], '}') + i
		c.path = append(c.path, seg{lit: lit + tmpl[:i], slot: slotNames[tmpl[i+1:j]]})
		lit, tmpl = "", tmpl[j+1:]
	}
	if lit != "" {
		c.path = append(c.path, seg{lit: lit})
	}
	return c
}

var slotNames = map[string]slot{"server": slotServer, "volume": slotVolume, "snapshot": slotSnapshot,
	"image": slotImage, "group": slotGroup, "db": slotDB}

// reads are the background's read-only calls. Actions and target types are
// what keystonemiddleware derives with the pycadf audit maps of each
// service (../shared/samples/openstack/cadf/audit-maps): a GET ending in a
// path keyword is read/list, one ending in an id is read.
var reads = []call{
	newCall(apiNova, "read/list", "/servers/detail", "/servers/detail"),
	newCall(apiNova, "read", "/servers/server", "/servers/{server}"),
	newCall(apiNova, "read/list", "/servers", "/servers?name=app"),
	newCall(apiNova, "read/list", "/servers/server/ips", "/servers/{server}/ips"),
	newCall(apiNova, "read/list", "/servers/server/os-volume_attachments", "/servers/{server}/os-volume_attachments"),
	newCall(apiNova, "read/list", "/servers/server/os-instance-actions", "/servers/{server}/os-instance-actions"),
	newCall(apiNova, "read/list", "/flavors/detail", "/flavors/detail"),
	newCall(apiNova, "read/list", "/os-keypairs", "/os-keypairs"),
	newCall(apiNova, "read/list", "/limits", "/limits"),
	newCall(apiNova, "read/list", "/os-availability-zone", "/os-availability-zone"),
	newCall(apiCinder, "read/list", "/volumes/detail", "/volumes/detail"),
	newCall(apiCinder, "read", "/volumes/volume", "/volumes/{volume}"),
	newCall(apiCinder, "read/list", "/snapshots/detail", "/snapshots/detail"),
	newCall(apiCinder, "read", "/snapshots/snapshot", "/snapshots/{snapshot}"),
	newCall(apiCinder, "read/list", "/types", "/types"),
	newCall(apiCinder, "read/list", "/limits", "/limits"),
	newCall(apiGlance, "read/list", "/images", "/images?limit=25&sort_key=created_at&sort_dir=desc"),
	newCall(apiGlance, "read", "/images/image", "/images/{image}"),
	newCall(apiGlance, "read/list", "/images/image/members", "/images/{image}/members"),
	newCall(apiNeutron, "read/list", "/networks", "/networks"),
	newCall(apiNeutron, "read/list", "/subnets", "/subnets"),
	newCall(apiNeutron, "read/list", "/ports", "/ports?device_id={server}"),
	newCall(apiNeutron, "read/list", "/security-groups", "/security-groups"),
	newCall(apiNeutron, "read", "/security-groups/security-group", "/security-groups/{group}"),
	newCall(apiNeutron, "read/list", "/security-group-rules", "/security-group-rules?security_group_id={group}"),
	newCall(apiNeutron, "read/list", "/floatingips", "/floatingips"),
	newCall(apiNeutron, "read/list", "/routers", "/routers"),
	newCall(apiTrove, "read/list", "/instances", "/instances"),
	newCall(apiTrove, "read", "/instances/instance", "/instances/{db}"),
	newCall(apiTrove, "read/list", "/instances/instance/databases", "/instances/{db}/databases"),
	newCall(apiTrove, "read/list", "/backups", "/backups"),
}

// readIndex finds a read by its name.
var readIndex = func() map[string]int {
	m := make(map[string]int, len(reads))
	for i, c := range reads {
		m[c.name] = i
	}
	return m
}()
