package openstack_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/openstack"
	"github.com/snapwarden/snapwarden/internal/event"
)

func TestEvaluateVK(t *testing.T) {
	r, err := openstack.EvaluateVK(file(t, "vk_members.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Principals != 5 {
		t.Errorf("principals %d, want 5", r.Principals)
	}
	for _, g := range r.Grants {
		if g.Cloud != event.VKCloud {
			t.Errorf("%s %s: cloud %s", g.Principal, g.Capability, g.Cloud)
		}
	}
	owner := []string{"role mcs_owner on project mcs0001", "VK role mcs_owner: project owner [VK role catalog]"}
	for _, w := range []want{
		{principal: "u-owner", capability: entitlement.Create, verdict: entitlement.Allow, scope: "project mcs0001", via: owner},
		{principal: "u-owner", capability: entitlement.Export, verdict: entitlement.Allow, scope: "project mcs0001", via: owner},
		{principal: "u-owner", capability: entitlement.AdminEquivalent, verdict: entitlement.Allow, scope: "project mcs0001", via: owner},
		{principal: "u-vm", capability: entitlement.Create, verdict: entitlement.Allow, scope: "project mcs0001",
			via: []string{"role mcs_admin_vm on project mcs0001", "VK role mcs_admin_vm: Cloud Servers administrator (basic operations: VM snapshots and images) [VK role catalog]"}},
		{principal: "u-vm", capability: entitlement.Schedule, verdict: entitlement.Conditional, scope: "project mcs0001",
			conditions: []string{"unverified: whether it can create backup plans"}},
		{principal: "u-vm", capability: entitlement.Share},
		{principal: "viewer@example.ru", capability: entitlement.Create},
		{principal: "u-sec", capability: entitlement.AdminEquivalent, verdict: entitlement.Allow,
			via: []string{"role mcs_admin_security on project mcs0001", "VK role mcs_admin_security: IAM administrator (can grant roles) [VK role catalog]"}},
		{principal: "u-sec", capability: entitlement.Create, verdict: entitlement.Allow, indirect: true, scope: "project mcs0001",
			via: []string{"role mcs_admin_security on project mcs0001", "grants itself role mcs_admin_vm", "VK role mcs_admin_vm: Cloud Servers administrator (basic operations: VM snapshots and images) [VK role catalog]"}},
		{principal: "u-sec", capability: entitlement.Share, verdict: entitlement.Allow, indirect: true,
			via: []string{"grants itself role glance_publish_modify"}},
		// Only the owner-like roles read data, and those are admin
		// equivalents themselves: no role to grant oneself for it.
		{principal: "u-sec", capability: entitlement.ReadData},
		{principal: "u-img", capability: entitlement.Share, verdict: entitlement.Allow, scope: "project mcs0002",
			via: []string{"role glance_publish_modify on project mcs0002", "VK role glance_publish_modify: other projects' access to images [VK role catalog]"}},
	} {
		check(t, r, w)
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "custom_role") }) {
		t.Errorf("notes %q do not name the role the catalog lacks", r.Notes)
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "not been verified") }) {
		t.Errorf("notes %q do not say the catalog is unverified", r.Notes)
	}
}

func TestEvaluate_vkCloudKeystoneAssignments(t *testing.T) {
	asg := openstack.File{Name: "vk.json", Data: []byte(`[
		{"Role": "cinder_modify", "User": "u1", "Project": "mcs0001"},
		{"Role": "member", "User": "u2", "Project": "mcs0001"}]`)}
	r := evaluate(t, openstack.Input{Assignments: asg, Cloud: event.VKCloud})
	check(t, r, want{principal: "u1", capability: entitlement.Copy, verdict: entitlement.Allow, scope: "project mcs0001",
		via: []string{"role cinder_modify on project mcs0001", "VK role cinder_modify: disks, including snapshots [VK role catalog]"}})
	// VK's policies are not public: without policy files, an OpenStack role
	// gives nothing, and the note says so.
	check(t, r, want{principal: "u2", capability: entitlement.Create})
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "member") }) {
		t.Errorf("notes %q do not name member", r.Notes)
	}
	// With policy files the OpenStack evaluation applies too.
	r = evaluate(t, openstack.Input{Assignments: asg, Cloud: event.VKCloud, Policies: policies(t, "partial")})
	check(t, r, want{principal: "u2", capability: entitlement.Create, verdict: entitlement.Allow,
		via: []string{"role member on project mcs0001"}})
	if g := find(r, "u2", entitlement.Create); g != nil && g.Cloud != event.VKCloud {
		t.Errorf("cloud %s, want vkcloud", g.Cloud)
	}
}

func TestEvaluateVK_errors(t *testing.T) {
	cases := []struct{ data, want string }{
		{"", "m.json: empty"},
		{"[1]", "m.json: not a list of VK Cloud project members"},
		{`{"users": []}`, "m.json: no members"},
		{`[{"project": "p", "roles": ["mcs_viewer"]}]`, "m.json: members[0]: neither user nor email"},
		{`[{"user": "u", "roles": ["mcs_viewer"]}]`, "m.json: members[0] (u): no project"},
		{`[{"email": "a@b", "project": "p"}]`, "m.json: members[0] (a@b): no role"},
	}
	for _, tc := range cases {
		_, err := openstack.EvaluateVK(openstack.File{Name: "m.json", Data: []byte(tc.data)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.data, err, tc.want)
		}
	}
}
