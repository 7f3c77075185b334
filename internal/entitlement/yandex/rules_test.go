package yandex_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// Ids of testdata/rules.
const (
	rFolder = "b1gf0l1d2e3r4a5b6c7d"
	rCloud  = "b1gc1l2o3u4d5a6b7c8d"
	rCloud2 = "b1gc2l2o3u4d5a6b7c8e"
	rOrg    = "bpfo1r2g3a4n5i6z7a8t"
	rUser1  = "ajeu1s2e3r4o5n6e7a8b"
	rUser2  = "ajeu2s2e3r4t5w6o7a8b"
	rSA1    = "ajes1a2c3c4o5u6n7t8a"
	rSA2    = "ajes2a2c3c4o5u6n7t8b"
	rSched  = "fd8sc1h2e3d4u5l6e7a8"
	rDisk   = "fhm1d2i3s4k5a6b7c8d9"
	rGroup  = "ajeg0r1o2u3p4n5o6m7e"
)

// TestEvaluate_rules runs one hand-built case per evaluation rule.
func TestEvaluate_rules(t *testing.T) {
	folderFile := "folder-" + rFolder + ".json"
	cases := []struct {
		name   string
		grants []want
		absent []string // "principal/capability"
		notes  []string // substrings some note must hold
	}{
		{
			name: "and-requirement", // schedule = the schedule right AND use of a disk
			grants: []want{{principal: rUser1, typ: "user", capability: entitlement.Schedule, verdict: entitlement.Allow,
				scope: "snapshot-schedule:" + rSched,
				via: []string{
					bindingVia("compute.disks.user", "disk:"+rDisk+" (db-disk)", "disk-"+rDisk+".json", 1),
					bindingVia("compute.snapshotSchedules.editor", "snapshot-schedule:"+rSched+" (nightly)", "snapshot-schedule-"+rSched+".json", 1),
				}},
				// Use of a disk alone: a snapshot wherever it may create one.
				{principal: rUser1, capability: entitlement.Create, verdict: entitlement.Conditional, scope: "disk:" + rDisk,
					via:        []string{bindingVia("compute.disks.user", "disk:"+rDisk+" (db-disk)", "disk-"+rDisk+".json", 1)},
					conditions: []string{"destination: compute.snapshots.create in a folder of its choosing"}},
			},
			// The schedule alone is not enough, and a role bound on a
			// schedule creates nothing in a folder.
			absent: []string{rUser2 + "/schedule", rUser2 + "/create"},
		},
		{
			name: "inherit", // organization → cloud → folder → service account
			grants: []want{
				{principal: rUser1, capability: entitlement.Create, verdict: entitlement.Allow, indirect: true, scope: "folder:" + rFolder,
					via: []string{
						bindingVia("iam.serviceAccounts.tokenCreator", "organization:"+rOrg, "organization-"+rOrg+".json", 1),
						"acts as service-account:" + rSA1 + " (robot)",
						bindingVia("compute.editor", "folder:"+rFolder+" (work)", folderFile, 1),
					}},
				{principal: rUser2, capability: entitlement.AdminEquivalent, verdict: entitlement.Allow, scope: "organization:" + rOrg,
					via: []string{bindingVia("admin", "organization:"+rOrg, "organization-"+rOrg+".json", 2)}},
			},
		},
		{
			name: "single-cloud", // an unlisted folder sits in the only cloud given
			grants: []want{{principal: rUser2, capability: entitlement.Create, verdict: entitlement.Allow, indirect: true, scope: "folder:" + rFolder,
				via: []string{
					bindingVia("iam.serviceAccounts.tokenCreator", "cloud:"+rCloud, "cloud-"+rCloud+".json", 1),
					"acts as service-account:" + rSA1 + " (robot)",
					bindingVia("compute.editor", "folder:"+rFolder, folderFile, 1),
				}}},
			notes: []string{"folder:" + rFolder + ": cloud not listed; taken to be in cloud:" + rCloud},
		},
		{
			name:   "two-clouds", // …but not when there are two
			absent: []string{rUser2 + "/create"},
			notes:  []string{"folder:" + rFolder + ": cloud unknown"},
		},
		{
			name: "chain", // user → SA1 → SA2 (SA2 → SA1 closes a cycle)
			grants: []want{
				{principal: rUser1, capability: entitlement.Create, verdict: entitlement.Allow, indirect: true, scope: "folder:" + rFolder,
					via: []string{
						bindingVia("iam.serviceAccounts.tokenCreator", "service-account:"+rSA1, "service-account-"+rSA1+".json", 1),
						"acts as service-account:" + rSA1,
						bindingVia("iam.serviceAccounts.authorizedKeyAdmin", "service-account:"+rSA2, "service-account-"+rSA2+".json", 1),
						"acts as service-account:" + rSA2,
						bindingVia("compute.editor", "folder:"+rFolder, folderFile, 1),
					}},
				{principal: rSA2, typ: "service_account", capability: entitlement.Create, verdict: entitlement.Allow, scope: "folder:" + rFolder,
					via: []string{bindingVia("compute.editor", "folder:"+rFolder, folderFile, 1)}},
			},
			notes: []string{"service-account:" + rSA1 + ": folder unknown"},
		},
		{
			name: "public",
			grants: []want{
				{principal: "allUsers", typ: "public_group", capability: entitlement.Restore, verdict: entitlement.Conditional, scope: "folder:" + rFolder,
					via:        []string{bindingVia("compute.images.user", "folder:"+rFolder, folderFile, 1)},
					conditions: []string{"destination: compute.disks.create in a folder of its choosing"}},
				{principal: "group:organization:" + rOrg + ":users", typ: "public_group", capability: entitlement.Create, verdict: entitlement.Allow, scope: "folder:" + rFolder,
					via: []string{bindingVia("editor", "folder:"+rFolder, folderFile, 2)}},
			},
			notes: []string{"public group allUsers is bound"},
		},
		{
			name: "group-no-members",
			grants: []want{{principal: rGroup, typ: "group", capability: entitlement.Share, verdict: entitlement.Allow, scope: "folder:" + rFolder,
				via: []string{bindingVia("compute.admin", "folder:"+rFolder, folderFile, 1)}}},
			notes: []string{"groups without a member list", "next page"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := evaluateDir(t, "testdata/rules/"+tc.name)
			got := grantsOf(r)
			for _, w := range tc.grants {
				g, ok := got[w.principal][w.capability]
				if !ok {
					t.Errorf("%s/%s: no grant; holds %v", w.principal, w.capability, capsOf(got[w.principal]))
					continue
				}
				t.Run(w.principal+"/"+string(w.capability), func(t *testing.T) { checkGrant(t, g, w) })
			}
			for _, a := range tc.absent {
				p, c, _ := strings.Cut(a, "/")
				if g, ok := got[p][entitlement.Capability(c)]; ok {
					t.Errorf("%s holds %s: %+v", p, c, g)
				}
			}
			for _, n := range tc.notes {
				if !slices.ContainsFunc(r.Notes, func(s string) bool { return strings.Contains(s, n) }) {
					t.Errorf("no note holds %q; notes: %q", n, r.Notes)
				}
			}
		})
	}
}
