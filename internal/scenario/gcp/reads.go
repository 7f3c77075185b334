package gcp

import (
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Reads are Data Access (ADMIN_READ and DATA_READ) entries: a list, get or
// aggregatedList by a person or a tool. Each is a template of the parts
// that vary between methods; {P} is the project id, {N} its number, {Z}
// the zone and {R} the region.
type read struct {
	method  string
	service string
	perm    string
	name    tmpl // resourceName
	// authz is resourceAttributes' service and type ("" for services that
	// leave them empty).
	authzService, authzType string
	request                 tmpl // the request's fields after its @type; "" for none
	reqType                 string
	resource                tmpl // the LogEntry's monitored resource
	zonal                   bool // resourceLocation is the zone
}

var reads = []read{
	computeList("v1.compute.instances.list", "compute.instances.list", "projects/{P}/zones/{Z}/instances", "compute.instances",
		`{"type":"gce_instance","labels":{"instance_id":"","project_id":"{P}","zone":"{Z}"}}`, true),
	computeList("v1.compute.instances.aggregatedList", "compute.instances.list", "projects/{P}/aggregated/instances", "compute.instances",
		`{"type":"gce_instance","labels":{"instance_id":"","project_id":"{P}","zone":""}}`, false),
	computeList("v1.compute.disks.list", "compute.disks.list", "projects/{P}/zones/{Z}/disks", "compute.disks",
		`{"type":"gce_disk","labels":{"disk_id":"","project_id":"{P}","zone":"{Z}"}}`, true),
	computeList("v1.compute.disks.aggregatedList", "compute.disks.list", "projects/{P}/aggregated/disks", "compute.disks",
		`{"type":"gce_disk","labels":{"disk_id":"","project_id":"{P}","zone":""}}`, false),
	computeList("v1.compute.snapshots.list", "compute.snapshots.list", "projects/{P}/global/snapshots", "compute.snapshots",
		`{"type":"gce_snapshot","labels":{"project_id":"{P}","snapshot_id":""}}`, false),
	computeList("v1.compute.images.list", "compute.images.list", "projects/{P}/global/images", "compute.images",
		`{"type":"gce_image","labels":{"image_id":"","project_id":"{P}"}}`, false),
	computeList("v1.compute.firewalls.list", "compute.firewalls.list", "projects/{P}/global/firewalls", "compute.firewalls",
		`{"type":"gce_firewall_rule","labels":{"firewall_rule_id":"","project_id":"{P}"}}`, false),
	computeList("v1.compute.networks.list", "compute.networks.list", "projects/{P}/global/networks", "compute.networks",
		`{"type":"gce_network","labels":{"network_id":"","project_id":"{P}"}}`, false),
	computeList("v1.compute.networks.get", "compute.networks.get", "projects/{P}/global/networks/default", "compute.networks",
		`{"type":"gce_network","labels":{"network_id":"","project_id":"{P}"}}`, false),
	computeList("v1.compute.subnetworks.list", "compute.subnetworks.list", "projects/{P}/regions/{R}/subnetworks", "compute.subnetworks",
		`{"type":"gce_subnetwork","labels":{"location":"{R}","project_id":"{P}","subnetwork_id":"","subnetwork_name":""}}`, false),
	computeList("v1.compute.projects.get", "compute.projects.get", "projects/{P}", "compute.projects",
		`{"type":"gce_project","labels":{"project_id":"{P}"}}`, false),
	computeList("v1.compute.zones.list", "compute.zones.list", "projects/{P}/zones", "compute.zones",
		`{"type":"gce_project","labels":{"project_id":"{P}"}}`, false),
	computeList("v1.compute.regions.get", "compute.regions.get", "projects/{P}/regions/{R}", "compute.regions",
		`{"type":"gce_project","labels":{"project_id":"{P}"}}`, false),
	computeList("v1.compute.instanceTemplates.list", "compute.instanceTemplates.list", "projects/{P}/global/instanceTemplates", "compute.instanceTemplates",
		`{"type":"gce_instance_template","labels":{"instance_template_id":"","instance_template_name":"","project_id":"{P}"}}`, false),
	computeList("v1.compute.instanceGroupManagers.aggregatedList", "compute.instanceGroupManagers.list", "projects/{P}/aggregated/instanceGroupManagers", "compute.instanceGroupManagers",
		`{"type":"gce_instance_group_manager","labels":{"instance_group_manager_id":"","instance_group_manager_name":"","location":"","project_id":"{P}"}}`, false),
	{method: "google.iam.admin.v1.ListServiceAccounts", service: "iam.googleapis.com", perm: "iam.serviceAccounts.list",
		name: parse("projects/{P}"), reqType: "google.iam.admin.v1.ListServiceAccountsRequest", request: parse(`"name":"projects/{P}"`),
		resource: parse(`{"type":"service_account","labels":{"email_id":"","project_id":"{P}","unique_id":""}}`)},
	{method: "GetIamPolicy", service: "cloudresourcemanager.googleapis.com", perm: "resourcemanager.projects.getIamPolicy",
		name: parse("projects/{P}"), reqType: "google.iam.v1.GetIamPolicyRequest", request: parse(`"resource":"projects/{P}","options":{"requestedPolicyVersion":3}`),
		resource: parse(`{"type":"project","labels":{"project_id":"{P}"}}`)},
	{method: "storage.buckets.list", service: "storage.googleapis.com", perm: "storage.buckets.list", name: parse("projects/_"),
		authzService: "storage", authzType: "storage.buckets",
		resource: parse(`{"type":"gcs_bucket","labels":{"bucket_name":"","location":"global","project_id":"{P}"}}`)},
	{method: "storage.objects.list", service: "storage.googleapis.com", perm: "storage.objects.list", name: parse("projects/_/buckets/{P}-tfstate"),
		authzService: "storage", authzType: "storage.buckets",
		resource: parse(`{"type":"gcs_bucket","labels":{"bucket_name":"{P}-tfstate","location":"{R}","project_id":"{P}"}}`)},
	{method: "storage.objects.get", service: "storage.googleapis.com", perm: "storage.objects.get",
		name: parse("projects/_/buckets/{P}-tfstate/objects/terraform/state/default.tfstate"), authzService: "storage", authzType: "storage.objects",
		resource: parse(`{"type":"gcs_bucket","labels":{"bucket_name":"{P}-tfstate","location":"{R}","project_id":"{P}"}}`)},
	{method: "google.logging.v2.ConfigServiceV2.ListSinks", service: "logging.googleapis.com", perm: "logging.sinks.list",
		name: parse("projects/{P}"), reqType: "google.logging.v2.ListSinksRequest", request: parse(`"parent":"projects/{P}"`),
		resource: parse(`{"type":"audited_resource","labels":{"method":"google.logging.v2.ConfigServiceV2.ListSinks","project_id":"{P}","service":"logging.googleapis.com"}}`)},
	{method: "google.logging.v2.LoggingServiceV2.ListLogEntries", service: "logging.googleapis.com", perm: "logging.logEntries.list",
		name: parse("projects/{P}"), reqType: "google.logging.v2.ListLogEntriesRequest",
		request:  parse(`"resourceNames":["projects/{P}"],"filter":"logName=\"projects/{P}/logs/cloudaudit.googleapis.com%2Factivity\"","orderBy":"timestamp desc","pageSize":50`),
		resource: parse(`{"type":"audited_resource","labels":{"method":"google.logging.v2.LoggingServiceV2.ListLogEntries","project_id":"{P}","service":"logging.googleapis.com"}}`)},
	{method: "cloudsql.instances.list", service: "cloudsql.googleapis.com", perm: "cloudsql.instances.list",
		name: parse("projects/{P}"), reqType: "google.cloud.sql.v1beta4.SqlInstancesListRequest", request: parse(`"project":"{P}"`),
		resource: parse(`{"type":"cloudsql_database","labels":{"database_id":"","project_id":"{P}","region":""}}`)},
	{method: "google.container.v1.ClusterManager.ListClusters", service: "container.googleapis.com", perm: "container.clusters.list",
		name: parse("projects/{P}/locations/-"), reqType: "google.container.v1.ListClustersRequest", request: parse(`"parent":"projects/{P}/locations/-"`),
		resource: parse(`{"type":"gke_cluster","labels":{"cluster_name":"","location":"-","project_id":"{P}"}}`)},
	{method: "google.api.serviceusage.v1.ServiceUsage.ListServices", service: "serviceusage.googleapis.com", perm: "serviceusage.services.list",
		name: parse("projects/{N}"), reqType: "google.api.serviceusage.v1.ListServicesRequest", request: parse(`"parent":"projects/{N}","filter":"state:ENABLED"`),
		resource: parse(`{"type":"audited_resource","labels":{"method":"google.api.serviceusage.v1.ServiceUsage.ListServices","project_id":"{P}","service":"serviceusage.googleapis.com"}}`)},
	{method: "google.cloud.secretmanager.v1.SecretManagerService.ListSecrets", service: "secretmanager.googleapis.com", perm: "secretmanager.secrets.list",
		name: parse("projects/{N}"), reqType: "google.cloud.secretmanager.v1.ListSecretsRequest", request: parse(`"parent":"projects/{N}"`),
		resource: parse(`{"type":"audited_resource","labels":{"method":"google.cloud.secretmanager.v1.SecretManagerService.ListSecrets","project_id":"{P}","service":"secretmanager.googleapis.com"}}`)},
}

// computeList is a Compute read: its request is only an @type.
func computeList(method, perm, name, typ, resource string, zonal bool) read {
	return read{method: method, service: "compute.googleapis.com", perm: perm, name: parse(name),
		authzService: "compute", authzType: typ, reqType: "compute." + strings.TrimPrefix(method, "v1.compute."),
		resource: parse(resource), zonal: zonal}
}

// readIndex finds a read by method name.
func readIndex(method string) int {
	for i := range reads {
		if reads[i].method == method {
			return i
		}
	}
	return -1
}

// renderRead appends a read's Data Access entry; caller is the actor's,
// rendered by appendCaller.
func renderRead(b []byte, op *scenario.Op, caller []byte) []byte {
	i := readIndex(op.Name)
	if i < 0 {
		i = 0 // an unknown name reads as the commonest call
	}
	rd := &reads[i]
	v := varsOf(op)
	b = append(b, `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog",`...)
	b = appendRequestTime(append(b, caller...), op.Time, true)
	b = appendField(b, "serviceName", rd.service)
	b = append(b, ',')
	b = appendField(b, "methodName", rd.method)
	b = append(b, `,"authorizationInfo":[{"resource":"`...)
	b = rd.name.expand(b, &v)
	b = append(b, `","permission":"`...)
	b = append(b, rd.perm...)
	b = append(b, `","granted":true,"resourceAttributes":{`...)
	if rd.authzService != "" {
		b = append(b, `"service":"`...)
		b = append(b, rd.authzService...)
		b = append(b, `","name":"`...)
		b = rd.name.expand(b, &v)
		b = append(b, `","type":"`...)
		b = append(b, rd.authzType...)
		b = append(b, '"')
	}
	b = append(b, `}}],"resourceName":"`...)
	b = rd.name.expand(b, &v)
	b = append(b, '"')
	if rd.reqType != "" {
		b = append(b, `,"request":{"@type":"type.googleapis.com/`...)
		b = append(b, rd.reqType...)
		b = append(b, '"')
		if len(rd.request) > 0 {
			b = append(b, ',')
			b = rd.request.expand(b, &v)
		}
		b = append(b, '}')
	}
	if rd.zonal {
		b = append(b, `,"resourceLocation":{"currentLocations":["`...)
		b = append(b, v.zone...)
		b = append(b, `"]}`...)
	}
	b = append(b, `},"insertId":`...)
	b = scenario.AppendString(b, op.ID)
	b = append(b, `,"resource":`...)
	b = rd.resource.expand(b, &v)
	b = append(b, `,"timestamp":`...)
	b = appendTime(b, op.Time, 9)
	b = append(b, `,"severity":"INFO","logName":"projects/`...)
	b = append(b, v.project...)
	b = append(b, `/logs/cloudaudit.googleapis.com%2Fdata_access","receiveTimestamp":`...)
	b = appendTime(b, op.Time.Add(receiveDelay(op.ID)), 9)
	return append(b, "}\n"...)
}

// vars are the values a template's placeholders stand for.
type vars struct {
	project, zone, region string
}

func varsOf(op *scenario.Op) vars {
	z := zoneOf(op.Region)
	return vars{project: op.Account.ID, zone: z, region: regionOf(z)}
}

// tmpl is a template split at its placeholders: literal text, then the
// placeholder's letter (0 for none), in turn.
type tmpl []piece

type piece struct {
	lit string
	ph  byte
}

// parse splits text at {P}, {N}, {Z} and {R}; other braces are text.
func parse(text string) tmpl {
	var t tmpl
	start := 0
	for i := 0; i+2 < len(text); i++ {
		if text[i] == '{' && text[i+2] == '}' && strings.IndexByte("PNZR", text[i+1]) >= 0 {
			t = append(t, piece{lit: text[start:i], ph: text[i+1]})
			start = i + 3
			i += 2
		}
	}
	if start < len(text) {
		t = append(t, piece{lit: text[start:]})
	}
	return t
}

func (t tmpl) expand(b []byte, v *vars) []byte {
	for _, p := range t {
		b = append(b, p.lit...)
		switch p.ph {
		case 'P':
			b = append(b, v.project...)
		case 'N':
			b = strconv.AppendUint(b, projectNumber(v.project), 10)
		case 'Z':
			b = append(b, v.zone...)
		case 'R':
			b = append(b, v.region...)
		}
	}
	return b
}
