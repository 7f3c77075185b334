package aws_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeAWS answers the EC2, RDS and STS Query APIs (form-encoded POSTs, XML
// answers) and AWS Backup's REST JSON API from files under testdata. A
// request is known by its key: "REGION OPERATION PARAMS", where REGION is
// the SigV4 credential scope's, OPERATION the Query Action (or, for Backup,
// the operation and its path label) and PARAMS the request's parameters but
// the page size, sorted (k=v&k=v). So a route also checks what was asked.
type fakeAWS struct {
	t      testing.TB
	routes map[string]reply

	mu   sync.Mutex
	hits map[string]int
}

// reply is a route's answer.
type reply struct {
	file   string // under testdata
	body   []byte // instead of a file
	status int    // 0: 200
	// throttle answers the first throttle requests with the service's
	// throttling error.
	throttle int
}

// fail answers with an error file.
func fail(file string, status int) reply { return reply{file: file, status: status} }

// throttles are the services' documented throttling answers.
var throttles = map[string]reply{
	"ec2":    {file: "ec2/error-throttle.xml", status: http.StatusServiceUnavailable}, // RequestLimitExceeded
	"rds":    {file: "rds/error-throttle.xml", status: http.StatusBadRequest},         // Throttling
	"backup": {file: "backup/error-throttle.json", status: http.StatusBadRequest},     // ThrottlingException
}

// pageSizes are the parameters left out of keys.
var pageSizes = []string{"MaxResults", "MaxRecords", "maxResults"}

func newFakeAWS(t testing.TB, routes map[string]reply) (*fakeAWS, string) {
	t.Helper()
	f := &fakeAWS{t: t, routes: routes, hits: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	service, region := credentialScope(r.Header.Get("Authorization"))
	if !strings.Contains(r.Header.Get("Authorization"), "Credential="+testAccessKey+"/") {
		f.t.Errorf("request not signed with the test credentials: %q", r.Header.Get("Authorization"))
	}
	var op string
	var params url.Values
	if service == "backup" {
		op, params = backupOperation(r)
	} else {
		if err := r.ParseForm(); err != nil {
			f.t.Errorf("parse form: %v", err)
		}
		params = r.PostForm
		op = params.Get("Action")
		params.Del("Action")
		params.Del("Version")
	}
	for _, p := range pageSizes {
		params.Del(p)
	}
	key := region + " " + op + " " + params.Encode()
	rep, ok := f.routes[key]
	if !ok {
		key = "* " + op + " " + params.Encode() // any region
		rep, ok = f.routes[key]
	}

	f.mu.Lock()
	f.hits[key]++
	n := f.hits[key]
	f.mu.Unlock()

	if !ok {
		f.t.Errorf("unexpected request %q", region+" "+op+" "+params.Encode())
		http.Error(w, "unexpected request", http.StatusNotImplemented)
		return
	}
	if n <= rep.throttle {
		rep = throttles[service]
	}
	body := rep.body
	if body == nil {
		var err error
		if body, err = os.ReadFile(filepath.Join("testdata", rep.file)); err != nil {
			f.t.Errorf("route %q: %v", key, err)
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	if strings.HasSuffix(rep.file, ".json") {
		w.Header().Set("Content-Type", "application/json")
		if rep.status >= 400 {
			w.Header().Set("X-Amzn-ErrorType", jsonErrorType(body))
		}
	} else {
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	}
	w.WriteHeader(max(rep.status, http.StatusOK))
	_, _ = w.Write(body)
}

// calls returns how often a route was asked.
func (f *fakeAWS) calls(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

// keys returns the routes asked, sorted.
func (f *fakeAWS) keys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for k := range f.hits {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// credentialScope returns the service and region of a SigV4 Authorization
// header: "… Credential=AKID/DATE/REGION/SERVICE/aws4_request, …".
func credentialScope(auth string) (service, region string) {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "", ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return "", ""
	}
	return parts[3], parts[2]
}

// backupOperation names an AWS Backup REST call by its path, with the
// path's label, and returns its query.
func backupOperation(r *http.Request) (string, url.Values) {
	path := strings.Trim(r.URL.Path, "/")
	q := r.URL.Query()
	switch {
	case path == "backup-vaults":
		return "ListBackupVaults", q
	case strings.HasPrefix(path, "backup-vaults/") && strings.HasSuffix(path, "/recovery-points"):
		vault := strings.TrimSuffix(strings.TrimPrefix(path, "backup-vaults/"), "/recovery-points")
		return "ListRecoveryPointsByBackupVault/" + vault, q
	case strings.HasPrefix(path, "tags/"):
		return "ListTags/" + strings.TrimPrefix(path, "tags/"), q
	}
	return r.Method + " /" + path, q
}

// jsonErrorType returns the __type of a JSON error body.
func jsonErrorType(body []byte) string {
	_, rest, ok := strings.Cut(string(body), `"__type": "`)
	if !ok {
		return ""
	}
	typ, _, _ := strings.Cut(rest, `"`)
	return typ
}
