package importer

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/azure"
)

// azSnapshot is an element of az snapshot list: the ARM snapshot with its
// properties lifted to the top, as the CLI prints it. An ARM-shaped object
// (az rest, Resource Graph) keeps them under "properties": azProps is
// read from either place.
type azSnapshot struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Location   string   `json:"location"`
	Tags       labels   `json:"tags"`
	Properties *azProps `json:"properties"`
	azProps
}

type azProps struct {
	TimeCreated         string `json:"timeCreated"`
	ProvisioningState   string `json:"provisioningState"`
	DiskState           string `json:"diskState"`
	DiskSizeGB          number `json:"diskSizeGb"`
	DiskSizeBytes       number `json:"diskSizeBytes"`
	NetworkAccessPolicy string `json:"networkAccessPolicy"`
	PublicNetworkAccess string `json:"publicNetworkAccess"`
	DataAccessAuthMode  string `json:"dataAccessAuthMode"`
	CreationData        struct {
		SourceResourceID      string `json:"sourceResourceId"`
		SourceURI             string `json:"sourceUri"`
		ImageReference        *azRef `json:"imageReference"`
		GalleryImageReference *azRef `json:"galleryImageReference"`
	} `json:"creationData"`
	Encryption struct {
		DiskEncryptionSetID string `json:"diskEncryptionSetId"`
	} `json:"encryption"`
	SecurityProfile struct {
		SecureVMDiskEncryptionSetID string `json:"secureVMDiskEncryptionSetId"`
	} `json:"securityProfile"`
}

type azRef struct {
	ID                      string `json:"id"`
	SharedGalleryImageID    string `json:"sharedGalleryImageId"`
	CommunityGalleryImageID string `json:"communityGalleryImageId"`
}

// Records match the Azure collector's (internal/inventory/azure), so that
// a collection and an import of the same snapshots compare equal.
func azureSnapshots(data []byte, p *placer) error {
	elems, err := listOf(p, data, "")
	if err != nil {
		return err
	}
	return each(p, elems, func(i int, s *azSnapshot) error {
		props := &s.azProps
		if s.Properties != nil {
			props = s.Properties
		}
		created, err := parseTime(props.TimeCreated)
		if err != nil {
			return p.errorf(i, "timeCreated: %v", err)
		}
		size := int64(props.DiskSizeGB)
		if size == 0 {
			size = gib(props.DiskSizeBytes)
		}
		id := event.AzureID(s.ID)
		r := inventory.Record{
			ID:      id,
			Name:    s.Name,
			Source:  azureSource(props),
			Created: created,
			// Every managed snapshot is encrypted at rest: with a platform
			// key unless a disk encryption set names the customer's.
			Encrypted: true,
			KeyID:     event.AzureID(cmp.Or(props.Encryption.DiskEncryptionSetID, props.SecurityProfile.SecureVMDiskEncryptionSetID)),
			SizeGB:    size,
			State:     cmp.Or(props.DiskState, props.ProvisioningState),
			Tags:      s.Tags.tags(),
			Exposure:  azure.DiskExposure(props.NetworkAccessPolicy, props.PublicNetworkAccess, props.DiskState, props.DataAccessAuthMode),
		}
		region := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s.Location), " ", ""))
		return p.add(i, r, subscriptionOf(id), region)
	})
}

// azureSource is what a snapshot was made from: a disk or snapshot, a
// user or gallery image (not a marketplace one: no copy of ours), or the
// blob it was imported from, without its query (which may hold a SAS
// signature).
func azureSource(p *azProps) string {
	c := &p.CreationData
	if id := event.AzureID(c.SourceResourceID); id != "" {
		return id
	}
	for _, ref := range []*azRef{c.GalleryImageReference, c.ImageReference} {
		if ref == nil {
			continue
		}
		id := event.AzureID(cmp.Or(ref.ID, ref.SharedGalleryImageID, ref.CommunityGalleryImageID))
		marketplace := strings.Contains(id, "/providers/microsoft.compute/locations/") && strings.Contains(id, "/publishers/")
		if id != "" && !marketplace {
			return id
		}
	}
	return blobURL(c.SourceURI)
}

// blobURL is a storage URL without its query, scheme and host lower-cased.
func blobURL(u string) string {
	u, _, _ = strings.Cut(strings.TrimSpace(u), "?")
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	host, path, _ := strings.Cut(rest, "/")
	if path != "" {
		path = "/" + path
	}
	return strings.ToLower(scheme) + "://" + strings.ToLower(host) + path
}

// subscriptionOf returns the subscription of a lower-cased ARM id.
func subscriptionOf(id string) string {
	rest, ok := strings.CutPrefix(id, "/subscriptions/")
	if !ok {
		return ""
	}
	sub, _, _ := strings.Cut(rest, "/")
	return sub
}
