package openstack_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/openstack"
)

// Ids of the fixtures.
const (
	otherUser = "4e5f6a7b8c9d4e0f1a2b3c4d5e6f7a8b"
	vol1      = "0a1b2c3d-1111-4a5b-8c9d-0e1f2a3b4c5d"
	vol2      = "0a1b2c3d-2222-4a5b-8c9d-0e1f2a3b4c5d"
	vol3      = "0a1b2c3d-3333-4a5b-8c9d-0e1f2a3b4c5d"
	vol4      = "0a1b2c3d-4444-4a5b-8c9d-0e1f2a3b4c5d"
	snap1     = "5e1f0000-aaaa-4c3d-9e8f-1a2b3c4d5e6f"
	snap2     = "5e1f0000-bbbb-4c3d-9e8f-1a2b3c4d5e6f"
	snap3     = "5e1f0000-cccc-4c3d-9e8f-1a2b3c4d5e6f"
	snap4     = "5e1f0000-dddd-4c3d-9e8f-1a2b3c4d5e6f"
	backup1   = "b0c0a0d0-1111-4e2f-8a3b-4c5d6e7f8a9b"
	backup2   = "b0c0a0d0-2222-4e2f-8a3b-4c5d6e7f8a9b"
	backup3   = "b0c0a0d0-3333-4e2f-8a3b-4c5d6e7f8a9b"
	image1    = "1a2b3c4d-0001-4e5f-8a9b-0c1d2e3f4a5b"
	image2    = "1a2b3c4d-0002-4e5f-8a9b-0c1d2e3f4a5b"
	image3    = "1a2b3c4d-0003-4e5f-8a9b-0c1d2e3f4a5b"
	image4    = "1a2b3c4d-0004-4e5f-8a9b-0c1d2e3f4a5b"
	image6    = "1a2b3c4d-0006-4e5f-8a9b-0c1d2e3f4a5b"
	baseImage = "c0ffee00-2222-4b6a-9c1d-2e3f4a5b6c7d"
	dbBackup1 = "d8b10000-1111-4a2b-9c3d-4e5f6a7b8c9d"
	dbBackup2 = "d8b10000-2222-4a2b-9c3d-4e5f6a7b8c9d"
	dbBackup3 = "d8b10000-3333-4a2b-9c3d-4e5f6a7b8c9d"
	dbInst    = "f1e2d3c4-b5a6-4978-8a6b-5c4d3e2f1a0b"
	keyVol1   = "5f9e8d7c-aaaa-4bbb-8ccc-111122223333"
)

// collector returns a collector of cloud with the fake's static
// credentials (never the environment), fast retries and pages of two.
func collector(t testing.TB, cloud event.Cloud) *openstack.Collector {
	t.Helper()
	c, err := openstack.New(cloud)
	if err != nil {
		t.Fatal(err)
	}
	c.Auth = &gophercloud.AuthOptions{Username: username, Password: password, DomainName: domain, TenantID: project}
	c.BaseDelay, c.MaxDelay = time.Millisecond, 5*time.Millisecond
	c.PageSize = 2
	return c
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// wantRecords are the fixtures as records, in both regions.
func wantRecords(cloud event.Cloud) []inventory.Record {
	r := func(region string, kind inventory.Kind, rec inventory.Record) inventory.Record {
		rec.Cloud, rec.Account, rec.Region, rec.Kind = cloud, project, region, kind
		return rec
	}
	const one, two = "RegionOne", "RegionTwo"
	return []inventory.Record{
		r(one, inventory.Volume, inventory.Record{ID: vol1, Name: "prod-db-data", Source: baseImage,
			Created: at("2025-01-10T08:00:00Z"), Creator: userID, Encrypted: true, KeyID: keyVol1, SizeGB: 100,
			State: "in-use", Tags: map[string]string{"criticality": "high", "owner": "dba-team"}}),
		r(one, inventory.Volume, inventory.Record{ID: vol2, Name: "restored-data", Source: snap1,
			Created: at("2025-03-02T03:15:00Z"), Creator: otherUser, SizeGB: 100, State: "available"}),
		r(one, inventory.Volume, inventory.Record{ID: vol3, Name: "from-backup", Source: backup1,
			Created: at("2025-03-03T11:20:30.123456Z"), Creator: otherUser, SizeGB: 100, State: "available"}),
		r(one, inventory.Snapshot, inventory.Record{ID: snap1, Name: "nightly-prod-db", Source: vol1,
			Created: at("2025-03-02T01:00:00Z"), Creator: userID, Encrypted: true, KeyID: keyVol1, SizeGB: 100,
			State: "available", Tags: map[string]string{"purpose": "nightly"}}),
		r(one, inventory.Snapshot, inventory.Record{ID: snap2, Source: vol2,
			Created: at("2025-03-04T22:41:07Z"), Creator: otherUser, SizeGB: 100, State: "available"}),
		r(one, inventory.Snapshot, inventory.Record{ID: snap3, Name: "orphan", Source: "deadbeef-0000-4000-8000-000000000000",
			Created: at("2024-11-30T07:00:00Z"), Creator: userID, SizeGB: 20, State: "error"}),
		r(one, inventory.Backup, inventory.Record{ID: backup1, Name: "prod-db-weekly", Source: vol1,
			Created: at("2025-02-23T04:00:00Z"), Creator: userID, Encrypted: true, KeyID: "6a7b8c9d-bbbb-4ccc-8ddd-444455556666",
			SizeGB: 100, State: "available", Tags: map[string]string{"schedule": "weekly"}}),
		r(one, inventory.Backup, inventory.Record{ID: backup2, Name: "restored-copy", Source: vol2,
			Created: at("2025-03-04T23:10:00Z"), Creator: otherUser, SizeGB: 100, State: "available"}),
		r(one, inventory.Backup, inventory.Record{ID: backup3, Name: "prod-db-incremental", Source: vol1,
			Created: at("2025-03-02T04:00:00Z"), Creator: userID, Encrypted: true, SizeGB: 100, State: "available"}),
		r(one, inventory.Image, inventory.Record{ID: image1, Name: "prod-db-snap", Source: "e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b",
			Created: at("2025-03-02T02:00:00Z"), Creator: userID, SizeGB: 2, State: "active",
			Tags:     map[string]string{"nightly": ""},
			Exposure: inventory.Exposure{Accounts: []string{"5c4b3a29d8e7f6a5b4c3d2e1f0a9b8c7", "aa11bb22cc33dd44ee55ff6677889900"}}}),
		r(one, inventory.Image, inventory.Record{ID: image2, Name: "reports-volume-image",
			Created: at("2025-02-11T09:30:00Z"), Encrypted: true, KeyID: "7b8c9d0e-cccc-4ddd-8eee-777788889999",
			SizeGB: 10, State: "active", Exposure: inventory.Exposure{Public: true, Network: "public"}}),
		r(one, inventory.Image, inventory.Record{ID: image3, Name: "upload-in-progress",
			Created: at("2025-03-05T12:00:00Z"), State: "queued"}),
		r(one, inventory.Image, inventory.Record{ID: image4, Name: "tools",
			Created: at("2025-01-20T16:00:00Z"), SizeGB: 1, State: "active",
			Tags:     map[string]string{"internal": "", "tools": ""},
			Exposure: inventory.Exposure{Public: true, Network: "community"}}),
		r(one, inventory.DBSnapshot, inventory.Record{ID: dbBackup1, Name: "billing-daily", Source: dbInst,
			Created: at("2025-03-01T03:00:00Z"), Encrypted: true, SizeGB: 1, State: "COMPLETED"}),
		r(one, inventory.DBSnapshot, inventory.Record{ID: dbBackup2, Name: "billing-before-migration", Source: dbInst,
			Created: at("2025-02-14T18:30:00Z"), SizeGB: 3, State: "COMPLETED"}),
		r(one, inventory.DBSnapshot, inventory.Record{ID: dbBackup3, Name: "analytics-cluster", Source: "c1c2c3c4-d5d6-4e7f-8a9b-0c1d2e3f4a5b",
			Created: at("2025-03-05T07:00:00Z"), State: "NEW"}),
		r(two, inventory.Volume, inventory.Record{ID: vol4, Name: "stage-app",
			Created: at("2025-02-01T10:00:00Z"), Creator: otherUser, SizeGB: 20, State: "available"}),
		r(two, inventory.Snapshot, inventory.Record{ID: snap4, Name: "stage-before-upgrade", Source: vol4,
			Created: at("2025-02-02T10:00:00Z"), Creator: otherUser, SizeGB: 20, State: "available"}),
		r(two, inventory.Image, inventory.Record{ID: image6, Name: "stage-golden",
			Created: at("2025-02-03T10:00:00Z"), SizeGB: 3, State: "active"}),
	}
}

func sortRecords(rs []inventory.Record) {
	slices.SortFunc(rs, func(a, b inventory.Record) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
}

// only keeps the records for which keep is true.
func only(rs []inventory.Record, keep func(inventory.Record) bool) []inventory.Record {
	return slices.DeleteFunc(slices.Clone(rs), func(r inventory.Record) bool { return !keep(r) })
}

func compareRecords(t *testing.T, got, want []inventory.Record) {
	t.Helper()
	sortRecords(got)
	sortRecords(want)
	byID := map[string]inventory.Record{}
	for _, r := range got {
		byID[r.Region+"/"+r.ID] = r
	}
	for _, w := range want {
		g, ok := byID[w.Region+"/"+w.ID]
		if !ok {
			t.Errorf("missing record %s %s %s", w.Region, w.Kind, w.ID)
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("record %s %s:\n got %+v\nwant %+v", w.Kind, w.ID, g, w)
		}
		delete(byID, w.Region+"/"+w.ID)
	}
	for k, r := range byID {
		t.Errorf("unexpected record %s %s: %+v", k, r.Kind, r)
	}
	if len(got) != len(want) {
		t.Errorf("%d records, want %d", len(got), len(want))
	}
}

func scopes(cloud event.Cloud, regions []string, kinds ...inventory.Kind) []inventory.Scope {
	var out []inventory.Scope
	for _, r := range regions {
		for _, k := range kinds {
			out = append(out, inventory.Scope{Cloud: cloud, Account: project, Region: r, Kind: k})
		}
	}
	return out
}

func sortScopes(ss []inventory.Scope) []inventory.Scope {
	ss = slices.Clone(ss)
	slices.SortFunc(ss, func(a, b inventory.Scope) int {
		return cmp.Or(cmp.Compare(a.Cloud, b.Cloud), cmp.Compare(a.Account, b.Account),
			cmp.Compare(a.Region, b.Region), cmp.Compare(a.Kind, b.Kind))
	})
	return ss
}

var allKinds = []inventory.Kind{inventory.Volume, inventory.Snapshot, inventory.Backup, inventory.Image, inventory.DBSnapshot}

// TestCollector_Collect reads two regions page by page, through an
// over-limit 413 and a 429 each answered by a retry, while Trove fails in
// one region: that scope is a Failure, everything else is kept.
func TestCollector_Collect(t *testing.T) {
	f := newFake(t)
	volumes := "/regionone/volume/v3/" + project + "/volumes/detail"
	images := "/regiontwo/image/v2/images"
	f.throttle(key(volumes, vol2), http.StatusRequestEntityTooLarge) // the second page
	f.throttle(key(images, ""), http.StatusTooManyRequests)
	f.down["/regiontwo/database/"] = http.StatusServiceUnavailable

	res, err := collector(t, event.OpenStack).Collect(t.Context(), inventory.CollectOptions{Endpoint: f.identity()})
	if err != nil {
		t.Fatal(err)
	}
	compareRecords(t, res.Records, wantRecords(event.OpenStack))

	if len(res.Failures) != 1 {
		t.Fatalf("failures = %+v, want one", res.Failures)
	}
	fl := res.Failures[0]
	if want := (inventory.Scope{Cloud: event.OpenStack, Account: project, Region: "RegionTwo", Kind: inventory.DBSnapshot}); fl.Scope != want {
		t.Errorf("failure scope = %+v, want %+v", fl.Scope, want)
	}
	if fl.Err == nil || !strings.Contains(fl.Err.Error(), "503") {
		t.Errorf("failure error = %v, want the 503", fl.Err)
	}
	want := append(scopes(event.OpenStack, []string{"RegionOne"}, allKinds...),
		scopes(event.OpenStack, []string{"RegionTwo"}, inventory.Volume, inventory.Snapshot, inventory.Backup, inventory.Image)...)
	if got := sortScopes(res.Complete); !reflect.DeepEqual(got, sortScopes(want)) {
		t.Errorf("complete =\n%+v\nwant\n%+v", got, sortScopes(want))
	}

	for _, c := range []struct {
		what string
		key  string
		want int
	}{
		{"413 then the page", key(volumes, vol2), 2},
		{"429, the page, then the hidden images' page", key(images, ""), 3},
		{"second snapshot page (the marker as Cinder spelled it)", key("/regionone/volume/v3/"+project+"/snapshots/detail", strings.ToUpper(snap2)), 1},
		{"third backup page", key("/regionone/volume/v3/"+project+"/backups/detail", backup2), 1},
		{"second image page", key("/regionone/image/v2/images", image2), 1},
		{"second Trove page", key("/regionone/database/v1.0/"+project+"/backups", dbBackup2), 1},
		{"members of the shared image", "/regionone/image/v2/images/" + image1 + "/members", 1},
		{"no members of a public image", "/regionone/image/v2/images/" + image2 + "/members", 0},
	} {
		if got := f.hit(c.key); got != c.want {
			t.Errorf("%s: %d requests to %s, want %d", c.what, got, c.key, c.want)
		}
	}
	if !f.microversions["volume 3.64"] || len(f.microversions) != 1 {
		t.Errorf("Cinder microversions asked = %v, want only volume 3.64", f.microversions)
	}
	if f.unauthorized != 0 {
		t.Errorf("%d requests without the token", f.unauthorized)
	}
	for k := range f.hits {
		if strings.HasPrefix(k, "/internal/") {
			t.Errorf("request to an internal endpoint %s; want public ones only", k)
		}
	}
}

// TestCollector_Collect_projects reads each project asked for with its own
// token; one the user has no role in fails alone. One collector type serves
// VK Cloud too.
func TestCollector_Collect_projects(t *testing.T) {
	f := newFake(t)
	const denied = "0badc0de0badc0de0badc0de0badc0de"
	res, err := collector(t, event.VKCloud).Collect(t.Context(), inventory.CollectOptions{
		Endpoint: f.identity(), Accounts: []string{project, strings.ToUpper(denied)}})
	if err != nil {
		t.Fatal(err)
	}
	compareRecords(t, res.Records, wantRecords(event.VKCloud))
	if len(res.Failures) != 1 || res.Failures[0].Scope != (inventory.Scope{Cloud: event.VKCloud, Account: denied}) {
		t.Fatalf("failures = %+v, want one for project %s", res.Failures, denied)
	}
	msg := res.Failures[0].Err.Error()
	if !strings.Contains(msg, "401") || strings.Contains(msg, password) {
		t.Errorf("failure error = %q, want the 401 and never the password", msg)
	}
	if len(res.Complete) != 10 {
		t.Errorf("%d complete scopes, want 10", len(res.Complete))
	}
}

func TestCollector_Collect_badCredentials(t *testing.T) {
	f := newFake(t)
	c := collector(t, event.OpenStack)
	c.Auth.Password = "wrong-" + password
	res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: f.identity()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 0 || len(res.Complete) != 0 {
		t.Errorf("read %d records, %d scopes without a token", len(res.Records), len(res.Complete))
	}
	if len(res.Failures) != 1 || res.Failures[0].Scope != (inventory.Scope{Cloud: event.OpenStack}) {
		t.Fatalf("failures = %+v, want one for the credentials' project", res.Failures)
	}
	if msg := res.Failures[0].Err.Error(); strings.Contains(msg, password) {
		t.Errorf("failure error shows the password: %q", msg)
	}
}

// TestCollector_Collect_retries bounds retries by MaxRetries: a throttle
// that outlasts them fails its scope alone.
func TestCollector_Collect_retries(t *testing.T) {
	snapshots := "/regionone/volume/v3/" + project + "/snapshots/detail"
	for _, c := range []struct {
		name      string
		retries   int
		throttles int
		wantHits  int
		wantFail  bool
	}{
		{"one retry answers one throttle", 1, 1, 2, false},
		{"one retry does not outlast three", 1, 3, 2, true},
		{"default retries outlast three", 0, 3, 4, false},
		{"negative means none", -1, 1, 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t)
			statuses := make([]int, c.throttles)
			for i := range statuses {
				statuses[i] = http.StatusTooManyRequests
			}
			f.throttle(key(snapshots, ""), statuses...)
			res, err := collector(t, event.OpenStack).Collect(t.Context(), inventory.CollectOptions{
				Endpoint: f.identity(), Regions: []string{"RegionOne"}, MaxRetries: c.retries})
			if err != nil {
				t.Fatal(err)
			}
			if got := f.hit(key(snapshots, "")); got != c.wantHits {
				t.Errorf("%d requests, want %d", got, c.wantHits)
			}
			want := []inventory.Scope(nil)
			if c.wantFail {
				want = scopes(event.OpenStack, []string{"RegionOne"}, inventory.Snapshot)
			}
			var got []inventory.Scope
			for _, fl := range res.Failures {
				got = append(got, fl.Scope)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("failed scopes = %+v, want %+v", got, want)
			}
			snaps := only(res.Records, func(r inventory.Record) bool { return r.Kind == inventory.Snapshot })
			if c.wantFail != (len(snaps) == 0) {
				t.Errorf("%d snapshots read", len(snaps))
			}
		})
	}
}

// TestCollector_Collect_regions limits the regions; one the catalog does
// not have is a failure of that region.
func TestCollector_Collect_regions(t *testing.T) {
	f := newFake(t)
	res, err := collector(t, event.OpenStack).Collect(t.Context(), inventory.CollectOptions{
		Endpoint: f.identity(), Regions: []string{"RegionTwo", "Atlantis"}})
	if err != nil {
		t.Fatal(err)
	}
	compareRecords(t, res.Records, only(wantRecords(event.OpenStack), func(r inventory.Record) bool { return r.Region == "RegionTwo" }))
	if len(res.Failures) != 1 || res.Failures[0].Scope != (inventory.Scope{Cloud: event.OpenStack, Account: project, Region: "Atlantis"}) {
		t.Errorf("failures = %+v, want one for Atlantis", res.Failures)
	}
	if got, want := sortScopes(res.Complete), sortScopes(scopes(event.OpenStack, []string{"RegionTwo"}, allKinds...)); !reflect.DeepEqual(got, want) {
		t.Errorf("complete = %+v, want %+v", got, want)
	}
}

// TestCollector_Collect_noService leaves a kind whose service the catalog
// lacks neither failed nor complete.
func TestCollector_Collect_noService(t *testing.T) {
	f := newFake(t)
	f.missing["database"] = true
	f.regions = []string{"RegionOne"}
	res, err := collector(t, event.OpenStack).Collect(t.Context(), inventory.CollectOptions{Endpoint: f.identity()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 0 {
		t.Errorf("failures = %+v", res.Failures)
	}
	want := scopes(event.OpenStack, []string{"RegionOne"}, inventory.Volume, inventory.Snapshot, inventory.Backup, inventory.Image)
	if got := sortScopes(res.Complete); !reflect.DeepEqual(got, sortScopes(want)) {
		t.Errorf("complete = %+v, want %+v", got, want)
	}
	if n := len(only(res.Records, func(r inventory.Record) bool { return r.Kind == inventory.DBSnapshot })); n != 0 {
		t.Errorf("%d DB backups without a database service", n)
	}
}

// TestCollector_Collect_oldMicroversion: a Cinder offering only 3.27 is
// asked for 3.27, and the fields it does not give stay empty (snapshot and
// backup creators, a volume's backup, a backup's own key).
func TestCollector_Collect_oldMicroversion(t *testing.T) {
	f := newFake(t)
	f.maxMicroversion = "3.27"
	res, err := collector(t, event.OpenStack).Collect(t.Context(), inventory.CollectOptions{
		Endpoint: f.identity(), Regions: []string{"RegionOne"}})
	if err != nil {
		t.Fatal(err)
	}
	if !f.microversions["volume 3.27"] || len(f.microversions) != 1 {
		t.Errorf("Cinder microversions asked = %v, want only volume 3.27", f.microversions)
	}
	got := map[string]inventory.Record{}
	for _, r := range res.Records {
		got[r.ID] = r
	}
	for _, c := range []struct {
		id, creator, source, key string
		encrypted                bool
	}{
		{snap1, "", vol1, "", true},   // the volume's key needs 3.64 too
		{backup1, "", vol1, "", true}, // encrypted as its volume, own key unknown
		{vol3, otherUser, "", "", false},
		{vol1, userID, baseImage, "", true},
	} {
		r := got[c.id]
		if r.Creator != c.creator || r.Source != c.source || r.KeyID != c.key || r.Encrypted != c.encrypted {
			t.Errorf("%s: creator %q source %q key %q encrypted %v; want %q %q %q %v",
				c.id, r.Creator, r.Source, r.KeyID, r.Encrypted, c.creator, c.source, c.key, c.encrypted)
		}
	}
}

// TestCollector_Collect_paging covers servers that page badly: a next link
// naming another host is followed on the catalog's host only, a repeated
// marker or a response without its list fails the scope instead of
// looping or reading as empty.
func TestCollector_Collect_paging(t *testing.T) {
	snapshots := "/regionone/volume/v3/" + project + "/snapshots/detail"
	for _, c := range []struct {
		name      string
		setup     func(*fake, *httptest.Server)
		wantErr   string // "" when the snapshot scope must be complete
		wantSnaps int
	}{
		{"next link to another host", func(f *fake, other *httptest.Server) { f.nextHost = other.URL }, "", 3},
		{"repeated marker", func(f *fake, _ *httptest.Server) { f.loop = "snapshots" }, "paging repeats", 3},
		{"no list in the response", func(f *fake, _ *httptest.Server) { f.raw[snapshots] = `{}` }, `no "snapshots"`, 0},
		{"not JSON", func(f *fake, _ *httptest.Server) { f.raw[snapshots] = `[1,2]` }, "not a JSON object", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t)
			var stray int
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stray++
				http.NotFound(w, r)
			}))
			defer other.Close()
			c.setup(f, other)
			res, err := collector(t, event.OpenStack).Collect(t.Context(), inventory.CollectOptions{
				Endpoint: f.identity(), Regions: []string{"RegionOne"}})
			if err != nil {
				t.Fatal(err)
			}
			if stray != 0 {
				t.Errorf("%d requests reached the other host", stray)
			}
			var failed []string
			for _, fl := range res.Failures {
				failed = append(failed, fmt.Sprintf("%s: %v", fl.Scope.Kind, fl.Err))
			}
			switch {
			case c.wantErr == "" && len(failed) != 0:
				t.Errorf("failures: %v", failed)
			case c.wantErr != "" && (len(failed) != 1 || res.Failures[0].Scope.Kind != inventory.Snapshot ||
				!strings.Contains(failed[0], c.wantErr)):
				t.Errorf("failures: %v, want the snapshot scope with %q", failed, c.wantErr)
			}
			snaps := only(res.Records, func(r inventory.Record) bool { return r.Kind == inventory.Snapshot })
			if len(snaps) != c.wantSnaps {
				t.Errorf("%d snapshots, want %d (each once)", len(snaps), c.wantSnaps)
			}
			if n := len(only(res.Records, func(r inventory.Record) bool { return r.Kind == inventory.Volume })); n != 3 {
				t.Errorf("%d volumes, want 3 whatever the snapshots do", n)
			}
		})
	}
}

// TestCollector_Collect_cancel returns ctx's error and records no failure
// for the scope it interrupted; what was read stays.
func TestCollector_Collect_cancel(t *testing.T) {
	f := newFake(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f.onRequest = func(r *http.Request) {
		if strings.Contains(r.URL.Path, "/image/v2/images") {
			cancel()
		}
	}
	res, err := collector(t, event.OpenStack).Collect(ctx, inventory.CollectOptions{Endpoint: f.identity()})
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(res.Failures) != 0 {
		t.Errorf("failures = %+v; cancellation is no failure", res.Failures)
	}
	if n := len(only(res.Records, func(r inventory.Record) bool { return r.Kind == inventory.Volume })); n != 3 {
		t.Errorf("%d volumes kept, want the 3 read before the cancel", n)
	}
	for _, s := range res.Complete {
		if s.Kind == inventory.Image || s.Region == "RegionTwo" {
			t.Errorf("scope %+v complete after the cancel", s)
		}
	}
}

func TestNew(t *testing.T) {
	for _, c := range []struct {
		cloud event.Cloud
		ok    bool
	}{
		{event.OpenStack, true},
		{event.VKCloud, true},
		{event.AWS, false},
		{"", false},
	} {
		col, err := openstack.New(c.cloud)
		if (err == nil) != c.ok {
			t.Errorf("New(%q) error = %v", c.cloud, err)
		}
		if c.ok && col.Cloud() != c.cloud {
			t.Errorf("New(%q).Cloud() = %q", c.cloud, col.Cloud())
		}
	}
	var zero openstack.Collector
	if _, err := zero.Collect(t.Context(), inventory.CollectOptions{}); err == nil {
		t.Error("a Collector not made by New collected")
	}
}

// TestCollector_Collect_members: a shared image whose members cannot be
// read is left out (its exposure is unknown) and fails the image scope;
// the region's other images are kept.
func TestCollector_Collect_members(t *testing.T) {
	f := newFake(t)
	f.down["/regionone/image/v2/images/"+image1+"/members"] = http.StatusInternalServerError
	res, err := collector(t, event.OpenStack).Collect(t.Context(), inventory.CollectOptions{
		Endpoint: f.identity(), Regions: []string{"RegionOne"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 || res.Failures[0].Scope != scopes(event.OpenStack, []string{"RegionOne"}, inventory.Image)[0] ||
		!strings.Contains(res.Failures[0].Err.Error(), "members of image "+image1) {
		t.Fatalf("failures = %+v, want the image scope naming %s", res.Failures, image1)
	}
	compareRecords(t, only(res.Records, func(r inventory.Record) bool { return r.Kind == inventory.Image }),
		only(wantRecords(event.OpenStack), func(r inventory.Record) bool {
			return r.Kind == inventory.Image && r.Region == "RegionOne" && r.ID != image1
		}))
	for _, s := range res.Complete {
		if s.Kind == inventory.Image {
			t.Errorf("image scope %+v complete", s)
		}
	}
}

// TestCollector_Collect_reauth renews a token that expires mid-collection.
func TestCollector_Collect_reauth(t *testing.T) {
	f := newFake(t)
	snapshots := key("/regionone/volume/v3/"+project+"/snapshots/detail", "")
	f.throttle(snapshots, http.StatusUnauthorized)
	res, err := collector(t, event.OpenStack).Collect(t.Context(), inventory.CollectOptions{
		Endpoint: f.identity(), Regions: []string{"RegionOne"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 0 {
		t.Errorf("failures = %+v", res.Failures)
	}
	if got := f.hit("/identity/v3/auth/tokens"); got != 2 {
		t.Errorf("%d token requests, want 2 (the first and the renewal)", got)
	}
	if got := f.hit(snapshots); got != 2 {
		t.Errorf("%d snapshot list requests, want 2", got)
	}
	compareRecords(t, res.Records, only(wantRecords(event.OpenStack), func(r inventory.Record) bool { return r.Region == "RegionOne" }))
}
