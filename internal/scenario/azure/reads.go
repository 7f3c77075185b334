package azure

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// readSpec is a read-only operation of background traffic and the
// resources it is called on: in a resource group (group is its suffix,
// after rg-<env>-, or watcherGroup) under path, one of names; with no
// path, the group itself. {org} and {region} in a name are the
// organisation and the account's first region.
type readSpec struct {
	op    string
	group string
	path  string
	names []string
}

var (
	vms       = []string{"prod-web-01", "prod-web-02", "prod-web-03", "prod-web-04"}
	dataDisks = []string{"prod-web-01-data", "prod-web-02-data", "prod-web-03-data", "prod-web-04-data"}
	nsgs      = []string{"web-tier-01", "web-tier-02", "web-tier-03"}
	storage   = []string{"{org}prodlogs", "{org}tfstate", "{org}backupdiag"}
	groups    = []string{"web", "data", "network", "ops"}
)

// watcherGroup is the resource group Azure makes for Network Watchers.
const watcherGroup = "NetworkWatcherRG"

// readSpecs are the reads: GETs and the POST actions that only read
// (listKeys, validate, whatIf, retrieving boot diagnostics…). None of them
// has a normalized action.
var readSpecs = []readSpec{
	{"Microsoft.Compute/virtualMachines/read", "web", "Microsoft.Compute/virtualMachines/", vms},
	{"Microsoft.Compute/virtualMachines/instanceView/read", "web", "Microsoft.Compute/virtualMachines/", vms},
	{"Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action", "web", "Microsoft.Compute/virtualMachines/", vms},
	{"Microsoft.Compute/disks/read", "web", "Microsoft.Compute/disks/", dataDisks},
	{"Microsoft.Compute/snapshots/read", "backup", "Microsoft.Compute/snapshots/", []string{"nightly-0-00", "nightly-0-01", "nightly-0-02"}},
	{"Microsoft.Compute/images/read", "ops", "Microsoft.Compute/images/", []string{"ubuntu-2404-base", "web-golden-2026-10"}},
	{"Microsoft.Network/networkSecurityGroups/read", "network", "Microsoft.Network/networkSecurityGroups/", nsgs},
	{"Microsoft.Network/networkInterfaces/read", "web", "Microsoft.Network/networkInterfaces/", []string{"prod-web-01-nic", "prod-web-02-nic", "prod-web-03-nic"}},
	{"Microsoft.Network/virtualNetworks/read", "network", "Microsoft.Network/virtualNetworks/", []string{"vnet-{org}-hub", "vnet-{org}-spoke-web"}},
	{"Microsoft.Network/publicIPAddresses/read", "web", "Microsoft.Network/publicIPAddresses/", []string{"agw-{org}-pip", "prod-web-01-ip"}},
	{"Microsoft.Network/networkWatchers/ipFlowVerify/action", watcherGroup, "Microsoft.Network/networkWatchers/", []string{"NetworkWatcher_{region}"}},
	{"Microsoft.Storage/storageAccounts/read", "ops", "Microsoft.Storage/storageAccounts/", storage},
	{"Microsoft.Storage/storageAccounts/listKeys/action", "ops", "Microsoft.Storage/storageAccounts/", storage},
	{"Microsoft.Storage/storageAccounts/blobServices/containers/read", "ops", "Microsoft.Storage/storageAccounts/{org}prodlogs/blobServices/default/containers/", []string{"insights-activity-logs", "tfstate", "exports"}},
	{"Microsoft.KeyVault/vaults/read", "ops", "Microsoft.KeyVault/vaults/", []string{"kv-{org}-prod", "kv-{org}-ci"}},
	{"Microsoft.Web/sites/read", "web", "Microsoft.Web/sites/", []string{"app-{org}-api", "app-{org}-portal"}},
	{"Microsoft.Web/sites/config/list/action", "web", "Microsoft.Web/sites/app-{org}-api/config/", []string{"appsettings", "connectionstrings"}},
	{"Microsoft.ContainerService/managedClusters/read", "web", "Microsoft.ContainerService/managedClusters/", []string{"aks-{org}-prod"}},
	{"Microsoft.ContainerService/managedClusters/listClusterUserCredential/action", "web", "Microsoft.ContainerService/managedClusters/", []string{"aks-{org}-prod"}},
	{"Microsoft.DBforPostgreSQL/flexibleServers/read", "data", "Microsoft.DBforPostgreSQL/flexibleServers/", []string{"prod-db-orders", "prod-db-billing"}},
	{"Microsoft.Sql/servers/read", "data", "Microsoft.Sql/servers/", []string{"sql-{org}-reporting"}},
	{"Microsoft.Sql/servers/databases/read", "data", "Microsoft.Sql/servers/sql-{org}-reporting/databases/", []string{"reporting", "audit"}},
	{"Microsoft.RecoveryServices/vaults/read", "backup", "Microsoft.RecoveryServices/vaults/", []string{"rsv-{org}-prod"}},
	{"Microsoft.Resources/subscriptions/resourceGroups/read", "", "", groups},
	{"Microsoft.Resources/deployments/read", "web", "Microsoft.Resources/deployments/", []string{"web-release-1187", "web-release-1188"}},
	{"Microsoft.Resources/deployments/validate/action", "web", "Microsoft.Resources/deployments/", []string{"web-release-1189"}},
	{"Microsoft.Resources/deployments/whatIf/action", "network", "Microsoft.Resources/deployments/", []string{"network-baseline"}},
	{"Microsoft.Authorization/roleAssignments/read", "ops", "Microsoft.Authorization/roleAssignments/", []string{"2f1c7a52-6a0b-4d1e-9c3f-8b6e0a4d5c21"}},
	{"Microsoft.Authorization/policyAssignments/read", "ops", "Microsoft.Authorization/policyAssignments/", []string{"asb-initiative", "allowed-locations"}},
	{"Microsoft.Insights/diagnosticSettings/read", "ops", "Microsoft.Insights/diagnosticSettings/", []string{"activity-to-storage"}},
	{"Microsoft.OperationalInsights/workspaces/sharedKeys/action", "ops", "Microsoft.OperationalInsights/workspaces/", []string{"log-{org}-prod"}},
}

// readNames lists the read operations, in readSpecs' order.
var readNames = func() []string {
	out := make([]string, len(readSpecs))
	for i, s := range readSpecs {
		out[i] = s.op
	}
	return out
}()

// Reads returns the read-only operations background traffic uses.
func (Cloud) Reads() []string { return readNames }

// readOp is a read operation of an account, spelled as each record field
// wants it, and the resources it is called on.
type readOp struct {
	opQ, opUpperQ, version string
	targets                []readTarget
}

// readTarget is one resource a read is called on.
type readTarget struct {
	scope, scopeQ, resQ string
}

// readSet is an account's reads by operation name.
type readSet map[string]*readOp

func newReadSet(acct *scenario.Account) readSet {
	org, env, region := orgOf(acct), envOf(acct), ""
	if len(acct.Regions) > 0 {
		region = acct.Regions[0]
	}
	set := readSet{}
	for _, s := range readSpecs {
		var ts []readTarget
		for _, n := range s.names {
			var id string
			switch {
			case s.path == "":
				id = "/subscriptions/" + acct.ID + "/resourceGroups/rg-" + env + "-" + n
			case s.group == watcherGroup:
				id = "/subscriptions/" + acct.ID + "/resourceGroups/" + s.group + "/providers/" + s.path + n
			default:
				id = "/subscriptions/" + acct.ID + "/resourceGroups/rg-" + env + "-" + s.group + "/providers/" + s.path + n
			}
			id = strings.NewReplacer("{org}", org, "{region}", region).Replace(id)
			ts = append(ts, readTarget{scope: id, scopeQ: string(scenario.AppendString(nil, id)),
				resQ: string(scenario.AppendString(nil, strings.ToUpper(id)))})
		}
		set[s.op] = &readOp{opQ: string(scenario.AppendString(nil, s.op)), opUpperQ: string(scenario.AppendString(nil, strings.ToUpper(s.op))),
			version: versionOf(s.op), targets: ts}
	}
	return set
}
