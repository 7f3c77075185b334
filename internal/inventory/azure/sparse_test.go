package azure_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/azure"
)

// Nulls, missing properties and odd ids from a server must neither panic
// nor invent fields.
func TestCollector_Collect_Sparse(t *testing.T) {
	s := newARMServer(t)
	s.routes[keySnapshots] = "sparse-snapshots.json"
	s.routes[keyDisks] = "sparse-disks.json"
	s.routes[keyImages] = "sparse-images.json"
	s.routes[keyGalleries] = "sparse-galleries.json"
	s.routes[gallery+"/bare/images?"] = "sparse-gallery-images.json"
	s.routes[gallery+"/bare/images/img/versions?"] = "sparse-gallery-versions.json"
	res, err := s.collector().Collect(t.Context(), inventory.CollectOptions{Endpoint: s.srv.URL, Accounts: []string{subA}})
	if err != nil {
		t.Fatal(err)
	}
	p := "/subscriptions/" + subA + "/resourcegroups/"
	rec := func(kind inventory.Kind, region, id, name string) inventory.Record {
		return inventory.Record{Cloud: event.Azure, Account: subA, Region: region, Kind: kind, ID: id, Name: name, Encrypted: true}
	}
	allowAll := inventory.Exposure{Network: azure.NetworkAllowAll}
	bareSnap := rec(inventory.Snapshot, "", p+"x/providers/microsoft.compute/snapshots/bare", "")
	bareSnap.Exposure = allowAll
	nulls := rec(inventory.Snapshot, "westeurope", p+"x/providers/microsoft.compute/snapshots/nulls", "nulls")
	nulls.Exposure, nulls.Tags = allowAll, map[string]string{"k": ""}
	v2 := rec(inventory.Image, "westeurope", p+"gallery-rg/providers/microsoft.compute/galleries/bare/images/img/versions/0.2.0", "bare/img/0.2.0")
	v2.Source = "https://acct.blob.core.windows.net/c/v.vhd"
	checkRecords(t, res.Records, []inventory.Record{
		bareSnap, nulls,
		rec(inventory.Image, "", p+"x/providers/microsoft.compute/images/bare", ""),
		rec(inventory.Image, "westeurope", p+"x/providers/microsoft.compute/images/nodisks", ""),
		rec(inventory.Image, "", p+"gallery-rg/providers/microsoft.compute/galleries/bare/images/img/versions/0.1.0", "bare/img/0.1.0"),
		v2,
	})
	// The gallery with an unparsable id has no region, so no region's
	// images are known complete.
	if len(res.Failures) != 1 || res.Failures[0].Scope.Kind != inventory.Image || res.Failures[0].Scope.Region != "" {
		t.Fatalf("failures %v, want one for images of every region", res.Failures)
	}
	if !strings.Contains(res.Failures[0].Err.Error(), "gallery odd: parse id") {
		t.Errorf("failure %q does not name the gallery", res.Failures[0].Err)
	}
	sameScopes(t, "complete", res.Complete, scopes(subA, []inventory.Kind{inventory.Snapshot, inventory.Volume}, regionsA...))
}

// A body of the wrong shape is a failure of its list, not a panic.
func TestCollector_Collect_BadBody(t *testing.T) {
	s := newARMServer(t)
	s.routes[keySnapshots] = "bad-shape.json"
	s.fail(keyLocations, http.StatusForbidden, "error-403.json", -1, nil)
	res, err := s.collector().Collect(t.Context(), inventory.CollectOptions{Endpoint: s.srv.URL, Accounts: []string{subA}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 || res.Failures[0].Scope != (inventory.Scope{Cloud: event.Azure, Account: subA, Kind: inventory.Snapshot}) {
		t.Fatalf("failures %v, want one for snapshots", res.Failures)
	}
	// Without the location list, completeness falls back to the regions
	// that hold a copy.
	sameScopes(t, "complete", res.Complete, scopes(subA, []inventory.Kind{inventory.Volume, inventory.Image}, "northeurope", "westeurope"))
}
