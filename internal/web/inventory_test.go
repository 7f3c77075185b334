package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/web"
)

const (
	ownAWS     = "111111111111"
	trustedAWS = "222222222222"
	foreignAWS = "999999999999"
)

func withTrust(o *web.Options) {
	o.Trust = web.Trust{
		Account:   func(id string) bool { return id == trustedAWS || id == "trusted-proj" },
		Principal: func(a event.Actor) bool { return a.ID == "user:auditor@example.com" },
	}
}

func invSnap(cloud event.Cloud, account, id string, exp inventory.Exposure) inventory.Record {
	return inventory.Record{Cloud: cloud, Account: account, Region: "eu-west-1", Kind: inventory.Snapshot, ID: id,
		Encrypted: true, Exposure: exp, Created: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}
}

// seedInventory stores a picture ten days ago, then one an hour ago that
// shares a private copy outside and removes another.
func seedInventory(t *testing.T, fx *fixture) {
	t.Helper()
	hostile := invSnap(event.AWS, ownAWS, "snap-hostile", inventory.Exposure{Public: true})
	hostile.Name = hostileText
	hostile.Tags = map[string]string{"owner": hostileText}
	hostile.Encrypted = false
	first := []inventory.Record{
		hostile,
		invSnap(event.AWS, ownAWS, "snap-private", inventory.Exposure{}),
		invSnap(event.AWS, ownAWS, "snap-gone", inventory.Exposure{}),
		withCreator(invSnap(event.AWS, ownAWS, "snap-out", inventory.Exposure{Accounts: []string{foreignAWS}}), "arn:aws:iam::111111111111:user/inventory-says"),
		invSnap(event.AWS, ownAWS, "snap-trusted", inventory.Exposure{Accounts: []string{trustedAWS, "arn:aws:iam::" + trustedAWS + ":root"}}),
		invSnap(event.GCP, "prod", "projects/prod/global/snapshots/s1", inventory.Exposure{Accounts: []string{
			"serviceAccount:backup@trusted-proj.iam.gserviceaccount.com", "user:auditor@example.com"}}),
		invSnap(event.Azure, "sub-1", "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/d1", inventory.Exposure{Network: "AllowAll"}),
		{Cloud: event.AWS, Account: ownAWS, Region: "eu-west-1", Kind: inventory.Guardrail, ID: "ebs-block-public-access", Name: "EBS block public access", Enabled: false},
	}
	scopes := []inventory.Scope{
		{Cloud: event.AWS, Account: ownAWS, Region: "eu-west-1", Kind: inventory.Snapshot},
	}
	ctx := t.Context()
	if _, err := inventory.Apply(ctx, fx.store, fx.now.AddDate(0, 0, -10), &inventory.Result{Records: first, Complete: scopes}); err != nil {
		t.Fatal(err)
	}
	var second []inventory.Record
	for _, r := range first {
		switch {
		case r.Cloud != event.AWS || r.Kind != inventory.Snapshot || r.ID == "snap-gone":
			continue
		case r.ID == "snap-private":
			r.Exposure.Accounts = []string{foreignAWS}
		}
		second = append(second, r)
	}
	if _, err := inventory.Apply(ctx, fx.store, fx.now.Add(-time.Hour), &inventory.Result{Records: second, Complete: scopes}); err != nil {
		t.Fatal(err)
	}
}

func withCreator(r inventory.Record, who string) inventory.Record {
	r.Creator = who
	return r
}

var dataCopy = regexp.MustCompile(`<tr data-copy="([^"]+)"`)

func copyIDs(body string) []string {
	var out []string
	for _, m := range dataCopy.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// row returns the table row of the copy id in body.
func copyRow(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `data-copy="`+id+`"`)
	if i < 0 {
		t.Fatalf("no row for %s", id)
	}
	s := body[i:]
	return s[:strings.Index(s, "</tr>")]
}

func TestInventory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b, withTrust)
		seedInventory(t, fx)
		// The events named the creators of two copies; the inventory
		// names one of them itself, and its word stands.
		if err := fx.store.SaveState(t.Context(), &store.Snapshot{Resources: []store.Resource{
			{Cloud: "aws", ID: "snap-private", Type: "snapshot", Creator: "arn:aws:iam::111111111111:user/carol"},
			{Cloud: "aws", ID: "snap-out", Type: "snapshot", Creator: "arn:aws:iam::111111111111:user/events-say"},
		}}); err != nil {
			t.Fatal(err)
		}
		c := fx.client()
		c.login()
		r := c.get("/inventory")
		if r.status != http.StatusOK {
			t.Fatalf("GET /inventory: %d %s", r.status, r.body)
		}
		cp := pageSection(t, r.body, "copies")
		got := copyIDs(cp)
		// Exposed copies first (public, shared outside), then the store's
		// order: cloud, account, region, kind, id.
		want := []string{"snap-hostile", "snap-out", "snap-private", "snap-trusted",
			"/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/d1",
			"projects/prod/global/snapshots/s1"}
		if !slices.Equal(got, want) {
			t.Errorf("copies\n got %q\nwant %q", got, want)
		}
		if !strings.Contains(cp, "6 copies, 3 of them public or shared outside") {
			t.Errorf("count line missing: %s", cp[:min(len(cp), 400)])
		}
		for _, tc := range []struct {
			id       string
			has, not []string
		}{
			{"snap-hostile", []string{"public"}, []string{"shared outside"}},
			{"snap-out", []string{"shared outside:", foreignAWS, "user/inventory-says"}, []string{"owner only", "events-say", "(events)"}},
			{"snap-private", []string{"shared outside:", foreignAWS, "user/carol", "(events)"}, nil},
			{"snap-trusted", []string{"shared (trusted):", trustedAWS}, []string{"shared outside"}},
			{"projects/prod/global/snapshots/s1", []string{"shared (trusted):", "user:auditor@example.com"}, []string{"shared outside"}},
			{"/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/d1", []string{"network:", "AllowAll"}, []string{"shared outside"}},
		} {
			rw := copyRow(t, cp, tc.id)
			for _, s := range tc.has {
				if !strings.Contains(rw, s) {
					t.Errorf("%s: no %q in %s", tc.id, s, rw)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(rw, s) {
					t.Errorf("%s: %q in %s", tc.id, s, rw)
				}
			}
		}
		if rw := copyRow(t, cp, "snap-hostile"); !strings.Contains(rw, `<span class="error">no</span>`) {
			t.Errorf("the unencrypted copy is not marked: %s", rw)
		}
		checkEscaped(t, r.body)
		if !strings.Contains(pageSection(t, r.body, "guardrails"), "EBS block public access") {
			t.Errorf("the guardrail is not listed")
		}
		// Changes of the last 7 days, newest first: the share and the
		// removal an hour ago, not the additions ten days ago.
		ch := pageSection(t, r.body, "changes")
		changes := regexp.MustCompile(`data-change="(\w+)" data-copy="([^"]+)"`).FindAllStringSubmatch(ch, -1)
		var kinds []string
		for _, m := range changes {
			kinds = append(kinds, m[1]+" "+m[2])
		}
		slices.Sort(kinds)
		if w := []string{"changed snap-private", "removed snap-gone"}; !slices.Equal(kinds, w) {
			t.Errorf("changes %q, want %q", kinds, w)
		}
		shared := ch[strings.Index(ch, `data-copy="snap-private"`):]
		shared = shared[:strings.Index(shared, "</tr>")]
		if before, after := strings.Index(shared, "owner only"), strings.Index(shared, "shared outside:"); before < 0 || after < before {
			t.Errorf("the change does not read owner only → shared outside: %s", shared)
		}
	})
}

func TestInventoryFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b, withTrust)
		seedInventory(t, fx)
		c := fx.client()
		c.login()
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"cloud=gcp", []string{"projects/prod/global/snapshots/s1"}},
			{"cloud=azure&account=sub-1", []string{"/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/d1"}},
			{"account=prod", []string{"projects/prod/global/snapshots/s1"}},
			{"cloud=aws&account=" + foreignAWS, nil},
			{"cloud=" + strings.Repeat("x", 300), nil},
		} {
			r := c.get("/inventory?" + tc.query)
			if strings.Contains(tc.query, "xxxx") {
				if r.status != http.StatusBadRequest {
					t.Errorf("%s: %d, want 400", tc.query[:20], r.status)
				}
				continue
			}
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", tc.query, r.status)
			}
			if got := copyIDs(pageSection(t, r.body, "copies")); !slices.Equal(got, tc.want) {
				t.Errorf("%s: copies %q, want %q", tc.query, got, tc.want)
			}
			if tc.want == nil && !strings.Contains(r.body, `id="no-copies"`) {
				t.Errorf("%s: no empty note", tc.query)
			}
		}
		// The account choices follow the cloud chosen.
		r := c.get("/inventory?cloud=gcp")
		form := pageSection(t, r.body, "inventory-filters")
		if !strings.Contains(form, `<option value="prod">`) || strings.Contains(form, `value="`+ownAWS+`"`) {
			t.Errorf("account choices for gcp: %s", form)
		}
		if !strings.Contains(form, `<option value="gcp" selected>`) {
			t.Errorf("the chosen cloud is not selected")
		}
	})
}

func TestInventoryEmpty(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		c := fx.client()
		c.login()
		r := c.get("/inventory")
		if r.status != http.StatusOK {
			t.Fatalf("GET /inventory: %d", r.status)
		}
		for _, s := range []string{`id="no-copies"`, "snapwarden inventory collect", `id="no-changes"`} {
			if !strings.Contains(r.body, s) {
				t.Errorf("the empty inventory lacks %q", s)
			}
		}
		if strings.Contains(r.body, `id="guardrails"`) {
			t.Errorf("an empty guardrails section")
		}
	})
}
