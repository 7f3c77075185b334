package azureactivity

import (
	"cmp"
	"net/netip"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Token claims, as the Activity Log names them (URIs or short JWT names).
const (
	claimOID   = "http://schemas.microsoft.com/identity/claims/objectidentifier"
	claimUPN   = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"
	claimName  = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"
	claimEmail = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
)

// Actor types.
const (
	typeUser             = "user"
	typeServicePrincipal = "service_principal"
	typeManagedIdentity  = "managed_identity"
	typeSAS              = "sas"         // a storage SAS token's holder
	typeAccountKey       = "account_key" // a storage account key's holder
)

// claims returns the records' token claims: identity.claims in the records
// shape, claims in the REST shape (an object, or JSON in a string).
func claims(d decode.Docs) []*jsondoc.Value {
	var out []*jsondoc.Value
	for _, v := range d {
		for _, path := range [][]string{{"identity", "claims"}, {"claims"}} {
			if c := embedded(v.Get(path...)); c != nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// claim returns the first non-empty value of the first key found.
func claim(cs []*jsondoc.Value, keys ...string) string {
	for _, k := range keys {
		for _, c := range cs {
			if s := strings.TrimSpace(decode.Str(c, k)); s != "" {
				return s
			}
		}
	}
	return ""
}

// actor reads who made the call. ID is the caller's object id (stable across
// renames): the oid claim, else the principal of a direct role assignment
// that authorized the call; else the caller, UPN or application id,
// lower-cased. Storage logs name an OAuth requester, or the key or SAS used.
func actor(d decode.Docs) event.Actor {
	cs := claims(d)
	caller := d.Str("caller")
	upn := cmp.Or(claim(cs, claimUPN, "upn", "unique_name", claimName), d.Str("identity", "requester", "upn"))
	appid := cmp.Or(claim(cs, "appid", "azp"), d.Str("identity", "requester", "appId"))
	var a event.Actor
	a.Name = cmp.Or(caller, upn, claim(cs, claimEmail, "email", "name"), appid)
	a.ID = strings.ToLower(cmp.Or(
		claim(cs, claimOID, "oid"), d.Str("identity", "requester", "objectId"), evidencePrincipal(d),
		caller, upn, claim(cs, claimEmail, "email", "name"), appid,
	))
	if a.ID == "" {
		a.ID = d.Str("identity", "tokenHash") // base64: keep its case
	}
	a.Type = actorType(d, cs, a.Name, appid)
	a.IP = cmp.Or(hostOf(d.Str("callerIpAddress")), hostOf(d.Str("httpRequest", "clientIpAddress")), claim(cs, "ipaddr"))
	a.UserAgent = cmp.Or(d.Str("properties", "userAgentHeader"), d.Str("properties", "userAgent"))
	return a
}

// evidencePrincipal returns the principal of the role assignment that
// authorized the call when it was assigned to the caller directly (not to a
// group the caller is in).
func evidencePrincipal(d decode.Docs) string {
	switch strings.ToLower(d.Str("identity", "authorization", "evidence", "principalType")) {
	case "user", "serviceprincipal":
		return d.Str("identity", "authorization", "evidence", "principalId")
	}
	return ""
}

// actorType derives the principal's kind: the idtyp claim when present, a
// managed identity's resource claim, a user name, an application id (user
// tokens carry one too, hence after the user name); else the principal type
// of the role assignment that authorized the call.
func actorType(d decode.Docs, cs []*jsondoc.Value, name, appid string) string {
	mi := claim(cs, "xms_mirid") != ""
	switch strings.ToLower(claim(cs, "idtyp")) {
	case "user":
		return typeUser
	case "app":
		if mi {
			return typeManagedIdentity
		}
		return typeServicePrincipal
	}
	switch {
	case mi:
		return typeManagedIdentity
	case strings.Contains(name, "@"):
		return typeUser
	case appid != "":
		return typeServicePrincipal
	}
	switch strings.ToLower(d.Str("identity", "authorization", "evidence", "principalType")) {
	case "user":
		return typeUser
	case "serviceprincipal":
		return typeServicePrincipal
	}
	switch strings.ToLower(d.Str("identity", "type")) { // storage logs
	case "sas":
		return typeSAS
	case "accountkey":
		return typeAccountKey
	}
	return ""
}

// hostOf strips a port from an address ("1.2.3.4:5678", "[::1]:443"), as
// storage logs write them.
func hostOf(s string) string {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().String()
	}
	return s
}
