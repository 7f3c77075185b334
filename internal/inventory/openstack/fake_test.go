package openstack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Fake credentials and ids of the test cloud.
const (
	project  = "3d6a4b7c2e1f4a5b9c8d7e6f5a4b3c2d"
	userID   = "9b2c1d0e8f7a4b3c9d2e1f0a8b7c6d5e"
	username = "snapwarden-reader"
	password = "fake-Passw0rd-never-printed"
	domain   = "users"
)

// fake is an OpenStack cloud on httptest: Keystone v3 (password auth,
// project-scoped tokens, a service catalog pointing back at the server),
// Cinder v3, Glance v2 and Trove v1.0 list calls with marker/limit paging,
// replaying the fixtures in testdata/<region>/ in the APIs' documented
// shapes. Tests inject throttling and failures per request key.
type fake struct {
	t   testing.TB
	srv *httptest.Server

	regions  []string        // catalog regions
	projects map[string]bool // projects the user may scope a token to
	missing  map[string]bool // catalog types left out ("database")
	// maxMicroversion is what Cinder's version document offers; fields
	// newer than the microversion a request asks for are left out, as
	// Cinder does.
	maxMicroversion string
	// nextHost, when set, replaces the host of Cinder's next links (a
	// public_endpoint pointing elsewhere).
	nextHost string
	// loop names a Cinder list ("snapshots") whose next links always name
	// its first item.
	loop string
	// onRequest runs on each request before it is answered.
	onRequest func(*http.Request)

	mu            sync.Mutex
	queue         map[string][]int  // request key → statuses answered first, one per request
	down          map[string]int    // path prefix → status always answered
	raw           map[string]string // path → body answered with 200 instead of the list
	hits          map[string]int    // request key → requests seen
	microversions map[string]bool   // Cinder microversion headers seen
	unauthorized  int               // requests without a valid token
}

func newFake(t testing.TB) *fake {
	t.Helper()
	f := &fake{
		t:               t,
		regions:         []string{"RegionOne", "RegionTwo"},
		projects:        map[string]bool{project: true},
		missing:         map[string]bool{},
		maxMicroversion: "3.70",
		queue:           map[string][]int{},
		down:            map[string]int{},
		raw:             map[string]string{},
		hits:            map[string]int{},
		microversions:   map[string]bool{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// identity is the identity endpoint, as CollectOptions.Endpoint.
func (f *fake) identity() string { return f.srv.URL + "/identity/v3" }

// key names a request for injection and counting: the path and, for a
// list page, its marker.
func key(path, marker string) string {
	if marker == "" {
		return path
	}
	return path + "#" + marker
}

// throttle queues statuses answered before the real answer to key.
func (f *fake) throttle(k string, statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue[k] = append(f.queue[k], statuses...)
}

func (f *fake) hit(k string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[k]
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	if f.onRequest != nil {
		f.onRequest(r)
	}
	k := key(r.URL.Path, r.URL.Query().Get("marker"))
	f.mu.Lock()
	f.hits[k]++
	var status int
	if q := f.queue[k]; len(q) > 0 {
		status, f.queue[k] = q[0], q[1:]
	}
	for prefix, s := range f.down {
		if strings.HasPrefix(r.URL.Path, prefix) {
			status = s
		}
	}
	raw, isRaw := f.raw[r.URL.Path]
	f.mu.Unlock()

	if r.URL.Path == "/identity/v3/auth/tokens" && r.Method == http.MethodPost {
		f.token(w, r)
		return
	}
	if !strings.HasPrefix(r.Header.Get("X-Auth-Token"), "gAAAAA-") {
		f.mu.Lock()
		f.unauthorized++
		f.mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{
			"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
		return
	}
	switch status {
	case 0:
	case http.StatusRequestEntityTooLarge: // Cinder's rate limit
		w.Header().Set("Retry-After", "0")
		writeJSON(w, status, map[string]any{"overLimit": map[string]any{
			"code": 413, "message": "This request was rate-limited.", "retryAfter": "0",
			"details": "Only 10 GET request(s) can be made to * every minute."}})
		return
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1") // the collector caps it at MaxDelay
		writeJSON(w, status, map[string]any{"message": "Too Many Requests", "code": "429 Too Many Requests", "title": "Too Many Requests"})
		return
	default:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", status, http.StatusText(status))
		return
	}
	if isRaw {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, raw)
		return
	}
	f.route(w, r)
}

// route answers /<region>/<service>/… .
func (f *fake) route(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 {
		http.NotFound(w, r)
		return
	}
	region := parts[0]
	switch rest := parts[1:]; {
	case len(rest) == 2 && rest[0] == "volume" && rest[1] == "v3":
		writeJSON(w, http.StatusOK, map[string]any{"versions": []any{map[string]any{
			"id": "v3.0", "status": "CURRENT", "version": f.maxMicroversion, "min_version": "3.0",
			"updated": "2023-03-20T00:00:00Z",
			"links":   []any{map[string]any{"href": f.srv.URL + "/" + region + "/volume/v3/", "rel": "self"}}}}})
	case len(rest) == 5 && rest[0] == "volume" && rest[2] == project && rest[4] == "detail":
		f.cinder(w, r, region, rest[3])
	case len(rest) == 1 && rest[0] == "image":
		writeJSON(w, http.StatusMultipleChoices, map[string]any{"versions": []any{
			map[string]any{"id": "v2.16", "status": "CURRENT", "links": []any{map[string]any{"href": f.srv.URL + "/" + region + "/image/v2/", "rel": "self"}}},
			map[string]any{"id": "v2.15", "status": "SUPPORTED", "links": []any{map[string]any{"href": f.srv.URL + "/" + region + "/image/v2/", "rel": "self"}}},
		}})
	case len(rest) == 3 && rest[0] == "image" && rest[2] == "images":
		f.glance(w, r, region)
	case len(rest) == 5 && rest[0] == "image" && rest[2] == "images" && rest[4] == "members":
		var members map[string][]map[string]any
		f.fixture(region, "members", &members)
		m, ok := members[rest[3]]
		if !ok {
			writeJSON(w, http.StatusForbidden, map[string]any{"message": "Only shared images have members."})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"members": m, "schema": "/v2/schemas/members"})
	case len(rest) == 4 && rest[0] == "database" && rest[2] == project && rest[3] == "backups":
		f.trove(w, r, region)
	default:
		http.NotFound(w, r)
	}
}

// cinderFields are the fields each list leaves out below a microversion.
var cinderFields = map[string]map[string]int{
	"volumes":   {"backup_id": 47, "encryption_key_id": 64},
	"snapshots": {"user_id": 41},
	"backups":   {"os-backup-project-attr:project_id": 18, "metadata": 43, "user_id": 56, "encryption_key_id": 64},
}

func (f *fake) cinder(w http.ResponseWriter, r *http.Request, region, kind string) {
	minor := 0
	if h := r.Header.Get("OpenStack-API-Version"); h != "" {
		f.mu.Lock()
		f.microversions[h] = true
		f.mu.Unlock()
		minor, _ = strconv.Atoi(strings.TrimPrefix(h, "volume 3."))
	}
	var items []map[string]any
	f.fixture(region, kind, &items)
	for _, it := range items {
		for field, since := range cinderFields[kind] {
			if minor < since {
				delete(it, field)
			}
		}
	}
	pg, next, ok := f.page(w, r, items)
	if !ok {
		return
	}
	if f.loop == kind {
		next, _ = items[0]["id"].(string)
	}
	links := []any{}
	if next != "" {
		host := f.srv.URL
		if f.nextHost != "" {
			host = f.nextHost
		}
		links = append(links, map[string]any{"rel": "next",
			"href": host + r.URL.Path + "?limit=" + r.URL.Query().Get("limit") + "&marker=" + next})
	}
	writeJSON(w, http.StatusOK, map[string]any{kind: pg, kind + "_links": links})
}

func (f *fake) glance(w http.ResponseWriter, r *http.Request, region string) {
	var all, items []map[string]any
	f.fixture(region, "images", &all)
	q := r.URL.Query()
	for _, it := range all {
		hidden, _ := it["os_hidden"].(bool)
		if (q.Get("owner") == "" || it["owner"] == q.Get("owner")) && hidden == (q.Get("os_hidden") == "true") {
			items = append(items, it)
		}
	}
	pg, next, ok := f.page(w, r, items)
	if !ok {
		return
	}
	body := map[string]any{"images": pg, "schema": "/v2/schemas/images", "first": "/v2/images?" + q.Encode()}
	if next != "" {
		nq := q
		nq.Set("marker", next)
		body["next"] = "/v2/images?" + nq.Encode()
	}
	writeJSON(w, http.StatusOK, body)
}

func (f *fake) trove(w http.ResponseWriter, r *http.Request, region string) {
	var items []map[string]any
	f.fixture(region, "dbbackups", &items)
	pg, next, ok := f.page(w, r, items)
	if !ok {
		return
	}
	links := []any{}
	if next != "" {
		links = append(links, map[string]any{"rel": "next",
			"href": f.srv.URL + r.URL.Path + "?limit=" + r.URL.Query().Get("limit") + "&marker=" + next})
	}
	writeJSON(w, http.StatusOK, map[string]any{"backups": pg, "links": links})
}

// page cuts items at limit after marker, returning the page and the next
// marker ("" on the last page); an unknown marker is a 400, as the APIs
// answer.
func (f *fake) page(w http.ResponseWriter, r *http.Request, items []map[string]any) ([]map[string]any, string, bool) {
	limit := 1000
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 && l < limit {
		limit = l
	}
	start := 0
	if m := r.URL.Query().Get("marker"); m != "" {
		start = slices.IndexFunc(items, func(it map[string]any) bool { return it["id"] == m }) + 1
		if start == 0 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"badRequest": map[string]any{"code": 400, "message": "Marker " + m + " could not be found."}})
			return nil, "", false
		}
	}
	end := min(start+limit, len(items))
	pg := items[start:end]
	if end < len(items) {
		last, _ := pg[len(pg)-1]["id"].(string)
		return pg, last, true
	}
	return pg, "", true
}

// fixture reads testdata/<region>/<name>.json into v.
func (f *fake) fixture(region, name string, v any) {
	b, err := os.ReadFile(filepath.Join("testdata", region, name+".json"))
	if err != nil {
		f.t.Errorf("fixture: %v", err)
		return
	}
	if err := json.Unmarshal(b, v); err != nil {
		f.t.Errorf("fixture %s/%s: %v", region, name, err)
	}
}

// token answers POST /v3/auth/tokens: a password for username in domain,
// scoped to one of f.projects.
func (f *fake) token(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Auth struct {
			Identity struct {
				Methods  []string `json:"methods"`
				Password struct {
					User struct {
						Name     string            `json:"name"`
						Password string            `json:"password"`
						Domain   map[string]string `json:"domain"`
					} `json:"user"`
				} `json:"password"`
			} `json:"identity"`
			Scope struct {
				Project struct {
					ID string `json:"id"`
				} `json:"project"`
			} `json:"scope"`
		} `json:"auth"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"code": 400, "message": err.Error()}})
		return
	}
	u := req.Auth.Identity.Password.User
	proj := req.Auth.Scope.Project.ID
	if u.Name != username || u.Password != password || u.Domain["name"] != domain || !f.projects[proj] {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{
			"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
		return
	}
	w.Header().Set("X-Subject-Token", "gAAAAA-"+proj)
	writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
		"methods":    []string{"password"},
		"user":       map[string]any{"id": userID, "name": username, "domain": map[string]any{"id": "d0", "name": domain}, "password_expires_at": nil},
		"project":    map[string]any{"id": proj, "name": "prod", "domain": map[string]any{"id": "d0", "name": domain}},
		"roles":      []any{map[string]any{"id": "r1", "name": "reader"}},
		"is_domain":  false,
		"issued_at":  "2025-03-06T09:00:00.000000Z",
		"expires_at": "2099-03-06T10:00:00.000000Z",
		"audit_ids":  []string{"3T2dc1CGQxyJsHdDu1xkcw"},
		"catalog":    f.catalog(proj),
	}})
}

// catalog lists each service with a public and an internal endpoint per
// region; the internal ones lead nowhere.
func (f *fake) catalog(proj string) []any {
	services := []struct{ typ, name, path string }{
		{"identity", "keystone", "/identity/v3"},
		{"compute", "nova", "/%s/compute/v2.1"},
		{"volumev3", "cinderv3", "/%s/volume/v3/" + proj},
		{"image", "glance", "/%s/image"},
		{"database", "trove", "/%s/database/v1.0/" + proj},
	}
	var out []any
	for i, s := range services {
		if f.missing[s.typ] {
			continue
		}
		var eps []any
		for _, region := range f.regions {
			path := s.path
			if strings.Contains(path, "%s") {
				path = fmt.Sprintf(path, strings.ToLower(region))
			}
			for _, iface := range []string{"internal", "public"} {
				u := f.srv.URL + path
				if iface == "internal" {
					u = f.srv.URL + "/internal" + path
				}
				eps = append(eps, map[string]any{"id": fmt.Sprintf("%s-%s-%s", s.name, region, iface),
					"interface": iface, "region": region, "region_id": region, "url": u})
			}
		}
		out = append(out, map[string]any{"id": fmt.Sprintf("svc%d", i), "type": s.typ, "name": s.name, "endpoints": eps})
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
