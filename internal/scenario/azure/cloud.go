// Package azure renders the scenario generator's ops as Azure Activity Log
// records, exported by a diagnostic setting to a storage account: hourly
// PT1H.json blobs under insights-activity-logs, one record per line, in the
// records shape (operationName and category as strings, resultType, the
// token claims under identity). An ARM write is logged as a Start record
// and its Accept and Success (or Failure) records sharing a correlationId,
// the request body in the first and the response body in an end record.
//
// Ids are full ARM resource ids, canonical (lower-case) in the ops; actors
// are Entra object ids. It imports the generator core and the event
// vocabulary, nothing else of snapwarden's.
package azure

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Cloud is Azure for the scenario generator.
type Cloud struct{}

var _ scenario.Cloud = Cloud{}

// Name returns event.Azure.
func (Cloud) Name() event.Cloud { return event.Azure }

// Organisations name tenants, subscriptions and login domains: the company
// is one of companies, the outside account belongs to one of strangers.
var (
	companies  = []string{"contoso", "northwind", "adatum", "tailspin", "woodgrove", "wingtip"}
	strangers  = []string{"fabrikam", "litware", "proseware", "lamna", "relecloud"}
	envs       = []string{"prod", "dev", "staging", "sandbox"}
	regionSets = [][]string{
		{"westeurope", "northeurope"}, {"germanywestcentral", "westeurope"}, {"swedencentral", "northeurope"},
		{"uksouth", "ukwest"}, {"eastus2", "centralus"}, {"francecentral", "westeurope"},
	}
)

// Accounts makes n subscriptions: the company's (<org>-prod, <org>-dev, …)
// in one tenant, and, when n > 1, a last one of another organisation.
func (Cloud) Accounts(r *rand.Rand, n int) []*scenario.Account {
	org := companies[r.IntN(len(companies))]
	regions := regionSets[r.IntN(len(regionSets))]
	var out []*scenario.Account
	for i := range n {
		a := &scenario.Account{ID: uuid(r), Regions: regions}
		switch {
		case i == n-1 && n > 1:
			a.Name = strangers[r.IntN(len(strangers))] + "-prod"
			a.Regions = regionSets[r.IntN(len(regionSets))]
		default:
			a.Name = org + "-" + envs[i%len(envs)]
		}
		out = append(out, a)
	}
	return out
}

// orgOf returns the organisation an account belongs to; envOf its
// environment.
func orgOf(a *scenario.Account) string {
	org, _ := splitName(a)
	return org
}

func envOf(a *scenario.Account) string {
	_, env := splitName(a)
	return env
}

func splitName(a *scenario.Account) (org, env string) {
	if a == nil {
		return "contoso", "prod"
	}
	i := strings.LastIndexByte(a.Name, '-')
	if i < 0 {
		return a.Name, "prod"
	}
	return a.Name[:i], a.Name[i+1:]
}

// tenantOf is the Entra tenant of an account's organisation.
func tenantOf(a *scenario.Account) string { return hashUUID("tenant/" + orgOf(a)) }

// domainOf is the login domain of an account's organisation.
func domainOf(a *scenario.Account) string { return orgOf(a) + ".com" }

// NewPrincipal makes a person (a UPN with an object id), or, for
// Automation, a service principal (named by its application id, as the
// records name it). Azure has no volume-scanning service that acts on
// snapshots in the Activity Log: ServiceAccount is nil.
func (Cloud) NewPrincipal(r *rand.Rand, kind scenario.PrincipalKind, acct *scenario.Account, name string) *scenario.Principal {
	p := &scenario.Principal{ID: uuid(r), Kind: kind, Account: acct}
	switch kind {
	case scenario.Human:
		p.Name = strings.ToLower(name) + "@" + domainOf(acct)
		p.IP = fmt.Sprintf("%s.%d", officeNets[r.IntN(len(officeNets))], 2+r.IntN(250))
		p.UserAgent = toolOf(p).userAgent
	case scenario.Automation:
		p.Name = uuid(r) // the application id
		p.IP = fmt.Sprintf("20.%d.%d.%d", 50+r.IntN(70), r.IntN(256), 4+r.IntN(250))
		p.UserAgent = automationAgent(name)
	default:
		return nil
	}
	return p
}

// officeNets are the company's egress networks (documentation ranges).
var officeNets = []string{"203.0.113", "198.51.100", "192.0.2"}

// tool is how a person reaches ARM: its application id shows in the token
// claims.
type tool struct {
	appID     string
	appIDACR  string
	userAgent string
}

var tools = []tool{
	{"c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "2", // Azure portal
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"},
	{"04b07795-8ddb-461a-bbee-02f9e1bf7b46", "0", // Azure CLI
		"AZURECLI/2.67.0 (DEB) azsdk-python-core/1.31.0 Python/3.12.7 (Linux-6.8.0-1017-azure-x86_64-with-glibc2.39)"},
	{"1950a258-227b-4e31-a9cf-717495945fc2", "0", // Azure PowerShell
		"AzurePowershell/v13.0.0 PSVersion/v7.4.6 Az.Compute/9.0.0"},
}

// toolOf is the tool a person uses, fixed by their object id.
func toolOf(p *scenario.Principal) tool {
	m := mixOf(p.ID)
	return tools[m.intn(len(tools))]
}

// backupAgent is the backup automation's client: a runbook of an Azure
// Automation account. Its service principal holds Disk Snapshot
// Contributor rather than Contributor.
const backupAgent = "AzurePowershell/v12.3.0 PSVersion/v7.2.0 AzureAutomation Az.Compute/8.3.0"

// automationAgent is a tool's client, by the tool's name.
func automationAgent(name string) string {
	switch {
	case strings.Contains(name, "terraform"):
		return "HashiCorp Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-azurerm/4.10.0 azsdk-go-armcompute/v6.1.0 (go1.23.2; linux)"
	case strings.Contains(name, "backup"):
		return backupAgent
	}
	return "azsdk-go-armcompute/v6.1.0 (go1.23.2; linux)"
}

// ResourceID makes a full ARM id, lower-case (the canonical form), in a
// resource group chosen by the resource's kind and name.
func (Cloud) ResourceID(r *rand.Rand, kind scenario.ResourceKind, acct *scenario.Account, region, name string) string {
	if acct == nil {
		return ""
	}
	name = strings.ToLower(name)
	base := "/subscriptions/" + acct.ID + "/resourcegroups/" + groupFor(kind, acct, name) + "/providers/"
	switch kind {
	case scenario.VolumeID:
		return base + "microsoft.compute/disks/" + name
	case scenario.SnapshotID:
		return base + "microsoft.compute/snapshots/" + name
	case scenario.ImageID:
		return base + "microsoft.compute/images/" + name
	case scenario.InstanceID:
		return base + "microsoft.compute/virtualmachines/" + name
	case scenario.NetID:
		return base + "microsoft.network/networksecuritygroups/" + name
	case scenario.DatabaseID:
		return base + "microsoft.dbforpostgresql/flexibleservers/" + name
	case scenario.DBSnapshotID:
		// An on-demand backup of a flexible server named like the backup.
		return base + "microsoft.dbforpostgresql/flexibleservers/" + name + "/backups/" + name
	}
	return base + "microsoft.resources/unknown/" + name
}

// groupFor picks the resource group: by kind for network and databases,
// else by the name's prefix (prod-db-* in the data group, CI scratch in its
// own…).
func groupFor(kind scenario.ResourceKind, acct *scenario.Account, name string) string {
	env := envOf(acct)
	switch kind {
	case scenario.NetID:
		return "rg-" + env + "-network"
	case scenario.DatabaseID, scenario.DBSnapshotID:
		return "rg-" + env + "-data"
	}
	for _, g := range []struct{ prefix, group string }{
		{"prod-db", "rg-" + env + "-data"}, {"prod-web", "rg-" + env + "-web"}, {"nightly-", "rg-" + env + "-backup"},
		{"ci-", "rg-ci-scratch"}, {"test-", "rg-test"},
	} {
		if strings.HasPrefix(name, g.prefix) {
			return g.group
		}
	}
	return "rg-" + env + "-ops"
}

// EventID makes a placeholder id: exported records carry none, and Write
// replaces it with the id the decoder derives (see decoderID).
func (Cloud) EventID(r *rand.Rand) string { return uuid(r) }

// Supports reports the kinds the Activity Log records and the decoder
// maps to the intended action. Not supported: sharing a snapshot or an
// image version with another tenant or account (Azure has no such call
// for snapshots; a role assignment on the copy decodes as role.assign), DB
// snapshots (a flexible server's on-demand backup decodes as db.backup) and
// DB restores (restored from a server and a point in time, not from a
// snapshot). Principal and credential creation are Entra ID audit events,
// not Activity Log ones: the writer renders them as the role assignments
// that follow them (see principalRole).
func (Cloud) Supports(k scenario.Kind) bool {
	switch k {
	case scenario.Read, scenario.VolumeCreate, scenario.VolumeDelete, scenario.SnapshotCreate, scenario.SnapshotDelete,
		scenario.SnapshotCopy, scenario.SnapshotUnshare, scenario.SnapshotExport, scenario.ImageCreate,
		scenario.VolumeRestore, scenario.VolumeAttach, scenario.InstanceCreate, scenario.IngressOpen,
		scenario.RoleAssign, scenario.DBModify:
		return true
	}
	return false
}

// ShareTarget is the subscription id (no share kind is supported).
func (Cloud) ShareTarget(acct *scenario.Account) string {
	if acct == nil {
		return ""
	}
	return acct.ID
}

// ServiceAccount is "": no cloud service takes shared snapshots.
func (Cloud) ServiceAccount() string { return "" }

// NewWriter writes under dir in the diagnostic-settings layout.
func (Cloud) NewWriter(dir string) (scenario.Writer, error) { return newWriter(dir) }
