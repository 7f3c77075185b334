package azure

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// stage is a record's place in its operation, as resultType says it.
type stage int

const (
	start stage = iota
	accept
	success
	failure
)

var resultTypes = [...]string{start: "Start", accept: "Accept", success: "Success", failure: "Failure"}

// call is what the records of one operation share. The fields ending in
// Q are JSON strings, quoted and escaped once per call (or once per read
// target).
type call struct {
	id       *ident
	m        *mix
	scope    string // the resource id, ARM-cased
	scopeQ   string
	resQ     string // the resource id as resourceId writes it: upper-case
	op       string // the operation name, ARM-cased
	opQ      string
	opUpperQ string // as operationName writes it: upper-case
	version  string
	corr     [36]byte
	sub      string
	refused  bool // refused by authorization: no evidence, a Failure record
}

// set sets the resource (an ARM-cased id), the operation and its API
// version.
func (c *call) set(scope, op, version string) {
	c.scope, c.op, c.version = scope, op, version
	c.scopeQ = string(scenario.AppendString(nil, scope))
	c.resQ = string(scenario.AppendString(nil, string(appendUpper(nil, scope))))
	c.opQ = string(scenario.AppendString(nil, op))
	c.opUpperQ = string(scenario.AppendString(nil, string(appendUpper(nil, op))))
}

// rec is one record of a call.
type rec struct {
	t          time.Time
	stage      stage
	sig        string // resultSignature
	status     string // properties.statusCode, "" for none
	durationMs int64
	req, resp  []byte // request and response bodies (JSON), nil for none
}

// appendRecord appends one record and its newline.
func (c *call) appendRecord(b []byte, r *rec) []byte {
	b = append(b, `{"time":"`...)
	b = appendTime(b, r.t)
	b = append(b, `","resourceId":`...)
	b = append(b, c.resQ...)
	b = append(b, `,"operationName":`...)
	b = append(b, c.opUpperQ...)
	b = append(b, `,"operationVersion":"`...)
	b = append(b, c.version...)
	b = append(b, `","category":"Administrative","resultType":"`...)
	b = append(b, resultTypes[r.stage]...)
	b = append(b, `","resultSignature":"`...)
	b = append(b, r.sig...)
	b = append(b, `","durationMs":`...)
	b = appendInt(b, r.durationMs)
	b = append(b, `,"callerIpAddress":`...)
	b = append(b, c.id.ipQ...)
	b = append(b, `,"correlationId":"`...)
	b = append(b, c.corr[:]...)
	b = append(b, `",`...)
	b = c.id.appendIdentity(b, c.scopeQ, c.opQ, r.t.Unix(), c.refused)
	b = append(b, `,"level":"`...)
	if r.stage == failure {
		b = append(b, "Error"...)
	} else {
		b = append(b, "Information"...)
	}
	b = append(b, `","location":"global","properties":{`...)
	if r.status != "" {
		b = append(b, `"statusCode":"`...)
		b = append(b, r.status...)
		b = append(b, `",`...)
	}
	if r.stage == failure {
		b = append(b, `"statusMessage":`...)
		b = scenario.AppendString(b, c.denial())
		b = append(b, ',')
	}
	b = append(b, `"eventCategory":"Administrative","entity":`...)
	b = append(b, c.scopeQ...)
	b = append(b, `,"message":`...)
	b = append(b, c.opQ...)
	b = append(b, `,"hierarchy":"`...)
	b = append(b, c.id.tenant...)
	b = append(b, '/')
	b = append(b, c.sub...)
	b = append(b, '"')
	if r.req != nil {
		b = append(b, `,"requestbody":`...)
		b = appendEmbedded(b, r.req)
	}
	if r.resp != nil {
		b = append(b, `,"responseBody":`...)
		b = appendEmbedded(b, r.resp)
	}
	b = append(b, `},"tenantId":"`...)
	b = append(b, c.id.tenant...)
	return append(b, "\"}\n"...)
}

// denial is ARM's error for a call the caller's roles do not allow, as
// properties.statusMessage carries it (JSON in a string).
func (c *call) denial() string {
	who := c.id.p.Name
	return `{"error":{"code":"AuthorizationFailed","message":"The client '` + who + `' with object id '` + c.id.p.ID +
		`' does not have authorization to perform action '` + c.op + `' over scope '` + c.scope +
		`' or the scope is invalid. If access was recently granted, please refresh your credentials."}}`
}

// flow is how an operation's records follow its request: a synchronous
// call ends in one Success record (code is its HTTP status: Created, OK);
// an asynchronous one answers first (Accept, code Accepted, Created or OK)
// and succeeds later.
type flow struct {
	async bool
	code  string
	sig   string // resultSignature of the answer: Succeeded.<code> or Accepted.<code>
}

// appendCall appends the records of one operation: Start with the request
// body, then Accept and Success (or Success alone), the response body in
// the first answer; a refused call ends in a Failure. Exported records
// carry no event id: the decoder derives one from the correlation id and a
// hash of the first record, which id receives (nil: not wanted).
func (c *call) appendCall(b []byte, at time.Time, id *string, f flow, req, resp []byte) []byte {
	m := c.m
	n := len(b)
	b = c.appendRecord(b, &rec{t: at, stage: start, sig: "Started.", req: req})
	if id != nil {
		*id = decoderID(c.corr[:], b[n:len(b)-1])
	}
	if c.refused {
		d := 80 + int64(m.intn(600))
		return c.appendRecord(b, &rec{t: at.Add(time.Duration(d) * time.Millisecond), stage: failure, sig: "Failed.Forbidden",
			status: "Forbidden", durationMs: d})
	}
	if !f.async {
		d := 90 + int64(m.intn(2400))
		return c.appendRecord(b, &rec{t: at.Add(time.Duration(d) * time.Millisecond), stage: success, sig: f.sig,
			status: f.code, durationMs: d, resp: resp})
	}
	d := 150 + int64(m.intn(1500))
	b = c.appendRecord(b, &rec{t: at.Add(time.Duration(d) * time.Millisecond), stage: accept, sig: f.sig,
		status: f.code, durationMs: d, resp: resp})
	d += 2000 + int64(m.intn(40_000))
	return c.appendRecord(b, &rec{t: at.Add(time.Duration(d) * time.Millisecond), stage: success, sig: "Succeeded.OK",
		status: "OK", durationMs: d})
}

// decoderID is the id internal/decode/azureactivity gives an event whose
// records carry none: the correlation id, "/", and the first 8 bytes of the
// SHA-256 of its first record (compact JSON, as rendered), in hex.
func decoderID(corr, first []byte) string {
	sum := sha256.Sum256(first)
	return strings.ToLower(string(corr)) + "/" + hex.EncodeToString(sum[:8])
}
