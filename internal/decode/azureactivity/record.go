package azureactivity

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Readers of one record's top-level fields, in both shapes.

// text returns a member the records shape writes as a string and the REST
// shape as {value, localizedValue}.
func text(v *jsondoc.Value, key string) string {
	if v == nil {
		return ""
	}
	x := v.Get(key)
	if x == nil {
		return ""
	}
	if x.Type() == jsondoc.TypeObject {
		if s := decode.Str(x, "value"); s != "" {
			return s
		}
		return decode.Str(x, "localizedValue")
	}
	return decode.Str(x)
}

// operation returns the record's operation name in its canonical spelling,
// lower-cased.
func operation(v *jsondoc.Value) string {
	return strings.ToLower(strings.TrimSpace(text(v, "operationName")))
}

// recordTime returns the record's timestamp as written.
func recordTime(v *jsondoc.Value) string {
	for _, k := range []string{"time", "eventTimestamp", "submissionTimestamp"} {
		if s := decode.Str(v, k); s != "" {
			return s
		}
	}
	return ""
}

// resourceID returns the canonical id of the resource the record is about:
// resourceId, else the authorization scope, else properties.entity.
func resourceID(v *jsondoc.Value) string {
	for _, path := range [][]string{
		{"resourceId"}, {"authorization", "scope"}, {"identity", "authorization", "scope"}, {"properties", "entity"},
	} {
		if s := decode.Str(v, path...); s != "" {
			return event.AzureID(s)
		}
	}
	return ""
}

// stage is where a record stands in its operation.
type stage int

const (
	stageNone stage = iota
	stageStarted
	stageAccepted
	stageSucceeded
	stageFailed
)

// stageOf reads the REST status, else the records shape's resultType, else
// the eventName (BeginRequest, EndRequest).
func stageOf(v *jsondoc.Value) stage {
	s := text(v, "status")
	if s == "" {
		s = decode.Str(v, "resultType")
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "started", "start":
		return stageStarted
	case "accepted", "accept", "active", "inprogress", "in progress":
		return stageAccepted
	case "succeeded", "success":
		return stageSucceeded
	case "failed", "failure", "canceled", "cancelled":
		return stageFailed
	}
	if strings.EqualFold(text(v, "eventName"), "BeginRequest") {
		return stageStarted
	}
	return stageNone
}

// partOf says which part of a paired operation the record is. An EndRequest
// with no readable status still closes its operation.
func partOf(v *jsondoc.Value) decode.Part {
	switch stageOf(v) {
	case stageStarted:
		return decode.First
	case stageAccepted:
		return decode.Middle
	case stageSucceeded, stageFailed:
		return decode.Last
	}
	if strings.EqualFold(text(v, "eventName"), "EndRequest") {
		return decode.Last
	}
	return decode.Alone
}

// outcomeOf reads a final record's outcome. A record without a status word
// (a storage log) falls back to its response type or HTTP status code.
func outcomeOf(v *jsondoc.Value) event.Outcome {
	switch stageOf(v) {
	case stageSucceeded:
		return event.Success
	case stageFailed:
		return event.Failure
	case stageStarted, stageAccepted:
		return event.Unknown
	}
	if m := decode.Str(v, "properties", "metricResponseType"); m != "" {
		if strings.EqualFold(m, "Success") {
			return event.Success
		}
		return event.Failure
	}
	code, ok := decode.Int(v, "statusCode")
	if !ok {
		code, ok = decode.Int(v, "properties", "statusCode")
	}
	switch {
	case !ok:
		switch strings.ToLower(decode.Str(v, "properties", "statusCode")) {
		case "ok", "created", "nocontent":
			return event.Success
		}
		return event.Unknown
	case code >= 200 && code < 400:
		return event.Success
	case code >= 400:
		return event.Failure
	}
	return event.Unknown
}

// errorOf returns the provider's error of a failed record: the code and
// message of properties.statusMessage, else the sub-status, status code or
// result signature.
func errorOf(v *jsondoc.Value) string {
	if m := decode.ParseEmbedded(decode.Str(v, "properties", "statusMessage")); m != nil {
		code := decode.StrFold(m, "error", "code")
		msg := decode.StrFold(m, "error", "message")
		switch {
		case code != "" && msg != "":
			return code + ": " + msg
		case code != "" || msg != "":
			return code + msg
		}
	}
	for _, s := range []string{
		text(v, "subStatus"), decode.Str(v, "properties", "statusCode"), decode.Str(v, "statusText"),
		decode.Str(v, "properties", "metricResponseType"),
		decode.Str(v, "resultSignature"), decode.Str(v, "resultDescription"), decode.Str(v, "statusCode"),
	} {
		if s != "" {
			return s
		}
	}
	return ""
}
