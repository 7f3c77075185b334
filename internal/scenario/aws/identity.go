package aws

import (
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// ident is a principal's userIdentity, rendered once: the parts around
// what changes from call to call (a session's access key and creation
// time).
type ident struct {
	caller  string // the ARN an AccessDenied message names: the user, or the session
	ip      []byte // sourceIPAddress as JSON
	agent   []byte // userAgent as JSON, without its quotes
	account string
	pre     []byte // up to the accessKeyId value, its quote open
	key     string // a long-term access key (AKIA…); "" when each session has its own (ASIA…)
	mid     []byte // from the key's closing quote; up to the creationDate value when sessioned
	post    []byte // after the creationDate value; nil when not sessioned
	seed    uint64 // derives session keys
	session time.Duration
	cli     bool // an AWS CLI v2 agent: the command is appended
	console bool // sessionCredentialFromConsole
	service bool // an AWS service calling for itself: no tlsDetails
}

// identOf renders p's identity: an IAM user (with an access key from the
// CLI, or a console session), a role's assumed-role session (a service-
// linked role's carries invokedBy), or, for an id that is neither, the id
// as an unknown principal.
func identOf(p *scenario.Principal) *ident {
	acct := event.ARNAccount(p.ID)
	id := &ident{caller: p.ID, account: acct, seed: hashOf(p.ID) ^ 0x5bd1e995,
		cli: strings.HasPrefix(p.UserAgent, "aws-cli/2"), console: strings.HasPrefix(p.UserAgent, "Mozilla/")}
	id.ip = scenario.AppendString(nil, p.IP)
	agent := scenario.AppendString(nil, p.UserAgent)
	id.agent = agent[1 : len(agent)-1]
	var b []byte
	switch {
	case strings.Contains(p.ID, ":user/"):
		user := p.ID[strings.LastIndexByte(p.ID, '/')+1:]
		unique, key := iamIDs(p.ID, "AIDA")
		b = append(b, `{"type":"IAMUser","principalId":"`...)
		b = append(b, unique...)
		b = append(b, `","arn":`...)
		b = scenario.AppendString(b, p.ID)
		b = append(b, `,"accountId":"`...)
		b = append(b, acct...)
		b = append(b, `","accessKeyId":"`...)
		id.pre = b
		mid := append([]byte(`","userName":`), scenario.AppendString(nil, user)...)
		if id.console {
			id.session = 8 * time.Hour
			mid = append(mid, `,"sessionContext":{"sessionIssuer":{},"webIdFederationData":{},"attributes":{"creationDate":"`...)
			id.post = []byte(`","mfaAuthenticated":"true"}}}`)
		} else {
			id.key = key
			mid = append(mid, '}')
		}
		id.mid = mid
	case strings.Contains(p.ID, ":role/"):
		role := p.ID[strings.LastIndexByte(p.ID, '/')+1:]
		session := p.Name
		if session == "" || session == role {
			session = role
		}
		roleID, _ := iamIDs(p.ID, "AROA")
		id.caller = "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session
		id.session = time.Hour
		b = append(b, `{"type":"AssumedRole","principalId":`...)
		b = scenario.AppendString(b, roleID+":"+session)
		b = append(b, `,"arn":`...)
		b = scenario.AppendString(b, id.caller)
		b = append(b, `,"accountId":"`...)
		b = append(b, acct...)
		b = append(b, `","accessKeyId":"`...)
		id.pre = b
		m := []byte(`","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"`)
		m = append(m, roleID...)
		m = append(m, `","arn":`...)
		m = scenario.AppendString(m, p.ID)
		m = append(m, `,"accountId":"`...)
		m = append(m, acct...)
		m = append(m, `","userName":`...)
		m = scenario.AppendString(m, role)
		m = append(m, `},"webIdFederationData":{},"attributes":{"creationDate":"`...)
		id.mid = m
		post := []byte(`","mfaAuthenticated":"false"}}`)
		if svc, ok := serviceOf(p.ID); ok {
			id.service = true
			post = append(post, `,"invokedBy":`...)
			post = scenario.AppendString(post, svc)
		}
		id.post = append(post, '}')
	default:
		b = append(b, `{"type":"Unknown","principalId":`...)
		b = scenario.AppendString(b, p.ID)
		b = append(b, `,"accountId":"`...)
		b = append(b, acct...)
		b = append(b, `","accessKeyId":"`...)
		id.pre = b
		_, id.key = iamIDs(p.ID, "AIDA")
		id.mid = []byte(`"}`)
	}
	return id
}

// iamIDs returns the unique id IAM gave the user or role arn (prefix AIDA
// or AROA, then 17 characters) and a user's long-term access key id (AKIA
// and 16): CreateUser, CreateAccessKey and every later call of the user
// write the same ones.
func iamIDs(arn, prefix string) (unique, key string) {
	s := streamOf(arn)
	unique = string(appendChars([]byte(prefix), &s, iamChars, 17))
	key = string(appendChars([]byte("AKIA"), &s, iamChars, 16))
	return unique, key
}

// serviceOf returns the service behind a service-linked role
// (arn:aws:iam::A:role/aws-service-role/SERVICE/NAME).
func serviceOf(arn string) (string, bool) {
	_, rest, ok := strings.Cut(arn, ":role/aws-service-role/")
	if !ok {
		return "", false
	}
	svc, _, ok := strings.Cut(rest, "/")
	return svc, ok && svc != ""
}

// appendIdentity appends the userIdentity object of a call at t.
func (id *ident) appendIdentity(b []byte, t time.Time) []byte {
	b = append(b, id.pre...)
	start := id.sessionStart(t)
	if id.key != "" {
		b = append(b, id.key...)
	} else {
		s := stream(id.seed ^ uint64(start.Unix()))
		b = append(b, "ASIA"...)
		b = appendChars(b, &s, iamChars, 16)
	}
	b = append(b, id.mid...)
	if id.post != nil {
		b = appendTimeRaw(b, start)
		b = append(b, id.post...)
	}
	return b
}

// sessionStart returns when the session holding a call at t began:
// sessions last id.session, each principal's starting at its own offset
// into the hour or day.
func (id *ident) sessionStart(t time.Time) time.Time {
	if id.session <= 0 {
		return t
	}
	off := time.Duration(id.seed%uint64(id.session/time.Second)) * time.Second
	return t.Add(-off).Truncate(id.session).Add(off)
}
