// Package azureactivity decodes the Azure Activity Log: records exported by
// diagnostic settings (storage PT1H.json blobs, a record per line; Event Hub
// batches, {"records":[…]}), `az monitor activity-log list` output (a JSON
// array) and REST pages ({"value":[…]}). The record splitter unwraps the containers; this
// package reads one record at a time in either shape (operationName, status,
// category as a string or as {value, localizedValue}).
//
// An ARM write is logged as several records sharing a correlationId: a
// BeginRequest (Started), sometimes an Accepted, and an EndRequest
// (Succeeded or Failed). They are paired on correlationId + operation +
// resource id and become one event: its id and time come from the first
// record, its outcome from the final one, and request and response bodies
// are read from whichever record carries them.
//
// Operation is the operation name lower-cased ("microsoft.compute/disks/write"):
// Azure spells the same operation in several cases, and one spelling keeps
// rules and lineage joins simple. Resource ids are event.AzureID (lower-case),
// Account is the subscription id, Service the resource provider namespace
// ("microsoft.compute"). The event id is the REST shape's eventDataId; the
// records shape has none, so it is the correlationId qualified by a hash of
// the first record (see eventID). Actor.ID is the caller's object id; Actor.Type
// is "user", "service_principal" or "managed_identity" as far as the token
// claims tell, or "sas" / "account_key" for storage data-plane callers.
package azureactivity

import (
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Format is the Azure Activity Log format.
type Format struct{}

var _ decode.Format = Format{}

// Name returns "azureactivity".
func (Format) Name() string { return "azureactivity" }

// containerKeys hold the records of a container the splitter did not unwrap
// (an array of Event Hub batches, say).
var containerKeys = []string{"records", "value", "Records"}

// Sniff claims an object with an operationName and one of the Activity Log's
// identifying keys, unless it carries CloudTrail's or GCP's own keys. A
// container whose first record qualifies is claimed too.
func (Format) Sniff(v *jsondoc.Value) bool {
	if v == nil || v.Type() != jsondoc.TypeObject {
		return false
	}
	if v.Get("operationName") == nil {
		if rs := container(v); len(rs) > 0 {
			return sniffRecord(rs[0])
		}
		return false
	}
	return sniffRecord(v)
}

func sniffRecord(v *jsondoc.Value) bool {
	if v == nil || v.Type() != jsondoc.TypeObject {
		return false
	}
	op := v.Get("operationName")
	if op == nil || (op.Type() != jsondoc.TypeString && op.Type() != jsondoc.TypeObject) {
		return false
	}
	for _, k := range []string{"eventSource", "eventVersion", "protoPayload", "logName"} {
		if v.Get(k) != nil {
			return false // CloudTrail or GCP
		}
	}
	for _, k := range []string{"resourceId", "correlationId", "category", "time", "eventTimestamp"} {
		if v.Get(k) != nil {
			return true
		}
	}
	return false
}

// container returns the records of a container object, or nil.
func container(v *jsondoc.Value) []*jsondoc.Value {
	for _, k := range containerKeys {
		if x := v.Get(k); x != nil && x.Type() == jsondoc.TypeArray {
			a, _ := x.Array()
			return a
		}
	}
	return nil
}

// Decode hands each record to out: alone when it has no correlationId or no
// recognisable stage, else as one half of its operation.
func (Format) Decode(v *jsondoc.Value, out *decode.Output) error {
	if v != nil && v.Type() == jsondoc.TypeObject && v.Get("operationName") == nil {
		if rs := container(v); rs != nil {
			var errs []error
			for _, r := range rs {
				errs = append(errs, emit(r, out))
			}
			return errors.Join(errs...)
		}
	}
	return emit(v, out)
}

func emit(v *jsondoc.Value, out *decode.Output) error {
	part := partOf(v)
	corr := decode.Str(v, "correlationId")
	op := operation(v)
	if part == decode.Alone || corr == "" || op == "" {
		return out.Record(v, nil)
	}
	key := strings.ToLower(corr) + "\x00" + op + "\x00" + resourceID(v)
	t, _ := decode.ParseTime(recordTime(v))
	return out.Half(v, nil, key, part, t)
}
