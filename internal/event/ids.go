package event

import "strings"

// Canonical resource ids, one form per cloud, so that lineage joins never
// depend on how a log spelled an id.

// AzureID returns an Azure resource id lower-cased, without a trailing slash:
// Azure compares ids case-insensitively and logs spell them both ways.
func AzureID(id string) string {
	return strings.TrimRight(strings.ToLower(strings.TrimSpace(id)), "/")
}

// gcpPrefixes are the URL forms GCP logs use for a relative resource name.
var gcpPrefixes = []string{
	"https://www.googleapis.com/compute/",
	"https://compute.googleapis.com/compute/",
	"http://www.googleapis.com/compute/",
	"//compute.googleapis.com/",
	"https://www.googleapis.com/",
	"https://sqladmin.googleapis.com/sql/",
}

// GCPName returns a GCP resource as a relative name (projects/P/zones/Z/disks/D),
// stripping API URLs and their version segment (v1, beta, alpha).
func GCPName(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range gcpPrefixes {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	if i := strings.Index(s, "projects/"); i > 0 {
		s = s[i:]
	}
	return strings.TrimRight(s, "/")
}

// GCPProject returns the project of a relative name, or "".
func GCPProject(name string) string {
	name = GCPName(name)
	if !strings.HasPrefix(name, "projects/") {
		return ""
	}
	rest := name[len("projects/"):]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[:i]
	}
	return rest
}

// RDS resource kinds as they appear in RDS ARNs.
const (
	RDSInstance        = "db"
	RDSCluster         = "cluster"
	RDSSnapshot        = "snapshot"
	RDSClusterSnapshot = "cluster-snapshot"
)

// RDSID qualifies an RDS identifier by account and region as an ARN
// (arn:aws:rds:REGION:ACCOUNT:KIND:NAME). An id that is already an ARN keeps
// its own account and region. RDS identifiers are case-insensitive and stored
// lower-case by RDS, so the name is lower-cased.
func RDSID(account, region, kind, id string) string {
	id = strings.TrimSpace(id)
	if id == "" {
		return ""
	}
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 7)
		if len(parts) == 7 {
			return strings.Join(parts[:6], ":") + ":" + strings.ToLower(parts[6])
		}
		return id
	}
	return "arn:aws:rds:" + region + ":" + account + ":" + kind + ":" + strings.ToLower(id)
}

// ARNAccount returns the account field of an ARN, or "".
func ARNAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// IsPublic reports whether the share grants access to anyone.
func (s Share) IsPublic() bool {
	return strings.EqualFold(s.Kind, Public) || strings.EqualFold(s.Target, Public)
}

// Within reports whether the share stays inside the accounts trusted
// accepts: the target account itself, the account of an ARN, or the
// project of a GCP service account. A public share never does.
func (s Share) Within(trusted func(account string) bool) bool {
	if s.IsPublic() {
		return false
	}
	t := strings.TrimSpace(s.Target)
	if trusted(t) {
		return true
	}
	if a := ARNAccount(t); a != "" {
		return trusted(a)
	}
	// serviceAccount:name@PROJECT.iam.gserviceaccount.com
	if i := strings.LastIndexByte(t, '@'); i >= 0 {
		if p, ok := strings.CutSuffix(t[i+1:], ".iam.gserviceaccount.com"); ok {
			return trusted(p)
		}
	}
	return false
}
