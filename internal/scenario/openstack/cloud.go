// Package openstack renders the scenario generator's operations as an
// OpenStack cloud logs them: oslo.messaging notifications of nova, cinder,
// neutron, glance, keystone and trove, as a consumer of the notification
// bus stores them (messagingv2 envelopes, one per line), and the CADF
// events of keystonemiddleware's audit filter (audit.http.request and
// audit.http.response notifications) for the calls that leave no service
// notification: reads, and calls the policy refused. Records keep the
// shapes internal/decode/openstack reads in real logs (the samples under
// ../shared/samples/openstack). It imports the generator core and the event
// vocabulary, nothing else of ours.
package openstack

import (
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Cloud is OpenStack for the generator. Use it as a pointer: it remembers
// the name and kind each resource id was made for, so that records carry
// the display names a real cloud's records carry. The zero value is ready
// to use.
type Cloud struct {
	mu    sync.Mutex
	known map[string]resource // resource id → what it was made as
}

// resource is what Cloud remembers of an id it made.
type resource struct {
	kind scenario.ResourceKind
	name string
}

var _ scenario.Cloud = (*Cloud)(nil)

// Name returns "openstack".
func (*Cloud) Name() event.Cloud { return event.OpenStack }

// companies name the run's organisation; outsiders a project that is not
// the company's (a contractor's on the same cloud).
var (
	companies = []string{"northwind", "bluefin", "corvid", "ostrava", "tessellate", "halcyon"}
	outsiders = []string{"contractor-sandbox", "vendor-poc", "partner-lab", "tidewater-it"}
)

// Region is the one region the generated cloud has: keystone's default
// name, which most private clouds keep.
const Region = "RegionOne"

// Accounts makes n keystone projects (32 hex digits): <company>-prod,
// -dev, -staging…, and when n > 2 a last one that is someone else's.
func (*Cloud) Accounts(r *rand.Rand, n int) []*scenario.Account {
	company := companies[r.IntN(len(companies))]
	suffixes := []string{"prod", "dev", "staging", "sandbox", "shared"}
	out := make([]*scenario.Account, 0, n)
	for i := range n {
		name := company + "-" + suffixes[i%len(suffixes)]
		if n > 2 && i == n-1 {
			name = outsiders[r.IntN(len(outsiders))]
		}
		out = append(out, &scenario.Account{ID: hex32(r), Name: name, Regions: []string{Region}})
	}
	return out
}

// NewPrincipal makes a keystone user (a 32-hex id) of acct. People call the
// APIs with the openstack client from the office or the VPN; the backup
// job runs openstacksdk from a cron host; CI runs Terraform. OpenStack has
// no volume-scanning service: a ServiceAccount is nil.
func (*Cloud) NewPrincipal(r *rand.Rand, kind scenario.PrincipalKind, acct *scenario.Account, name string) *scenario.Principal {
	if kind == scenario.ServiceAccount {
		return nil
	}
	p := &scenario.Principal{ID: hex32(r), Name: name, Kind: kind, Account: acct}
	switch {
	case kind == scenario.Human:
		p.IP = pick(r, officeNets) + itoa(10+r.IntN(240))
		p.UserAgent = pick(r, cliAgents)
	case strings.Contains(name, "terraform") || strings.Contains(name, "ci"):
		p.IP = "10.40.30." + itoa(10+r.IntN(40))
		p.UserAgent = pick(r, terraformAgents)
	default:
		p.IP = "10.40.12." + itoa(10+r.IntN(40))
		p.UserAgent = pick(r, sdkAgents)
	}
	return p
}

// officeNets are the company's egress networks (office NAT, VPN pool).
var officeNets = []string{"198.51.100.", "203.0.113.", "192.0.2."}

// User agents as keystoneauth builds them: the application, then the
// libraries under it.
var (
	cliAgents = []string{
		"python-openstackclient/6.6.0 openstacksdk/3.0.0 keystoneauth1/5.6.0 python-requests/2.31.0 CPython/3.11.6",
		"python-openstackclient/7.0.0 openstacksdk/3.3.0 keystoneauth1/5.7.0 python-requests/2.32.3 CPython/3.12.3",
		"python-openstackclient/6.2.0 openstacksdk/1.0.1 keystoneauth1/5.1.2 python-requests/2.28.1 CPython/3.10.12",
		"python-novaclient keystoneauth1/5.6.0 python-requests/2.31.0 CPython/3.11.6",
	}
	sdkAgents = []string{
		"openstacksdk/3.0.0 keystoneauth1/5.6.0 python-requests/2.31.0 CPython/3.11.6",
		"openstacksdk/2.1.0 keystoneauth1/5.5.0 python-requests/2.31.0 CPython/3.10.12",
	}
	terraformAgents = []string{
		"HashiCorp Terraform/1.7.5 (+https://www.terraform.io) Terraform Plugin SDK/2.10.1 terraform-provider-openstack/1.54.1 gophercloud/v1.11.0",
		"HashiCorp Terraform/1.9.8 (+https://www.terraform.io) Terraform Plugin SDK/2.10.1 terraform-provider-openstack/2.1.0 gophercloud/v2.1.1",
	}
)

// ResourceID makes a UUID (volumes, snapshots, images, servers, security
// groups, trove instances and backups all have one) and remembers what it
// was made as.
func (c *Cloud) ResourceID(r *rand.Rand, kind scenario.ResourceKind, _ *scenario.Account, _, name string) string {
	id := uuid4(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.known == nil {
		c.known = map[string]resource{}
	}
	c.known[id] = resource{kind: kind, name: name}
	return id
}

// lookup returns what id was made as.
func (c *Cloud) lookup(id string) (resource, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	x, ok := c.known[id]
	return x, ok
}

// EventID makes a UUID: a notification's message_id, a CADF event's id.
func (*Cloud) EventID(r *rand.Rand) string { return uuid4(r) }

// Reads returns the read-only calls of the background, as the decoder
// names them (CADF action and target type).
func (*Cloud) Reads() []string {
	out := make([]string, len(reads))
	for i := range reads {
		out[i] = reads[i].name
	}
	return out
}

// Supports reports which kinds OpenStack logs as the decoder maps them.
// Cinder snapshots cannot be shared, copied or exported (a volume
// transfer moves the volume itself), so those kinds are absent; glance
// image members are the way to share (ImageShare). Trove backups are
// db.backup, not DB snapshots, and a trove restore reads a backup: the DB
// snapshot kinds are absent too.
func (*Cloud) Supports(k scenario.Kind) bool {
	switch k {
	case scenario.SnapshotCopy, scenario.SnapshotShare, scenario.SnapshotUnshare, scenario.SnapshotExport,
		scenario.DBSnapshotCreate, scenario.DBSnapshotShare, scenario.DBRestore:
		return false
	}
	return k >= scenario.Read && k <= scenario.DBModify
}

// ShareTarget is the project an image is shared with (a glance member).
func (*Cloud) ShareTarget(acct *scenario.Account) string { return acct.ID }

// ServiceAccount is "": no OpenStack service scans volumes.
func (*Cloud) ServiceAccount() string { return "" }

// NewWriter writes under dir: notifications/<service>/YYYY-MM-DD/HH.ndjson
// and audit/YYYY-MM-DD/HH.ndjson.
func (c *Cloud) NewWriter(dir string) (scenario.Writer, error) { return newWriter(c, dir), nil }

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }
