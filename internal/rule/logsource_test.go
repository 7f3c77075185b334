package rule_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/rule"
)

func TestLogSource_Format(t *testing.T) {
	tests := []struct {
		product, service string
		format           string
		active           bool
	}{
		{"aws", "cloudtrail", "cloudtrail", true},
		{"AWS", "CloudTrail", "cloudtrail", true},
		{"aws", "", "", false},
		{"aws", "s3", "", false},
		{"azure", "activitylogs", "azureactivity", true},
		{"azure", "signinlogs", "", false},
		{"azure", "auditlogs", "", false},
		{"azure", "pim", "", false},
		{"azure", "riskdetection", "", false},
		{"gcp", "gcp.audit", "gcpaudit", true},
		{"gcp", "google_workspace.admin", "", false},
		{"gcp", "google_workspace.login", "", false},
		{"vkcloud", "", "vkcloud", true},
		{"vkcloud", "audit", "vkcloud", true},
		{"openstack", "", "openstack", true},
		{"openstack", "nova", "openstack", true},
		{"yandex", "", "yandex", true},
		{"yandex", "audittrails", "yandex", true},
		{"yandex", "other", "", false},
		{"snapwarden", "", "", true},
		{"m365", "audit", "", false},
		{"okta", "okta", "", false},
		{"bitbucket", "audit", "", false},
		{"windows", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.product+"/"+tt.service, func(t *testing.T) {
			format, active := rule.LogSource{Product: tt.product, Service: tt.service}.Format()
			if format != tt.format || active != tt.active {
				t.Errorf("Format() = %q, %v; want %q, %v", format, active, tt.format, tt.active)
			}
		})
	}
}
