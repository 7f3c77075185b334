package yandex_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/yandex"
)

const (
	prodFolder   = "b1gq90dgh25bebiu75o3"
	deniedFolder = "b1g8dn4ed7xv0fq2m1sa"
	staticToken  = "t1.static-fake-token"

	snap1  = "fd8sn4p1b0otd1sk7a2c"
	snap2  = "fd8sn4p2d4tad1sk9b3e"
	snap3  = "fd8sn4p3cr34t1ngx7qw"
	image1 = "fd8im4g1pub1icw3b0x9"
	image2 = "fd8im4g2pr1v4t3k3y5z"
	kmsKey = "abjbaqdga6hgu6lgqfts"
)

func bindings(kind, id string) string {
	return "/compute/v1/" + kind + "/" + id + ":listAccessBindings"
}

func scope(folder, region string, k inventory.Kind) inventory.Scope {
	return inventory.Scope{Cloud: event.Yandex, Account: folder, Region: region, Kind: k}
}

// prodRoutes serves the prod folder: two pages of snapshots (the second
// throttled once), two images (one public, its bindings on two pages),
// three disks in three zones.
func prodRoutes(f *fakeAPI) {
	get := http.MethodGet
	f.on(route(get, "/compute/v1/zones"), ok("zones.json"))
	f.on(route(get, "/compute/v1/snapshots", "folderId", prodFolder), ok("snapshots-1.json"))
	f.on(route(get, "/compute/v1/snapshots", "folderId", prodFolder, "pageToken", snap1),
		fail(http.StatusTooManyRequests, "error-429.json"), ok("snapshots-2.json"))
	f.on(route(get, "/compute/v1/images", "folderId", prodFolder), ok("images.json"))
	f.on(route(get, "/compute/v1/disks", "folderId", prodFolder), ok("disks.json"))
	f.on(route(get, bindings("snapshots", snap1)), ok("bindings-snap1.json"))
	f.on(route(get, bindings("snapshots", snap2)), ok("bindings-empty.json"))
	f.on(route(get, bindings("snapshots", snap3)), ok("bindings-empty.json"))
	f.on(route(get, bindings("images", image1)), ok("bindings-image1-1.json"))
	f.on(route(get, bindings("images", image1), "pageToken", "b2"), ok("bindings-image1-2.json"))
	f.on(route(get, bindings("images", image2)), ok("bindings-empty.json"))
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// prodRecords is what the prod folder holds.
func prodRecords() []inventory.Record {
	snap := func(id, name, src, created string, gb int64, state string) inventory.Record {
		return inventory.Record{Cloud: event.Yandex, Account: prodFolder, Region: "ru-central1", Kind: inventory.Snapshot,
			ID: id, Name: name, Source: src, Created: at(created), Encrypted: true, SizeGB: gb, State: state}
	}
	s1 := snap(snap1, "pg-data-before-upgrade", "fhm1b0otd1sk7a2cq9rt", "2026-03-02T09:15:27Z", 100, "READY")
	s1.KeyID = kmsKey
	s1.Tags = map[string]string{"env": "prod", "app": "billing-db"}
	s1.Exposure = inventory.Exposure{Accounts: []string{"ajeo4sv8d5ln5s6hbq1e"}}
	s2 := snap(snap2, "web-root", "fhm2d4tad1sk9b3eq0uv", "2026-03-03T22:40:03.512Z", 20, "READY")
	s3 := snap(snap3, "tmp-export", "fhm1b0otd1sk7a2cq9rt", "2026-03-04T01:02:03Z", 100, "CREATING")

	img := func(id, name, created string, gb int64) inventory.Record {
		return inventory.Record{Cloud: event.Yandex, Account: prodFolder, Region: "ru-central1", Kind: inventory.Image,
			ID: id, Name: name, Created: at(created), Encrypted: true, SizeGB: gb, State: "READY"}
	}
	i1 := img(image1, "web-golden-2026-02", "2026-02-20T12:00:00Z", 20)
	i1.Tags = map[string]string{"team": "web"}
	i1.Exposure = inventory.Exposure{Public: true,
		Accounts: []string{"aje9k1outs1d3r5u7w0x", "group:organization:bpf3nq8l0c2d4ab1ahaq:users"}}
	i2 := img(image2, "db-image", "2026-03-01T08:30:00Z", 5) // no minDiskSize: its storage size
	i2.KeyID = kmsKey

	disk := func(id, zone, name, src, created string, gb int64) inventory.Record {
		return inventory.Record{Cloud: event.Yandex, Account: prodFolder, Region: zone, Kind: inventory.Volume,
			ID: id, Name: name, Source: src, Created: at(created), Encrypted: true, SizeGB: gb, State: "READY"}
	}
	d1 := disk("fhm1b0otd1sk7a2cq9rt", "ru-central1-a", "billing-db-data", "", "2025-11-10T07:00:00Z", 100)
	d1.KeyID = kmsKey
	d1.Tags = map[string]string{"criticality": "high"}
	d2 := disk("epdr3st0r3dfr0msn4p1", "ru-central1-b", "restored-data", snap1, "2026-03-04T03:11:45Z", 100)
	d3 := disk("fv4fr0m1m4g3d1sk0k2a", "ru-central1-d", "web-3-boot", image1, "2026-03-05T10:20:30Z", 20)
	return []inventory.Record{s1, s2, s3, i1, i2, d1, d2, d3}
}

func TestCollector_Collect(t *testing.T) {
	f, srv := newFake(t, staticToken)
	prodRoutes(f)
	for _, path := range []string{"/compute/v1/snapshots", "/compute/v1/images", "/compute/v1/disks"} {
		f.on(route(http.MethodGet, path, "folderId", deniedFolder), fail(http.StatusForbidden, "error-403.json"))
	}

	res, err := collector(srv, staticToken).Collect(t.Context(), inventory.CollectOptions{
		Endpoint: srv.URL,
		Accounts: []string{prodFolder, deniedFolder},
	})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "records", res.Records, prodRecords())
	sameJSON(t, "complete", res.Complete, []inventory.Scope{
		scope(prodFolder, "ru-central1", inventory.Snapshot),
		scope(prodFolder, "ru-central1", inventory.Image),
		scope(prodFolder, "ru-central1-a", inventory.Volume),
		scope(prodFolder, "ru-central1-b", inventory.Volume),
		scope(prodFolder, "ru-central1-d", inventory.Volume),
	})
	got := failures(res.Failures)
	if len(got) != 3 || len(res.Failures) != 3 {
		t.Errorf("failures = %v, want the denied folder's three kinds", got)
	}
	for _, k := range []inventory.Kind{inventory.Snapshot, inventory.Image, inventory.Volume} {
		msg, ok := got[scope(deniedFolder, "ru-central1", k)]
		if !ok {
			t.Errorf("no failure for the denied folder's %s", k)
			continue
		}
		for _, want := range []string{"403", "code 7", "Permission denied"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s failure %q lacks %q", k, msg, want)
			}
		}
	}
	throttled := route(http.MethodGet, "/compute/v1/snapshots", "folderId", prodFolder, "pageToken", snap1)
	if n := f.count(throttled); n != 2 {
		t.Errorf("throttled page fetched %d times, want 2 (429, then the retry)", n)
	}
	denied := route(http.MethodGet, "/compute/v1/snapshots", "folderId", deniedFolder)
	if n := f.count(denied); n != 1 {
		t.Errorf("denied listing fetched %d times, want 1 (403 is not retried)", n)
	}
}

// A copy whose exposure cannot be read is left out and fails its scope (an
// empty exposure would read as "not shared"); a copy gone between the
// listing and its bindings is left out silently; without the zone listing
// only the zones seen are complete.
func TestCollector_Collect_partialExposure(t *testing.T) {
	f, srv := newFake(t, staticToken)
	get := http.MethodGet
	f.on(route(get, "/compute/v1/zones"), fail(http.StatusInternalServerError, "error-500.json"))
	f.on(route(get, "/compute/v1/snapshots", "folderId", prodFolder), ok("snapshots-2.json"))
	f.on(route(get, bindings("snapshots", snap2)), fail(http.StatusNotFound, "error-404.json"))
	f.on(route(get, bindings("snapshots", snap3)), ok("bindings-empty.json"))
	f.on(route(get, "/compute/v1/images", "folderId", prodFolder), ok("images.json"))
	f.on(route(get, bindings("images", image1)), fail(http.StatusInternalServerError, "error-500.json"))
	f.on(route(get, bindings("images", image2)), ok("bindings-empty.json"))
	f.on(route(get, "/compute/v1/disks", "folderId", prodFolder), reply{status: http.StatusOK, body: `{"disks": [
		{"id": "fhm9z0n3l3ssd1sk4a1b", "folderId": "` + prodFolder + `", "zoneId": "ru-central1-a", "size": "1073741825", "status": "READY"},
		{"folderId": "` + prodFolder + `", "zoneId": "ru-central1-a", "status": "READY"}]}`})

	res, err := collector(srv, staticToken).Collect(t.Context(), inventory.CollectOptions{
		Endpoint: srv.URL, Accounts: []string{prodFolder},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range res.Records {
		ids = append(ids, r.ID)
		if r.ID == "fhm9z0n3l3ssd1sk4a1b" && r.SizeGB != 2 {
			t.Errorf("1 GiB + 1 byte = %d GB, want 2 (rounded up)", r.SizeGB)
		}
	}
	sameJSON(t, "record ids", ids, []string{snap3, image2, "fhm9z0n3l3ssd1sk4a1b"})
	sameJSON(t, "complete", res.Complete, []inventory.Scope{
		scope(prodFolder, "ru-central1", inventory.Snapshot),
		scope(prodFolder, "ru-central1-a", inventory.Volume),
	})
	got := failures(res.Failures)
	if len(got) != 2 {
		t.Errorf("failures = %v, want zones and images", got)
	}
	if msg := got[scope("", "ru-central1", inventory.Volume)]; !strings.Contains(msg, "list zones") {
		t.Errorf("zone failure = %q", msg)
	}
	msg := got[scope(prodFolder, "ru-central1", inventory.Image)]
	if !strings.Contains(msg, "1 failed") || !strings.Contains(msg, "500") {
		t.Errorf("image failure = %q, want one failed binding listing with its 500", msg)
	}
	if n := f.count(route(get, bindings("images", image1))); n != 1 {
		t.Errorf("500 retried: %d calls", n)
	}
}

func TestCollector_Collect_retries(t *testing.T) {
	tests := []struct {
		name       string
		maxRetries int
		replies    []reply
		calls      int
		failed     string // "" when the listing succeeds
	}{
		{"429 until retries run out", 2, []reply{fail(http.StatusTooManyRequests, "error-429.json")}, 3, "429"},
		{"no retries when negative", -1, []reply{fail(http.StatusTooManyRequests, "error-429.json")}, 1, "429"},
		{"RESOURCE_EXHAUSTED under another status", 3,
			[]reply{fail(http.StatusBadRequest, "error-429.json"), ok("bindings-empty.json")}, 2, ""},
		{"unavailable, then answered", 3,
			[]reply{{status: http.StatusServiceUnavailable, body: `{"code":14,"message":"unavailable"}`}, ok("bindings-empty.json")}, 2, ""},
		{"default retries", 0, []reply{fail(http.StatusTooManyRequests, "error-429.json")}, yandex.DefaultMaxRetries + 1, "429"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t, staticToken)
			get := http.MethodGet
			f.on(route(get, "/compute/v1/zones"), ok("zones.json"))
			snaps := route(get, "/compute/v1/snapshots", "folderId", prodFolder)
			f.on(snaps, tt.replies...)
			f.on(route(get, "/compute/v1/images", "folderId", prodFolder), ok("bindings-empty.json"))
			f.on(route(get, "/compute/v1/disks", "folderId", prodFolder), ok("bindings-empty.json"))

			res, err := collector(srv, staticToken).Collect(t.Context(), inventory.CollectOptions{
				Endpoint: srv.URL, Accounts: []string{prodFolder}, MaxRetries: tt.maxRetries,
			})
			if err != nil {
				t.Fatal(err)
			}
			if n := f.count(snaps); n != tt.calls {
				t.Errorf("%d calls, want %d", n, tt.calls)
			}
			msg := failures(res.Failures)[scope(prodFolder, "ru-central1", inventory.Snapshot)]
			switch {
			case tt.failed == "" && msg != "":
				t.Errorf("failure %q, want none", msg)
			case tt.failed != "" && !strings.Contains(msg, tt.failed):
				t.Errorf("failure %q, want one mentioning %q", msg, tt.failed)
			}
			// The images and disks of the folder are read either way.
			if len(res.Complete) != 5-boolInt(tt.failed != "") {
				t.Errorf("complete = %v", res.Complete)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Answers that cannot be read fail their scope, never the run.
func TestCollector_Collect_badAnswers(t *testing.T) {
	tests := []struct {
		name  string
		pages map[string]reply // pageToken → reply
		want  string
	}{
		{"page token repeated", map[string]reply{
			"":     {status: http.StatusOK, body: `{"snapshots": [], "nextPageToken": "same"}`},
			"same": {status: http.StatusOK, body: `{"snapshots": [], "nextPageToken": "same"}`},
		}, "came twice"},
		{"wrong type", map[string]reply{"": {status: http.StatusOK, body: `{"snapshots": [{"id": 5}]}`}}, "decode snapshots"},
		{"not JSON", map[string]reply{"": {status: http.StatusOK, body: `<html>`}}, "decode response"},
		{"bad int64", map[string]reply{"": {status: http.StatusOK, body: `{"snapshots": [{"id": "x", "diskSize": "big"}]}`}}, "decode snapshots"},
		{"error without a body", map[string]reply{"": {status: http.StatusForbidden}}, "403 Forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t, staticToken)
			get := http.MethodGet
			f.on(route(get, "/compute/v1/zones"), ok("zones.json"))
			for tok, rep := range tt.pages {
				if tok == "" {
					f.on(route(get, "/compute/v1/snapshots", "folderId", prodFolder), rep)
				} else {
					f.on(route(get, "/compute/v1/snapshots", "folderId", prodFolder, "pageToken", tok), rep)
				}
			}
			f.on(route(get, "/compute/v1/images", "folderId", prodFolder), ok("bindings-empty.json"))
			f.on(route(get, "/compute/v1/disks", "folderId", prodFolder), ok("bindings-empty.json"))
			res, err := collector(srv, staticToken).Collect(t.Context(), inventory.CollectOptions{
				Endpoint: srv.URL, Accounts: []string{prodFolder},
			})
			if err != nil {
				t.Fatal(err)
			}
			msg := failures(res.Failures)[scope(prodFolder, "ru-central1", inventory.Snapshot)]
			if !strings.Contains(msg, tt.want) {
				t.Errorf("failure %q, want one mentioning %q", msg, tt.want)
			}
			if len(res.Records) != 0 {
				t.Errorf("records from an unreadable page: %v", res.Records)
			}
		})
	}
}

// With no folders named, the collector lists the clouds' folders; a cloud
// whose folders cannot be listed is a failure beside the other's records.
func TestCollector_Collect_discovery(t *testing.T) {
	f, srv := newFake(t, staticToken)
	prodRoutes(f)
	get := http.MethodGet
	f.on(route(get, "/resource-manager/v1/clouds"), ok("clouds.json"))
	f.on(route(get, "/resource-manager/v1/folders", "cloudId", "b1gia87mbaomkfvsleds"), ok("folders.json"))
	f.on(route(get, "/resource-manager/v1/folders", "cloudId", "b1g5l0ckedcl0ud9zz1x"), fail(http.StatusForbidden, "error-403.json"))

	res, err := collector(srv, staticToken).Collect(t.Context(), inventory.CollectOptions{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "records", res.Records, prodRecords())
	got := failures(res.Failures)
	msg := got[inventory.Scope{Cloud: event.Yandex, Account: "b1g5l0ckedcl0ud9zz1x"}]
	if len(got) != 1 || !strings.Contains(msg, "list folders of cloud b1g5l0ckedcl0ud9zz1x") || !strings.Contains(msg, "403") {
		t.Errorf("failures = %v, want the locked cloud's", got)
	}

	// Clouds that cannot be listed leave nothing to collect: an error.
	f.on(route(get, "/resource-manager/v1/clouds"), fail(http.StatusForbidden, "error-403.json"))
	if _, err := collector(srv, staticToken).Collect(t.Context(), inventory.CollectOptions{Endpoint: srv.URL}); err == nil ||
		!strings.Contains(err.Error(), "list clouds") {
		t.Errorf("err = %v, want list clouds failing", err)
	}
}

// Regions keep the disks of a region or zone; snapshots and images go under
// the first region asked.
func TestCollector_Collect_regions(t *testing.T) {
	tests := []struct {
		regions []string
		disks   []string // the zones of the disk records
		home    string
	}{
		{nil, []string{"ru-central1-a", "ru-central1-b", "ru-central1-d"}, "ru-central1"},
		{[]string{"ru-central1-b"}, []string{"ru-central1-b"}, "ru-central1"},
		{[]string{"ru-central1-a", "ru-central1-d"}, []string{"ru-central1-a", "ru-central1-d"}, "ru-central1"},
		{[]string{"kz1"}, nil, "kz1"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.regions, ","), func(t *testing.T) {
			f, srv := newFake(t, staticToken)
			prodRoutes(f)
			res, err := collector(srv, staticToken).Collect(t.Context(), inventory.CollectOptions{
				Endpoint: srv.URL, Accounts: []string{prodFolder}, Regions: tt.regions,
			})
			if err != nil {
				t.Fatal(err)
			}
			var zones, volumeScopes []string
			for _, r := range res.Records {
				if r.Kind == inventory.Volume {
					zones = append(zones, r.Region)
				} else if r.Region != tt.home {
					t.Errorf("%s %s in region %q, want %q", r.Kind, r.ID, r.Region, tt.home)
				}
			}
			for _, s := range res.Complete {
				if s.Kind == inventory.Volume {
					volumeScopes = append(volumeScopes, s.Region)
				}
			}
			sameJSON(t, "disk zones", zones, tt.disks)
			sameJSON(t, "complete disk zones", volumeScopes, tt.disks)
		})
	}
}

// Cancellation ends the run with the context's error, not with failures.
func TestCollector_Collect_cancel(t *testing.T) {
	f, srv := newFake(t, staticToken)
	prodRoutes(f)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	hc := srv.Client()
	base := hc.Transport
	hc.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, ":listAccessBindings") {
			cancel()
		}
		return base.RoundTrip(r)
	})
	c := collector(srv, staticToken)
	c.HTTPClient = hc
	res, err := c.Collect(ctx, inventory.CollectOptions{Endpoint: srv.URL, Accounts: []string{prodFolder, deniedFolder}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res == nil || len(res.Failures) != 0 || len(res.Complete) != 0 {
		t.Errorf("result = %+v, want no failures and nothing complete", res)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestCollector_Cloud(t *testing.T) {
	var c yandex.Collector
	if c.Cloud() != event.Yandex {
		t.Errorf("Cloud() = %q", c.Cloud())
	}
}

// Failed round trips are retried when the network failed, not when the
// request itself cannot be sent.
func TestCollector_Collect_transportErrors(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		calls int
	}{
		{"connection reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, 3},
		{"cut short", io.ErrUnexpectedEOF, 3},
		{"not a network failure", errors.New("unsupported protocol scheme"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if strings.HasSuffix(r.URL.Path, "/snapshots") {
					calls++
				}
				return nil, tt.err
			})}
			c := &yandex.Collector{Token: staticToken, HTTPClient: hc, Getenv: func(string) string { return "" },
				BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
			res, err := c.Collect(t.Context(), inventory.CollectOptions{
				Endpoint: "http://api.invalid", Accounts: []string{prodFolder}, MaxRetries: 2,
			})
			if err != nil {
				t.Fatal(err)
			}
			if calls != tt.calls {
				t.Errorf("%d calls, want %d", calls, tt.calls)
			}
			if len(res.Failures) != 4 { // zones, snapshots, images, disks
				t.Errorf("failures = %v", failures(res.Failures))
			}
		})
	}
}

// A folder named twice, or blank, is read once.
func TestCollector_Collect_repeatedFolders(t *testing.T) {
	f, srv := newFake(t, staticToken)
	prodRoutes(f)
	res, err := collector(srv, staticToken).Collect(t.Context(), inventory.CollectOptions{
		Endpoint: srv.URL, Accounts: []string{prodFolder, " ", prodFolder + " "},
	})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "records", res.Records, prodRecords())
	if n := f.count(route(http.MethodGet, "/compute/v1/images", "folderId", prodFolder)); n != 1 {
		t.Errorf("images listed %d times", n)
	}
}

// Access bindings are read Concurrency at a time, never more.
func TestCollector_Collect_concurrency(t *testing.T) {
	const limit, n = 3, 10
	var (
		mu       sync.Mutex
		inFlight int
		peak     int
	)
	full := make(chan struct{})
	var fullOnce sync.Once
	var page strings.Builder
	page.WriteString(`{"snapshots": [`)
	for i := range n {
		if i > 0 {
			page.WriteByte(',')
		}
		fmt.Fprintf(&page, `{"id": "fd8conc%013d", "status": "READY"}`, i)
	}
	page.WriteString(`]}`)
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		body := `{}`
		switch {
		case r.URL.Path == "/compute/v1/snapshots":
			body = page.String()
		case strings.HasSuffix(r.URL.Path, ":listAccessBindings"):
			mu.Lock()
			inFlight++
			peak = max(peak, inFlight)
			if inFlight == limit {
				fullOnce.Do(func() { close(full) })
			}
			mu.Unlock()
			// Hold the first calls until the limit is reached (or a
			// second passes, should the collector read one at a time).
			select {
			case <-full:
			case <-time.After(time.Second):
			}
			mu.Lock()
			inFlight--
			mu.Unlock()
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})}
	c := &yandex.Collector{Token: staticToken, HTTPClient: hc, Getenv: func(string) string { return "" }, Concurrency: limit}
	res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: "http://api.invalid", Accounts: []string{prodFolder}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != n || len(res.Failures) != 0 {
		t.Errorf("%d records, failures %v", len(res.Records), failures(res.Failures))
	}
	for i, r := range res.Records { // listing order survives the fan-out
		if want := fmt.Sprintf("fd8conc%013d", i); r.ID != want {
			t.Errorf("record %d = %s, want %s", i, r.ID, want)
		}
	}
	if peak != limit {
		t.Errorf("peak of %d reads at once, want %d", peak, limit)
	}
}

// A listing that fails part way keeps what its earlier pages gave, and its
// scope is not complete.
func TestCollector_Collect_partialListing(t *testing.T) {
	f, srv := newFake(t, staticToken)
	prodRoutes(f)
	get := http.MethodGet
	f.on(route(get, "/compute/v1/snapshots", "folderId", prodFolder, "pageToken", snap1), fail(http.StatusInternalServerError, "error-500.json"))
	f.on(route(get, "/compute/v1/disks", "folderId", prodFolder), reply{status: http.StatusOK,
		body: `{"disks": [{"id": "fhm1b0otd1sk7a2cq9rt", "zoneId": "ru-central1-a", "size": "1073741824"}], "nextPageToken": "d2"}`})
	f.on(route(get, "/compute/v1/disks", "folderId", prodFolder, "pageToken", "d2"), fail(http.StatusForbidden, "error-403.json"))

	res, err := collector(srv, staticToken).Collect(t.Context(), inventory.CollectOptions{Endpoint: srv.URL, Accounts: []string{prodFolder}})
	if err != nil {
		t.Fatal(err)
	}
	want := prodRecords()
	sameJSON(t, "records", res.Records, []inventory.Record{want[0], want[3], want[4], {
		Cloud: event.Yandex, Account: prodFolder, Region: "ru-central1-a", Kind: inventory.Volume,
		ID: "fhm1b0otd1sk7a2cq9rt", Encrypted: true, SizeGB: 1,
	}})
	sameJSON(t, "complete", res.Complete, []inventory.Scope{scope(prodFolder, "ru-central1", inventory.Image)})
	got := failures(res.Failures)
	if msg := got[scope(prodFolder, "ru-central1", inventory.Snapshot)]; !strings.Contains(msg, "list snapshots") || !strings.Contains(msg, "500") {
		t.Errorf("snapshot failure = %q", msg)
	}
	if msg := got[scope(prodFolder, "ru-central1", inventory.Volume)]; !strings.Contains(msg, "list disks") || !strings.Contains(msg, "403") {
		t.Errorf("disk failure = %q", msg)
	}
	if len(got) != 2 {
		t.Errorf("failures = %v", got)
	}
}
