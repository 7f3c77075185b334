package yandex_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/yandex"
)

// FuzzCollect answers every list call with the same bytes (later pages with
// an empty one): the collector must not panic, and each record it keeps
// names an id, the cloud and the folder. The answers come from an in-memory
// transport, so the fuzzer spends its time in the collector.
func FuzzCollect(f *testing.F) {
	for _, name := range []string{"snapshots-2.json", "images.json", "disks.json", "bindings-image1-2.json", "error-429.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			b := body
			if r.URL.Query().Get("pageToken") != "" {
				b = []byte(`{}`)
			}
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(b)), Request: r}, nil
		})}
		c := &yandex.Collector{Token: "t1.fuzz", HTTPClient: hc, Getenv: func(string) string { return "" }}
		res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: "http://api.invalid", Accounts: []string{prodFolder}, MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Records {
			if r.ID == "" || r.Cloud != event.Yandex || r.Account != prodFolder || r.Kind == "" {
				t.Errorf("record %+v", r)
			}
		}
	})
}
