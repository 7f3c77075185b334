package gcp_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/inventory/gcp"
	"golang.org/x/oauth2"
	"google.golang.org/api/option"
)

// fakeToken is the static credential the tests give the client.
const fakeToken = "fake-token-not-a-secret"

// fakeGCP replays Compute Engine and Resource Manager responses from
// testdata: a list page is testdata/PROJECT/COLLECTION[.TOKEN].json, a
// policy testdata/PROJECT/COLLECTION/NAME.iam.json (absent: an empty
// policy, as the API answers for a resource nobody was granted), the
// project list testdata/projects[.TOKEN].json.
type fakeGCP struct {
	t testing.TB

	mu     sync.Mutex
	faults map[string][]int // request key → statuses to answer first, in order
	denied map[string]bool  // projects every call to which is refused
	hits   map[string]int   // request key → requests
	bad    []string         // requests without the fake bearer token or policy version
	onHit  func(key string) // called before answering, outside the lock
}

// newFake starts a server and returns it with a collector aimed at it
// (fast retries, static credentials).
func newFake(t testing.TB) (*fakeGCP, *httptest.Server, *gcp.Collector) {
	t.Helper()
	f := &fakeGCP{t: t, faults: map[string][]int{}, denied: map[string]bool{}, hits: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := &gcp.Collector{
		ClientOptions: []option.ClientOption{
			option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: fakeToken})),
		},
		ProjectsEndpoint: srv.URL,
		BaseDelay:        time.Millisecond,
		MaxDelay:         4 * time.Millisecond,
	}
	return f, srv, c
}

// key names a request: its path, and its page token after a "?".
func key(r *http.Request) string {
	if tok := r.URL.Query().Get("pageToken"); tok != "" {
		return r.URL.Path + "?" + tok
	}
	return r.URL.Path
}

// fail makes the next len(statuses) requests to key answer those statuses.
func (f *fakeGCP) fail(key string, statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[key] = append(f.faults[key], statuses...)
}

func (f *fakeGCP) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

func (f *fakeGCP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k := key(r)
	if f.onHit != nil {
		f.onHit(k)
	}
	f.mu.Lock()
	f.hits[k]++
	if r.Header.Get("Authorization") != "Bearer "+fakeToken {
		f.bad = append(f.bad, k+": no bearer token")
	}
	if strings.HasSuffix(r.URL.Path, "/getIamPolicy") && r.URL.Query().Get("optionsRequestedPolicyVersion") != "3" {
		f.bad = append(f.bad, k+": policy version not 3")
	}
	var fault int
	if q := f.faults[k]; len(q) > 0 {
		fault, f.faults[k] = q[0], q[1:]
	}
	project := ""
	if rest, ok := strings.CutPrefix(r.URL.Path, "/compute/v1/projects/"); ok {
		project, _, _ = strings.Cut(rest, "/")
	}
	if f.denied[project] {
		fault = http.StatusForbidden
	}
	f.mu.Unlock()

	if r.Method != http.MethodGet {
		apiError(w, http.StatusMethodNotAllowed, "badRequest", "GET only")
		return
	}
	switch fault {
	case 0:
	case http.StatusTooManyRequests:
		apiError(w, fault, "rateLimitExceeded", "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'compute.googleapis.com'.")
		return
	case http.StatusForbidden:
		apiError(w, fault, "forbidden", fmt.Sprintf("Required 'compute.snapshots.list' permission for 'projects/%s'", project))
		return
	case http.StatusNotFound:
		apiError(w, fault, "notFound", "The resource was not found")
		return
	default:
		apiError(w, fault, "backendError", "Internal error. Please try again or contact Google Support.")
		return
	}
	f.replay(w, r)
}

// replay answers from testdata.
func (f *fakeGCP) replay(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("pageToken")
	page := func(base string) string {
		if tok != "" {
			return base + "." + tok + ".json"
		}
		return base + ".json"
	}
	var file, fallback string
	switch parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/"); {
	case r.URL.Path == "/v1/projects":
		file = page("projects")
	case len(parts) == 6 && parts[0] == "compute" && parts[2] == "projects" && parts[4] == "global":
		// compute/v1/projects/P/global/COLLECTION
		file, fallback = page(filepath.Join(parts[3], parts[5])), `{}`
	case len(parts) == 8 && parts[7] == "getIamPolicy":
		// compute/v1/projects/P/global/COLLECTION/NAME/getIamPolicy
		file, fallback = filepath.Join(parts[3], parts[5], parts[6]+".iam.json"), `{"version":1,"etag":"ACAB"}`
	default:
		apiError(w, http.StatusNotFound, "notFound", "no such method "+r.URL.Path)
		return
	}
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if os.IsNotExist(err) && fallback != "" && tok == "" {
		body, err = []byte(fallback), nil
	}
	if err != nil {
		f.t.Errorf("fake: %s: %v", r.URL, err)
		apiError(w, http.StatusNotFound, "notFound", "no fixture")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_, _ = w.Write(body)
}

// apiError writes an error in the Google API JSON error format.
func apiError(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"error":{"code":%d,"message":%q,"errors":[{"message":%q,"domain":"global","reason":%q}]}}`, code, msg, msg, reason)
}
