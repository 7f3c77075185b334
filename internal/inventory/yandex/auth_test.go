package yandex_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/yandex"
)

// emptyFolder serves a folder with nothing in it.
func emptyFolder(f *fakeAPI) {
	get := http.MethodGet
	f.on(route(get, "/compute/v1/zones"), ok("zones.json"))
	for _, path := range []string{"/compute/v1/snapshots", "/compute/v1/images", "/compute/v1/disks"} {
		f.on(route(get, path, "folderId", prodFolder), ok("bindings-empty.json"))
	}
}

func TestCollector_Collect_credentials(t *testing.T) {
	const (
		exchanged = "t1.exchanged-fake-token" // testdata/iam-token.json
		metadata  = "t1.metadata-fake-token"  // testdata/metadata-token.json
		oauth     = "y0_fake-oauth-token"
	)
	tokenRoute := route(http.MethodPost, "/iam/v1/tokens")
	metadataRoute := route(http.MethodGet, "/computeMetadata/v1/instance/service-accounts/default/token")
	tests := []struct {
		name     string
		c        yandex.Collector
		env      map[string]string
		bearer   string // the token the API must see
		exchange string // the OAuth token sent to the IAM API, if any
		metadata bool   // whether the metadata service is asked
	}{
		{name: "static IAM token", c: yandex.Collector{Token: "t1.static"}, env: map[string]string{"YC_TOKEN": "t1.ignored"}, bearer: "t1.static"},
		{name: "OAuth token option", c: yandex.Collector{OAuthToken: oauth}, bearer: exchanged, exchange: oauth},
		{name: "YC_TOKEN holding an IAM token", env: map[string]string{"YC_TOKEN": " t1.from-env \n"}, bearer: "t1.from-env"},
		{name: "YC_TOKEN holding an OAuth token", env: map[string]string{"YC_TOKEN": oauth}, bearer: exchanged, exchange: oauth},
		{name: "YC_TOKEN holding an old OAuth token", env: map[string]string{"YC_TOKEN": "AQAAAAAfakeoauth"}, bearer: exchanged, exchange: "AQAAAAAfakeoauth"},
		{name: "metadata service", bearer: metadata, metadata: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t, tt.bearer)
			emptyFolder(f)
			f.on(tokenRoute, ok("iam-token.json"))
			f.on(metadataRoute, ok("metadata-token.json"))
			c := tt.c
			c.HTTPClient = srv.Client()
			c.MetadataURL = srv.URL
			c.Getenv = func(k string) string { return tt.env[k] }
			res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: srv.URL, Accounts: []string{prodFolder}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Failures) != 0 || len(res.Complete) != 5 {
				t.Errorf("result = %+v, want the folder read in full", res)
			}
			if tt.exchange != "" {
				var sent map[string]string
				if err := json.Unmarshal([]byte(f.body(tokenRoute)), &sent); err != nil || sent["yandexPassportOauthToken"] != tt.exchange {
					t.Errorf("exchange body %q, want the OAuth token", f.body(tokenRoute))
				}
			} else if n := f.count(tokenRoute); n != 0 {
				t.Errorf("token exchanged %d times, want none", n)
			}
			if got := f.count(metadataRoute) > 0; got != tt.metadata {
				t.Errorf("metadata asked: %v, want %v", got, tt.metadata)
			}
		})
	}
}

func TestCollector_Collect_noCredentials(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // nothing listens: no metadata service
	c := yandex.Collector{MetadataURL: gone.URL, Getenv: func(string) string { return "" }}
	_, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: gone.URL, Accounts: []string{prodFolder}})
	if !errors.Is(err, yandex.ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}

	// A metadata service without a service account answers 404.
	f, srv := newFake(t, "")
	f.on(route(http.MethodGet, "/computeMetadata/v1/instance/service-accounts/default/token"),
		reply{status: http.StatusNotFound, body: "no service account"})
	c = yandex.Collector{HTTPClient: srv.Client(), MetadataURL: srv.URL, Getenv: func(string) string { return "" }}
	if _, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: srv.URL, Accounts: []string{prodFolder}}); !errors.Is(err, yandex.ErrNoCredentials) ||
		!strings.Contains(err.Error(), "404") {
		t.Fatalf("err = %v, want ErrNoCredentials with the 404", err)
	}
}

// A refused exchange is an error that does not quote the OAuth token.
func TestCollector_Collect_exchangeRefused(t *testing.T) {
	const oauth = "y0_secret-oauth-value"
	f, srv := newFake(t, "")
	f.on(route(http.MethodPost, "/iam/v1/tokens"),
		reply{status: http.StatusUnauthorized, body: `{"code": 16, "message": "The token is invalid"}`})
	c := yandex.Collector{OAuthToken: oauth, HTTPClient: srv.Client(), Getenv: func(string) string { return "" }}
	_, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: srv.URL, Accounts: []string{prodFolder}})
	if err == nil || !strings.Contains(err.Error(), "exchange OAuth token") || !strings.Contains(err.Error(), "401") {
		t.Fatalf("err = %v, want the refused exchange", err)
	}
	if strings.Contains(err.Error(), "secret-oauth-value") {
		t.Errorf("error quotes the token: %v", err)
	}
}
