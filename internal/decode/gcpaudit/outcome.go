package gcpaudit

import (
	"cmp"
	"strconv"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// outcome reads protoPayload.status ({} or code 0 is success) and, for
// Compute operations, protoPayload.response.error. An operation whose last
// entry never came has an unknown outcome unless an entry already failed.
func outcome(o op) (event.Outcome, string) {
	for _, e := range o {
		if msg, failed := failure(e.pp); failed {
			return event.Failure, msg
		}
	}
	if o[len(o)-1].firstOnly() {
		return event.Unknown, ""
	}
	return event.Success, ""
}

func failure(pp *jsondoc.Value) (string, bool) {
	if st := decode.GetFold(pp, "status"); st != nil && st.Type() == jsondoc.TypeObject {
		if code, _ := decode.Int(st, "code"); code != 0 {
			return withCode(codeName(code), decode.Str(st, "message")), true
		}
	}
	resp := decode.GetFold(pp, "response")
	if er := resp.Get("error"); er != nil && er.Type() == jsondoc.TypeObject {
		first := er.Get("errors", "0")
		code := cmp.Or(decode.Str(first, "reason"), decode.Str(first, "code"), decode.Str(er, "code"))
		msg := cmp.Or(decode.Str(er, "message"), decode.Str(first, "message"))
		if code == "" && msg == "" {
			code = "error"
		}
		return withCode(code, msg), true
	}
	return "", false
}

func withCode(code, msg string) string {
	switch {
	case code == "":
		return msg
	case msg == "":
		return code
	}
	return code + ": " + msg
}

// codeName spells a google.rpc.Code.
func codeName(code int) string {
	names := [...]string{"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
		"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
		"OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"}
	if code > 0 && code < len(names) {
		return names[code]
	}
	return "code " + strconv.Itoa(code)
}
