package azure_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/azure"
)

// Canonical id prefixes of subscription A's resource groups.
const (
	rgProd    = "/subscriptions/" + subA + "/resourcegroups/prod-rg/providers/microsoft.compute/"
	rgWeb     = "/subscriptions/" + subA + "/resourcegroups/web-rg/providers/microsoft.compute/"
	rgGallery = "/subscriptions/" + subA + "/resourcegroups/gallery-rg/providers/microsoft.compute/"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// wantA is subscription A's inventory as the fixtures describe it.
func wantA() []inventory.Record {
	rec := func(kind inventory.Kind, region, id, name string) inventory.Record {
		return inventory.Record{Cloud: event.Azure, Account: subA, Region: region, Kind: kind, ID: id, Name: name, Encrypted: true}
	}
	var out []inventory.Record
	add := func(r inventory.Record, f func(*inventory.Record)) {
		f(&r)
		out = append(out, r)
	}
	add(rec(inventory.Snapshot, "westeurope", rgProd+"snapshots/prod-db-snap-0312", "prod-db-snap-0312"), func(r *inventory.Record) {
		r.Source = rgProd + "disks/prod-db-osdisk"
		r.Created = ts("2026-03-12T08:15:02.1234567Z")
		r.KeyID = rgProd + "diskencryptionsets/prod-des"
		r.SizeGB, r.State = 128, "ActiveSAS"
		r.Tags = map[string]string{"criticality": "high", "owner": "dba"}
		r.Exposure = inventory.Exposure{Public: true, Network: azure.NetworkSAS}
	})
	add(rec(inventory.Snapshot, "westeurope", rgWeb+"snapshots/web-os-nightly", "web-os-nightly"), func(r *inventory.Record) {
		r.Source = rgWeb + "disks/web-os"
		r.Created = ts("2026-03-11T23:00:04.5Z")
		r.SizeGB, r.State = 30, "Unattached"
	})
	add(rec(inventory.Snapshot, "westeurope", rgWeb+"snapshots/web-os-aad", "web-os-aad"), func(r *inventory.Record) {
		r.Source = rgWeb + "disks/web-os"
		r.Created = ts("2026-03-12T01:00:00Z")
		r.SizeGB, r.State = 30, "ActiveSAS"
		r.Exposure = inventory.Exposure{Network: azure.NetworkSAS}
	})
	add(rec(inventory.Snapshot, "northeurope", "/subscriptions/"+subA+"/resourcegroups/migrate-rg/providers/microsoft.compute/snapshots/imported-vhd", "imported-vhd"), func(r *inventory.Record) {
		r.Source = "https://exportacct.blob.core.windows.net/vhds/web.vhd"
		r.Created = ts("2026-02-01T10:00:00Z")
		r.SizeGB, r.State = 30, "Unattached"
		r.Exposure = inventory.Exposure{Network: azure.NetworkAllowAll}
	})
	add(rec(inventory.Snapshot, "northeurope", rgProd+"snapshots/db-private-export", "db-private-export"), func(r *inventory.Record) {
		r.Source = rgProd + "snapshots/prod-db-snap-0312"
		r.Created = ts("2026-03-12T09:00:00Z")
		r.SizeGB, r.State = 128, "ActiveSAS"
		r.Exposure = inventory.Exposure{Network: azure.NetworkSASPrivate}
	})
	add(rec(inventory.Snapshot, "northeurope", "/subscriptions/"+subA+"/resourcegroups/cvm-rg/providers/microsoft.compute/snapshots/cvm-snap", "cvm-snap"), func(r *inventory.Record) {
		r.Source = "/subscriptions/" + subA + "/resourcegroups/cvm-rg/providers/microsoft.compute/disks/cvm-os"
		r.Created = ts("2026-03-01T00:00:00Z")
		r.KeyID = "/subscriptions/" + subA + "/resourcegroups/cvm-rg/providers/microsoft.compute/diskencryptionsets/cvm-des"
		r.SizeGB, r.State = 64, "Unattached"
	})
	add(rec(inventory.Volume, "westeurope", "/subscriptions/"+subA+"/resourcegroups/dev-rg/providers/microsoft.compute/disks/restored-db", "restored-db"), func(r *inventory.Record) {
		r.Source = rgProd + "snapshots/prod-db-snap-0312"
		r.Created = ts("2026-03-12T08:40:11Z")
		r.SizeGB, r.State = 128, "Attached"
		r.Tags = map[string]string{"purpose": "debug"}
		r.Exposure = inventory.Exposure{Network: azure.NetworkAllowAll}
	})
	add(rec(inventory.Volume, "northeurope", "/subscriptions/"+subA+"/resourcegroups/tools-rg/providers/microsoft.compute/disks/tools-vm-os", "tools-vm-os"), func(r *inventory.Record) {
		r.Source = rgGallery + "galleries/communitygallery/images/public-tools/versions/2.0.0"
		r.Created = ts("2026-03-10T07:00:00Z")
		r.KeyID = "/subscriptions/" + subA + "/resourcegroups/tools-rg/providers/microsoft.compute/diskencryptionsets/tools-des"
		r.SizeGB, r.State = 64, "Reserved"
	})
	add(rec(inventory.Image, "westeurope", "/subscriptions/"+subA+"/resourcegroups/images-rg/providers/microsoft.compute/images/golden-web", "golden-web"), func(r *inventory.Record) {
		r.Source = rgWeb + "virtualmachines/web-vm"
		r.KeyID = "/subscriptions/" + subA + "/resourcegroups/images-rg/providers/microsoft.compute/diskencryptionsets/images-des"
		r.SizeGB, r.State = 94, "Succeeded"
		r.Tags = map[string]string{"baked": "2026-03"}
	})
	add(rec(inventory.Image, "northeurope", "/subscriptions/"+subA+"/resourcegroups/images-rg/providers/microsoft.compute/images/db-from-snapshot", "db-from-snapshot"), func(r *inventory.Record) {
		r.Source = rgProd + "snapshots/prod-db-snap-0312"
		r.SizeGB, r.State = 128, "Succeeded"
	})
	shared := []string{subA, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b"}
	add(rec(inventory.Image, "westeurope", rgGallery+"galleries/corpgallery/images/ubuntu-hardened/versions/1.0.0", "corpgallery/ubuntu-hardened/1.0.0"), func(r *inventory.Record) {
		r.Source = "/subscriptions/" + subA + "/resourcegroups/build-rg/providers/microsoft.compute/virtualmachines/packer-build"
		r.Created = ts("2026-01-20T14:30:00.1234567Z")
		r.KeyID = rgGallery + "diskencryptionsets/weu-des"
		r.SizeGB, r.State = 40, "Succeeded"
		r.Tags = map[string]string{"build": "417"}
		r.Exposure = inventory.Exposure{Accounts: shared}
	})
	add(rec(inventory.Image, "westeurope", rgGallery+"galleries/corpgallery/images/ubuntu-hardened/versions/1.1.0", "corpgallery/ubuntu-hardened/1.1.0"), func(r *inventory.Record) {
		r.Source = "/subscriptions/" + subA + "/resourcegroups/images-rg/providers/microsoft.compute/images/golden-web"
		r.Created = ts("2026-03-02T09:00:00Z")
		r.KeyID = rgGallery + "diskencryptionsets/neu-des"
		r.SizeGB, r.State = 30, "Succeeded"
		r.Exposure = inventory.Exposure{Accounts: shared}
	})
	add(rec(inventory.Image, "northeurope", rgGallery+"galleries/communitygallery/images/public-tools/versions/2.0.0", "communitygallery/public-tools/2.0.0"), func(r *inventory.Record) {
		r.Source = rgProd + "snapshots/prod-db-snap-0312"
		r.Created = ts("2026-03-09T16:45:00Z")
		r.SizeGB, r.State = 64, "Succeeded"
		r.Exposure = inventory.Exposure{Public: true, Network: azure.NetworkCommunity}
	})
	return out
}

// checkRecords compares records by id, field by field.
func checkRecords(t *testing.T, got, want []inventory.Record) {
	t.Helper()
	byID := map[string]inventory.Record{}
	for _, r := range got {
		if _, dup := byID[r.ID]; dup {
			t.Errorf("record %s twice", r.ID)
		}
		byID[r.ID] = r
	}
	for _, w := range want {
		g, ok := byID[w.ID]
		if !ok {
			t.Errorf("missing record %s", w.ID)
			continue
		}
		delete(byID, w.ID)
		gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
		for i := range gv.NumField() {
			if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
				t.Errorf("%s: %s = %+v, want %+v", w.Name, gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
			}
		}
	}
	for id := range byID {
		t.Errorf("unexpected record %s", id)
	}
}

// scopes lists every scope of sub for kinds × regions.
func scopes(sub string, kinds []inventory.Kind, regions ...string) []inventory.Scope {
	var out []inventory.Scope
	for _, k := range kinds {
		for _, r := range regions {
			out = append(out, inventory.Scope{Cloud: event.Azure, Account: sub, Region: r, Kind: k})
		}
	}
	return out
}

func sameScopes(t *testing.T, what string, got, want []inventory.Scope) {
	t.Helper()
	key := func(s inventory.Scope) string {
		return fmt.Sprintf("%s/%s/%s/%s", s.Cloud, s.Account, s.Region, s.Kind)
	}
	var g, w []string
	for _, s := range got {
		g = append(g, key(s))
	}
	for _, s := range want {
		w = append(w, key(s))
	}
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s:\n got %q\nwant %q", what, g, w)
	}
}

var allKinds = []inventory.Kind{inventory.Snapshot, inventory.Volume, inventory.Image}

var regionsA = []string{"northeurope", "swedencentral", "westeurope"}

// failureScopes returns the failures' scopes and checks that each error is
// an ARM response error with status.
func failureScopes(t *testing.T, fs []inventory.Failure, status int) []inventory.Scope {
	t.Helper()
	var out []inventory.Scope
	for _, f := range fs {
		out = append(out, f.Scope)
		var re *azcore.ResponseError
		if !errors.As(f.Err, &re) || re.StatusCode != status {
			t.Errorf("failure %+v: error %v, want an ARM %d", f.Scope, f.Err, status)
		}
		if strings.Contains(f.Err.Error(), fakeToken) {
			t.Errorf("failure %+v: error text carries the token", f.Scope)
		}
	}
	return out
}

func TestCollector_Collect(t *testing.T) {
	s := newARMServer(t)
	res, err := s.collector().Collect(t.Context(), inventory.CollectOptions{
		Endpoint: s.srv.URL,
		Accounts: []string{subA, strings.ToUpper(subB)},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, res.Records, wantA())

	// B's 403s: one failure per list, for every region of the kind.
	got := failureScopes(t, res.Failures, http.StatusForbidden)
	sameScopes(t, "failures", got, []inventory.Scope{
		{Cloud: event.Azure, Account: subB, Kind: inventory.Snapshot},
		{Cloud: event.Azure, Account: subB, Kind: inventory.Volume},
		{Cloud: event.Azure, Account: subB, Kind: inventory.Image}, // managed images
		{Cloud: event.Azure, Account: subB, Kind: inventory.Image}, // galleries
	})
	// A is complete in every region it has, including one without copies.
	sameScopes(t, "complete", res.Complete, scopes(subA, allKinds, regionsA...))

	for key, n := range map[string]int{
		keySnapshots2: 1, keyCorpVersions2: 1, keyCorpPerms: 1, keySubscriptions: 0,
		"/subscriptions/" + subB + "/locations?": 0,
	} {
		if c := s.count(key); c != n {
			t.Errorf("%s requested %d times, want %d", key, c, n)
		}
	}
}

func TestCollector_Collect_ListsSubscriptions(t *testing.T) {
	s := newARMServer(t)
	s.fail(keySubscriptions, http.StatusTooManyRequests, "error-429.json", 1, nil)
	res, err := s.collector().Collect(t.Context(), inventory.CollectOptions{Endpoint: s.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if c := s.count(keySubscriptions); c != 2 {
		t.Errorf("first page of subscriptions read %d times, want 2 (one throttled)", c)
	}
	if c := s.count(keySubscriptions2); c != 1 {
		t.Errorf("second page of subscriptions read %d times", c)
	}
	checkRecords(t, res.Records, wantA())
	for _, f := range res.Failures {
		if f.Scope.Account != subB { // the second page spells B upper-case
			t.Errorf("failure for %q, want %q", f.Scope.Account, subB)
		}
	}
	if len(res.Failures) != 4 {
		t.Errorf("%d failures, want 4 (B's lists)", len(res.Failures))
	}
}

func TestCollector_Collect_Regions(t *testing.T) {
	s := newARMServer(t)
	res, err := s.collector().Collect(t.Context(), inventory.CollectOptions{
		Endpoint: s.srv.URL,
		Accounts: []string{subA},
		Regions:  []string{"West Europe"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []inventory.Record
	for _, r := range wantA() {
		if r.Region == "westeurope" {
			want = append(want, r)
		}
	}
	checkRecords(t, res.Records, want)
	sameScopes(t, "complete", res.Complete, scopes(subA, allKinds, "westeurope"))
	if c := s.count(keyLocations); c != 0 {
		t.Errorf("locations read %d times with regions given", c)
	}
}

func TestCollector_Collect_Throttling(t *testing.T) {
	s := newARMServer(t)
	// ARM's 429 names the wait in seconds; the galleries' 429 names none,
	// so the exponential backoff (1ms base here) applies.
	s.fail(keySnapshots, http.StatusTooManyRequests, "error-429.json", 1, http.Header{"Retry-After": {"1"}})
	s.fail(keyGalleries, http.StatusTooManyRequests, "error-429.json", 2, nil)
	start := time.Now()
	res, err := s.collector().Collect(t.Context(), inventory.CollectOptions{Endpoint: s.srv.URL, Accounts: []string{subA}})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("collection took %v; Retry-After: 1 was not honoured", d)
	}
	if c := s.count(keySnapshots); c != 2 {
		t.Errorf("snapshots requested %d times, want 2", c)
	}
	if c := s.count(keyGalleries); c != 3 {
		t.Errorf("galleries requested %d times, want 3", c)
	}
	if len(res.Failures) != 0 {
		t.Errorf("failures: %v", res.Failures)
	}
	checkRecords(t, res.Records, wantA())
	sameScopes(t, "complete", res.Complete, scopes(subA, allKinds, regionsA...))
}

func TestCollector_Collect_RetriesBounded(t *testing.T) {
	tests := []struct {
		name       string
		maxRetries int
		header     http.Header
		tries      int
	}{
		{"max retries", 2, nil, 3},
		{"no retries", -1, nil, 1},
		{"Retry-After beyond the cap", 2, http.Header{"Retry-After": {"120"}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newARMServer(t)
			s.fail(keyDisks, http.StatusTooManyRequests, "error-429.json", -1, tt.header)
			c := s.collector()
			c.MaxRetryDelay = 50 * time.Millisecond
			res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: s.srv.URL, Accounts: []string{subA}, MaxRetries: tt.maxRetries})
			if err != nil {
				t.Fatal(err)
			}
			if n := s.count(keyDisks); n != tt.tries {
				t.Errorf("disks requested %d times, want %d", n, tt.tries)
			}
			got := failureScopes(t, res.Failures, http.StatusTooManyRequests)
			sameScopes(t, "failures", got, []inventory.Scope{{Cloud: event.Azure, Account: subA, Kind: inventory.Volume}})
			sameScopes(t, "complete", res.Complete, scopes(subA, []inventory.Kind{inventory.Snapshot, inventory.Image}, regionsA...))
			var want []inventory.Record
			for _, r := range wantA() {
				if r.Kind != inventory.Volume {
					want = append(want, r)
				}
			}
			checkRecords(t, res.Records, want)
		})
	}
}

func TestCollector_Collect_GalleryFailure(t *testing.T) {
	// A gallery that cannot be read leaves its region's images incomplete
	// and keeps everything else, managed images of that region included.
	tests := []struct {
		name    string
		setup   func(*armServer)
		region  string
		gallery string
		errText string
	}{
		{
			name:    "versions forbidden",
			setup:   func(s *armServer) { s.fail(keyCommImages, http.StatusForbidden, "error-403.json", -1, nil) },
			region:  "northeurope",
			gallery: "communitygallery/",
			errText: "AuthorizationFailed",
		},
		{
			name:    "sharing profile forbidden",
			setup:   func(s *armServer) { s.fail(keyCorpPerms, http.StatusForbidden, "error-403.json", -1, nil) },
			region:  "westeurope",
			gallery: "corpgallery/",
			errText: "read sharing profile",
		},
		{
			name:    "nextLink loop",
			setup:   func(s *armServer) { s.routes[keyCorpVersions2] = "gallery-corp-versions-loop.json" },
			region:  "westeurope",
			gallery: "corpgallery/",
			errText: "nextLink repeats",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newARMServer(t)
			tt.setup(s)
			res, err := s.collector().Collect(t.Context(), inventory.CollectOptions{Endpoint: s.srv.URL, Accounts: []string{subA}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Failures) != 1 {
				t.Fatalf("failures %v, want one", res.Failures)
			}
			f := res.Failures[0]
			if want := (inventory.Scope{Cloud: event.Azure, Account: subA, Region: tt.region, Kind: inventory.Image}); f.Scope != want {
				t.Errorf("failure scope %+v, want %+v", f.Scope, want)
			}
			if !strings.Contains(f.Err.Error(), tt.errText) {
				t.Errorf("failure %q does not say %q", f.Err, tt.errText)
			}
			var want []inventory.Record
			for _, r := range wantA() {
				if !strings.HasPrefix(r.Name, tt.gallery) {
					want = append(want, r)
				}
			}
			checkRecords(t, res.Records, want)
			var complete []inventory.Scope
			for _, sc := range scopes(subA, allKinds, regionsA...) {
				if sc != f.Scope {
					complete = append(complete, sc)
				}
			}
			sameScopes(t, "complete", res.Complete, complete)
		})
	}
}

func TestCollector_Collect_Cancel(t *testing.T) {
	s := newARMServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s.onRequest = func(key string) {
		if key == keyDisks {
			cancel()
		}
	}
	res, err := s.collector().Collect(ctx, inventory.CollectOptions{Endpoint: s.srv.URL, Accounts: []string{subA, subB}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if res == nil {
		t.Fatal("no partial result")
	}
	if len(res.Failures) != 0 || len(res.Complete) != 0 {
		t.Errorf("cancellation reported failures %v / complete scopes %v", res.Failures, res.Complete)
	}
	var snaps []inventory.Record
	for _, r := range wantA() {
		if r.Kind == inventory.Snapshot {
			snaps = append(snaps, r)
		}
	}
	checkRecords(t, res.Records, snaps)
	if c := s.count("/subscriptions/" + subB + "/providers/Microsoft.Compute/snapshots?"); c != 0 {
		t.Errorf("B read %d times after cancellation", c)
	}
}

func serverURL(s *armServer) string { return s.srv.URL }

func TestCollector_Collect_Setup(t *testing.T) {
	tests := []struct {
		name     string
		cred     fakeCredential
		endpoint func(*armServer) string
		accounts []string
		setup    func(*armServer)
		errText  string
	}{
		{"credentials fail", fakeCredential{err: errors.New("no managed identity endpoint")}, serverURL, []string{subA}, nil, "azure credentials: no managed identity endpoint"},
		{"plain http endpoint", fakeCredential{}, func(s *armServer) string { return strings.Replace(s.srv.URL, "https:", "http:", 1) }, []string{subA}, nil, "want an https URL"},
		{"not a URL", fakeCredential{}, func(*armServer) string { return "management.example" }, []string{subA}, nil, "want an https URL"},
		{"subscriptions forbidden", fakeCredential{}, serverURL, nil, func(s *armServer) {
			s.fail(keySubscriptions, http.StatusForbidden, "error-403.json", -1, nil)
		}, "list subscriptions: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newARMServer(t)
			if tt.setup != nil {
				tt.setup(s)
			}
			c := s.collector()
			c.Credential = tt.cred
			res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: tt.endpoint(s), Accounts: tt.accounts})
			if err == nil || !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("error %v, want %q", err, tt.errText)
			}
			if res != nil {
				t.Errorf("result %+v on a setup error", res)
			}
			if n := s.count(keySnapshots); n != 0 {
				t.Errorf("%d requests after a setup error", n)
			}
		})
	}
}

func TestCollector_Cloud(t *testing.T) {
	var c inventory.Collector = &azure.Collector{}
	if c.Cloud() != event.Azure {
		t.Errorf("Cloud() = %q", c.Cloud())
	}
}
