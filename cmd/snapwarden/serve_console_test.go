package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"golang.org/x/crypto/bcrypt"
)

// TestServe_console: serve mounts the web console at / beside the API: a
// configured user logs in and sees the findings the API lists, the API's
// token opens it too, and the console's mount leaves the API's token check
// as it was.
func TestServe_console(t *testing.T) {
	cfg := consoleConfigFile(t, "")
	d := startServe(t, daemonOptions{db: storetest.SQLite.Fresh(t), config: cfg})
	d.mustIngest("cloudtrail", trailDoc(exampleRecords(t)))
	waitFor(t, "findings in the API", func() (bool, string) {
		fs, err := d.findings()
		return err == nil && len(fs) > 0, fmt.Sprintf("%d findings, %v", len(fs), err)
	})

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := browser.Get(d.addr + "/findings")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous /findings: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	req, _ := http.NewRequest("POST", d.addr+"/login", strings.NewReader(url.Values{"user": {"alice"}, "password": {"pw-console"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", d.addr)
	if res, err = browser.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	// Findings may still arrive (chains grow): wait until page and API agree.
	waitFor(t, "the console to list the API's findings", func() (bool, string) {
		res, err := browser.Get(d.addr + "/findings")
		if err != nil {
			return false, err.Error()
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fs, err := d.findings()
		rows := strings.Count(string(body), "<tr data-id=")
		return res.StatusCode == http.StatusOK && err == nil && rows == min(len(fs), 50),
			fmt.Sprintf("%d with %d rows, the API %d findings (%v)", res.StatusCode, rows, len(fs), err)
	})
	if code, _ := d.get("/findings", testToken); code != http.StatusOK {
		t.Errorf("/findings with the API token: %d", code)
	}
	if code, _ := d.get("/v1/findings", ""); code != http.StatusUnauthorized {
		t.Errorf("/v1/findings without a token: %d", code)
	}
}

// consoleConfigFile is serveConfig with the user alice (password
// pw-console) and extra lines of the serve section.
func consoleConfigFile(t *testing.T, extra string) string {
	t.Helper()
	cfg := serveConfig(t)
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "%s  users:\n    - {name: alice, password_bcrypt: %q}\n", extra, aliceHash(t)); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// aliceHash is the bcrypt hash of alice's password, pw-console.
func aliceHash(t *testing.T) []byte {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("pw-console"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return hash
}
