// Package scenario writes realistic multi-cloud audit logs with attack
// scenarios injected into benign background activity, and the ground truth
// of what a detector must find in them (truth.json). The generator decides
// who does what to which resource, cloud-neutrally (Op); each cloud's
// package (internal/scenario/<cloud>) renders ops as that cloud's records,
// in its native delivery layout. Verify runs the real hunt pipeline over a
// generated set and measures recall and false positives.
//
// Output is deterministic for a seed: one *rand.Rand per cloud, seeded from
// the run's seed and the cloud's name.
package scenario

import (
	"math/rand/v2"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Kind is what an operation does, cloud-neutrally.
type Kind int

// The operations the generator makes. A cloud renders each with its own
// operation names; one that has no equivalent (an export on a cloud without
// exports) is never asked for: see Cloud.Supports.
const (
	Read             Kind = iota // a read-only call (Describe*, List*, Get*): Op.Name says which
	VolumeCreate                 // Created: a new empty volume
	VolumeDelete                 // Target
	SnapshotCreate               // Source volume → Created snapshot
	SnapshotDelete               // Target snapshot
	SnapshotCopy                 // Source snapshot → Created snapshot (same account, or Op.Account is the other account)
	SnapshotShare                // Target snapshot shared with Op.ShareWith (an account, a principal, or event.Public)
	SnapshotUnshare              // Target snapshot no longer shared with Op.ShareWith
	SnapshotExport               // Target snapshot exported (Azure SAS, AWS ExportImage-like, GCP images.export)
	ImageCreate                  // Source instance or volume → Created image
	ImageShare                   // Target image shared with Op.ShareWith
	VolumeRestore                // Source snapshot → Created volume
	VolumeAttach                 // Source volume attached to Target instance
	InstanceCreate               // Created instance in network object Net (security group, NSG, firewall tag); Source: image, or a volume to boot from or attach
	IngressOpen                  // Target network object opened: Port from CIDR
	PrincipalCreate              // Created principal (its Principal.ID is in Created)
	CredentialCreate             // Target principal given a key or password
	RoleAssign                   // Target principal given a role on the account
	DBSnapshotCreate             // Source database → Created DB snapshot
	DBSnapshotShare              // Target DB snapshot shared with Op.ShareWith
	DBRestore                    // Source DB snapshot → Created database
	DBModify                     // Target database changed (password reset, a user added)
)

// Op is one operation for a cloud to render.
type Op struct {
	// ID is the provider event id the rendered record carries, made by
	// Cloud.EventID; truth.json refers to it. A Writer whose records carry
	// no id (the decoder derives one) sets it to that derived id in Write.
	ID      string
	Time    time.Time
	Kind    Kind
	Name    string // for Read: the provider operation name
	Account *Account
	Region  string
	Actor   *Principal
	Source  string // resource ids, as Cloud.ResourceID made them
	Target  string
	Created string
	Net     string // the network object of a created instance
	// ShareWith is an account id, a principal (an email, an ARN) or
	// event.Public.
	ShareWith string
	Port      int
	CIDR      string
	// Failed renders the call as refused (AccessDenied or the cloud's
	// equivalent): it must decode with outcome failure.
	Failed bool
}

// Account is one account (AWS account, Azure subscription, GCP project,
// OpenStack/VK project, Yandex folder) and its naming.
type Account struct {
	ID      string
	Name    string
	Regions []string
}

// Principal is an actor as its cloud's logs name it.
type Principal struct {
	// ID is the stable identity the decoder puts in actor.id (AWS: the user
	// or role ARN; Azure: an object id; GCP: an email; VK/OpenStack: a user
	// id; Yandex: a subject id).
	ID   string
	Name string
	// Kind says what it is: "user", "role" (assumed through sessions; AWS),
	// "service" (a service account or a cloud service), "console".
	Kind      PrincipalKind
	IP        string
	UserAgent string
	Account   *Account
}

// PrincipalKind is what kind of actor a principal is.
type PrincipalKind int

const (
	Human          PrincipalKind = iota // a person, on the console or CLI
	Automation                          // a role or service account used by tools (backups, CI)
	ServiceAccount                      // a cloud service acting on its own (GuardDuty, AWS Backup); AWS only
)

// ResourceKind is a kind of resource the generator asks ids for.
type ResourceKind int

const (
	VolumeID ResourceKind = iota
	SnapshotID
	ImageID
	InstanceID
	NetID // the network object inbound rules open: security group, NSG, network tag
	DatabaseID
	DBSnapshotID
)

// Cloud renders one cloud's records. Its implementations live in
// internal/scenario/<cloud>; each keeps to the real shapes of that cloud's
// logs (the decoders' sample tests are the yardstick).
type Cloud interface {
	Name() event.Cloud
	// Accounts makes the run's accounts: n of them (the first is the
	// company's main one, the last can act as an attacker's outside
	// account where the cloud has cross-account sharing).
	Accounts(r *rand.Rand, n int) []*Account
	// NewPrincipal makes an actor of acct named name (a person's login or
	// a tool's name), in the cloud's identity form. For ServiceAccount it
	// returns the cloud's volume-scanning service (AWS GuardDuty malware
	// protection's service-linked role), or nil where there is none.
	NewPrincipal(r *rand.Rand, kind PrincipalKind, acct *Account, name string) *Principal
	// ResourceID makes a fresh resource id in the form the logs write and
	// the decoder keeps (canonical ids; see internal/event/ids.go).
	ResourceID(r *rand.Rand, kind ResourceKind, acct *Account, region, name string) string
	// EventID makes a fresh provider event id.
	EventID(r *rand.Rand) string
	// Reads are the read-only operation names background traffic uses.
	Reads() []string
	// Supports reports whether the cloud has an operation of that kind.
	Supports(k Kind) bool
	// ShareTarget is how a share with acct is written (an account id, a
	// project's service account…), as Op.ShareWith.
	ShareTarget(acct *Account) string
	// ServiceAccount is the account (or principal) a cloud service that
	// scans volumes shares snapshots with; "" where there is none.
	ServiceAccount() string
	// NewWriter writes the run's records under dir in the cloud's native
	// delivery layout. Ops come in time order.
	NewWriter(dir string) (Writer, error)
}

// Writer renders ops into files. Write may buffer; Close flushes and
// reports the bytes written (uncompressed JSON).
type Writer interface {
	Write(op *Op) error
	Close() (bytes int64, err error)
}
