package gcp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"google.golang.org/api/googleapi"
)

const (
	prod   = "prod-data-7731"
	locked = "locked-proj-9"

	snapPage2  = "/compute/v1/projects/" + prod + "/global/snapshots?CgwI8a7YsAYQgKbnxwEQAA"
	snapList   = "/compute/v1/projects/" + prod + "/global/snapshots"
	imageList  = "/compute/v1/projects/" + prod + "/global/images"
	mimageList = "/compute/v1/projects/" + prod + "/global/machineImages"
)

func policyPath(coll, name string) string {
	return "/compute/v1/projects/" + prod + "/global/" + coll + "/" + name + "/getIamPolicy"
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// prodRecords are testdata/prod-data-7731 as records, in list order.
var prodRecords = []inventory.Record{
	{
		Cloud: event.GCP, Account: prod, Region: "europe-west1", Kind: inventory.Snapshot,
		ID: "projects/prod-data-7731/global/snapshots/db-disk-snap-0302", Name: "db-disk-snap-0302",
		Source:    "projects/prod-data-7731/zones/europe-west1-b/disks/db-disk-1",
		Created:   utc("2026-03-02T12:15:09.123Z"),
		Encrypted: true, KeyID: "projects/prod-kms-01/locations/europe-west1/keyRings/disks/cryptoKeys/snapshots/cryptoKeyVersions/3",
		SizeGB: 200, State: "READY", Tags: map[string]string{"env": "prod", "team": "payments"},
		Exposure: inventory.Exposure{Accounts: []string{"copier@partner-proj-22.iam.gserviceaccount.com", "mallory@gmail.com"}},
	},
	{
		Cloud: event.GCP, Account: prod, Region: "us", Kind: inventory.Snapshot,
		ID: "projects/prod-data-7731/global/snapshots/web-boot-copy", Name: "web-boot-copy",
		Source:    "projects/shared-host-0042/zones/us-central1-a/disks/web-boot",
		Created:   utc("2026-03-04T06:41:57.004Z"),
		Encrypted: true, SizeGB: 10, State: "READY",
		Exposure: inventory.Exposure{Public: true},
	},
	{
		Cloud: event.GCP, Account: prod, Region: "europe-west1", Kind: inventory.Snapshot,
		ID: "projects/prod-data-7731/global/snapshots/hr-archive-snap", Name: "hr-archive-snap",
		Source:    "projects/prod-data-7731/zones/europe-west1-c/disks/hr-archive",
		Created:   utc("2026-03-04T09:02:03Z"),
		Encrypted: true, KeyID: "csek:nM0nvB3lZ1Vt0kJ4nQ2h1kQe3o9Wf5mJfK1wQ3sYbYc=",
		SizeGB: 500, State: "UPLOADING",
	},
	{
		Cloud: event.GCP, Account: prod, Region: "eu", Kind: inventory.Image,
		ID: "projects/prod-data-7731/global/images/golden-web-2026-03", Name: "golden-web-2026-03",
		Source:    "projects/prod-data-7731/global/snapshots/web-boot-copy",
		Created:   utc("2026-02-20T17:30:00Z"),
		Encrypted: true, KeyID: "projects/prod-kms-01/locations/eu/keyRings/images/cryptoKeys/golden/cryptoKeyVersions/1",
		SizeGB: 20, State: "READY", Tags: map[string]string{"role": "web"},
		Exposure: inventory.Exposure{Accounts: []string{"contractors@example.net", "partner-proj-22", "partner.example", "temp-admin@example.net"}},
	},
	{
		Cloud: event.GCP, Account: prod, Region: "us", Kind: inventory.Image,
		ID: "projects/prod-data-7731/global/images/imported-appliance", Name: "imported-appliance",
		Source:    "gs://ingest-bkt-0042/appliance.tar.gz",
		Created:   utc("2026-03-06T01:00:45.512Z"),
		Encrypted: true, SizeGB: 8, State: "READY",
		Exposure: inventory.Exposure{Public: true},
	},
	{
		Cloud: event.GCP, Account: prod, Region: "europe-west1", Kind: inventory.Image,
		ID: "projects/prod-data-7731/global/machineImages/payments-vm-mi", Name: "payments-vm-mi",
		Source:    "projects/prod-data-7731/zones/europe-west1-b/instances/payments-vm",
		Created:   utc("2026-03-06T10:10:11.25Z"),
		Encrypted: true, SizeGB: 250, State: "READY", Tags: map[string]string{"env": "prod"},
		Exposure: inventory.Exposure{Accounts: []string{"principal://iam.googleapis.com/projects/987654321098/locations/global/workloadIdentityPools/ci-pool/subject/deployer"}},
	},
}

func scope(account string, kind inventory.Kind, region string) inventory.Scope {
	return inventory.Scope{Cloud: event.GCP, Account: account, Region: region, Kind: kind}
}

// prodComplete are the scopes a full read of prod-data-7731 completes.
var prodComplete = []inventory.Scope{
	scope(prod, inventory.Snapshot, ""), scope(prod, inventory.Snapshot, "europe-west1"), scope(prod, inventory.Snapshot, "us"),
	scope(prod, inventory.Image, ""), scope(prod, inventory.Image, "eu"), scope(prod, inventory.Image, "us"), scope(prod, inventory.Image, "europe-west1"),
}

// sameJSON fails the test when got and want differ, showing both as JSON.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	if string(g) != string(w) {
		t.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
	}
}

func TestCollector_Cloud(t *testing.T) {
	_, _, c := newFake(t)
	if got := c.Cloud(); got != event.GCP {
		t.Errorf("Cloud() = %q, want %q", got, event.GCP)
	}
}

// A full read: every page, throttled calls retried, the refused project
// reported without losing the other's records.
func TestCollector_Collect(t *testing.T) {
	f, srv, c := newFake(t)
	f.denied[locked] = true
	f.fail(snapPage2, http.StatusTooManyRequests)
	f.fail(mimageList, http.StatusTooManyRequests, http.StatusTooManyRequests)
	f.fail(policyPath("snapshots", "web-boot-copy"), http.StatusServiceUnavailable)
	f.fail(policyPath("images", "golden-web-2026-03"), http.StatusTooManyRequests)

	// Blanks and repeats in the list are dropped.
	res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: srv.URL, Accounts: []string{prod, " ", locked, prod + " "}})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	sameJSON(t, "records", res.Records, prodRecords)
	sameJSON(t, "complete", res.Complete, prodComplete)

	if len(res.Failures) != 2 {
		t.Fatalf("failures = %v, want the locked project's snapshots and images", res.Failures)
	}
	for i, kind := range []inventory.Kind{inventory.Snapshot, inventory.Image} {
		fl := res.Failures[i]
		if fl.Scope != scope(locked, kind, "") {
			t.Errorf("failure %d scope = %+v, want %s of %s", i, fl.Scope, kind, locked)
		}
		var ge *googleapi.Error
		if !errors.As(fl.Err, &ge) || ge.Code != http.StatusForbidden || !strings.Contains(fl.Err.Error(), locked) {
			t.Errorf("failure %d error = %v, want a 403 naming %s", i, fl.Err, locked)
		}
	}

	for _, h := range []struct {
		key  string
		want int
	}{
		{snapList, 1},
		{snapPage2, 2}, // one 429, one answer
		{imageList, 1},
		{imageList + "?Cg0IgPnUrgYQgKbnxwE", 1},
		{mimageList, 3},
		{policyPath("snapshots", "web-boot-copy"), 2},
		{policyPath("images", "golden-web-2026-03"), 2},
		{policyPath("snapshots", "hr-archive-snap"), 1},
		{policyPath("machineImages", "payments-vm-mi"), 1},
		{"/compute/v1/projects/" + locked + "/global/snapshots", 1}, // a refusal is not retried
		{"/v1/projects", 0}, // accounts were named
	} {
		if got := f.count(h.key); got != h.want {
			t.Errorf("requests to %s = %d, want %d", h.key, got, h.want)
		}
	}
	if len(f.bad) > 0 {
		t.Errorf("malformed requests: %v", f.bad)
	}
}

// Partial reads: what was read is kept, the kind that failed is neither
// complete nor lost elsewhere.
func TestCollector_Collect_partial(t *testing.T) {
	snapIDs := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, "projects/"+prod+"/global/snapshots/"+n)
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		faults   map[string][]int
		retries  int
		snaps    []string // snapshot ids kept
		complete bool     // whether the snapshot kind is complete
		errHas   string
		hits     map[string]int
	}{
		{
			name:    "throttling outlasts the retries",
			faults:  map[string][]int{snapList: {429, 429, 429, 429}},
			retries: 2,
			errHas:  "list snapshots of project " + prod,
			hits:    map[string]int{snapList: 3, snapPage2: 0},
		},
		{
			name:    "second page fails",
			faults:  map[string][]int{snapPage2: {500, 500}},
			retries: 1,
			snaps:   snapIDs("db-disk-snap-0302", "web-boot-copy"),
			errHas:  "Internal error",
			hits:    map[string]int{snapPage2: 2},
		},
		{
			name:   "a policy is refused",
			faults: map[string][]int{policyPath("snapshots", "db-disk-snap-0302"): {403}},
			snaps:  snapIDs("web-boot-copy", "hr-archive-snap"),
			errHas: "read IAM policy of projects/" + prod + "/global/snapshots/db-disk-snap-0302",
		},
		{
			name: "two policies are refused",
			faults: map[string][]int{
				policyPath("snapshots", "db-disk-snap-0302"): {403},
				policyPath("snapshots", "hr-archive-snap"):   {403},
			},
			snaps:  snapIDs("web-boot-copy"),
			errHas: "IAM policies of 2 snapshots unread",
		},
		{
			name:     "a copy is deleted before its policy is read",
			faults:   map[string][]int{policyPath("snapshots", "hr-archive-snap"): {404}},
			snaps:    snapIDs("db-disk-snap-0302", "web-boot-copy"),
			complete: true,
			hits:     map[string]int{policyPath("snapshots", "hr-archive-snap"): 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, srv, c := newFake(t)
			for k, s := range tc.faults {
				f.fail(k, s...)
			}
			res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: srv.URL, Accounts: []string{prod}, MaxRetries: tc.retries})
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			var snaps, images []string
			for _, r := range res.Records {
				if r.Kind == inventory.Snapshot {
					snaps = append(snaps, r.ID)
				} else {
					images = append(images, r.ID)
				}
			}
			sameJSON(t, "snapshots", snaps, tc.snaps)
			if len(images) != 3 {
				t.Errorf("images = %v, want all three", images)
			}
			if !slices.Contains(res.Complete, scope(prod, inventory.Image, "")) {
				t.Errorf("complete = %v, want the images", res.Complete)
			}
			if got := slices.Contains(res.Complete, scope(prod, inventory.Snapshot, "")); got != tc.complete {
				t.Errorf("snapshots complete = %v, want %v", got, tc.complete)
			}
			switch {
			case tc.complete && len(res.Failures) != 0:
				t.Errorf("failures = %v, want none", res.Failures)
			case !tc.complete && (len(res.Failures) != 1 || res.Failures[0].Scope != scope(prod, inventory.Snapshot, "") ||
				!strings.Contains(res.Failures[0].Err.Error(), tc.errHas)):
				t.Errorf("failures = %v, want one for the snapshots saying %q", res.Failures, tc.errHas)
			}
			for k, want := range tc.hits {
				if got := f.count(k); got != want {
					t.Errorf("requests to %s = %d, want %d", k, got, want)
				}
			}
		})
	}
}

// With no account named, the collector reads every active project the
// credentials list, page by page.
func TestCollector_Collect_discoversProjects(t *testing.T) {
	f, srv, c := newFake(t)
	f.fail("/v1/projects", http.StatusTooManyRequests)
	res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: srv.URL})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	accounts := map[string]int{}
	for _, r := range res.Records {
		accounts[r.Account]++
	}
	sameJSON(t, "records per project", accounts, map[string]int{prod: len(prodRecords), "dev-sandbox-19": 1})
	for _, s := range []inventory.Scope{scope("dev-sandbox-19", inventory.Snapshot, ""), scope("dev-sandbox-19", inventory.Image, "")} {
		if !slices.Contains(res.Complete, s) {
			t.Errorf("complete = %v, want %+v", res.Complete, s)
		}
	}
	if n := f.count("/compute/v1/projects/old-poc-03/global/snapshots"); n != 0 {
		t.Errorf("a project pending deletion was read %d times", n)
	}
	if n := f.count("/v1/projects"); n != 2 {
		t.Errorf("project list requests = %d, want 2 (one throttled)", n)
	}
	last := res.Records[len(res.Records)-1]
	if last.ID != "projects/dev-sandbox-19/global/snapshots/scratch-snap" || !last.Created.Equal(utc("2026-03-01T08:00:00Z")) || last.Region != "us-east1" {
		t.Errorf("dev-sandbox-19 record = %+v", last)
	}
}

func TestCollector_Collect_noProjects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter)
		errHas string
	}{
		{"none listed", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{}`)) }, "--account"},
		{"list refused", func(w http.ResponseWriter) { apiError(w, http.StatusForbidden, "forbidden", "denied") }, "list projects"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { tc.answer(w) }))
			defer srv.Close()
			_, _, c := newFake(t)
			c.ProjectsEndpoint = srv.URL
			res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: srv.URL})
			if err == nil || !strings.Contains(err.Error(), tc.errHas) || res != nil {
				t.Errorf("Collect = %v, %v; want no result and an error saying %q", res, err, tc.errHas)
			}
		})
	}
}

func TestCollector_Collect_endpoint(t *testing.T) {
	for _, tc := range []struct {
		name     string
		endpoint func(srv *httptest.Server) string
		ok       bool
	}{
		{"host only", func(s *httptest.Server) string { return s.URL }, true},
		{"host and slash", func(s *httptest.Server) string { return s.URL + "/" }, true},
		{"full base path", func(s *httptest.Server) string { return s.URL + "/compute/v1" }, true},
		{"not a URL", func(*httptest.Server) string { return "compute.internal" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srv, c := newFake(t)
			res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: tc.endpoint(srv), Accounts: []string{prod}})
			if !tc.ok {
				if err == nil || !strings.Contains(err.Error(), "endpoint") {
					t.Errorf("Collect = %v, want an endpoint error", err)
				}
				return
			}
			if err != nil || len(res.Records) != len(prodRecords) || len(res.Failures) != 0 {
				t.Errorf("Collect = %d records, %v failures, %v; want %d records", len(res.Records), res.Failures, err, len(prodRecords))
			}
		})
	}
}

// Cancellation during a retry's wait stops at once and is not a failure.
func TestCollector_Collect_cancelled(t *testing.T) {
	f, srv, c := newFake(t)
	c.BaseDelay, c.MaxDelay = time.Hour, time.Hour
	f.fail(imageList, http.StatusTooManyRequests)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f.onHit = func(k string) {
		if k == imageList {
			time.AfterFunc(10*time.Millisecond, cancel)
		}
	}

	start := time.Now()
	res, err := c.Collect(ctx, inventory.CollectOptions{Endpoint: srv.URL, Accounts: []string{prod}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Collect error = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Minute {
		t.Errorf("Collect took %v after cancellation", d)
	}
	if res == nil || len(res.Failures) != 0 {
		t.Fatalf("result = %+v, want the snapshots read and no failure", res)
	}
	if len(res.Records) != 3 || !slices.Contains(res.Complete, scope(prod, inventory.Snapshot, "")) || slices.Contains(res.Complete, scope(prod, inventory.Image, "")) {
		t.Errorf("records = %d, complete = %v; want the three snapshots, complete, and images not", len(res.Records), res.Complete)
	}
}
