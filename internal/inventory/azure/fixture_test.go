package azure_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/snapwarden/snapwarden/internal/inventory/azure"
)

// The two subscriptions of the fixtures: A holds everything, B answers 403.
const (
	subA = "0b1f6471-1bf0-4dda-aec3-111122223333"
	subB = "5c9d8e7f-2a3b-4c5d-8e9f-444455556666"
)

const (
	pathA   = "/subscriptions/" + subA
	compute = pathA + "/providers/Microsoft.Compute"
	gallery = pathA + "/resourceGroups/Gallery-RG/providers/Microsoft.Compute/galleries"
)

// Route keys: the request path, "?" and the page ($skiptoken) or the
// $select, so each page is its own fixture.
const (
	keySubscriptions  = "/subscriptions?"
	keySubscriptions2 = "/subscriptions?2"
	keyLocations      = pathA + "/locations?"
	keySnapshots      = compute + "/snapshots?"
	keySnapshots2     = compute + "/snapshots?2"
	keyDisks          = compute + "/disks?"
	keyImages         = compute + "/images?"
	keyGalleries      = compute + "/galleries?"
	keyCorpPerms      = gallery + "/corpgallery?select=Permissions"
	keyCorpImages     = gallery + "/corpgallery/images?"
	keyCorpVersions   = gallery + "/corpgallery/images/ubuntu-hardened/versions?"
	keyCorpVersions2  = gallery + "/corpgallery/images/ubuntu-hardened/versions?2"
	keyCommImages     = gallery + "/communitygallery/images?"
	keyCommVersions   = gallery + "/communitygallery/images/public-tools/versions?"
)

var routes = map[string]string{
	keySubscriptions:  "subscriptions-1.json",
	keySubscriptions2: "subscriptions-2.json",
	keyLocations:      "locations.json",
	keySnapshots:      "snapshots-1.json",
	keySnapshots2:     "snapshots-2.json",
	keyDisks:          "disks.json",
	keyImages:         "images.json",
	keyGalleries:      "galleries.json",
	keyCorpPerms:      "gallery-corp-permissions.json",
	keyCorpImages:     "gallery-corp-images.json",
	keyCorpVersions:   "gallery-corp-versions-1.json",
	keyCorpVersions2:  "gallery-corp-versions-2.json",
	keyCommImages:     "gallery-community-images.json",
	keyCommVersions:   "gallery-community-versions.json",
}

// fault is a response served instead of a route's fixture, times times
// (-1: always).
type fault struct {
	status int
	header http.Header
	file   string
	times  int
}

// armServer replays ARM list responses over TLS (azcore sends bearer
// tokens only over https).
type armServer struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	hits   map[string]int
	faults map[string]*fault
	// routes overrides the fixture of a key (a test's variant).
	routes map[string]string
	// onRequest runs before a request is answered.
	onRequest func(key string)
}

func newARMServer(t testing.TB) *armServer {
	t.Helper()
	s := &armServer{t: t, hits: map[string]int{}, faults: map[string]*fault{}, routes: map[string]string{}}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// fail answers key with status (and the ARM error body of file) times times.
func (s *armServer) fail(key string, status int, file string, times int, header http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[key] = &fault{status: status, file: file, times: times, header: header}
}

// count is how many requests key received.
func (s *armServer) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[key]
}

func (s *armServer) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	key := r.URL.Path + "?" + q.Get("$skiptoken")
	if sel := q.Get("$select"); sel != "" {
		key = r.URL.Path + "?select=" + sel
	}
	if r.Header.Get("Authorization") != "Bearer "+fakeToken {
		s.t.Errorf("%s: Authorization header %q", key, r.Header.Get("Authorization"))
		http.Error(w, `{"error":{"code":"InvalidAuthenticationToken","message":"no token"}}`, http.StatusUnauthorized)
		return
	}
	if q.Get("api-version") == "" {
		s.t.Errorf("%s: no api-version", key)
	}
	if r.Method != http.MethodGet {
		s.t.Errorf("%s: method %s; a collector only reads", key, r.Method)
	}
	s.mu.Lock()
	s.hits[key]++
	f := s.faults[key]
	if f != nil && f.times != 0 {
		f.times--
	} else {
		f = nil
	}
	file := s.routes[key]
	if file == "" {
		file = routes[key]
	}
	hook := s.onRequest
	s.mu.Unlock()
	if hook != nil {
		hook(key)
	}

	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("x-ms-request-id", "9f0e1d2c-3b4a-5968-7a6b-5c4d3e2f1a0b")
	switch {
	case f != nil:
		for k, v := range f.header {
			w.Header()[k] = v
		}
		w.WriteHeader(f.status)
		_, _ = w.Write(s.fixture(f.file))
	case strings.HasPrefix(r.URL.Path, "/subscriptions/"+subB):
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write(s.fixture("error-403.json"))
	case file == "":
		s.t.Errorf("unexpected request %s", r.URL)
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"code":"ResourceNotFound","message":"not in the fixture"}}`))
	default:
		_, _ = w.Write(s.fixture(file))
	}
}

// fixture reads a testdata file, pointing its nextLinks at this server.
func (s *armServer) fixture(name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		s.t.Errorf("fixture: %v", err)
		return nil
	}
	return []byte(strings.ReplaceAll(string(b), "{{base}}", s.srv.URL))
}

// collector is a Collector talking to this server with a fake credential
// and millisecond backoff.
func (s *armServer) collector() *azure.Collector {
	return &azure.Collector{
		Credential: fakeCredential{},
		Transport:  s.srv.Client(),
		RetryDelay: time.Millisecond,
	}
}

const fakeToken = "fake-arm-token"

// fakeCredential hands out a static token, or err.
type fakeCredential struct{ err error }

func (c fakeCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if c.err != nil {
		return azcore.AccessToken{}, c.err
	}
	return azcore.AccessToken{Token: fakeToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}
