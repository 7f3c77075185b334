package gcpaudit

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// actor reads authenticationInfo and requestMetadata. The identity is the
// principal's email; a subject (user:…, serviceAccount:…) stands in when the
// email is absent.
func actor(o op) event.Actor {
	email := o.str("authenticationInfo", "principalEmail")
	subject := o.str("authenticationInfo", "principalSubject")
	id := email
	if id == "" {
		id = stripMember(subject)
	}
	a := event.Actor{
		ID:        id,
		Name:      id,
		Type:      principalType(email, subject),
		IP:        o.str("requestMetadata", "callerIp"), // callerIP too: keys fold
		UserAgent: o.str("requestMetadata", "callerSuppliedUserAgent"),
	}
	// A delegation chain names who acted through the service account.
	if d := o.get("authenticationInfo", "serviceAccountDelegationInfo").Get("0"); d != nil {
		a.SessionIssuer = cmp.Or(
			str(decode.GetFold(d, "firstPartyPrincipal"), "principalEmail"),
			stripMember(str(d, "principalSubject")),
			str(decode.GetFold(d, "thirdPartyPrincipal"), "thirdPartyClaims", "email"))
	}
	return a
}

func principalType(email, subject string) string {
	switch {
	case strings.HasSuffix(strings.ToLower(email), "gserviceaccount.com"), strings.HasPrefix(subject, "serviceAccount:"):
		return "serviceAccount"
	case strings.HasPrefix(subject, "user:"), strings.Contains(email, "@"):
		return "user"
	case strings.HasPrefix(subject, "principal://"), strings.HasPrefix(subject, "principalSet://"):
		return "federated"
	}
	return ""
}

// stripMember drops an IAM member's kind prefix (user:, serviceAccount:).
func stripMember(m string) string {
	for _, p := range []string{"user:", "serviceAccount:", "group:", "domain:"} {
		if strings.HasPrefix(m, p) {
			return m[len(p):]
		}
	}
	return m
}

// actorAccount is the actor's own project when it is not the event's: a
// service account of another project, or the caller of a cross-project
// operation logged in the project it read from (CrossEntityControlAuditMetadata),
// whose project shows in what it created.
func actorAccount(c *norm) string {
	if p := serviceAccountProject(c.e.Actor.ID); p != "" && !c.home(p) {
		return p
	}
	if c.crossEntity() {
		for _, r := range c.e.Resources {
			if r.Role == event.RoleCreated && r.Account != "" {
				return r.Account
			}
		}
	}
	return ""
}

// serviceAccountProject returns P of NAME@P.iam.gserviceaccount.com.
func serviceAccountProject(email string) string {
	const suffix = ".iam.gserviceaccount.com"
	at := strings.LastIndexByte(email, '@')
	if at < 0 || !strings.HasSuffix(email, suffix) {
		return ""
	}
	return email[at+1 : len(email)-len(suffix)]
}
