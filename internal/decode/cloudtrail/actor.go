package cloudtrail

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/valyala/fastjson"
)

// actor reads userIdentity. The ID is one stable identity per principal:
// an assumed role's sessions all count as the role (its session issuer),
// an AWS service as the service, and a bare account (a consumer account
// using a shared snapshot) as that account.
func actor(ui *fastjson.Value, ip, userAgent, account string) event.Actor {
	a := event.Actor{
		Type:          decode.Str(ui, "type"),
		IP:            ip, // may be a service hostname: kept as is
		UserAgent:     userAgent,
		SessionIssuer: decode.Str(ui, "sessionContext", "sessionIssuer", "arn"),
	}
	arn := decode.Str(ui, "arn")
	invokedBy := decode.Str(ui, "invokedBy")
	ownAccount := decode.Str(ui, "accountId")
	switch {
	case a.Type == "AssumedRole" && a.SessionIssuer != "":
		a.ID = a.SessionIssuer
	case a.Type == "AssumedRole" && roleOfSession(arn) != "":
		a.ID = roleOfSession(arn) // no sessionContext: the role, not one session
	case arn != "":
		a.ID = arn
	case decode.Str(ui, "principalId") != "":
		a.ID = decode.Str(ui, "principalId")
	case a.Type == "AWSService" && invokedBy != "":
		a.ID = invokedBy
	case ownAccount != "":
		a.ID = ownAccount
	default:
		a.ID = decode.Str(ui, "userName")
	}
	a.Name = decode.Str(ui, "userName")
	if a.Name == "" {
		a.Name = lastSegment(arn)
	}
	if a.Name == "" && a.Type == "AWSService" {
		a.Name = invokedBy
	}
	if ownAccount != "" && ownAccount != account {
		a.Account = ownAccount
	}
	return a
}

// roleOfSession returns the role ARN behind an assumed-role session ARN
// (arn:aws:sts::A:assumed-role/R/S → arn:aws:iam::A:role/R), or "". A role
// path is not in the session ARN, so such a role's id lacks it.
func roleOfSession(arn string) string {
	prefix, rest, ok := strings.Cut(arn, ":assumed-role/")
	if !ok || !strings.HasPrefix(prefix, "arn:") {
		return ""
	}
	role, _, ok := strings.Cut(rest, "/")
	if !ok || role == "" {
		return ""
	}
	parts := strings.SplitN(prefix, ":", 5) // arn, partition, sts, "", account
	if len(parts) != 5 {
		return ""
	}
	return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + role
}

// lastSegment returns the name at the end of an ARN: what follows the last
// '/' (a user, role or session name), else the last ':' ("root").
func lastSegment(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	if strings.HasPrefix(arn, "arn:") {
		return arn[strings.LastIndexByte(arn, ':')+1:]
	}
	return ""
}
