package openstack

import (
	"context"
	"fmt"
	"net/url"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// listing is the shape of one list call's response: the key of its items
// and where the next page's link is.
type listing struct {
	label string
	next  func(body map[string]any) string
}

// linksNext reads the rel="next" href of a list of links: Cinder's
// "<label>_links", Trove's "links".
func linksNext(key string) func(map[string]any) string {
	return func(body map[string]any) string {
		links, _ := body[key].([]any)
		for _, l := range links {
			if m, ok := l.(map[string]any); ok && m["rel"] == "next" {
				s, _ := m["href"].(string)
				return s
			}
		}
		return ""
	}
}

// pathNext reads a next link given as a string: Glance's "next".
func pathNext(key string) func(map[string]any) string {
	return func(body map[string]any) string {
		s, _ := body[key].(string)
		return s
	}
}

// list reads every page of a marker/limit list call into items of T.
//
// Only the marker is taken from a next link: the next page is asked at
// listURL with the first page's query, so a link naming another host (a
// misconfigured public_endpoint, or a hostile one) never gets the token and
// a server cannot drop the filters. A marker seen before ends the walk with
// an error rather than looping.
func list[T any](ctx context.Context, sc *gophercloud.ServiceClient, listURL string, query url.Values, l listing) ([]T, error) {
	seen := map[string]bool{}
	pager := pagination.NewPager(sc, listURL+"?"+query.Encode(), func(r pagination.PageResult) pagination.Page {
		return page{PageResult: r, listing: l, listURL: listURL, query: query, seen: seen}
	})
	var out []T
	err := pager.EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
		var items []T
		if err := p.(page).ExtractIntoSlicePtr(&items, l.label); err != nil {
			return false, fmt.Errorf("read %s: %w", l.label, err)
		}
		out = append(out, items...)
		return true, nil
	})
	if err != nil {
		return out, fmt.Errorf("list %s: %w", l.label, err)
	}
	return out, nil
}

// page is one page of a list call.
type page struct {
	pagination.PageResult
	listing
	listURL string
	query   url.Values
	seen    map[string]bool
}

func (p page) body() (map[string]any, error) {
	m, ok := p.Body.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("response is not a JSON object")
	}
	return m, nil
}

// IsEmpty reports a page without items. A response without the items' key
// at all is an error: read as empty, a proxy's stray "{}" would make every
// copy of the scope look removed.
func (p page) IsEmpty() (bool, error) {
	m, err := p.body()
	if err != nil {
		return false, err
	}
	v, ok := m[p.label]
	if !ok {
		return false, fmt.Errorf("response has no %q", p.label)
	}
	items, _ := v.([]any)
	return len(items) == 0, nil
}

// NextPageURL returns listURL with the first query and the next link's
// marker, or "" on the last page.
func (p page) NextPageURL() (string, error) {
	m, err := p.body()
	if err != nil {
		return "", err
	}
	href := p.next(m)
	if href == "" {
		return "", nil
	}
	u, err := url.Parse(href)
	if err != nil {
		return "", fmt.Errorf("next link: %w", err)
	}
	marker := u.Query().Get("marker")
	if marker == "" {
		return "", fmt.Errorf("next link without a marker: %q", href)
	}
	if p.seen[marker] {
		return "", fmt.Errorf("paging repeats marker %q", marker)
	}
	p.seen[marker] = true
	q := url.Values{}
	for k, v := range p.query {
		q[k] = v
	}
	q.Set("marker", marker)
	return p.listURL + "?" + q.Encode(), nil
}

// GetBody returns the decoded response.
func (p page) GetBody() any { return p.Body }
