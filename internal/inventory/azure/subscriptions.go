package azure

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// subscriptionsAPI is the Microsoft.Resources API version read for
// subscriptions and locations (armsubscriptions is not a dependency; two GETs
// do not need it).
const subscriptionsAPI = "2022-12-01"

// listSubscriptions returns the ids of the subscriptions the credentials
// reach, lower-cased like the decoders' accounts.
func listSubscriptions(ctx context.Context, c *arm.Client) ([]string, error) {
	type subscription struct {
		SubscriptionID string `json:"subscriptionId"`
	}
	subs, err := listARM[subscription](ctx, c.Pipeline(),
		runtime.JoinPaths(c.Endpoint(), "/subscriptions")+"?api-version="+subscriptionsAPI)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(subs))
	for _, s := range subs {
		ids = append(ids, s.SubscriptionID)
	}
	return accounts(ids), nil
}

// listLocations returns the names of the regions of a subscription, so that a
// region whose last copy is gone is still read in full (and its records
// removed).
func listLocations(ctx context.Context, c *arm.Client, sub string) ([]string, error) {
	type location struct {
		Name string `json:"name"`
	}
	locs, err := listARM[location](ctx, c.Pipeline(),
		runtime.JoinPaths(c.Endpoint(), "/subscriptions", url.PathEscape(sub), "locations")+"?api-version="+subscriptionsAPI)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(locs))
	for _, l := range locs {
		if n := region(l.Name); n != "" {
			names = append(names, n)
		}
	}
	return names, nil
}

// accounts lower-cases, trims and dedupes subscription ids, keeping order.
func accounts(ids []string) []string {
	var out []string
	for _, id := range ids {
		id = strings.ToLower(strings.TrimSpace(id))
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
