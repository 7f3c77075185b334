package vkcloud_test

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/vkcloud"
)

var (
	keystoneID = regexp.MustCompile(`^[0-9a-f]{32}$`)
	uuidV4     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	email      = regexp.MustCompile(`^[a-z0-9.\-]+@[a-z0-9.\-]+\.[a-z]+$`)
)

// TestCloud_IDs: projects and users are Keystone ids, resources and events
// UUIDs, logins e-mails; the same generator state gives the same ids.
func TestCloud_IDs(t *testing.T) {
	gen := func() ([]*scenario.Account, []*scenario.Principal, []string) {
		c := &vkcloud.Cloud{}
		r := rand.New(rand.NewPCG(3, 4))
		accts := c.Accounts(r, 3)
		var people []*scenario.Principal
		for _, a := range accts {
			people = append(people, c.NewPrincipal(r, scenario.Human, a, "Anna.Ops"), c.NewPrincipal(r, scenario.Automation, a, "backup-automation"))
		}
		ids := []string{c.EventID(r)}
		for k := scenario.VolumeID; k <= scenario.DBSnapshotID; k++ {
			ids = append(ids, c.ResourceID(r, k, accts[0], "RegionOne", "x"))
		}
		if p := c.NewPrincipal(r, scenario.ServiceAccount, accts[0], "malware-scanner"); p != nil {
			t.Errorf("a volume-scanning service on VK Cloud: %+v", p)
		}
		return accts, people, ids
	}
	accts, people, ids := gen()
	accts2, people2, ids2 := gen()
	if len(accts) != 3 {
		t.Fatalf("%d accounts", len(accts))
	}
	for i, a := range accts {
		if !keystoneID.MatchString(a.ID) || a.Name == "" || len(a.Regions) == 0 || a.ID != accts2[i].ID {
			t.Errorf("account %+v (again %+v)", a, accts2[i])
		}
	}
	if !strings.HasPrefix(accts[2].Name, "mcs") || strings.HasPrefix(accts[0].Name, "mcs") {
		t.Errorf("names %s, %s: the last project is someone else's", accts[0].Name, accts[2].Name)
	}
	for i, p := range people {
		if !keystoneID.MatchString(p.ID) || !email.MatchString(p.Name) || p.UserAgent == "" || p.IP == "" || p.ID != people2[i].ID {
			t.Errorf("principal %+v", p)
		}
	}
	if d0, d2 := domainOf(people[0].Name), domainOf(people[4].Name); d0 == d2 || d0 != domainOf(people[2].Name) {
		t.Errorf("domains %s (main), %s (dev), %s (outside)", d0, domainOf(people[2].Name), d2)
	}
	for i, id := range ids {
		if !uuidV4.MatchString(id) || id != ids2[i] {
			t.Errorf("id %q (again %q)", id, ids2[i])
		}
	}
}

func domainOf(email string) string { _, d, _ := strings.Cut(email, "@"); return d }

// TestCloud_Sharing: images are shared with projects; no service account.
func TestCloud_Sharing(t *testing.T) {
	c := &vkcloud.Cloud{}
	acct := &scenario.Account{ID: "0123456789abcdef0123456789abcdef"}
	if c.ShareTarget(acct) != acct.ID || c.ServiceAccount() != "" || c.Name() != event.VKCloud {
		t.Errorf("share target %q, service account %q, name %q", c.ShareTarget(acct), c.ServiceAccount(), c.Name())
	}
}
