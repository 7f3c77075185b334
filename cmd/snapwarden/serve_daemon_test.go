package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The serve end-to-end tests run the real binary: a crash is a SIGKILL of
// a process, not a cancelled context, so nothing in memory survives it.

// testToken is the API token the daemons get through SNAPWARDEN_TOKENS.
const testToken = "SECRET"

// patience bounds every wait: the machine is shared and slow at times.
const patience = time.Minute

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// TestMain removes the binary the serve tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// serveBinary builds snapwarden once per test binary, with the race
// detector when the tests have it.
func serveBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "snapwarden-e2e-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "snapwarden")
		goCmd, err := exec.LookPath("go")
		if err != nil {
			built.err = fmt.Errorf("go not found on PATH: %w", err)
			return
		}
		args := []string{"build", "-o", built.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command(goCmd, append(args, ".")...).CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// daemonOptions start one serve process.
type daemonOptions struct {
	db     string // --db
	config string // --config
	// noTokens starts without SNAPWARDEN_TOKENS.
	noTokens bool
}

// daemon is a running `snapwarden serve`.
type daemon struct {
	t      *testing.T
	cmd    *exec.Cmd
	addr   string // http://127.0.0.1:PORT
	stderr *lockedBuffer
	exited chan struct{}
	err    error // cmd.Wait's, once exited is closed
}

// startServe starts serve on a free loopback port and waits until it is
// ready. The process is killed when the test ends, if still running.
func startServe(t *testing.T, o daemonOptions) *daemon {
	t.Helper()
	args := []string{"serve", "--listen", "127.0.0.1:0", "--db", o.db}
	if o.config != "" {
		args = append(args, "--config", o.config)
	}
	cmd := exec.Command(serveBinary(t), args...)
	cmd.Dir = t.TempDir() // nothing lands in the package directory
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "SNAPWARDEN_TOKENS=") })
	if !o.noTokens {
		cmd.Env = append(cmd.Env, "SNAPWARDEN_TOKENS=test="+testToken)
	}
	d := &daemon{t: t, cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = d.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		d.err = cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-d.exited:
		default:
			cmd.Process.Kill()
			<-d.exited
		}
		if strings.Contains(d.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("the race detector reported a data race in serve")
		}
		if t.Failed() {
			t.Logf("serve stderr (pid %d):\n%s", cmd.Process.Pid, d.stderr.String())
		}
	})
	waitFor(t, "serve to log its address", func() (bool, string) {
		select {
		case <-d.exited:
			t.Fatalf("serve exited before serving (%v):\n%s", d.err, d.stderr.String())
		default:
		}
		d.addr = d.stderr.servingAddr()
		return d.addr != "", d.stderr.String()
	})
	waitFor(t, "/readyz", func() (bool, string) {
		code, body := d.get("/readyz", "")
		return code == http.StatusOK, fmt.Sprintf("%d %s", code, body)
	})
	return d
}

// kill ends the process with SIGKILL, as a crash would, unless it has
// exited already.
func (d *daemon) kill() {
	d.t.Helper()
	if err := d.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		d.t.Fatal(err)
	}
	<-d.exited
}

// terminate sends SIGTERM and returns the exit error (nil for status 0)
// and how long the process took to exit.
func (d *daemon) terminate() (error, time.Duration) {
	d.t.Helper()
	start := time.Now()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		d.t.Fatal(err)
	}
	select {
	case <-d.exited:
		return d.err, time.Since(start)
	case <-time.After(patience):
		d.t.Fatalf("serve still running %s after SIGTERM", patience)
		return nil, 0
	}
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// request sends one request; token "" sends no Authorization header.
func (d *daemon) request(method, path, token string, body []byte, header http.Header) (int, []byte) {
	d.t.Helper()
	req, err := http.NewRequest(method, d.addr+path, bytes.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (d *daemon) get(path, token string) (int, []byte) {
	d.t.Helper()
	return d.request(http.MethodGet, path, token, nil, nil)
}

// ingest posts body to /v1/ingest/{format} with the test token.
func (d *daemon) ingest(format string, body []byte) (int, []byte) {
	d.t.Helper()
	return d.request(http.MethodPost, "/v1/ingest/"+format, testToken, body, nil)
}

// mustIngest posts body and fails the test on anything but a 202.
func (d *daemon) mustIngest(format string, body []byte) {
	d.t.Helper()
	if code, reply := d.ingest(format, body); code != http.StatusAccepted {
		d.t.Fatalf("ingest: %d %s", code, reply)
	}
}

// apiFinding is what the tests compare of a finding.
type apiFinding struct {
	ID   string `json:"id"`
	Rule struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	} `json:"rule"`
	Severity string `json:"severity"`
	Events   []struct {
		ID string `json:"id"`
	} `json:"events"`
	Revision int `json:"revision"`
}

// key sums up a finding for comparison: rule, kind, severity, revision
// (how many times a chain grew: a replay must not count a step again) and
// the ids of the events it names.
func (f apiFinding) key() string {
	ids := make([]string, len(f.Events))
	for i, e := range f.Events {
		ids[i] = e.ID
	}
	slices.Sort(ids)
	return fmt.Sprintf("%s %s %s rev %d [%s]", f.Rule.Kind, f.Rule.ID, f.Severity, f.Revision, strings.Join(ids, " "))
}

// findings lists every finding through the API, page by page. The list
// keeps duplicates, should the API ever return one twice.
func (d *daemon) findings() ([]apiFinding, error) {
	d.t.Helper()
	var all []apiFinding
	cursor := ""
	for range 100 {
		q := url.Values{"limit": {"7"}} // small pages: the cursor is exercised too
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		code, body := d.get("/v1/findings?"+q.Encode(), testToken)
		if code != http.StatusOK {
			return nil, fmt.Errorf("GET /v1/findings: %d %s", code, body)
		}
		var page struct {
			Findings []apiFinding `json:"findings"`
			Next     string       `json:"next"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Findings...)
		if page.Next == "" {
			return all, nil
		}
		cursor = page.Next
	}
	return nil, fmt.Errorf("more than 100 pages of findings")
}

// waitFindings waits until the API lists exactly want (id → key), each
// once, and returns the findings.
func (d *daemon) waitFindings(what string, want map[string]string) []apiFinding {
	d.t.Helper()
	var got []apiFinding
	waitFor(d.t, what, func() (bool, string) {
		var err error
		got, err = d.findings()
		if err != nil {
			return false, err.Error()
		}
		diff := diffFindings(got, want)
		return diff == "", diff
	})
	return got
}

// revision is the part of a key withoutRevisions drops.
var revision = regexp.MustCompile(` rev [0-9]+`)

// withoutRevisions drops the revisions from want's keys, for tests whose
// records arrive out of order: two steps of a chain that come together
// are one update, in order two.
func withoutRevisions(want map[string]string) map[string]string {
	out := make(map[string]string, len(want))
	for id, k := range want {
		out[id] = revision.ReplaceAllString(k, "")
	}
	return out
}

// diffFindings says how got differs from want: missing, unexpected,
// different or doubled findings; "" when they agree. Revisions count only
// when want's keys have them.
func diffFindings(got []apiFinding, want map[string]string) string {
	var b strings.Builder
	seen := map[string]int{}
	for _, f := range got {
		seen[f.ID]++
		w, ok := want[f.ID]
		k := f.key()
		if !revision.MatchString(w) {
			k = revision.ReplaceAllString(k, "")
		}
		switch {
		case seen[f.ID] == 2:
			fmt.Fprintf(&b, "doubled: %s %s\n", f.ID, f.key())
		case seen[f.ID] > 2:
		case !ok:
			fmt.Fprintf(&b, "unexpected: %s %s\n", f.ID, f.key())
		case w != k:
			fmt.Fprintf(&b, "different: %s\n  got  %s\n  want %s\n", f.ID, k, w)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(want)) {
		if seen[id] == 0 {
			fmt.Fprintf(&b, "missing: %s %s\n", id, want[id])
		}
	}
	return b.String()
}

// metric returns the sum of every sample of the named metric (0 when
// absent).
func (d *daemon) metric(name string) float64 {
	d.t.Helper()
	code, body := d.get("/metrics", "")
	if code != http.StatusOK {
		d.t.Fatalf("GET /metrics: %d %s", code, body)
	}
	return metricSum(body, name)
}

func metricSum(body []byte, name string) float64 {
	sum := 0.0
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '{') {
			continue
		}
		fields := strings.Fields(line)
		if v, err := strconv.ParseFloat(fields[len(fields)-1], 64); err == nil {
			sum += v
		}
	}
	return sum
}

// waitFor polls cond until it holds, failing the test after patience
// with cond's last word on why not.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s:\n%s", patience, what, why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// lockedBuffer collects the process's stderr while the tests read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// servingAddr reads the address from serve's "serving" log line.
func (b *lockedBuffer) servingAddr() string {
	for _, line := range strings.Split(b.String(), "\n") {
		var l struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "serving" {
			return l.Addr
		}
	}
	return ""
}

// printedToken finds the tokens serve printed on stderr.
var printedToken = regexp.MustCompile(`\bsw_[0-9a-f]{64}\b`)
