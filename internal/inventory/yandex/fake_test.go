package yandex_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/yandex"
)

// reply is one canned answer: a testdata file or an inline body.
type reply struct {
	status int
	file   string
	body   string
}

func ok(file string) reply            { return reply{status: http.StatusOK, file: file} }
func fail(status int, f string) reply { return reply{status: status, file: f} }

// fakeAPI replays the Yandex Cloud REST API: routes map "METHOD path?query"
// (query without pageSize, keys sorted) to answers given in turn, the last
// one repeating.
type fakeAPI struct {
	tb    testing.TB
	token string // the bearer token every call must carry; "" accepts any

	mu     sync.Mutex
	routes map[string][]reply
	calls  map[string]int
	bodies map[string]string
}

func newFake(tb testing.TB, token string) (*fakeAPI, *httptest.Server) {
	tb.Helper()
	f := &fakeAPI{tb: tb, token: token, routes: map[string][]reply{}, calls: map[string]int{}, bodies: map[string]string{}}
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	return f, srv
}

// route builds a key from a method, a path and query pairs.
func route(method, path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	if len(q) == 0 {
		return method + " " + path
	}
	return method + " " + path + "?" + q.Encode()
}

func (f *fakeAPI) on(key string, replies ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[key] = replies
}

// body returns the last request body sent to key.
func (f *fakeAPI) body(key string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bodies[key]
}

func (f *fakeAPI) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/computeMetadata/") && q.Get("pageSize") == "" {
		f.tb.Errorf("%s %s: list call without pageSize", r.Method, r.URL)
	}
	q.Del("pageSize")
	key := r.Method + " " + r.URL.Path
	if len(q) > 0 {
		key += "?" + q.Encode()
	}
	if strings.HasPrefix(r.URL.Path, "/computeMetadata/") && r.Header.Get("Metadata-Flavor") != "Google" {
		f.tb.Errorf("%s: no Metadata-Flavor: Google header", key)
	}
	credentialCall := strings.HasPrefix(r.URL.Path, "/computeMetadata/") || r.URL.Path == "/iam/v1/tokens"
	if credentialCall && r.Header.Get("Authorization") != "" {
		f.tb.Errorf("%s: a credential call sent Authorization", key)
	}
	if !credentialCall && f.token != "" && r.Header.Get("Authorization") != "Bearer "+f.token {
		f.tb.Errorf("%s: Authorization %q, want the bearer token", key, r.Header.Get("Authorization"))
		http.Error(w, `{"code":16,"message":"unauthenticated"}`, http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	replies := f.routes[key]
	n := f.calls[key]
	f.calls[key]++
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		f.bodies[key] = string(b)
	}
	f.mu.Unlock()
	if len(replies) == 0 {
		f.tb.Errorf("unexpected call %s", key)
		http.Error(w, `{"code":12,"message":"no such route in the fake"}`, http.StatusNotImplemented)
		return
	}
	rep := replies[min(n, len(replies)-1)]
	body := []byte(rep.body)
	if rep.file != "" {
		var err error
		if body, err = os.ReadFile(filepath.Join("testdata", rep.file)); err != nil {
			f.tb.Errorf("%s: %v", key, err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(body)
}

// collector returns a collector with a static token and fast retries.
func collector(srv *httptest.Server, token string) *yandex.Collector {
	return &yandex.Collector{
		Token:      token,
		HTTPClient: srv.Client(),
		Getenv:     func(string) string { return "" },
		BaseDelay:  time.Millisecond,
		MaxDelay:   5 * time.Millisecond,
	}
}

// sameJSON fails unless got and want render the same JSON, printing both.
func sameJSON(tb testing.TB, what string, got, want any) {
	tb.Helper()
	g, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	w, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	if string(g) != string(w) {
		tb.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
	}
}

// failures renders failures as scope → error text for comparison.
func failures(fs []inventory.Failure) map[inventory.Scope]string {
	out := map[inventory.Scope]string{}
	for _, f := range fs {
		out[f.Scope] = f.Err.Error()
	}
	return out
}
