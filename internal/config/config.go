// Package config reads snapwarden.yaml: critical assets, trusted accounts
// and principals, correlation windows, allow-list entries, administrative
// ports, Sigma placeholders and field mappings. Parsing is strict (unknown
// keys are errors with their line), Validate checks meaning, and Matchers
// compiles the lists once into the predicates detection calls per event.
// It imports only the event vocabulary.
package config

import (
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Config is snapwarden.yaml, with defaults for what the file leaves out.
type Config struct {
	// Lang is the language of summaries in the table: "en" or "ru".
	Lang string `json:"lang"`
	// Store is the store hunt --db, inventory and serve use when no --db
	// is given: a SQLite file or a postgres:// URL ("" means snapwarden.db
	// where the command runs, for the commands that always keep one).
	Store string `json:"store"`
	// Inventory tunes the snapshot baseline's findings.
	Inventory Inventory `json:"inventory"`
	// Serve configures the daemon.
	Serve Serve `json:"serve"`
	// Kafka configures serve's Kafka ingest (off without brokers).
	Kafka Kafka `json:"kafka"`
	// Critical marks resources as critical; any entry matching is enough.
	Critical []CriticalEntry `json:"critical"`
	// TrustedAccounts are accounts (AWS accounts, Azure subscriptions, GCP
	// projects, OpenStack/VK projects, Yandex folders and clouds) a copy may
	// be shared with without it going "outside". Globs allowed.
	TrustedAccounts []string `json:"trusted_accounts"`
	// TrustedPrincipals are ids, ARNs, emails or globs of principals whose
	// operations on critical databases are expected. A role ARN matches
	// that role's sessions.
	TrustedPrincipals []string `json:"trusted_principals"`
	Windows           Windows  `json:"windows"`
	// Allow suppresses findings of matching rules for matching actors.
	Allow []AllowEntry `json:"allow"`
	// AdminPorts are the ports whose opening to any source is a finding.
	// 22 and 3389 are checked whatever the list says.
	AdminPorts []int `json:"admin_ports"`
	// Placeholders fill Sigma's expand modifier: %name% → values.
	Placeholders map[string][]string `json:"placeholders"`
	// FieldMappings override and extend the built-in field mappings:
	// decoder format (see Formats) → Sigma field name → raw dotted paths,
	// tried in order ("event:NAME" reads a normalized field). It has
	// detect.Options.FieldMappings' shape.
	FieldMappings map[string]map[string][]string `json:"field_mappings"`

	file   string
	origin map[string]Pos // key path → where the file set it
}

// CriticalEntry marks resources critical by id, name or tags. A resource
// matches when its cloud matches (an empty Cloud is every cloud) and any of
// the three does.
type CriticalEntry struct {
	Cloud event.Cloud `json:"cloud"`
	// IDs are exact resource ids in the cloud's canonical form (Azure ids
	// compare case-insensitively; GCP URLs are reduced to relative names).
	IDs []string `json:"ids"`
	// Names are globs over the resource's name and the last segment of its
	// id (an RDS instance identifier, an Azure disk name), case-insensitive.
	Names []string `json:"names"`
	// Tags must all be present with matching values (globs); known only
	// where a tag lookup is given to Matchers.WithTags.
	Tags map[string]string `json:"tags"`
}

// Windows are the correlation time windows.
type Windows struct {
	// Chain is how long a copy, share, restore, attach and ingress may take
	// to form one chain.
	Chain time.Duration `json:"chain"`
	// NewPrincipal is how recently a principal must have been first seen or
	// created to count as new.
	NewPrincipal time.Duration `json:"new_principal"`
	// Lateness is how late an event may arrive and still join its window.
	Lateness time.Duration `json:"lateness"`
}

// Inventory tunes the baseline findings.
type Inventory struct {
	// MaxAge: copies older than this are listed (info). Default 90 days.
	MaxAge time.Duration `json:"max_age"`
	// ShortLived: a copy created and deleted within this is a finding
	// (an attacker's copy cleaned up). Default 24h.
	ShortLived time.Duration `json:"short_lived"`
}

// AllowEntry suppresses findings. Rule and Actor are globs (an empty one
// matches anything, but not both empty); the entry holds through the
// Expires date (UTC), or forever when it is zero.
type AllowEntry struct {
	Rule    string    `json:"rule"`
	Actor   string    `json:"actor"`
	Reason  string    `json:"reason"`
	Expires time.Time `json:"expires"`
}

// Formats are the decoder formats field_mappings may name: the formats a
// rule's logsource selects (aws/cloudtrail is cloudtrail, azure/activitylogs
// azureactivity, gcp/gcp.audit gcpaudit).
var Formats = []string{"cloudtrail", "azureactivity", "gcpaudit", "vkcloud", "openstack", "yandex"}

// DefaultAdminPorts are the ports whose world-open ingress is a finding by
// default: remote administration (SSH 22, Telnet 23, RDP 3389, VNC 5900,
// WinRM 5985 and 5986) and databases whose restored copies an attacker
// reaches directly (MS SQL 1433, Oracle 1521, MySQL/MariaDB 3306,
// PostgreSQL 5432, Redis 6379, Elasticsearch/OpenSearch 9200, MongoDB 27017).
var DefaultAdminPorts = []int{22, 23, 1433, 1521, 3306, 3389, 5432, 5900, 5985, 5986, 6379, 9200, 27017}

// DefaultAllow are the allow entries a configuration without `allow:` has:
// AWS services that make the copy → share → restore chain themselves.
// GuardDuty Malware Protection snapshots a volume, shares the snapshot with
// its service account and restores it there; AWS Backup copies and
// restores on schedules. Their service-linked roles can only be assumed by
// the service, so an attacker cannot hide behind them. A file that sets
// `allow:` replaces the list (`allow: []` removes them).
func DefaultAllow() []AllowEntry {
	const gd, backup = "AWS GuardDuty malware protection scan", "AWS Backup"
	return []AllowEntry{
		{Rule: "*", Actor: "arn:aws:iam::*:role/aws-service-role/malware-protection.guardduty.amazonaws.com/*", Reason: gd},
		{Rule: "*", Actor: "malware-protection.guardduty.amazonaws.com", Reason: gd},
		{Rule: "*", Actor: "guardduty.amazonaws.com", Reason: gd},
		{Rule: "*", Actor: "arn:aws:iam::*:role/aws-service-role/backup.amazonaws.com/*", Reason: backup},
		{Rule: "*", Actor: "arn:aws:iam::*:role/service-role/AWSBackupDefaultServiceRole", Reason: backup},
		{Rule: "*", Actor: "backup.amazonaws.com", Reason: backup},
	}
}

// alwaysAdminPorts are checked whatever admin_ports says.
var alwaysAdminPorts = []int{22, 3389}

// Default returns a fresh configuration with every default set.
func Default() *Config {
	return &Config{
		Lang:              "en",
		Critical:          []CriticalEntry{},
		TrustedAccounts:   []string{},
		TrustedPrincipals: []string{},
		Windows: Windows{
			Chain:        24 * time.Hour,
			NewPrincipal: 7 * 24 * time.Hour,
			Lateness:     15 * time.Minute,
		},
		Allow:         DefaultAllow(),
		Inventory:     Inventory{MaxAge: 90 * 24 * time.Hour, ShortLived: 24 * time.Hour},
		Serve:         defaultServe(),
		Kafka:         defaultKafka(),
		AdminPorts:    append([]int(nil), DefaultAdminPorts...),
		Placeholders:  map[string][]string{},
		FieldMappings: map[string]map[string][]string{},
	}
}

// File returns the name the configuration was parsed from ("" for Default).
func (c *Config) File() string { return c.file }

// Where returns where the file set a key path ("allow[2].rule"), as
// "file:line:col", or "" when the file did not set it. Packages that check
// cross-references (an allow entry naming an unknown rule) use it to point
// at the line.
func (c *Config) Where(path string) string {
	p, ok := c.origin[path]
	if !ok {
		return ""
	}
	return p.String()
}
