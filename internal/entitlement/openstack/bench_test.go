package openstack_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement/openstack"
)

// syntheticAssignments is a cloud of users, each with a role on a few of
// the projects: mostly members and readers, some admins, a few custom
// roles. Deterministic.
func syntheticAssignments(tb testing.TB, users int) openstack.File {
	tb.Helper()
	roles := []string{"member", "reader", "member", "reader", "member", "admin", "auditor", "operator", "reader", "member"}
	type row struct {
		Role, User, Group, Project, Domain, System string
		Inherited                                  bool
	}
	var rows []row
	for u := range users {
		for k := range 1 + u%3 {
			rows = append(rows, row{Role: roles[(u*7+k)%len(roles)], User: fmt.Sprintf("user%05d@Default", u),
				Project: fmt.Sprintf("project%03d@Default", (u*13+k*29)%400)})
		}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		tb.Fatal(err)
	}
	return openstack.File{Name: "synthetic.json", Data: b}
}

func BenchmarkEvaluate(b *testing.B) {
	for _, users := range []int{100, 1000, 10000} {
		asg := syntheticAssignments(b, users)
		in := openstack.Input{Assignments: asg, Policies: policies(b, "not"), Implied: file(b, "implied_cli.json")}
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(asg.Data)))
			var grants int
			for b.Loop() {
				r, err := openstack.Evaluate(in)
				if err != nil {
					b.Fatal(err)
				}
				grants = len(r.Grants)
			}
			b.ReportMetric(float64(grants), "grants")
		})
	}
}
