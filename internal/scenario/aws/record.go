package aws

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// api is one CloudTrail operation: where and how it is logged.
type api struct {
	source   string // eventSource
	name     string // eventName
	version  string // eventVersion
	command  string // the AWS CLI v2 command (ec2.create-snapshot)
	iam      string // the prefix of the IAM action a denial names (ec2, iam, rds…)
	readOnly bool
	global   bool // IAM: logged in us-east-1, endpoint without a region
	data     bool // a data event (EBS direct APIs)
	// nullOnDeny: a refused call is logged without its request, as IAM
	// and RDS log AccessDenied.
	nullOnDeny bool
	s3         bool // S3: short request ids, bracketed agents, additionalEventData
}

// endpoint is the service's host name part before the region.
func (a *api) endpoint() string { return strings.TrimSuffix(a.source, ".amazonaws.com") }

// rec is one record being rendered.
type rec struct {
	w       *writer
	b       []byte
	op      *scenario.Op
	id      *ident
	api     *api
	s       stream // this record's derived ids
	region  string // awsRegion
	account string // recipientAccountId
	host    []byte // clientProvidedHostHeader, when not the service endpoint
	reqID   []byte
	res     []byte // the resources array, when the record has one
	tmp     []byte // scratch
}

// begin writes the record's head: identity, time, operation, caller and,
// for a refused call, the error. res is the resource a denial names.
func (r *rec) begin(a *api, res string) {
	r.api = a
	op := r.op
	r.region = op.Region
	if a.global {
		r.region = "us-east-1"
	}
	r.account = op.Account.ID
	r.s = streamOf(op.ID)
	r.reqID = r.reqID[:0]
	if a.s3 {
		r.reqID = appendChars(r.reqID, &r.s, upperAlnum, 16)
	} else {
		r.reqID = appendUUID(r.reqID, &r.s)
	}
	r.host, r.res = r.host[:0], r.res[:0]

	b := append(r.b, `{"eventVersion":"`...)
	b = append(b, a.version...)
	b = append(b, `","userIdentity":`...)
	b = r.id.appendIdentity(b, op.Time)
	b = append(b, `,"eventTime":`...)
	b = appendTime(b, op.Time)
	b = append(b, `,"eventSource":"`...)
	b = append(b, a.source...)
	b = append(b, `","eventName":"`...)
	b = append(b, a.name...)
	b = append(b, `","awsRegion":"`...)
	b = append(b, r.region...)
	b = append(b, `","sourceIPAddress":`...)
	b = append(b, r.id.ip...)
	b = append(b, `,"userAgent":"`...)
	switch {
	case r.id.cli && a.command != "":
		b = append(b, r.id.agent...)
		b = append(b, " md/command#"...)
		b = append(b, a.command...)
	case a.s3 && !r.id.service:
		b = append(b, '[')
		b = append(b, r.id.agent...)
		b = append(b, ']')
	default:
		b = append(b, r.id.agent...)
	}
	b = append(b, '"')
	if op.Failed {
		b = r.appendDenial(b, res)
	}
	r.b = b
}

// appendDenial writes errorCode and errorMessage as each service words a
// refusal.
func (r *rec) appendDenial(b []byte, res string) []byte {
	a := r.api
	action := a.iam + ":" + a.name
	switch {
	case a.s3:
		return append(b, `,"errorCode":"AccessDenied","errorMessage":"Access Denied"`...)
	case a.iam == "ec2":
		b = append(b, `,"errorCode":"Client.UnauthorizedOperation","errorMessage":`...)
		msg := "You are not authorized to perform this operation. User: " + r.id.caller + " is not authorized to perform: " +
			action + " on resource: " + res + " because no identity-based policy allows the " + action +
			" action. Encoded authorization failure message: "
		blob := appendChars([]byte(msg), &r.s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 320)
		return scenario.AppendString(b, string(blob))
	case a.data:
		b = append(b, `,"errorCode":"AccessDeniedException","errorMessage":`...)
	default:
		b = append(b, `,"errorCode":"AccessDenied","errorMessage":`...)
	}
	return scenario.AppendString(b, "User: "+r.id.caller+" is not authorized to perform: "+action+" on resource: "+res+
		" because no identity-based policy allows the "+action+" action")
}

// request opens requestParameters; it reports false (and writes null) when
// a refused call is logged without them.
func (r *rec) request() bool {
	if r.op.Failed && r.api.nullOnDeny {
		r.b = append(r.b, `,"requestParameters":null`...)
		return false
	}
	r.b = append(r.b, `,"requestParameters":`...)
	return true
}

// response opens responseElements; it reports false (and writes null) for
// a refused call.
func (r *rec) response() bool {
	if r.op.Failed {
		r.b = append(r.b, `,"responseElements":null`...)
		return false
	}
	r.b = append(r.b, `,"responseElements":`...)
	return true
}

// appendRequestID appends the request id (responses repeat it).
func (r *rec) appendRequestID(b []byte) []byte {
	b = append(b, '"')
	b = append(b, r.reqID...)
	return append(b, '"')
}

// end writes the record's tail.
func (r *rec) end() {
	a, op := r.api, r.op
	b := append(r.b, `,"requestID":`...)
	b = r.appendRequestID(b)
	b = append(b, `,"eventID":`...)
	b = scenario.AppendString(b, op.ID)
	if a.readOnly {
		b = append(b, `,"readOnly":true`...)
	} else {
		b = append(b, `,"readOnly":false`...)
	}
	if len(r.res) > 0 {
		b = append(b, `,"resources":`...)
		b = append(b, r.res...)
	}
	if a.data {
		b = append(b, `,"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"`...)
		b = append(b, r.account...)
		b = append(b, `","eventCategory":"Data"`...)
	} else {
		b = append(b, `,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"`...)
		b = append(b, r.account...)
		b = append(b, `","eventCategory":"Management"`...)
	}
	if !r.id.service {
		b = append(b, `,"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"`...)
		switch {
		case len(r.host) > 0:
			b = append(b, r.host...)
		case a.global:
			b = append(b, a.source...)
		default:
			b = append(b, a.endpoint()...)
			b = append(b, '.')
			b = append(b, r.region...)
			b = append(b, ".amazonaws.com"...)
		}
		b = append(b, `"}`...)
	}
	if r.id.console {
		b = append(b, `,"sessionCredentialFromConsole":"true"`...)
	}
	r.b = append(b, '}')
}
