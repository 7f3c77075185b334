// Package aws renders the scenario generator's operations as AWS CloudTrail
// records, delivered as CloudTrail delivers them to S3:
// AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<time>_<16 chars>.json.gz,
// each file one {"Records":[…]} object. Records keep the shapes
// internal/decode/cloudtrail reads in real logs (the samples under
// ../shared/samples/aws/cloudtrail): IAM users with access keys, roles
// acting through assumed-role sessions, AWS services through service-linked
// roles. It imports the generator core and the event vocabulary, nothing
// else of ours.
package aws

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Cloud is AWS for the generator. Use it as a pointer: it remembers the
// name each resource id was made for, so that records can carry the Name
// tags and group names a real account's records carry. The zero value is
// ready to use.
type Cloud struct {
	// Plain writes the delivery layout uncompressed (.json instead of
	// .json.gz), for throughput runs where gzip would dominate.
	Plain bool

	mu    sync.Mutex
	names map[string]string // resource id → the name it was made for
}

var _ scenario.Cloud = (*Cloud)(nil)

// Name returns "aws".
func (*Cloud) Name() event.Cloud { return event.AWS }

// companies name the run's organisation; outsiders an account that is not
// the company's.
var (
	companies = []string{"northwind", "bluefin", "corvid", "ostrava", "tessellate", "halcyon"}
	outsiders = []string{"kestrel-labs", "orbit-analytics", "greyline-data", "tidewater-it"}
	regions   = []string{"eu-west-1", "eu-central-1", "us-east-1", "us-east-2", "us-west-2", "ap-southeast-1"}
)

// Accounts makes n 12-digit accounts: <company>-prod, -dev, -staging…, and
// when n > 2 a last one that belongs to someone else. Each works in its
// home region (Regions[0], the generator's) and two more where
// background reads also go.
func (*Cloud) Accounts(r *rand.Rand, n int) []*scenario.Account {
	company := companies[r.IntN(len(companies))]
	region := regions[r.IntN(len(regions))]
	suffixes := []string{"prod", "dev", "staging", "sandbox", "shared"}
	seen := map[string]bool{}
	out := make([]*scenario.Account, 0, n)
	for i := range n {
		name := company + "-" + suffixes[i%len(suffixes)]
		if n > 2 && i == n-1 {
			name = outsiders[r.IntN(len(outsiders))]
		}
		id := randDigits(r, 12)
		for seen[id] || id[0] == '0' {
			id = randDigits(r, 12)
		}
		seen[id] = true
		more := []string{region}
		for len(more) < 3 {
			if x := regions[r.IntN(len(regions))]; !slices.Contains(more, x) {
				more = append(more, x)
			}
		}
		out = append(out, &scenario.Account{ID: id, Name: name, Regions: more})
	}
	return out
}

// GuardDuty Malware Protection acts through a service-linked role: it
// snapshots a volume, shares the snapshot with its own account and deletes
// it after the scan.
const (
	guardDutyService = "malware-protection.guardduty.amazonaws.com"
	guardDutyRole    = "AWSServiceRoleForAmazonGuardDutyMalwareProtection"
	guardDutySession = "GuardDutyMalwareProtection"
)

// guardDutyAccount stands for the AWS-owned account GuardDuty Malware
// Protection shares snapshots with (AWS runs one per region).
const guardDutyAccount = "783764598367"

// NewPrincipal makes an actor of acct. People are IAM users
// (arn:aws:iam::A:user/NAME) working from the CLI or the console; tools are
// roles (arn:aws:iam::A:role/NAME) whose sessions act for them; the
// service account is GuardDuty Malware Protection's service-linked role.
func (*Cloud) NewPrincipal(r *rand.Rand, kind scenario.PrincipalKind, acct *scenario.Account, name string) *scenario.Principal {
	acct = orNone(acct)
	p := &scenario.Principal{Name: name, Kind: kind, Account: acct}
	switch kind {
	case scenario.ServiceAccount:
		p.ID = "arn:aws:iam::" + acct.ID + ":role/aws-service-role/" + guardDutyService + "/" + guardDutyRole
		p.Name = guardDutySession
		p.IP, p.UserAgent = guardDutyService, guardDutyService
	case scenario.Automation:
		p.ID = "arn:aws:iam::" + acct.ID + ":role/" + name
		p.IP = awsIP(r)
		p.UserAgent = lambdaAgent
		if strings.Contains(name, "terraform") {
			p.UserAgent = terraformAgent
		}
	default:
		p.ID = "arn:aws:iam::" + acct.ID + ":user/" + name
		p.IP = publicIP(r, homePrefixes)
		switch n := r.IntN(3); {
		case isOutsider(acct.Name) || strings.HasPrefix(name, "svc-"):
			// Someone else's account, or a programmatic user: keys used
			// from a rented server.
			p.IP, p.UserAgent = publicIP(r, hostingPrefixes), attackerAgent
		case n == 0:
			p.UserAgent = consoleAgents[r.IntN(len(consoleAgents))]
		default:
			p.UserAgent = cliAgents[r.IntN(len(cliAgents))]
		}
	}
	return p
}

// orNone stands an empty account in for a missing one: ids without an
// account rather than a panic.
func orNone(a *scenario.Account) *scenario.Account {
	if a == nil {
		return &scenario.Account{}
	}
	return a
}

func isOutsider(name string) bool {
	for _, o := range outsiders {
		if o == name {
			return true
		}
	}
	return false
}

// ResourceID makes an EC2 id (vol-, snap-, ami-, i-, sg- and 17 hex
// digits) or an RDS ARN qualified by account and region, as
// internal/decode/cloudtrail keeps them (event.RDSID), and remembers the
// name it was made for.
func (c *Cloud) ResourceID(r *rand.Rand, kind scenario.ResourceKind, acct *scenario.Account, region, name string) string {
	acct = orNone(acct)
	var id string
	switch kind {
	case scenario.VolumeID:
		id = randEC2ID(r, "vol")
	case scenario.SnapshotID:
		id = randEC2ID(r, "snap")
	case scenario.ImageID:
		id = randEC2ID(r, "ami")
	case scenario.InstanceID:
		id = randEC2ID(r, "i")
	case scenario.NetID:
		id = randEC2ID(r, "sg")
	case scenario.DatabaseID:
		id = event.RDSID(acct.ID, region, event.RDSInstance, rdsName(name, r))
	case scenario.DBSnapshotID:
		id = event.RDSID(acct.ID, region, event.RDSSnapshot, rdsName(name, r))
	default:
		id = randEC2ID(r, "res")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.names == nil {
		c.names = map[string]string{}
	}
	c.names[id] = name
	return id
}

// nameOf returns the name id was made for, or "".
func (c *Cloud) nameOf(id string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.names[id]
}

// rdsName makes an RDS identifier of name: letters, digits and single
// hyphens, starting with a letter; a name that has none gets a random one.
func rdsName(name string, r *rand.Rand) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9' && b.Len() > 0:
			b.WriteRune(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		s = "db-" + strings.ToLower(randEC2ID(r, "x")[2:])
	}
	return s
}

// EventID makes a CloudTrail eventID: a version-4 UUID.
func (*Cloud) EventID(r *rand.Rand) string { return randUUID(r) }

// Reads returns the read-only operations background traffic makes.
func (*Cloud) Reads() []string {
	out := make([]string, len(readOps))
	for i, d := range readOps {
		out[i] = d.name
	}
	return out
}

// Supports reports true for every kind: each has a CloudTrail operation the
// decoder maps to the intended action (SnapshotExport is the EBS direct
// API's ListSnapshotBlocks, a data event, as tools that pull a snapshot's
// blocks out of AWS make it).
func (*Cloud) Supports(k scenario.Kind) bool {
	return k >= scenario.Read && k <= scenario.DBModify
}

// ShareTarget is the account id a snapshot's createVolumePermission names.
func (*Cloud) ShareTarget(acct *scenario.Account) string { return acct.ID }

// ServiceAccount is the account GuardDuty Malware Protection shares the
// snapshots it scans with.
func (*Cloud) ServiceAccount() string { return guardDutyAccount }

// NewWriter writes under dir in CloudTrail's S3 layout.
func (c *Cloud) NewWriter(dir string) (scenario.Writer, error) {
	return newWriter(c, dir)
}
