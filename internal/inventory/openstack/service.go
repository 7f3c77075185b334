package openstack

import (
	"context"
	"errors"
	"fmt"

	"github.com/gophercloud/gophercloud/v2"
	gopher "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/utils"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// errNoService marks a kind whose service the region's catalog does not
// offer (a cloud without Trove): nothing to read, and nothing read in full.
var errNoService = errors.New("service not in the catalog")

// wantMicroversion is the Cinder microversion asked for when the server
// offers it: snapshots name their user from 3.41, volumes their backup from
// 3.47, backups their user from 3.56 and volumes and backups their
// encryption key from 3.64.
const wantMicroversion = 64

// regionReader reads one project's region.
type regionReader struct {
	c      *Collector
	s      *session
	region string
	// volumes holds each volume's encryption, read first, for the
	// snapshots and backups made from it.
	volumes map[string]volumeKey

	block    *gophercloud.ServiceClient
	blockErr error
}

// volumeKey is a volume's encryption.
type volumeKey struct {
	encrypted bool
	keyID     string
}

func (r *regionReader) endpointOpts() gophercloud.EndpointOpts {
	return gophercloud.EndpointOpts{Region: r.region, Availability: r.c.availability()}
}

// record starts a record of kind with the reader's cloud, region and the
// project (or owner) given.
func (r *regionReader) record(kind inventory.Kind, project string) inventory.Record {
	if project = id(project); project == "" {
		project = r.s.project
	}
	return inventory.Record{Cloud: r.c.cloud, Account: project, Region: r.region, Kind: kind}
}

// service makes a service client, telling a service the catalog lacks apart
// from a failure.
func service(newClient func() (*gophercloud.ServiceClient, error)) (*gophercloud.ServiceClient, error) {
	sc, err := newClient()
	var missing *gophercloud.ErrEndpointNotFound
	switch {
	case errors.As(err, &missing):
		return nil, errNoService
	case err != nil:
		return nil, fmt.Errorf("find endpoint: %w", err)
	}
	return sc, nil
}

// blockStorage returns the region's Cinder v3 client, made once, at the
// highest microversion up to wantMicroversion the server offers.
func (r *regionReader) blockStorage(ctx context.Context) (*gophercloud.ServiceClient, error) {
	if r.block != nil || r.blockErr != nil {
		return r.block, r.blockErr
	}
	r.block, r.blockErr = service(func() (*gophercloud.ServiceClient, error) {
		return gopher.NewBlockStorageV3(r.s.provider, r.endpointOpts())
	})
	if r.blockErr == nil {
		r.block.Microversion = microversion(ctx, r.block)
	}
	return r.block, r.blockErr
}

// microversion asks Cinder's version document for the microversions it
// offers; "" (the base API) when it does not say.
func microversion(ctx context.Context, sc *gophercloud.ServiceClient) string {
	base, err := utils.BaseVersionedEndpoint(sc.Endpoint)
	if err != nil {
		return ""
	}
	versions, err := utils.GetServiceVersions(ctx, sc.ProviderClient, base, true)
	if err != nil {
		return ""
	}
	for _, v := range versions {
		if v.Major == 3 && v.MaxMajor == 3 && v.MaxMinor > 0 {
			return fmt.Sprintf("3.%d", min(v.MaxMinor, wantMicroversion))
		}
	}
	return ""
}

func (r *regionReader) image() (*gophercloud.ServiceClient, error) {
	return service(func() (*gophercloud.ServiceClient, error) {
		return gopher.NewImageV2(r.s.provider, r.endpointOpts())
	})
}

func (r *regionReader) database() (*gophercloud.ServiceClient, error) {
	return service(func() (*gophercloud.ServiceClient, error) {
		return gopher.NewDBV1(r.s.provider, r.endpointOpts())
	})
}
