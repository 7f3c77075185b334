package gcp_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/gcp"
	"google.golang.org/api/compute/v1"
)

func TestExposure(t *testing.T) {
	bind := func(members ...string) *compute.Binding {
		return &compute.Binding{Role: "roles/compute.storageAdmin", Members: members}
	}
	for _, tc := range []struct {
		name   string
		policy *compute.Policy
		want   inventory.Exposure
	}{
		{"no policy", nil, inventory.Exposure{}},
		{"no bindings", &compute.Policy{Etag: "ACAB"}, inventory.Exposure{}},
		{"anyone", &compute.Policy{Bindings: []*compute.Binding{bind("allUsers")}}, inventory.Exposure{Public: true}},
		{"any Google account", &compute.Policy{Bindings: []*compute.Binding{bind("allAuthenticatedUsers")}}, inventory.Exposure{Public: true}},
		{
			"identities as the decoder names them",
			&compute.Policy{Bindings: []*compute.Binding{bind(
				"user:a@example.com", "group:ops@example.com", "serviceAccount:sa@other-proj.iam.gserviceaccount.com",
				"domain:example.org", "projectEditor:other-proj",
				"principalSet://iam.googleapis.com/locations/global/workforcePools/p/group/g",
			)}},
			inventory.Exposure{Accounts: []string{
				"a@example.com", "example.org", "ops@example.com", "other-proj",
				"principalSet://iam.googleapis.com/locations/global/workforcePools/p/group/g",
				"sa@other-proj.iam.gserviceaccount.com",
			}},
		},
		{
			"duplicates across roles, deleted and empty members",
			&compute.Policy{Bindings: []*compute.Binding{
				bind("user:a@example.com", "deleted:user:b@example.com?uid=1", " "),
				nil,
				{Role: "roles/compute.viewer", Members: []string{"user:a@example.com", "allUsers"}},
			}},
			inventory.Exposure{Accounts: []string{"a@example.com"}, Public: true},
		},
		{"unknown member kind kept whole", &compute.Policy{Bindings: []*compute.Binding{bind("futureKind:x")}}, inventory.Exposure{Accounts: []string{"futureKind:x"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sameJSON(t, "exposure", gcp.Exposure(tc.policy), tc.want)
		})
	}
}
