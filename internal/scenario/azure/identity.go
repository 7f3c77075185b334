package azure

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// ident is what a principal's records carry about it, rendered once: the
// token claims after the per-token times, and the role assignment that
// authorizes its calls.
type ident struct {
	p        *scenario.Principal
	tenant   string
	ipQ      string // the caller's address as a JSON string
	iss      string // `"aud":…,"iss":…,"iat":"`, up to the token times
	claims   []byte // `,"…":…}` after exp, closing the claims
	evidence []byte // `,"evidence":{…}`
	phase    int64  // when its tokens renew, seconds into the hour
	life     int64  // token lifetime, seconds
	seed     mix
	// times caches the token times and uti of token tok: a principal's
	// records mostly fall within one token's life.
	tok   int64
	times []byte
}

type identKey struct {
	p *scenario.Principal
	a *scenario.Account
}

// Built-in role definition ids.
const (
	roleOwner           = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	roleContributor     = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	roleReader          = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
	roleSnapContributor = "7efff54f-a5b4-42b5-a1c5-5411624893ce"
)

var roleNames = map[string]string{
	roleOwner: "Owner", roleContributor: "Contributor", roleReader: "Reader",
	roleSnapContributor: "Disk Snapshot Contributor",
}

// identOf returns the principal's rendered identity in acct, making it on
// first use.
func (w *writer) identOf(p *scenario.Principal, acct *scenario.Account) *ident {
	k := identKey{p, acct}
	if id := w.ids[k]; id != nil {
		return id
	}
	id := newIdent(p, acct)
	w.ids[k] = id
	return id
}

func newIdent(p *scenario.Principal, acct *scenario.Account) *ident {
	home := p.Account
	if home == nil {
		home = acct
	}
	m := mixOf("ident/" + p.ID)
	id := &ident{p: p, tenant: tenantOf(home), seed: m, ipQ: string(scenario.AppendString(nil, p.IP))}
	id.phase = int64(m.intn(3600))
	id.life = 3900 + int64(m.intn(1500))

	var b []byte
	b = append(b, `"aud":"https://management.core.windows.net/","iss":"https://sts.windows.net/`...)
	b = append(b, id.tenant...)
	b = append(b, `/","iat":"`...)
	id.iss = string(b)

	oid := p.ID
	b = b[:0]
	if p.Kind == scenario.Human {
		t := toolOf(p)
		given, sur := personName(p.Name)
		b = append(b, `,"http://schemas.microsoft.com/claims/authnclassreference":"1","aio":"`...)
		b = m.appendToken(b, 92)
		b = append(b, `","http://schemas.microsoft.com/claims/authnmethodsreferences":"pwd,mfa","appid":"`...)
		b = append(b, t.appID...)
		b = append(b, `","appidacr":"`...)
		b = append(b, t.appIDACR...)
		b = append(b, `","http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname":`...)
		b = scenario.AppendString(b, sur)
		b = append(b, `,"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname":`...)
		b = scenario.AppendString(b, given)
		b = append(b, `,"idtyp":"user","ipaddr":`...)
		b = scenario.AppendString(b, p.IP)
		b = append(b, `,"name":`...)
		b = scenario.AppendString(b, strings.TrimSpace(given+" "+sur))
		b = append(b, `,"http://schemas.microsoft.com/identity/claims/objectidentifier":"`...)
		b = scenario.AppendEscaped(b, oid)
		b = append(b, `","puid":"`...)
		for range 16 {
			b = append(b, "0123456789ABCDEF"[m.intn(16)])
		}
		b = append(b, `","rh":"1.AQ`...)
		b = m.appendToken(b, 54)
		b = append(b, `.","http://schemas.microsoft.com/identity/claims/scope":"user_impersonation","sid":"`...)
		b = appendUUID(b, m.next(), m.next())
		b = append(b, `","http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier":"`...)
		b = m.appendToken(b, 43)
		b = append(b, `","http://schemas.microsoft.com/identity/claims/tenantid":"`...)
		b = append(b, id.tenant...)
		b = append(b, `","http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name":`...)
		b = scenario.AppendString(b, p.Name)
		b = append(b, `,"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn":`...)
		b = scenario.AppendString(b, p.Name)
		b = append(b, `,"ver":"1.0","xms_idrel":"1 12","xms_tcdt":"1591862540"`...)
	} else {
		b = append(b, `,"aio":"`...)
		b = m.appendToken(b, 64)
		b = append(b, `","appid":"`...)
		b = scenario.AppendEscaped(b, p.Name)
		b = append(b, `","appidacr":"1","http://schemas.microsoft.com/identity/claims/identityprovider":"https://sts.windows.net/`...)
		b = append(b, id.tenant...)
		b = append(b, `/","idtyp":"app","http://schemas.microsoft.com/identity/claims/objectidentifier":"`...)
		b = scenario.AppendEscaped(b, oid)
		b = append(b, `","rh":"1.AQ`...)
		b = m.appendToken(b, 54)
		b = append(b, `.","http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier":"`...)
		b = scenario.AppendEscaped(b, oid)
		b = append(b, `","http://schemas.microsoft.com/identity/claims/tenantid":"`...)
		b = append(b, id.tenant...)
		b = append(b, `","ver":"1.0","xms_idrel":"7 28","xms_tcdt":"1591862540"`...)
	}
	b = append(b, '}')
	id.claims = b

	role, typ := roleContributor, "User"
	switch {
	case p.Kind != scenario.Human && p.UserAgent == backupAgent:
		role, typ = roleSnapContributor, "ServicePrincipal"
	case p.Kind != scenario.Human:
		typ = "ServicePrincipal"
	case m.intn(4) == 0:
		role = roleOwner
	}
	var e []byte
	e = append(e, `,"evidence":{"role":`...)
	e = scenario.AppendString(e, roleNames[role])
	e = append(e, `,"roleAssignmentScope":"/subscriptions/`...)
	e = append(e, acct.ID...)
	e = append(e, `","roleAssignmentId":"`...)
	e = appendUUIDPlain(e, m.next(), m.next())
	e = append(e, `","roleDefinitionId":"`...)
	e = append(e, plainID(role)...)
	e = append(e, `","principalId":"`...)
	e = scenario.AppendEscaped(e, plainID(oid))
	e = append(e, `","principalType":"`...)
	e = append(e, typ...)
	e = append(e, `"}`...)
	id.evidence = e
	return id
}

// appendUUIDPlain appends a UUID without dashes.
func appendUUIDPlain(b []byte, hi, lo uint64) []byte {
	u := appendUUID(make([]byte, 0, 36), hi, lo)
	for _, c := range u {
		if c != '-' {
			b = append(b, c)
		}
	}
	return b
}

// personName makes a display name from a UPN: anna.ops@… → Anna, Ops.
func personName(upn string) (given, surname string) {
	local, _, _ := strings.Cut(upn, "@")
	given, surname, _ = strings.Cut(local, ".")
	return title(given), title(surname)
}

func title(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-('a'-'A')) + s[1:]
}

// appendIdentity appends the record's identity object: the authorization
// (scope and action, as JSON strings, and, unless the call was refused, the evidence) and the
// claims of a token valid at unix time t.
func (id *ident) appendIdentity(b []byte, scopeQ, actionQ string, t int64, refused bool) []byte {
	b = append(b, `"identity":{"authorization":{"scope":`...)
	b = append(b, scopeQ...)
	b = append(b, `,"action":`...)
	b = append(b, actionQ...)
	if !refused {
		b = append(b, id.evidence...)
	}
	b = append(b, `},"claims":{`...)
	b = append(b, id.iss...)
	b = append(b, id.tokenTimes(t)...)
	b = append(b, id.claims...)
	return append(b, '}')
}

// tokenTimes returns `<iat>","nbf":"<nbf>","exp":"<exp>","uti":"<uti>"` of
// the token in use at unix time t. Tokens renew every hour at the
// principal's phase and live a little longer than that.
func (id *ident) tokenTimes(t int64) []byte {
	k := (t - id.phase) / 3600
	if id.times != nil && k == id.tok {
		return id.times
	}
	iat := k*3600 + id.phase - 300
	b := appendInt(id.times[:0], iat)
	b = append(b, `","nbf":"`...)
	b = appendInt(b, iat)
	b = append(b, `","exp":"`...)
	b = appendInt(b, iat+id.life)
	b = append(b, `","uti":"`...)
	m := id.seed ^ mix(k)
	b = m.appendToken(b, 22)
	b = append(b, '"')
	id.tok, id.times = k, b
	return b
}
