package gcp

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"google.golang.org/api/compute/v1"
	"google.golang.org/api/option"
)

// compute builds the Compute Engine client: read-only scope, the endpoint
// override, then the caller's options.
func (c *Collector) compute(ctx context.Context, endpoint string) (*compute.Service, error) {
	opts := []option.ClientOption{option.WithScopes(compute.ComputeReadonlyScope)}
	if endpoint != "" {
		base, err := basePath(endpoint, "compute/v1/")
		if err != nil {
			return nil, err
		}
		opts = append(opts, option.WithEndpoint(base))
	}
	svc, err := compute.NewService(ctx, append(opts, c.ClientOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("gcp compute client: %w", err)
	}
	return svc, nil
}

// basePath turns an endpoint into an API base path: a bare host
// (https://compute.example) gets the API's path appended, a URL with a path
// is kept; either ends in a slash, as the client requires.
func basePath(endpoint, apiPath string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("gcp endpoint %q: want a URL such as https://compute.googleapis.com", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/" + apiPath
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}
