package yandex

import (
	"math/rand/v2"
	"strconv"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Cloud makes Yandex Cloud accounts (folders), principals and ids, and
// writers of Audit Trails files. Its zero value is ready to use. It keeps
// what it made (folders' clouds, subjects, resource names) for its writers
// to render, so one Cloud serves one run at a time.
type Cloud struct {
	folders  map[string]*folder  // by folder id
	subjects map[string]*subject // by subject id
	names    map[string]string   // resource id → name
	dbs      map[string][]string // folder id → its database clusters
}

var _ scenario.Cloud = (*Cloud)(nil)

// folder is an account: a folder of a cloud, logged by the cloud's trail.
type folder struct {
	id, name         string
	cloudID, cloud   string
	trail            string
	domain           string // the organisation's mail domain
	network, netName string // the folder's default network
}

// subject is a principal as authentication names it.
type subject struct {
	typ        string // YANDEX_PASSPORT_USER_ACCOUNT, FEDERATED_USER_ACCOUNT, SERVICE_ACCOUNT
	name       string // subject_name
	login      string // the bare name the generator gave
	federation string
	token      string // masked IAM token
}

// Subject types as Audit Trails writes them.
const (
	passportUser  = "YANDEX_PASSPORT_USER_ACCOUNT"
	federatedUser = "FEDERATED_USER_ACCOUNT"
	serviceAcct   = "SERVICE_ACCOUNT"
)

// Name is the cloud's name in events.
func (*Cloud) Name() event.Cloud { return event.Yandex }

// zones are ru-central1's availability zones; an account's regions.
var zones = []string{"ru-central1-a", "ru-central1-b", "ru-central1-d"}

// orgs are companies the run's first accounts can belong to.
var orgs = []struct{ cloud, domain string }{
	{"northwind", "northwind.ru"}, {"severtrans", "severtrans.ru"},
	{"polar-retail", "polar-retail.ru"}, {"uralmash-digital", "uralmash-digital.ru"},
}

// companyFolders name the company's folders, production first.
var companyFolders = []string{"prod", "dev", "stage", "analytics", "sandbox", "ml"}

// Accounts makes n folders: all but the last in the company's cloud, the
// last the default folder of someone else's cloud.
func (c *Cloud) Accounts(r *rand.Rand, n int) []*scenario.Account {
	c.init()
	org := orgs[r.IntN(len(orgs))]
	own := cloudRef{id: newID(r, prefixCloud), name: org.cloud, domain: org.domain, trail: newID(r, prefixTrail)}
	other := cloudRef{id: newID(r, prefixCloud), name: "contractor-lab", domain: "contractor-lab.ru", trail: newID(r, prefixTrail)}
	out := make([]*scenario.Account, 0, n)
	for i := range n {
		ref, name := own, companyFolders[i%len(companyFolders)]
		if i >= len(companyFolders) {
			name += "-" + strconv.Itoa(i/len(companyFolders)+1)
		}
		if i == n-1 && n > 1 {
			ref, name = other, "default"
		}
		f := &folder{id: newID(r, prefixCloud), name: name, cloudID: ref.id, cloud: ref.name, trail: ref.trail,
			domain: ref.domain, network: newID(r, prefixNetwork), netName: "default"}
		c.folders[f.id] = f
		out = append(out, &scenario.Account{ID: f.id, Name: name, Regions: append([]string(nil), zones...)})
	}
	return out
}

type cloudRef struct{ id, name, domain, trail string }

// NewPrincipal makes a person (a federated user of the company's identity
// provider, or now and then a Yandex ID user) or a service account. Yandex
// has no volume-scanning service that takes snapshots: ServiceAccount is nil.
func (c *Cloud) NewPrincipal(r *rand.Rand, kind scenario.PrincipalKind, acct *scenario.Account, name string) *scenario.Principal {
	c.init()
	if kind == scenario.ServiceAccount {
		return nil
	}
	p := &scenario.Principal{ID: newID(r, prefixIAM), Name: name, Kind: kind, Account: acct}
	s := &subject{typ: serviceAcct, name: name, login: name, token: maskedToken(r)}
	if kind == scenario.Human {
		if r.IntN(4) == 0 {
			s.typ = passportUser
		} else {
			s.typ, s.name = federatedUser, name+"@"+c.domain(acct)
			s.federation = derive(prefixFed, c.domain(acct), 1)
		}
		p.Name = s.name
		if r.IntN(2) == 0 {
			// The management console calls on the user's behalf.
			p.IP, p.UserAgent = "cloud.yandex", "Yandex Cloud"
		} else {
			p.IP, p.UserAgent = publicIP(r), "yc/0.14"+strconv.Itoa(r.IntN(10))+".0 go/1.22"
		}
	} else {
		p.IP, p.UserAgent = "158.160."+strconv.Itoa(r.IntN(256))+"."+strconv.Itoa(1+r.IntN(254)), toolAgent(name)
	}
	c.subjects[p.ID] = s
	return p
}

// domain is the mail domain of acct's organisation.
func (c *Cloud) domain(acct *scenario.Account) string {
	if acct != nil {
		if f := c.folders[acct.ID]; f != nil {
			return f.domain
		}
	}
	return "example.ru"
}

// ispPrefixes are address blocks of Russian access networks.
var ispPrefixes = []string{"95.165.", "178.176.", "212.193.", "85.140.", "31.173.", "188.170."}

func publicIP(r *rand.Rand) string {
	return ispPrefixes[r.IntN(len(ispPrefixes))] + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(1+r.IntN(254))
}

// toolAgent is the user agent of automation named name.
func toolAgent(name string) string {
	if len(name) >= 9 && name[:9] == "terraform" {
		return "Terraform/1.9.8 (+https://www.terraform.io) Terraform-Plugin-SDK/2.33.0 terraform-provider-yandex/0.129.0"
	}
	return "yandexcloud/0.296.0 (Python 3.11.9) grpc-python/1.66.1"
}

// maskedToken is how Audit Trails shows an IAM token: its head and stars.
func maskedToken(r *rand.Rand) string {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	buf := []byte("t1.9euelZ")
	for range 14 {
		buf = append(buf, b64[r.IntN(len(b64))])
	}
	return string(append(buf, "**********"...))
}

// ResourceID makes a resource id as Compute, VPC and Managed Databases
// mint them, and remembers its name for the records that show it.
func (c *Cloud) ResourceID(r *rand.Rand, kind scenario.ResourceKind, acct *scenario.Account, region, name string) string {
	c.init()
	var id string
	switch kind {
	case scenario.VolumeID, scenario.InstanceID:
		id = newID(r, zonePrefix(region))
	case scenario.SnapshotID, scenario.ImageID:
		id = newID(r, prefixGlobal)
	case scenario.NetID:
		id = newID(r, prefixNetwork)
	case scenario.DatabaseID:
		id = newID(r, prefixMDB)
		if acct != nil {
			c.dbs[acct.ID] = append(c.dbs[acct.ID], id)
		}
	case scenario.DBSnapshotID:
		id = c.backupID(r, acct)
	default:
		id = newID(r, prefixGlobal)
	}
	if name != "" {
		c.names[id] = name
	}
	return id
}

// backupID is a managed database backup id, <cluster id>:<backup name>, of
// one of acct's clusters.
func (c *Cloud) backupID(r *rand.Rand, acct *scenario.Account) string {
	cluster := ""
	if acct != nil && len(c.dbs[acct.ID]) > 0 {
		dbs := c.dbs[acct.ID]
		cluster = dbs[r.IntN(len(dbs))]
	} else {
		cluster = newID(r, prefixMDB)
	}
	const hex = "0123456789ABCDEF"
	buf := []byte(cluster + ":base_")
	for range 24 {
		buf = append(buf, hex[r.IntN(16)])
	}
	return string(buf)
}

// EventID makes an event id in the form of compute's.
func (*Cloud) EventID(r *rand.Rand) string { return newID(r, prefixGlobal) }

// Reads returns the data events background traffic is made of.
func (*Cloud) Reads() []string {
	out := make([]string, len(readSpecs))
	for i, s := range readSpecs {
		out[i] = s.name
	}
	return out
}

// Supports reports the kinds Audit Trails logs and the decoder maps to the
// kind's action. Yandex has no snapshot copy, share or export, no image
// sharing event and no shareable database backup; BackupCluster decodes as
// db.backup, not db.snapshot.create.
func (*Cloud) Supports(k scenario.Kind) bool {
	switch k {
	case scenario.Read, scenario.VolumeCreate, scenario.VolumeDelete, scenario.SnapshotCreate,
		scenario.SnapshotDelete, scenario.ImageCreate, scenario.VolumeRestore, scenario.VolumeAttach,
		scenario.InstanceCreate, scenario.IngressOpen, scenario.PrincipalCreate, scenario.CredentialCreate,
		scenario.RoleAssign, scenario.DBRestore, scenario.DBModify:
		return true
	}
	return false
}

// ShareTarget is the folder id: Yandex shares nothing the generator asks
// for, so this is only what a grant would name.
func (*Cloud) ShareTarget(acct *scenario.Account) string { return acct.ID }

// ServiceAccount is empty: no Yandex service scans volumes from snapshots.
func (*Cloud) ServiceAccount() string { return "" }

func (c *Cloud) init() {
	if c.folders == nil {
		c.folders = map[string]*folder{}
		c.subjects = map[string]*subject{}
		c.names = map[string]string{}
		c.dbs = map[string][]string{}
	}
}
