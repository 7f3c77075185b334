package azure

import (
	"context"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// pages reads every page of p, handing each to fn, which returns the
// page's nextLink. A nextLink seen before ends the read with an error, so a
// looping server cannot keep a collection going forever.
func pages[T any](ctx context.Context, p *runtime.Pager[T], fn func(T) *string) error {
	seen := make(map[string]bool)
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		next := fn(page)
		if next == nil || *next == "" {
			continue
		}
		if seen[*next] {
			return fmt.Errorf("nextLink repeats: %s", *next)
		}
		seen[*next] = true
	}
	return nil
}

// armPage is the ARM list shape: {"value": [...], "nextLink": "..."}.
type armPage[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"nextLink"`
}

// listARM reads an ARM list the SDK has no client for, following nextLink,
// through the pipeline (credentials, retries) of an arm.Client.
func listARM[T any](ctx context.Context, pl runtime.Pipeline, url string) ([]T, error) {
	var out []T
	seen := make(map[string]bool)
	for next := url; next != ""; {
		if seen[next] {
			return out, fmt.Errorf("nextLink repeats: %s", next)
		}
		seen[next] = true
		req, err := runtime.NewRequest(ctx, http.MethodGet, next)
		if err != nil {
			return out, err
		}
		req.Raw().Header.Set("Accept", "application/json")
		resp, err := pl.Do(req)
		if err != nil {
			return out, err
		}
		if !runtime.HasStatusCode(resp, http.StatusOK) {
			return out, runtime.NewResponseError(resp)
		}
		var page armPage[T]
		if err := runtime.UnmarshalAsJSON(resp, &page); err != nil {
			return out, err
		}
		out = append(out, page.Value...)
		next = page.NextLink
	}
	return out, nil
}
