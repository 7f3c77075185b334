package gcp

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Projects, principals and resource names in the forms Cloud Audit Logs
// write them and the decoder keeps: project ids, emails, relative names.

// companies name the run's organization; its projects are <company>-prod
// and <company>-dev, its people <login>@<company>.com.
var companies = []string{"northwind", "bluepeak", "kestrel", "orbitline", "fernhill", "quarrystone", "lumenfield", "tidewater"}

// zones are where a company runs; a project's first zone is where the
// generator puts its resources.
var zones = [][]string{
	{"europe-west1-b", "europe-west1-c", "europe-west1-d"},
	{"europe-west3-a", "europe-west3-b", "europe-west3-c"},
	{"us-central1-a", "us-central1-b", "us-central1-f"},
	{"us-east1-b", "us-east1-c", "us-east1-d"},
	{"asia-northeast1-a", "asia-northeast1-b", "asia-northeast1-c"},
}

// personalName is the display name gcloud and the console give a person's
// first project: the outside account of an attacker working alone.
const personalName = "My First Project"

// adjectives and nouns make the ids GCP proposes for a new project.
var (
	adjectives = []string{"vivid", "silent", "hazy", "brave", "amber", "quiet", "lucid", "rapid", "sturdy", "gentle"}
	nouns      = []string{"canyon", "harbor", "meadow", "summit", "falcon", "river", "lantern", "orbit", "willow", "comet"}
)

// Accounts makes a company's production project, its other projects and,
// last (when n > 1), a stranger's personal project.
func (Cloud) Accounts(r *rand.Rand, n int) []*scenario.Account {
	company := companies[r.IntN(len(companies))]
	home := zones[r.IntN(len(zones))]
	envs := []string{"prod", "dev", "staging", "data", "shared"}
	var out []*scenario.Account
	for i := range n {
		if i == n-1 && n > 1 {
			z := zones[r.IntN(len(zones))]
			id := adjectives[r.IntN(len(adjectives))] + "-" + nouns[r.IntN(len(nouns))] + "-" + strconv.Itoa(400000+r.IntN(99999))
			out = append(out, &scenario.Account{ID: id, Name: personalName, Regions: z})
			break
		}
		env := envs[i%len(envs)]
		if i >= len(envs) {
			env += strconv.Itoa(i)
		}
		id := company + "-" + env + "-" + strconv.Itoa(100+r.IntN(900))
		name := strings.ToUpper(company[:1]) + company[1:] + " " + strings.ToUpper(env[:1]) + env[1:]
		out = append(out, &scenario.Account{ID: id, Name: name, Regions: home})
	}
	return out
}

// personal reports whether acct is a person's own project (no company).
func personal(acct *scenario.Account) bool { return acct.Name == personalName }

// domain is the company's mail domain: the first word of its project ids.
func domain(acct *scenario.Account) string {
	company, _, _ := strings.Cut(acct.ID, "-")
	return company + ".com"
}

// serviceAccountEmail is NAME@PROJECT.iam.gserviceaccount.com.
func serviceAccountEmail(name, project string) string {
	return name + "@" + project + ".iam.gserviceaccount.com"
}

// isServiceAccount reports whether an email is a service account's.
func isServiceAccount(email string) bool {
	return strings.HasSuffix(email, ".gserviceaccount.com")
}

// User agents: people on the console or gcloud, tools on client libraries.
var (
	consoleAgents = []string{
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36,gzip(gfe),gzip(gfe)",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0,gzip(gfe),gzip(gfe)",
		"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0,gzip(gfe),gzip(gfe)",
	}
	cliAgents = []string{
		"google-cloud-sdk gcloud/502.0.0 environment/None environment-version/None client-os/MACOSX client-os-ver/24.1.0 client-pltf-arch/arm interactive/True from-script/False python/3.12.7 term/xterm-256color (Macintosh; Intel Mac OS X 24.1.0),gzip(gfe)",
		"google-cloud-sdk gcloud/498.0.0 environment/None environment-version/None client-os/LINUX client-os-ver/6.8.0 client-pltf-arch/x86_64 interactive/True from-script/False python/3.11.10 term/xterm-256color (Linux 6.8.0-48-generic),gzip(gfe)",
		"google-cloud-sdk gcloud/502.0.0 environment/devshell environment-version/None client-os/LINUX client-os-ver/6.6.56 client-pltf-arch/x86_64 interactive/True from-script/False python/3.12.7 term/screen (Linux 6.6.56+),gzip(gfe)",
	}
	toolAgents = map[string]string{
		"terraform-ci":      "Terraform/1.9.8 (+https://www.terraform.io) Terraform-Plugin-SDK/2.33.0 terraform-provider-google/6.12.0,gzip(gfe)",
		"backup-automation": "google-api-go-client/0.5 snapshot-scheduler/2.3.1,gzip(gfe)",
	}
)

// NewPrincipal makes an actor. A person with a login (anna.ops) is a
// Google account of the company's domain, or a gmail address in a personal
// project; a name without a dot (svc-sync-12, an automation's name) can
// only be a service account, as GCP names them. There is no volume-scanning
// service on GCP: ServiceAccount gets nil.
func (Cloud) NewPrincipal(r *rand.Rand, kind scenario.PrincipalKind, acct *scenario.Account, name string) *scenario.Principal {
	p := &scenario.Principal{Kind: kind, Account: acct}
	switch {
	case kind == scenario.ServiceAccount:
		return nil
	case kind == scenario.Automation:
		p.ID = serviceAccountEmail(name, acct.ID)
		p.IP = "35.195." + strconv.Itoa(64+r.IntN(64)) + "." + strconv.Itoa(1+r.IntN(254))
		p.UserAgent = toolAgents[name]
		if p.UserAgent == "" {
			p.UserAgent = "google-api-go-client/0.5,gzip(gfe)"
		}
	case personal(acct):
		p.ID = strings.ReplaceAll(name, "-", ".") + strconv.Itoa(10+r.IntN(9000)) + "@gmail.com"
		p.IP = "192.0.2." + strconv.Itoa(1+r.IntN(254))
		p.UserAgent = cliAgents[r.IntN(len(cliAgents))]
	case !strings.Contains(name, "."):
		// A service account a person made and holds a key of.
		p.ID = serviceAccountEmail(name, acct.ID)
		p.IP = "198.51.100." + strconv.Itoa(1+r.IntN(254))
		p.UserAgent = cliAgents[r.IntN(len(cliAgents))]
	default:
		p.ID = name + "@" + domain(acct)
		p.IP = "203.0.113." + strconv.Itoa(1+r.IntN(254))
		if r.IntN(2) == 0 {
			p.UserAgent = consoleAgents[r.IntN(len(consoleAgents))]
		} else {
			p.UserAgent = cliAgents[r.IntN(len(cliAgents))]
		}
	}
	p.Name = p.ID
	return p
}

// ResourceID makes a relative name. Snapshots and images get a short
// suffix, as scheduled and scripted copies do, so names never collide.
func (Cloud) ResourceID(r *rand.Rand, kind scenario.ResourceKind, acct *scenario.Account, region, name string) string {
	p := "projects/" + acct.ID
	switch kind {
	case scenario.VolumeID:
		return p + "/zones/" + zoneOf(region) + "/disks/" + name
	case scenario.SnapshotID:
		return p + "/global/snapshots/" + name + "-" + base36(r.Uint64(), 6)
	case scenario.ImageID:
		return p + "/global/images/" + name + "-" + base36(r.Uint64(), 6)
	case scenario.InstanceID:
		return p + "/zones/" + zoneOf(region) + "/instances/" + name
	case scenario.NetID:
		return p + "/global/networkTags/" + name
	case scenario.DatabaseID:
		return p + "/instances/" + name
	case scenario.DBSnapshotID:
		return p + "/instances/" + name + "/backupRuns/" + strconv.FormatInt(1_700_000_000_000+r.Int64N(100_000_000_000), 10)
	}
	return ""
}

// zoneOf returns region as a zone (a region gets its "-b" zone).
func zoneOf(region string) string {
	if n := len(region); n > 2 && region[n-2] == '-' && region[n-1] >= 'a' && region[n-1] <= 'f' {
		return region
	}
	return region + "-b"
}

// EventID makes an insertId: 12 lower-case base-36 characters.
func (Cloud) EventID(r *rand.Rand) string { return base36(r.Uint64(), 12) }

// ShareTarget is how a snapshot is shared with acct: with a service
// account of a company project, or with the owner of a personal one.
func (Cloud) ShareTarget(acct *scenario.Account) string {
	if personal(acct) {
		h := hash(acct.ID, 7)
		return adjectives[h%uint64(len(adjectives))] + "." + nouns[(h>>8)%uint64(len(nouns))] + strconv.Itoa(int(h>>16)%900+100) + "@gmail.com"
	}
	return serviceAccountEmail("disk-restore", acct.ID)
}

// Reads lists the read-only methods background traffic calls.
func (Cloud) Reads() []string {
	out := make([]string, len(reads))
	for i, rd := range reads {
		out[i] = rd.method
	}
	return out
}

// base36 spells the low bits of v as n lower-case base-36 digits.
func base36(v uint64, n int) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = digits[v%36]
		v /= 36
	}
	return string(b)
}

// hash is FNV-1a of s and a salt: the numbers a record derives from an id
// (operation ids, numeric resource ids) are the same in every run.
func hash(s string, salt uint64) uint64 {
	h := uint64(14695981039346656037) ^ salt*1099511628211
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	// FNV mixes the last bytes poorly: finish with a multiply-xorshift.
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

// numericID is a 19-digit id, as Compute gives resources and operations.
func numericID(s string, salt uint64) uint64 {
	return 1_000_000_000_000_000_000 + hash(s, salt)%8_000_000_000_000_000_000
}

// projectNumber is a project's 12-digit number.
func projectNumber(project string) uint64 {
	return 100_000_000_000 + hash(project, 1)%899_999_999_999
}
