package gcp

import (
	"encoding/hex"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Parts every AuditLog entry has: who called, from where, when.

// appendCaller appends who called, as every entry of theirs repeats it:
// authenticationInfo and the opening of requestMetadata (caller IP and
// user agent), which appendRequestTime closes. A service account a person
// holds a key of names that key, as the service does.
func appendCaller(b []byte, p *scenario.Principal) []byte {
	b = append(b, `"authenticationInfo":{`...)
	b = appendField(b, "principalEmail", p.ID)
	if isServiceAccount(p.ID) {
		b = append(b, `,"principalSubject":"serviceAccount:`...)
		b = scenario.AppendEscaped(b, p.ID)
		b = append(b, '"')
		if p.Kind == scenario.Human {
			b = append(b, `,"serviceAccountKeyName":"//iam.googleapis.com/projects/`...)
			b = scenario.AppendEscaped(b, serviceAccountProject(p.ID))
			b = append(b, "/serviceAccounts/"...)
			b = scenario.AppendEscaped(b, p.ID)
			b = append(b, "/keys/"...)
			b = appendKeyID(b, p.ID)
			b = append(b, '"')
		}
	} else {
		b = append(b, `,"principalSubject":"user:`...)
		b = scenario.AppendEscaped(b, p.ID)
		b = append(b, '"')
	}
	b = append(b, `},"requestMetadata":{`...)
	b = appendField(b, "callerIp", p.IP)
	b = append(b, ',')
	return appendField(b, "callerSuppliedUserAgent", p.UserAgent)
}

// appendRequestTime closes requestMetadata with the request's time, and a
// comma; the last entry of an operation has none.
func appendRequestTime(b []byte, t time.Time, withTime bool) []byte {
	if !withTime {
		return append(b, `,"requestAttributes":{},"destinationAttributes":{}},`...)
	}
	b = append(b, `,"requestAttributes":{"time":`...)
	b = appendTime(b, t, 6)
	return append(b, `,"auth":{}},"destinationAttributes":{}},`...)
}

// callers keeps each principal's rendered caller: people and tools make
// thousands of calls, their identity is escaped once.
type callers map[*scenario.Principal][]byte

func (c callers) of(p *scenario.Principal) []byte {
	b, ok := c[p]
	if !ok {
		b = appendCaller(nil, p)
		c[p] = b
	}
	return b
}

// receiveDelay is how long Cloud Logging took to receive an entry: 0.2 to
// 1.5 seconds, the same for an id in every run.
func receiveDelay(id string) time.Duration {
	return 200*time.Millisecond + time.Duration(hash(id, 11)%1_300_000)*time.Microsecond
}

// regionOf returns a zone's region (europe-west1-b → europe-west1).
func regionOf(zone string) string {
	if i := strings.LastIndexByte(zone, '-'); i > 0 && len(zone)-i == 2 {
		return zone[:i]
	}
	return zone
}

// multiRegion is where snapshots and images of a zone are stored by
// default: the zone's continent.
func multiRegion(zone string) string {
	switch {
	case strings.HasPrefix(zone, "europe"):
		return "eu"
	case strings.HasPrefix(zone, "asia"), strings.HasPrefix(zone, "australia"):
		return "asia"
	}
	return "us"
}

// serviceAccountProject returns P of NAME@P.iam.gserviceaccount.com.
func serviceAccountProject(email string) string {
	at := strings.LastIndexByte(email, '@')
	p, ok := strings.CutSuffix(email[at+1:], ".iam.gserviceaccount.com")
	if !ok {
		return "-"
	}
	return p
}

// appendKeyID appends the 40-hex id of the key a person created for a
// service account: the same in the key's creation and in the calls made
// with it.
func appendKeyID(b []byte, email string) []byte {
	var raw [20]byte
	for i := range 3 {
		h := hash(email, uint64(20+i))
		for j := 0; j < 8 && i*8+j < len(raw); j++ {
			raw[i*8+j] = byte(h >> (8 * j))
		}
	}
	return hex.AppendEncode(b, raw[:])
}
