// Package vkcloud decodes VK Cloud audit records: the action log
// ("Журнал действий", auditlogs/v1: pages of string-valued records with the
// request and response bodies as JSON inside strings) and Cloud Audit events
// (JSON objects, delivered as they are, as RFC 5424 syslog lines carrying
// the JSON, or as CEF lines). Both describe OpenStack API calls (Nova,
// Cinder, Neutron, Glance, Trove-compatible DBaaS, Karboii backup, IAM),
// classified into the event vocabulary by one table.
//
// The action log does not name its project: the account is read from a
// /v3/<project_id>/ or /v1.0/<project_id>/ uri prefix (Cinder, DBaaS,
// Karboii) and is otherwise left empty; Nova, Neutron and Glance records
// carry none: `hunt --account vkcloud=<project_id>` supplies it.
package vkcloud

import (
	"errors"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Format is the VK Cloud audit format.
type Format struct{}

var _ decode.TextFormat = Format{}

// Name returns "vkcloud".
func (Format) Name() string { return "vkcloud" }

// Sniff claims action-log records and pages, and Cloud Audit events.
func (Format) Sniff(v *jsondoc.Value) bool {
	return isActionLog(v) || isAudit(v) || isPage(v)
}

// isActionLog: every action-log record has source, action, method and uri;
// an export that dropped some still has event_id, user_id and request_body.
func isActionLog(v *jsondoc.Value) bool {
	if v == nil || v.Type() != jsondoc.TypeObject {
		return false
	}
	if src := v.Get("source"); src != nil && src.Type() == jsondoc.TypeString &&
		v.Exists("action") && v.Exists("method") && v.Exists("uri") {
		return true
	}
	return v.Exists("event_id") && v.Exists("user_id") && v.Exists("request_body")
}

// isAudit: a Cloud Audit event has subject and resource objects, or a source
// object with an id. The guard keys belong to formats that share field names
// (GCP's resource, OpenStack notifications and CADF).
func isAudit(v *jsondoc.Value) bool {
	if v == nil || v.Type() != jsondoc.TypeObject {
		return false
	}
	for _, k := range []string{"protoPayload", "eventSource", "event_type", "typeURI", "payload", "authentication"} {
		if v.Exists(k) {
			return false
		}
	}
	if isObject(v.Get("subject")) && isObject(v.Get("resource")) {
		return true
	}
	src := v.Get("source")
	return isObject(src) && src.Exists("id") && v.Exists("action")
}

// isPage: an action-log page {"logs":[…],"marker":…} that reached Sniff
// whole (inside an array of pages; the splitter streams a top-level page).
func isPage(v *jsondoc.Value) bool {
	if v == nil || v.Type() != jsondoc.TypeObject {
		return false
	}
	logs := v.Get("logs")
	if logs == nil || logs.Type() != jsondoc.TypeArray {
		return false
	}
	a, _ := logs.Array()
	if len(a) == 0 {
		return v.Exists("marker")
	}
	return isActionLog(a[0])
}

func isObject(v *jsondoc.Value) bool { return v != nil && v.Type() == jsondoc.TypeObject }

// Decode hands over the record, or each record of a page.
func (Format) Decode(v *jsondoc.Value, out *decode.Output) error {
	if !isPage(v) {
		return out.Record(v, nil)
	}
	var errs []error
	for _, r := range decode.Each(v, "logs") {
		if err := out.Record(r, nil); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Normalize builds the event of one record (VK records are never paired).
func (Format) Normalize(docs []*jsondoc.Value) (*event.Event, error) {
	if len(docs) == 0 || docs[0] == nil {
		return nil, errors.New("no record")
	}
	v := docs[0]
	if v.Type() != jsondoc.TypeObject {
		return nil, errors.New("record is not a JSON object")
	}
	if isActionLog(v) {
		return normalizeActionLog(v)
	}
	return normalizeAudit(v)
}
