package main

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

const (
	fileKey = "file-key-0123456789abcdef0123456789"
	envKey  = "env-key-0123456789abcdef0123456789ab"
)

// consoleConfig is a validated config with one console user, a session
// key and loopback as the trusted proxy.
func consoleConfig(t *testing.T, key string) *config.Config {
	t.Helper()
	doc := "serve:\n  trusted_proxies: [127.0.0.0/8, \"::1\"]\n  users: [{name: alice, password_bcrypt: \"" + string(aliceHash(t)) + "\"}]\n"
	if key != "" {
		doc += "  session_key: " + key + "\n"
	}
	cfg, err := config.Parse(strings.NewReader(doc), "snapwarden.yaml")
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// SNAPWARDEN_SESSION_KEY wins over serve.session_key; a short one is a
// usage error that names the variable and does not quote it.
func TestServe_consoleSessionKeyFromEnv(t *testing.T) {
	cfg := consoleConfig(t, fileKey)
	if err := sessionKeyFromEnv(cfg, ""); err != nil || cfg.Serve.SessionKey != fileKey {
		t.Errorf("unset: %v, key from the file kept %v", err, cfg.Serve.SessionKey == fileKey)
	}
	err := sessionKeyFromEnv(cfg, "short-secret")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitUsage || !strings.Contains(err.Error(), "SNAPWARDEN_SESSION_KEY: want a secret of at least 32 characters") ||
		strings.Contains(err.Error()+ee.hint, "short-secret") || !strings.Contains(ee.hint, "openssl rand -base64 32") {
		t.Errorf("short key: %v", err)
	}
	if cfg.Serve.SessionKey != fileKey {
		t.Error("a refused key replaced the file's")
	}
	if err := sessionKeyFromEnv(cfg, envKey); err != nil || cfg.Serve.SessionKey != envKey {
		t.Errorf("set: %v, the environment's key taken %v", err, cfg.Serve.SessionKey == envKey)
	}
}

// serveConsole passes the session key and the trusted proxies: a login
// through the proxy gets a Secure cookie, which a console built again
// from the same key (a restart) accepts and one with another key, or
// none, does not.
func TestServe_consoleSessionKey(t *testing.T) {
	st, err := store.Open(t.Context(), storetest.SQLite.Fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	start := func(key string) *httptest.Server {
		c, err := serveConsole(consoleConfig(t, key), st, nil, nil, log)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(c)
		t.Cleanup(srv.Close)
		return srv
	}
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	first := start(fileKey)
	req, _ := http.NewRequest("POST", first.URL+"/login", strings.NewReader(url.Values{"user": {"alice"}, "password": {"pw-console"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://console.example.ru")
	req.Header.Set("X-Forwarded-Host", "console.example.ru")
	req.Header.Set("X-Forwarded-Proto", "https")
	res, err := (&http.Client{CheckRedirect: noRedirect}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "sw_session" {
			cookie = c
		}
	}
	if res.StatusCode != http.StatusSeeOther || cookie == nil || !cookie.Secure {
		t.Fatalf("login through the proxy: %d, cookie %+v", res.StatusCode, cookie)
	}

	for _, tt := range []struct {
		name, key string
		ok        bool
	}{
		{"restart with the key", fileKey, true},
		{"another key", envKey, false},
		{"no key", "", false},
	} {
		srv := start(tt.key)
		req, _ := http.NewRequest("GET", srv.URL+"/findings", nil)
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
		res, err := (&http.Client{CheckRedirect: noRedirect}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if got := res.StatusCode == http.StatusOK && strings.Contains(string(body), "alice"); got != tt.ok {
			t.Errorf("%s: %d, cookie accepted %v, want %v", tt.name, res.StatusCode, got, tt.ok)
		}
	}
	for _, k := range []string{fileKey, envKey} {
		if strings.Contains(logs.String(), k) {
			t.Errorf("the logs hold a session key:\n%s", logs.String())
		}
	}
	if !strings.Contains(logs.String(), "logins survive restarts") || !strings.Contains(logs.String(), "random per start") {
		t.Errorf("the logs do not say how sessions are signed:\n%s", logs.String())
	}
}

// Through the binary: with SNAPWARDEN_SESSION_KEY set, a login made
// before a crash is still good after the restart; the variable wins over
// the file's key (without it, the file's key refuses the cookie); a short
// one stops serve before it listens, without printing it.
func TestServe_consoleRestart(t *testing.T) {
	cfg := consoleConfigFile(t, "  session_key: "+fileKey+"\n")
	db := storetest.SQLite.Fresh(t)
	t.Setenv("SNAPWARDEN_SESSION_KEY", envKey)

	d := startServe(t, daemonOptions{db: db, config: cfg})
	req, _ := http.NewRequest("POST", d.addr+"/login", strings.NewReader(url.Values{"user": {"alice"}, "password": {"pw-console"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", d.addr)
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var cookie string
	for _, c := range res.Cookies() {
		if c.Name == "sw_session" {
			cookie = c.Value
		}
	}
	if res.StatusCode != http.StatusSeeOther || cookie == "" {
		t.Fatalf("login: %d, cookie %q", res.StatusCode, cookie)
	}
	d.kill()
	loggedIn := func(d *daemon) int {
		req, _ := http.NewRequest("GET", d.addr+"/findings", nil)
		req.AddCookie(&http.Cookie{Name: "sw_session", Value: cookie})
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	d = startServe(t, daemonOptions{db: db, config: cfg})
	if code := loggedIn(d); code != http.StatusOK {
		t.Errorf("after a restart with the same key: %d, want 200", code)
	}
	if strings.Contains(d.stderr.String(), envKey) || strings.Contains(d.stderr.String(), fileKey) {
		t.Errorf("serve logged the session key:\n%s", d.stderr.String())
	}
	d.kill()

	t.Setenv("SNAPWARDEN_SESSION_KEY", "")
	d = startServe(t, daemonOptions{db: db, config: cfg})
	if code := loggedIn(d); code != http.StatusSeeOther {
		t.Errorf("with the file's key instead: %d, want 303 to the login", code)
	}
	d.kill()

	cmd := exec.Command(serveBinary(t), "serve", "--listen", "127.0.0.1:0", "--db", db, "--config", cfg)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "SNAPWARDEN_SESSION_KEY=short-secret")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitUsage || !strings.Contains(string(out), "SNAPWARDEN_SESSION_KEY: want a secret of at least 32 characters") ||
		strings.Contains(string(out), "short-secret") {
		t.Errorf("a short key: %v\n%s", err, out)
	}
}
