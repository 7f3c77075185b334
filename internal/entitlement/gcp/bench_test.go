package gcp_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement/gcp"
)

// synthOrg builds an organization of projects, each with its own admins,
// storage operators, viewers and service accounts, and a few token
// creators: the shape of a mid-size estate.
func synthOrg(tb testing.TB, projects, usersPerProject int) gcp.Input {
	tb.Helper()
	type binding struct {
		Role    string   `json:"role"`
		Members []string `json:"members"`
	}
	policy := func(name string, res gcp.Resource, bs []binding) gcp.PolicyFile {
		data, err := json.Marshal(map[string]any{"bindings": bs, "etag": "BwY=", "version": 1})
		if err != nil {
			tb.Fatal(err)
		}
		return gcp.PolicyFile{File: gcp.File{Name: name, Data: data}, Resource: res}
	}
	var in gcp.Input
	in.Policies = append(in.Policies, policy("org.json", gcp.Resource{Level: gcp.Organization, ID: "1"}, []binding{
		{Role: "roles/resourcemanager.organizationAdmin", Members: []string{"group:org-admins@example.com"}},
		{Role: "roles/viewer", Members: []string{"group:everyone@example.com"}},
	}))
	for p := range projects {
		id := fmt.Sprintf("proj-%03d", p)
		var users, viewers, sas []string
		for u := range usersPerProject {
			users = append(users, fmt.Sprintf("user:u%d-%s@example.com", u, id))
			viewers = append(viewers, fmt.Sprintf("user:v%d-%s@example.com", u, id))
		}
		for s := range 3 {
			sas = append(sas, fmt.Sprintf("serviceAccount:sa%d@%s.iam.gserviceaccount.com", s, id))
		}
		in.Policies = append(in.Policies, policy(id+".json", gcp.Resource{Level: gcp.Project, ID: id}, []binding{
			{Role: "roles/owner", Members: users[:1]},
			{Role: "roles/compute.storageAdmin", Members: append(users[1:len(users)/2:len(users)/2], sas[0])},
			{Role: "roles/compute.instanceAdmin", Members: users[len(users)/2:]},
			{Role: "roles/viewer", Members: append(viewers, sas[1:]...)},
			{Role: "roles/iam.serviceAccountTokenCreator", Members: users[len(users)-1:]},
		}))
	}
	return in
}

func BenchmarkEvaluate_org(b *testing.B) {
	for _, size := range []struct{ projects, users int }{{10, 10}, {100, 20}} {
		in := synthOrg(b, size.projects, size.users)
		b.Run(fmt.Sprintf("projects=%d/users=%d", size.projects, size.projects*size.users*2), func(b *testing.B) {
			b.ReportAllocs()
			var grants, principals int
			for b.Loop() {
				r, err := gcp.Evaluate(in)
				if err != nil {
					b.Fatal(err)
				}
				grants, principals = len(r.Grants), r.Principals
			}
			b.ReportMetric(float64(principals), "principals")
			b.ReportMetric(float64(grants), "grants")
		})
	}
}
