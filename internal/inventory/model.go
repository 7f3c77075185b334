// Package inventory keeps a baseline of the copies that exist — snapshots,
// images, backups, DB snapshots — per cloud, account and region (ATT&CK
// DS0020: "periodically baseline snapshots to identify malicious
// modifications or additions"). Collectors (internal/inventory/<cloud>)
// read them through the clouds' SDKs, importers (internal/inventory/importer)
// read the exports people already have; both yield Records, which the store
// keeps with history, and Diff turns changes into baseline findings.
package inventory

import (
	"context"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Kind is what a record is.
type Kind string

// The kinds of copies an inventory holds.
const (
	Snapshot   Kind = "snapshot"    // a disk/volume snapshot (EBS, managed disk, PD, Cinder, Yandex)
	Image      Kind = "image"       // an image (AMI, managed image, gallery image version, GCE/machine image, Glance)
	Backup     Kind = "backup"      // a backup (AWS Backup recovery point, Cinder backup)
	DBSnapshot Kind = "db_snapshot" // a database snapshot or backup (RDS, Trove/DBaaS)
	Volume     Kind = "volume"      // a volume or disk with its source (restored copies)
	Guardrail  Kind = "guardrail"   // an account setting that blocks public copies (EBS/AMI block public access)
)

// Kinds lists every kind.
var Kinds = []Kind{Snapshot, Image, Backup, DBSnapshot, Volume, Guardrail}

// Record is one copy as observed.
type Record struct {
	Cloud   event.Cloud `json:"cloud"`
	Account string      `json:"account"`
	Region  string      `json:"region"`
	Kind    Kind        `json:"kind"`
	// ID is the canonical id (internal/event/ids.go): the same form the
	// decoders give, so inventory and event history join.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Source is what the copy was made from (a volume, an instance, a DB),
	// canonical id; "" when the cloud does not say.
	Source  string    `json:"source,omitempty"`
	Created time.Time `json:"created,omitempty"`
	// Creator is the principal that made it, when the inventory says (Azure
	// and GCP do not); Diff fills it from the event history otherwise.
	Creator   string            `json:"creator,omitempty"`
	Encrypted bool              `json:"encrypted"`
	KeyID     string            `json:"key_id,omitempty"`
	SizeGB    int64             `json:"size_gb,omitempty"`
	State     string            `json:"state,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
	Exposure  Exposure          `json:"exposure"`
	// Guardrail state, for Kind Guardrail: the setting's name in Name and
	// whether it blocks public sharing.
	Enabled bool `json:"enabled,omitempty"`
}

// Exposure is who besides the owner can use a copy.
type Exposure struct {
	// Accounts (or projects, tenants, principals) it is shared with.
	Accounts []string `json:"accounts,omitempty"`
	Public   bool     `json:"public,omitempty"`
	// Network says how it is reachable beyond identity: an Azure SAS / an
	// "AllowAll" network access policy / public network access, a Glance
	// visibility of "public" or "community".
	Network string `json:"network,omitempty"`
}

// Scope is the part of the inventory one collection or import replaces:
// what is absent from it there is removed there, and nowhere else.
type Scope struct {
	Cloud   event.Cloud
	Account string
	Region  string
	Kind    Kind
}

// Scope returns the record's scope.
func (r *Record) Scope() Scope {
	return Scope{Cloud: r.Cloud, Account: r.Account, Region: r.Region, Kind: r.Kind}
}

// CollectOptions configure a collector.
type CollectOptions struct {
	// Endpoint overrides the API endpoint (tests, private clouds, VK/Yandex
	// regions). "" uses the SDK's default.
	Endpoint string
	// Accounts and Regions limit what is read; empty means what the
	// credentials reach / the configured default region.
	Accounts []string
	Regions  []string
	// MaxRetries bounds retries of throttled calls (0: the collector's
	// default, with exponential backoff).
	MaxRetries int
}

// Failure is a part of a collection that failed (one account/region/kind):
// what was collected elsewhere is kept.
type Failure struct {
	Scope Scope
	Err   error
}

// Result is what a collection read: the records, the scopes it read in full
// (which an import or a store save may replace), and the partial failures.
type Result struct {
	Records  []Record
	Complete []Scope
	Failures []Failure
}

// Collector reads one cloud's inventory through its SDK, with the SDK's
// standard credential chain.
type Collector interface {
	Cloud() event.Cloud
	Collect(ctx context.Context, opts CollectOptions) (*Result, error)
}
