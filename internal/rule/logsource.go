package rule

import "strings"

// Decoder format names (internal/decode/<format>) a rule's log source can
// select. Kept as text: package rule imports no decoder.
const (
	FormatCloudTrail    = "cloudtrail"
	FormatAzureActivity = "azureactivity"
	FormatGCPAudit      = "gcpaudit"
	FormatVKCloud       = "vkcloud"
	FormatOpenStack     = "openstack"
	FormatYandex        = "yandex"
)

// ProductSnapwarden is the log source product of rules written against
// snapwarden's normalized event fields; they run on every cloud.
const ProductSnapwarden = "snapwarden"

// Format maps the log source to the decoder format whose events it reads.
// active is false for a log source snapwarden does not read (Azure sign-in,
// audit, PIM and risk logs, Microsoft 365, Google Workspace, Okta, Windows
// and so on): such a rule loads and is listed, but is never evaluated. A
// rule with product snapwarden is active with format "": it reads the
// normalized fields of every format. Values compare case-insensitively.
//
//	product    service                  format
//	aws        cloudtrail               cloudtrail
//	azure      activitylogs             azureactivity
//	gcp        gcp.audit                gcpaudit
//	vkcloud    any                      vkcloud
//	openstack  any                      openstack
//	yandex     audittrails or none      yandex
//	snapwarden any                      "" (all)
func (l LogSource) Format() (format string, active bool) {
	product, service := strings.ToLower(l.Product), strings.ToLower(l.Service)
	switch {
	case product == "aws" && service == "cloudtrail":
		return FormatCloudTrail, true
	case product == "azure" && service == "activitylogs":
		return FormatAzureActivity, true
	case product == "gcp" && service == "gcp.audit":
		return FormatGCPAudit, true
	case product == "vkcloud":
		return FormatVKCloud, true
	case product == "openstack":
		return FormatOpenStack, true
	case product == "yandex" && (service == "" || service == "audittrails"):
		return FormatYandex, true
	case product == ProductSnapwarden:
		return "", true
	}
	return "", false
}

// Format is the rule's LogSource.Format.
// A chain rule reads the normalized events of every format; a correlation
// rule reads its base rules' hits, whatever their format.
func (r *Rule) Format() (format string, active bool) {
	if r.Kind == KindChain || r.Kind == KindCorrelation {
		return "", true
	}
	return r.LogSource.Format()
}
