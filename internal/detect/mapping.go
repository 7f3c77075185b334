package detect

// Field mappings: SigmaHQ's cloud rules name fields as SIEM backends store
// them (GCP's ECS-style gcp.audit.method_name, the Azure Log Analytics
// columns OperationNameValue or ResourceProviderValue), not as the provider
// writes them. This table resolves those names to raw paths of the records
// snapwarden decodes. It is data: docs/field-mappings.md is generated from
// it (go test ./internal/detect -run TestFieldMappingsDoc -update), and
// Options.FieldMappings overrides or extends it.

// Mapping resolves one field name of one format.
type Mapping struct {
	Format string
	Field  string
	// Paths are dotted raw paths tried in order; in each record the first
	// present one wins.
	Paths []string
	// Event is a normalized field (see Fields) read when no path is present.
	Event string
	// Last reads the records of a paired operation last first: the final
	// record holds the outcome (Azure EndRequest, GCP operation.last).
	Last bool
	Note string
}

// PrefixMapping resolves a family of field names: Prefix is replaced by To,
// and with SnakeToCamel every later segment is spelled in camelCase
// (request_metadata.caller_ip → requestMetadata.callerIp).
type PrefixMapping struct {
	Format       string
	Prefix, To   string
	SnakeToCamel bool
	Note         string
}

// Mappings returns the built-in field mappings.
func Mappings() []Mapping {
	return append([]Mapping(nil), builtinMappings...)
}

// PrefixMappings returns the built-in prefix mappings, longest prefix first
// within a format.
func PrefixMappings() []PrefixMapping {
	return append([]PrefixMapping(nil), builtinPrefixes...)
}

var builtinMappings = []Mapping{
	// AWS CloudTrail: SigmaHQ uses raw names; a few need a meaning.
	{Format: "cloudtrail", Field: "status", Event: "outcome", Note: "no such CloudTrail key: the operation's outcome (success, failure)"},
	{Format: "cloudtrail", Field: "event.action", Paths: []string{"eventName"}, Note: "ECS"},
	{Format: "cloudtrail", Field: "event.provider", Paths: []string{"eventSource"}, Note: "ECS"},
	{Format: "cloudtrail", Field: "event.outcome", Event: "outcome", Note: "ECS"},
	{Format: "cloudtrail", Field: "source.ip", Paths: []string{"sourceIPAddress"}, Note: "ECS"},
	{Format: "cloudtrail", Field: "user_agent.original", Paths: []string{"userAgent"}, Note: "ECS"},
	{Format: "cloudtrail", Field: "cloud.region", Paths: []string{"awsRegion"}, Note: "ECS"},
	{Format: "cloudtrail", Field: "cloud.account.id", Paths: []string{"recipientAccountId"}, Note: "ECS"},

	// Azure Activity Log: the records shape writes operationName, category
	// and status as strings, the REST shape as {value, localizedValue}.
	// SigmaHQ also uses the Log Analytics AzureActivity columns.
	{Format: "azureactivity", Field: "operationName", Paths: []string{"operationName.value", "operationName"}, Note: "either shape"},
	{Format: "azureactivity", Field: "OperationNameValue", Paths: []string{"operationName.value", "operationName"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "OperationName", Paths: []string{"operationName.localizedValue", "operationName.value", "operationName"}, Note: "Log Analytics (localized name where the log has one)"},
	{Format: "azureactivity", Field: "ResourceProviderValue", Paths: []string{"resourceProviderName.value", "resourceProviderName"}, Event: "service", Note: "Log Analytics; else the provider namespace of operationName"},
	{Format: "azureactivity", Field: "ResourceProvider", Paths: []string{"resourceProviderName.localizedValue", "resourceProviderName.value", "resourceProviderName"}, Event: "service", Note: "Log Analytics"},
	{Format: "azureactivity", Field: "category", Paths: []string{"category.value", "category"}, Note: "either shape"},
	{Format: "azureactivity", Field: "CategoryValue", Paths: []string{"category.value", "category"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "Category", Paths: []string{"category.localizedValue", "category.value", "category"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "ResourceId", Paths: []string{"resourceId"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "_ResourceId", Paths: []string{"resourceId"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "ResourceGroup", Paths: []string{"resourceGroupName"}, Note: "Log Analytics (REST shape only)"},
	{Format: "azureactivity", Field: "status", Paths: []string{"status.value", "status"}, Last: true, Note: "either shape; final record of a pair"},
	{Format: "azureactivity", Field: "ActivityStatusValue", Paths: []string{"status.value", "status", "resultType"}, Last: true, Note: "Log Analytics; final record of a pair"},
	{Format: "azureactivity", Field: "ActivityStatus", Paths: []string{"status.localizedValue", "status.value", "status", "resultType"}, Last: true, Note: "Log Analytics; final record of a pair"},
	{Format: "azureactivity", Field: "ActivitySubstatusValue", Paths: []string{"subStatus.value", "subStatus", "resultSignature"}, Last: true, Note: "Log Analytics; final record of a pair"},
	{Format: "azureactivity", Field: "ActivitySubstatus", Paths: []string{"subStatus.localizedValue", "subStatus.value", "subStatus", "resultSignature"}, Last: true, Note: "Log Analytics; final record of a pair"},
	{Format: "azureactivity", Field: "Caller", Paths: []string{"caller"}, Event: "actor.name", Note: "Log Analytics; else the caller's name from the token claims"},
	{Format: "azureactivity", Field: "CallerIpAddress", Paths: []string{"callerIpAddress", "httpRequest.clientIpAddress"}, Event: "actor.ip", Note: "Log Analytics"},
	{Format: "azureactivity", Field: "SubscriptionId", Paths: []string{"subscriptionId"}, Event: "account", Note: "Log Analytics"},
	{Format: "azureactivity", Field: "TenantId", Paths: []string{"tenantId"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "CorrelationId", Paths: []string{"correlationId"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "OperationId", Paths: []string{"operationId"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "EventDataId", Paths: []string{"eventDataId"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "Level", Paths: []string{"level"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "Properties", Paths: []string{"properties"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "Properties_d", Paths: []string{"properties"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "Authorization", Paths: []string{"authorization", "identity.authorization"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "Authorization_d", Paths: []string{"authorization", "identity.authorization"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "Claims", Paths: []string{"claims", "identity.claims"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "Claims_d", Paths: []string{"claims", "identity.claims"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "HTTPRequest", Paths: []string{"httpRequest"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "Hierarchy", Paths: []string{"properties.hierarchy"}, Note: "Log Analytics"},
	{Format: "azureactivity", Field: "TimeGenerated", Paths: []string{"time", "eventTimestamp"}, Event: "time", Note: "Log Analytics"},
	{Format: "azureactivity", Field: "EventSubmissionTimestamp", Paths: []string{"submissionTimestamp"}, Note: "Log Analytics"},

	// GCP Cloud Audit Logs: SigmaHQ uses Elastic's gcp.audit.* names (see
	// the prefix mappings) and, in older rules, data.protoPayload.* (the
	// LogEntry inside a Pub/Sub message), where resource and logName are
	// in fact LogEntry fields beside protoPayload.
	{Format: "gcpaudit", Field: "gcp.audit.method_name", Paths: []string{"protoPayload.methodName"}, Note: "Elastic"},
	{Format: "gcpaudit", Field: "gcp.audit.service_name", Paths: []string{"protoPayload.serviceName"}, Note: "Elastic"},
	{Format: "gcpaudit", Field: "gcp.audit.resource_name", Paths: []string{"protoPayload.resourceName"}, Note: "Elastic"},
	{Format: "gcpaudit", Field: "gcp.audit.authentication_info.principal_email", Paths: []string{"protoPayload.authenticationInfo.principalEmail"}, Note: "Elastic"},
	{Format: "gcpaudit", Field: "gcp.audit.type", Paths: []string{"protoPayload.@type"}, Note: "Elastic"},
	{Format: "gcpaudit", Field: "gcp.audit.request_metadata.caller_ip", Paths: []string{"protoPayload.requestMetadata.callerIp", "protoPayload.requestMetadata.callerIP"}, Note: "Elastic"},
	{Format: "gcpaudit", Field: "data.protoPayload.logName", Paths: []string{"logName"}, Note: "a LogEntry field (projects/P/logs/cloudaudit.googleapis.com%2Factivity)"},
	{Format: "gcpaudit", Field: "event.action", Paths: []string{"protoPayload.methodName"}, Note: "ECS"},
	{Format: "gcpaudit", Field: "event.outcome", Event: "outcome", Note: "ECS"},
	{Format: "gcpaudit", Field: "source.ip", Paths: []string{"protoPayload.requestMetadata.callerIp", "protoPayload.requestMetadata.callerIP"}, Note: "ECS"},
	{Format: "gcpaudit", Field: "user_agent.original", Paths: []string{"protoPayload.requestMetadata.callerSuppliedUserAgent"}, Note: "ECS"},
	{Format: "gcpaudit", Field: "client.user.email", Paths: []string{"protoPayload.authenticationInfo.principalEmail"}, Note: "ECS"},
	{Format: "gcpaudit", Field: "user.email", Paths: []string{"protoPayload.authenticationInfo.principalEmail"}, Note: "ECS"},
	{Format: "gcpaudit", Field: "cloud.project.id", Paths: []string{"resource.labels.project_id"}, Event: "account", Note: "ECS"},
	{Format: "gcpaudit", Field: "log.logger", Paths: []string{"logName"}, Note: "ECS"},
}

var builtinPrefixes = []PrefixMapping{
	{Format: "gcpaudit", Prefix: "gcp.audit.logentry_operation.", To: "operation.", SnakeToCamel: true, Note: "Elastic: the LogEntry operation"},
	{Format: "gcpaudit", Prefix: "gcp.audit.", To: "protoPayload.", SnakeToCamel: true, Note: "Elastic: gcp.audit.method_name → protoPayload.methodName, gcp.audit.authentication_info.principal_email → protoPayload.authenticationInfo.principalEmail"},
	{Format: "gcpaudit", Prefix: "data.protoPayload.resource.", To: "resource.", Note: "the monitored resource is a LogEntry field"},
	{Format: "gcpaudit", Prefix: "data.protoPayload.", To: "protoPayload.", Note: "a Pub/Sub-wrapped LogEntry"},
	{Format: "gcpaudit", Prefix: "data.", To: "", Note: "a Pub/Sub-wrapped LogEntry"},
}
