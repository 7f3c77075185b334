package gcp

import (
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// render turns one write op into its Admin Activity entries: one entry, or
// for a Compute long-running operation a first entry (the request, the
// operation RUNNING) and a last one (the operation DONE).
type render struct {
	op      *scenario.Op
	project string
	caller  []byte // the actor, rendered by appendCaller
	c       call
}

// call is what a method's entries hold beyond the common parts.
type call struct {
	service, method, resource string
	authz                     []authz
	resType                   string
	labels                    []string // key, value, …
	location                  string   // resourceLocation: a zone or multi-region
	reqType                   string   // the request's @type after type.googleapis.com/
	request                   func(b []byte) []byte
	serviceData               func(b []byte) []byte
	response                  func(b []byte) []byte // a success's response value
	// status: the service writes an empty status on success (IAM, Resource
	// Manager, Cloud SQL, Cloud Build do; Compute does not).
	status bool
	// compute: a Compute long-running operation (set by zonal, global).
	compute                   bool
	opType, opScope, opTarget string        // opScope: zones/Z or global
	runs                      time.Duration // first entry to last
	// whole is an operation logged in one entry (first and last).
	whole, wholeProducer string
}

// authz is one authorizationInfo check.
type authz struct {
	perm, resource, typ string
}

const computeURL = "https://www.googleapis.com/compute/v1/"

// computeAPI reports a Compute Engine call: it refuses with an error
// response beside the status.
func (r *render) computeAPI() bool { return r.c.service == "compute.googleapis.com" }

// lro reports whether the op is logged as two entries.
func (r *render) lro() bool { return r.c.compute && !r.op.Failed }

// doneAt is when the operation's last entry is logged.
func (r *render) doneAt() time.Time { return r.op.Time.Add(r.c.runs) }

// first appends the op's first (or only) entry.
func (r *render) first(b []byte) []byte {
	op, c := r.op, &r.c
	b = append(b, `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog",`...)
	switch {
	case op.Failed && r.computeAPI():
		b = append(b, `"status":{"code":7,"message":"PERMISSION_DENIED"},`...)
	case op.Failed:
		b = append(b, `"status":{"code":7,"message":"Permission '`...)
		b = append(b, c.authz[0].perm...)
		b = append(b, `' denied on resource (or it may not exist).","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","domain":"`...)
		b = append(b, c.service...)
		b = append(b, `","metadata":{"permission":"`...)
		b = append(b, c.authz[0].perm...)
		b = append(b, `"},"reason":"IAM_PERMISSION_DENIED"}]},`...)
	case c.status:
		b = append(b, `"status":{},`...)
	}
	b = appendRequestTime(append(b, r.caller...), op.Time, true)
	b = appendField(b, "serviceName", c.service)
	b = append(b, ',')
	b = appendField(b, "methodName", c.method)
	b = append(b, `,"authorizationInfo":[`...)
	for i, a := range c.authz {
		if op.Failed && i > 0 {
			break // the first check refused ends the call
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = r.appendAuthz(b, a, !op.Failed)
	}
	b = append(b, "],"...)
	b = appendField(b, "resourceName", c.resource)
	if c.serviceData != nil && !op.Failed {
		b = append(b, `,"serviceData":`...)
		b = c.serviceData(b)
	}
	b = append(b, `,"request":{"@type":"type.googleapis.com/`...)
	b = append(b, c.reqType...)
	b = append(b, '"')
	if c.request != nil {
		b = c.request(append(b, ','))
	}
	b = append(b, '}')
	switch {
	case op.Failed && r.computeAPI():
		b = append(b, `,"response":{"@type":"type.googleapis.com/error","error":{"code":403,"errors":[{"domain":"global","message":`...)
		b = r.appendDenied(b)
		b = append(b, `,"reason":"forbidden"}],"message":`...)
		b = r.appendDenied(b)
		b = append(b, "}}"...)
	case r.lro():
		b = r.appendOperation(b)
	case c.response != nil && !op.Failed:
		b = append(b, `,"response":`...)
		b = c.response(b)
	}
	if c.location != "" {
		b = append(b, `,"resourceLocation":{"currentLocations":[`...)
		b = scenario.AppendString(b, c.location)
		b = append(b, "]}"...)
	}
	b = append(b, `},"insertId":`...)
	b = scenario.AppendString(b, op.ID)
	b = r.appendEnvelope(b, op.Time, op.ID)
	switch {
	case r.lro():
		b = append(b, `,"operation":{"id":"`...)
		b = r.appendOperationName(b)
		b = append(b, `","producer":"compute.googleapis.com","first":true}`...)
	case c.whole != "" && !op.Failed:
		b = append(b, `,"operation":{"id":`...)
		b = scenario.AppendString(b, c.whole)
		b = append(b, `,"producer":"`...)
		b = append(b, c.wholeProducer...)
		b = append(b, `","first":true,"last":true}`...)
	}
	b = append(b, `,"receiveTimestamp":`...)
	b = appendTime(b, op.Time.Add(receiveDelay(op.ID)), 9)
	return append(b, "}\n"...)
}

// last appends a long-running operation's last entry: the same call, its
// own insertId, the operation marked last.
func (r *render) last(b []byte) []byte {
	op, c := r.op, &r.c
	id := base36(hash(op.ID, 2), 12)
	b = append(b, `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog",`...)
	b = appendRequestTime(append(b, r.caller...), op.Time, false)
	b = appendField(b, "serviceName", c.service)
	b = append(b, ',')
	b = appendField(b, "methodName", c.method)
	b = append(b, ',')
	b = appendField(b, "resourceName", c.resource)
	b = append(b, `,"request":{"@type":"type.googleapis.com/`...)
	b = append(b, c.reqType...)
	b = append(b, `"}},"insertId":`...)
	b = scenario.AppendString(b, id)
	done := r.doneAt()
	b = r.appendEnvelope(b, done, id)
	b = append(b, `,"operation":{"id":"`...)
	b = r.appendOperationName(b)
	b = append(b, `","producer":"compute.googleapis.com","last":true},"receiveTimestamp":`...)
	b = appendTime(b, done.Add(receiveDelay(id)), 9)
	return append(b, "}\n"...)
}

// appendEnvelope appends the monitored resource, time, severity and log.
func (r *render) appendEnvelope(b []byte, t time.Time, id string) []byte {
	c := &r.c
	b = append(b, `,"resource":{"type":"`...)
	b = append(b, c.resType...)
	b = append(b, `","labels":{`...)
	for i := 0; i+1 < len(c.labels); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendField(b, c.labels[i], c.labels[i+1])
	}
	b = append(b, `}},"timestamp":`...)
	b = appendTime(b, t, 9)
	if r.op.Failed {
		b = append(b, `,"severity":"ERROR"`...)
	} else {
		b = append(b, `,"severity":"NOTICE"`...)
	}
	b = append(b, `,"logName":"projects/`...)
	b = scenario.AppendEscaped(b, r.project)
	return append(b, `/logs/cloudaudit.googleapis.com%2Factivity"`...)
}

func (r *render) appendAuthz(b []byte, a authz, granted bool) []byte {
	b = append(b, `{"resource":`...)
	b = scenario.AppendString(b, a.resource)
	b = append(b, `,"permission":"`...)
	b = append(b, a.perm...)
	b = append(b, `","granted":`...)
	b = strconv.AppendBool(b, granted)
	b = append(b, `,"resourceAttributes":{`...)
	if a.typ != "" {
		svc, _, _ := strings.Cut(a.typ, ".")
		b = append(b, `"service":"`...)
		b = append(b, svc...)
		b = append(b, `","name":`...)
		b = scenario.AppendString(b, a.resource)
		b = append(b, `,"type":"`...)
		b = append(b, a.typ...)
		b = append(b, '"')
	}
	return append(b, "}}"...)
}

// appendDenied appends Compute's refusal message, quoted.
func (r *render) appendDenied(b []byte) []byte {
	a := r.c.authz[0]
	b = append(b, `"Required '`...)
	b = append(b, a.perm...)
	b = append(b, `' permission for '`...)
	b = scenario.AppendEscaped(b, a.resource)
	return append(b, `'"`...)
}

// appendOperationName appends the operation's name: operation-<ms>-<µs in
// hex>-<8 hex>-<8 hex>, as Compute names them.
func (r *render) appendOperationName(b []byte) []byte {
	t := r.op.Time
	h := hash(r.op.ID, 3)
	b = append(b, "operation-"...)
	b = strconv.AppendInt(b, t.UnixMilli(), 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, t.UnixMicro(), 16)
	b = append(b, '-')
	b = appendHex8(b, uint32(h))
	b = append(b, '-')
	return appendHex8(b, uint32(h>>32))
}

func appendHex8(b []byte, v uint32) []byte {
	const digits = "0123456789abcdef"
	for i := 28; i >= 0; i -= 4 {
		b = append(b, digits[v>>uint(i)&0xf])
	}
	return b
}

// appendOperation appends a Compute operation just started, as the first
// entry's response.
func (r *render) appendOperation(b []byte) []byte {
	op, c := r.op, &r.c
	opID := numericID(op.ID, 4)
	scope := computeURL + "projects/" + r.project + "/" + c.opScope
	b = append(b, `,"response":{"@type":"type.googleapis.com/operation","id":`...)
	b = appendQuotedUint(b, opID)
	b = append(b, `,"insertTime":`...)
	b = appendPacific(b, op.Time.Add(-120*time.Millisecond))
	b = append(b, `,"name":"`...)
	b = r.appendOperationName(b)
	b = append(b, `","operationType":"`...)
	b = append(b, c.opType...)
	b = append(b, `","progress":"0","selfLink":"`...)
	b = scenario.AppendEscaped(b, scope)
	b = append(b, "/operations/"...)
	b = r.appendOperationName(b)
	b = append(b, `","selfLinkWithId":"`...)
	b = scenario.AppendEscaped(b, scope)
	b = append(b, "/operations/"...)
	b = strconv.AppendUint(b, opID, 10)
	b = append(b, `","startTime":`...)
	b = appendPacific(b, op.Time.Add(-110*time.Millisecond))
	b = append(b, `,"status":"RUNNING","targetId":`...)
	b = appendQuotedUint(b, numericID(c.opTarget, 0))
	b = append(b, `,"targetLink":`...)
	b = scenario.AppendString(b, computeURL+c.opTarget)
	b = append(b, `,"user":`...)
	b = scenario.AppendString(b, op.Actor.ID)
	if c.opScope != "global" {
		b = append(b, `,"zone":`...)
		b = scenario.AppendString(b, scope)
	}
	return append(b, '}')
}
