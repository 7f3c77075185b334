package cloudtrail

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// identity holds the userIdentity members actor reads, found in one pass:
// the first of each name, as a key search finds it.
type identity struct {
	typ, arn, invokedBy, account, principalID, userName, sessionContext *jsondoc.Value
}

func identityOf(ui *jsondoc.Value) (id identity) {
	if ui == nil {
		return id
	}
	o, err := ui.Object()
	if err != nil {
		return id
	}
	o.Visit(func(k []byte, x *jsondoc.Value) {
		var p **jsondoc.Value
		switch string(k) {
		case "type":
			p = &id.typ
		case "arn":
			p = &id.arn
		case "invokedBy":
			p = &id.invokedBy
		case "accountId":
			p = &id.account
		case "principalId":
			p = &id.principalID
		case "userName":
			p = &id.userName
		case "sessionContext":
			p = &id.sessionContext
		default:
			return
		}
		if *p == nil {
			*p = x
		}
	})
	return id
}

// actor reads userIdentity. The ID is one stable identity per principal:
// an assumed role's sessions all count as the role (its session issuer),
// an AWS service as the service, and a bare account (a consumer account
// using a shared snapshot) as that account. Its strings are views into the
// parser's buffer (decode.View), as ip, userAgent and account may be.
func actor(ui identity, ip, userAgent, account string) event.Actor {
	a := event.Actor{
		Type:          decode.View(ui.typ),
		IP:            ip, // may be a service hostname: kept as is
		UserAgent:     userAgent,
		SessionIssuer: decode.View(ui.sessionContext.Get("sessionIssuer", "arn")),
	}
	arn := decode.View(ui.arn)
	invokedBy := decode.View(ui.invokedBy)
	ownAccount := decode.View(ui.account)
	principalID := decode.View(ui.principalID)
	userName := decode.View(ui.userName)
	switch {
	case a.Type == "AssumedRole" && a.SessionIssuer != "":
		a.ID = a.SessionIssuer
	case a.Type == "AssumedRole" && roleOfSession(arn) != "":
		a.ID = roleOfSession(arn) // no sessionContext: the role, not one session
	case arn != "":
		a.ID = arn
	case principalID != "":
		a.ID = principalID
	case a.Type == "AWSService" && invokedBy != "":
		a.ID = invokedBy
	case ownAccount != "":
		a.ID = ownAccount
	default:
		a.ID = userName
	}
	a.Name = userName
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
