// Package vkcloud renders the scenario generator's operations as VK Cloud
// action-log records (auditlogs/v1, "Журнал действий"): pages of
// string-valued records whose request and response bodies are JSON inside
// strings, as internal/decode/vkcloud reads them. It imports the generator
// core (internal/scenario) and the event vocabulary, nothing else of ours.
//
// The action log names its project only in some request paths (Cinder,
// DBaaS, Karboii, IAM); Nova, Neutron and Glance records carry none, exactly
// as VK writes them, so their events need `hunt --account vkcloud=<id>`.
package vkcloud

import (
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Cloud is VK Cloud for the generator. Use it as a pointer: it remembers
// the kind and name of every id it made, so that a record can say whether
// an image is made from a server or a volume, and name what it creates.
// The zero value is ready to use.
type Cloud struct {
	mu     sync.Mutex
	made   map[string]made
	people map[string]string // user id → e-mail, of every principal made
}

var _ scenario.Cloud = (*Cloud)(nil)

// made is what ResourceID was asked for.
type made struct {
	kind scenario.ResourceKind
	name string
}

// Name returns "vkcloud".
func (*Cloud) Name() event.Cloud { return event.VKCloud }

// companies name the run's organisation (its projects and e-mail domain).
var companies = []string{"polarline", "severtrans", "kamaflow", "uralsoft", "volgadata", "nordkom"}

// strangerDomains are mailbox domains of people outside the company.
var strangerDomains = []string{"mailbox.org", "proton.me", "tutanota.com", "gmx.net"}

// Accounts makes n projects: the company's (<company>-prod, -dev, -stage…)
// and, when n > 2, a last one under VK's default project name
// (mcs<10 digits>) that belongs to someone else. Project ids are Keystone
// ids: 32 lower-case hex digits.
func (*Cloud) Accounts(r *rand.Rand, n int) []*scenario.Account {
	company := companies[r.IntN(len(companies))]
	suffixes := []string{"prod", "dev", "stage", "test", "sandbox"}
	out := make([]*scenario.Account, 0, n)
	for i := range n {
		name := company + "-" + suffixes[i%len(suffixes)]
		if n > 2 && i == n-1 {
			name = "mcs" + digits(r, 10)
		}
		out = append(out, &scenario.Account{ID: hex32(r), Name: name, Regions: []string{"RegionOne"}})
	}
	return out
}

// domain is the e-mail domain of an account's people: the company's, or
// for a default-named (mcs…) project a public mailbox provider.
func domain(acct *scenario.Account) string {
	if acct == nil {
		return "example.ru"
	}
	if strings.HasPrefix(acct.Name, "mcs") {
		return strangerDomains[int(hashString(acct.ID)%uint64(len(strangerDomains)))]
	}
	company, _, _ := strings.Cut(acct.Name, "-")
	return company + ".ru"
}

// User agents: VK's console calls the APIs through its own front end
// (axios); people also use the OpenStack CLI; tools use Terraform's VKCS
// provider (gophercloud) or openstacksdk.
var (
	humanAgents = []string{
		"axios/1.4.0",
		"python-openstackclient/6.2.0 keystoneauth1/5.1.2 python-requests/2.31.0 CPython/3.10.12",
		"python-openstackclient/6.6.0 keystoneauth1/5.6.0 python-requests/2.31.0 CPython/3.12.3",
	}
	toolAgents = []string{
		"HashiCorp Terraform/1.5.7 (+https://www.terraform.io) gophercloud/2.0.0 terraform-provider-vkcs/0.7.4",
		"openstacksdk/1.0.1 keystoneauth1/5.1.2 python-requests/2.31.0 CPython/3.11.4",
	}
)

// NewPrincipal makes a VK user: a 32-hex user id and an e-mail login. VK
// has no cloud service that scans volumes, so ServiceAccount gives nil.
func (c *Cloud) NewPrincipal(r *rand.Rand, kind scenario.PrincipalKind, acct *scenario.Account, name string) *scenario.Principal {
	agents := humanAgents
	switch kind {
	case scenario.Human:
	case scenario.Automation:
		agents = toolAgents
	default:
		return nil
	}
	p := &scenario.Principal{
		ID:        hex32(r),
		Name:      strings.ToLower(name) + "@" + domain(acct),
		Kind:      kind,
		IP:        clientIP(r),
		UserAgent: agents[r.IntN(len(agents))],
		Account:   acct,
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.people == nil {
		c.people = map[string]string{}
	}
	c.people[p.ID] = p.Name
	return p
}

// ResourceID makes an OpenStack UUID (lower-case, as the decoder keeps it)
// and remembers its kind and name.
func (c *Cloud) ResourceID(r *rand.Rand, kind scenario.ResourceKind, _ *scenario.Account, _, name string) string {
	id := uuid(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.made == nil {
		c.made = map[string]made{}
	}
	c.made[id] = made{kind: kind, name: name}
	return id
}

// lookup returns what id was made as; ok is false for an id from elsewhere.
func (c *Cloud) lookup(id string) (made, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.made[id]
	return m, ok
}

// email returns the e-mail of a principal NewPrincipal made, or "".
func (c *Cloud) email(id string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.people[id]
}

// EventID makes an action-log event_id: a UUID.
func (*Cloud) EventID(r *rand.Rand) string { return uuid(r) }

// Supports reports the kinds VK Cloud has and the decoder reads as meant.
// Cinder snapshots cannot be shared, copied or exported (a volume transfer
// moves the volume itself); a DBaaS backup decodes as db.backup, not
// db.snapshot.create, and cannot be shared; Nova's keypair-create, the
// nearest thing to a credential for another user, has no action.
func (*Cloud) Supports(k scenario.Kind) bool {
	switch k {
	case scenario.Read, scenario.VolumeCreate, scenario.VolumeDelete,
		scenario.SnapshotCreate, scenario.SnapshotDelete,
		scenario.ImageCreate, scenario.ImageShare,
		scenario.VolumeRestore, scenario.VolumeAttach, scenario.InstanceCreate, scenario.IngressOpen,
		scenario.PrincipalCreate, scenario.RoleAssign,
		scenario.DBRestore, scenario.DBModify:
		return true
	}
	return false
}

// ShareTarget is the project id: Glance image members are projects.
func (*Cloud) ShareTarget(acct *scenario.Account) string { return acct.ID }

// ServiceAccount is "": no VK service scans volumes through shared copies.
func (*Cloud) ServiceAccount() string { return "" }

// NewWriter writes action-log pages under dir (see Writer).
func (c *Cloud) NewWriter(dir string) (scenario.Writer, error) {
	return newWriter(c, dir)
}
