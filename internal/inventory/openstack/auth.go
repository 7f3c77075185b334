package openstack

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/gophercloud/gophercloud/v2"
	gopher "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

// serviceTypes are the catalog types read, with their aliases: a region
// offering any of them is collected.
var serviceTypes = func() []string {
	var ts []string
	for _, t := range []string{"block-storage", "image", "database"} {
		ts = append(ts, t)
		ts = append(ts, gophercloud.ServiceTypeAliases[t]...)
	}
	return ts
}()

// authOptions returns the credentials: the Collector's, or the OS_*
// environment. endpoint, when set, replaces the identity endpoint.
func (c *Collector) authOptions(endpoint string) (gophercloud.AuthOptions, error) {
	var ao gophercloud.AuthOptions
	if c.Auth != nil {
		ao = *c.Auth
	} else {
		var err error
		if ao, err = gopher.AuthOptionsFromEnv(); err != nil {
			return ao, fmt.Errorf("openstack credentials: %w (source the project's openrc file)", err)
		}
		userDomain(&ao, os.Getenv)
	}
	if endpoint != "" {
		ao.IdentityEndpoint = endpoint
	}
	if ao.IdentityEndpoint == "" {
		return ao, fmt.Errorf("openstack credentials: no identity endpoint (set OS_AUTH_URL or the endpoint option)")
	}
	// A long collection may outlive its token; a passed-through token
	// cannot be renewed.
	ao.AllowReauth = ao.TokenID == ""
	return ao, nil
}

// userDomain fills the user's domain from OS_USER_DOMAIN_ID/NAME when
// OS_DOMAIN_ID/NAME are unset: openrc files (VK Cloud's among them) name
// the user's domain that way, which AuthOptionsFromEnv does not read.
func userDomain(ao *gophercloud.AuthOptions, getenv func(string) string) {
	if ao.DomainID != "" || ao.DomainName != "" {
		return
	}
	ao.DomainID = getenv("OS_USER_DOMAIN_ID")
	if ao.DomainID == "" {
		ao.DomainName = getenv("OS_USER_DOMAIN_NAME")
	}
}

// session is one project's authenticated client and its catalog.
type session struct {
	provider *gophercloud.ProviderClient
	project  string
	catalog  *tokens.ServiceCatalog
}

// v3Result is what a Keystone v3 token tells besides its id.
type v3Result interface {
	ExtractProject() (*tokens.Project, error)
	ExtractServiceCatalog() (*tokens.ServiceCatalog, error)
}

// open authenticates with a token scoped to project ("" keeps the scope the
// credentials name) and checks the token's project.
func (c *Collector) open(ctx context.Context, ao gophercloud.AuthOptions, project string, retries int) (*session, error) {
	if project != "" {
		ao.TenantID, ao.TenantName = "", ""
		ao.Scope = &gophercloud.AuthScope{ProjectID: project}
	}
	p, err := gopher.NewClient(ao.IdentityEndpoint)
	if err != nil {
		return nil, fmt.Errorf("identity endpoint: %w", err)
	}
	if c.HTTPClient != nil {
		p.HTTPClient = *c.HTTPClient
	}
	p.UserAgent.Prepend("snapwarden")
	p.RetryFunc = c.retryFunc(retries)
	if err := gopher.Authenticate(ctx, p, ao); err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	res, ok := p.GetAuthResult().(v3Result)
	if !ok {
		return nil, fmt.Errorf("authenticate: not a Keystone v3 token (use an identity v3 endpoint)")
	}
	proj, err := res.ExtractProject()
	if err != nil {
		return nil, fmt.Errorf("read token project: %w", err)
	}
	if proj == nil || proj.ID == "" {
		return nil, fmt.Errorf("the token is not scoped to a project (set OS_PROJECT_ID)")
	}
	if project != "" && id(proj.ID) != project {
		return nil, fmt.Errorf("the token is scoped to project %s, not %s", id(proj.ID), project)
	}
	catalog, err := res.ExtractServiceCatalog()
	if err != nil {
		return nil, fmt.Errorf("read service catalog: %w", err)
	}
	return &session{provider: p, project: id(proj.ID), catalog: catalog}, nil
}

// regions lists the catalog's regions offering a service read, sorted.
func (s *session) regions(avail gophercloud.Availability) []string {
	var out []string
	for _, e := range s.catalog.Entries {
		if !slices.Contains(serviceTypes, e.Type) {
			continue
		}
		for _, ep := range e.Endpoints {
			if ep.Interface == string(avail) {
				if r := cmp.Or(ep.RegionID, ep.Region); r != "" {
					out = append(out, r)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
