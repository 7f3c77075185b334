package detect

import (
	"fmt"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// Product is the pseudo-format of rules over normalized events
// (`logsource: {product: snapwarden}`): they run on events of every format.
const Product = rule.ProductSnapwarden

// LogSourceFormat returns the format a rule's log source selects: a
// decoder name, or Product. The table is rule.LogSource.Format's; a log
// source snapwarden does not read is an error wrapping rule.ErrInactive.
func LogSourceFormat(ls rule.LogSource) (string, error) {
	format, active := ls.Format()
	switch {
	case !active:
		desc := "product " + orNone(ls.Product)
		if ls.Service != "" {
			desc += ", service " + ls.Service
		}
		return "", fmt.Errorf("%s: %w", desc, rule.ErrInactive)
	case format == "":
		return Product, nil
	}
	return format, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// rawRoots are the top-level keys of each format's records, from the
// providers' documentation, the decoders' testdata and the shared samples.
// A raw field path must start with one of them (or be mapped): a name that
// no record can have is a lint error, not a rule that never matches.
var rawRoots = map[string][]string{
	"cloudtrail": {
		"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
		"sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
		"responseElements", "additionalEventData", "requestID", "eventID", "eventType", "apiVersion",
		"managementEvent", "readOnly", "resources", "recipientAccountId", "serviceEventDetails",
		"sharedEventID", "vpcEndpointId", "vpcEndpointAccountId", "eventCategory", "addendum",
		"sessionCredentialFromConsole", "edgeDeviceDetails", "tlsDetails", "insightDetails",
	},
	"azureactivity": {
		// REST / az CLI shape
		"authorization", "caller", "channels", "claims", "correlationId", "description", "eventDataId",
		"eventName", "category", "eventTimestamp", "httpRequest", "id", "level", "operationId",
		"operationName", "properties", "relatedEvents", "resourceGroupName", "resourceProviderName",
		"resourceType", "resourceId", "status", "subStatus", "submissionTimestamp", "subscriptionId",
		"tenantId",
		// diagnostic-settings records shape
		"time", "resultType", "resultSignature", "resultDescription", "durationMs", "callerIpAddress",
		"identity", "location", "operationVersion",
	},
	"gcpaudit": {
		"logName", "resource", "timestamp", "receiveTimestamp", "severity", "insertId", "httpRequest",
		"labels", "operation", "trace", "spanId", "traceSampled", "sourceLocation", "protoPayload",
		"jsonPayload", "textPayload", "split", "errorGroups",
	},
	"vkcloud": {
		// action log
		"event_id", "user_email", "user_id", "timestamp", "source", "action", "success", "method", "uri",
		"request_body", "response_body", "request_id", "user_agent",
		// Cloud Audit
		"severity", "message", "subject", "delegate", "resource", "status", "request", "response",
		"labels", "outcome", "cef",
	},
	"openstack": {
		// CADF
		"typeURI", "eventType", "id", "eventTime", "action", "outcome", "reason", "initiator", "target",
		"observer", "requestPath", "reporterchain", "tags", "attachments", "measurements", "name", "severity",
		// notifications (oslo.messaging); _context_* keys are accepted by prefix
		"event_type", "payload", "priority", "publisher_id", "timestamp", "message_id", "_unique_id",
	},
	"yandex": {
		// snake_case as delivered; camelCase twins are tried too (see twinCase)
		"event_id", "event_source", "event_type", "event_time", "event_status", "authentication",
		"authorization", "resource_metadata", "request_metadata", "details", "error",
		"request_parameters", "response",
	},
}

// rootPrefixes are families of top-level keys accepted by prefix.
var rootPrefixes = map[string][]string{
	"openstack": {"_context_"},
}

// twinCase formats deliver the same record in snake_case and camelCase: a
// raw path is looked up in both spellings.
var twinCase = map[string]bool{"yandex": true}

// indexFields name, per format, the operation field whose equality
// conditions pre-select rules.
var indexFields = map[string]string{
	"cloudtrail":    "eventName",
	"azureactivity": "operationName",
	"gcpaudit":      "protoPayload.methodName",
	"vkcloud":       "action",
	"openstack":     "event_type",
	"yandex":        "event_type",
	Product:         "action",
}

// knownRoot reports whether a top-level key can occur in a format's records.
func knownRoot(format, key string) bool {
	for _, r := range rawRoots[format] {
		if r == key {
			return true
		}
	}
	for _, p := range rootPrefixes[format] {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	if twinCase[format] {
		alt := decode.Camel(key)
		if alt == key {
			alt = camelToSnake(key)
		}
		for _, r := range rawRoots[format] {
			if r == alt {
				return true
			}
		}
	}
	return false
}

// camelToSnake turns requestMetadata into request_metadata.
func camelToSnake(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteByte(c - 'A' + 'a')
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// RawRoots returns, per format, the top-level keys a raw field path may
// start with (for documentation; see rawRoots).
func RawRoots() map[string][]string {
	out := make(map[string][]string, len(rawRoots))
	for f, keys := range rawRoots {
		keys = append([]string(nil), keys...)
		for _, p := range rootPrefixes[f] {
			keys = append(keys, p+"*")
		}
		out[f] = keys
	}
	return out
}

// IndexField returns the operation field whose equality conditions index a
// format's rules.
func IndexField(format string) string { return indexFields[format] }
