package azure

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// DefaultMaxRetries bounds the retries of a throttled or failed call when
// CollectOptions.MaxRetries is 0.
const DefaultMaxRetries = 5

// maxRetriesCap keeps a configured bound within reason (and int32).
const maxRetriesCap = 50

// credential is the configured credential, else azidentity's default chain
// (environment, workload identity, managed identity, Azure CLI, …). A token
// is asked for once up front, so missing credentials fail the collection
// with one clear error rather than one failure per subscription and kind.
func (c *Collector) credential(ctx context.Context, copts *arm.ClientOptions) (azcore.TokenCredential, error) {
	cred := c.Credential
	if cred == nil {
		var err error
		cred, err = azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, err
		}
	}
	audience := copts.Cloud.Services[cloud.ResourceManager].Audience
	if _, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{audience + "/.default"}}); err != nil {
		return nil, err
	}
	return cred, nil
}

// clientOptions are the SDK options for every client of one collection:
// the endpoint override, bounded retries (azcore's exponential backoff, which
// honours Retry-After on 429), and no automatic resource-provider
// registration — a collector only reads.
func (c *Collector) clientOptions(opts inventory.CollectOptions) (*arm.ClientOptions, error) {
	cfg := cloud.AzurePublic
	if opts.Endpoint != "" {
		u, err := url.Parse(opts.Endpoint)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			// azcore refuses to send a bearer token over plain HTTP, rightly.
			return nil, fmt.Errorf("endpoint %q: want an https URL", opts.Endpoint)
		}
		cfg.Services = maps.Clone(cfg.Services) // cloud.AzurePublic is shared
		svc := cfg.Services[cloud.ResourceManager]
		svc.Endpoint = strings.TrimRight(opts.Endpoint, "/")
		cfg.Services[cloud.ResourceManager] = svc
	}
	retries := opts.MaxRetries
	switch {
	case retries == 0:
		retries = DefaultMaxRetries
	case retries < 0:
		retries = -1 // azcore: no retries
	case retries > maxRetriesCap:
		retries = maxRetriesCap
	}
	return &arm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud:     cfg,
			Transport: c.Transport,
			Retry: policy.RetryOptions{
				MaxRetries:    int32(retries),
				RetryDelay:    c.RetryDelay,
				MaxRetryDelay: c.MaxRetryDelay,
			},
			Telemetry: policy.TelemetryOptions{ApplicationID: "snapwarden"},
		},
		DisableRPRegistration: true,
	}, nil
}
