package importer

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// ec2Snapshot is an element of aws ec2 describe-snapshots' "Snapshots"
// (the API's Snapshot in the CLI's JSON names). It names no region and no
// sharing: --region and describe-snapshot-attribute give those.
type ec2Snapshot struct {
	SnapshotID  string   `json:"SnapshotId"`
	VolumeID    string   `json:"VolumeId"`
	OwnerID     string   `json:"OwnerId"`
	State       string   `json:"State"`
	Description string   `json:"Description"`
	StartTime   string   `json:"StartTime"`
	Encrypted   bool     `json:"Encrypted"`
	KmsKeyID    string   `json:"KmsKeyId"`
	VolumeSize  number   `json:"VolumeSize"`
	Tags        []awsTag `json:"Tags"`
}

// unknownVolume is the VolumeId EC2 gives a snapshot made by CopySnapshot
// (and some imports): no volume of the caller's.
const unknownVolume = "vol-ffffffff"

func ec2Snapshots(data []byte, p *placer) error {
	elems, err := listOf(p, data, "Snapshots")
	if err != nil {
		return err
	}
	snaps, err := decodeAll[ec2Snapshot](p, elems)
	if err != nil {
		return err
	}
	if err := checkOwners(p, snaps, func(s ec2Snapshot) string { return s.OwnerID }); err != nil {
		return err
	}
	for i, s := range snaps {
		if !p.owns(s.OwnerID) {
			continue
		}
		tags, name := awsTags(s.Tags)
		created, err := parseTime(s.StartTime)
		if err != nil {
			return p.errorf(i, "StartTime: %v", err)
		}
		r := inventory.Record{
			ID:        strings.TrimSpace(s.SnapshotID),
			Name:      name,
			Source:    ec2Source(s.VolumeID, s.Description),
			Created:   created,
			Encrypted: s.Encrypted,
			KeyID:     s.KmsKeyID,
			SizeGB:    int64(s.VolumeSize),
			State:     s.State,
			Tags:      tags,
		}
		if err := p.add(i, r, s.OwnerID, ""); err != nil {
			return err
		}
	}
	return nil
}

// ec2Source is what a snapshot was made from: its volume, or for a copy
// the snapshot CopySnapshot's default description names ("[Copied
// snap-… from us-east-1]"); "" when neither says.
func ec2Source(volume, description string) string {
	if volume = strings.TrimSpace(volume); volume != "" && volume != unknownVolume {
		return volume
	}
	_, rest, ok := strings.Cut(description, "Copied snap-")
	if !ok {
		return ""
	}
	n := 0
	for n < len(rest) && isHex(rest[n]) {
		n++
	}
	if n == 0 {
		return ""
	}
	return "snap-" + rest[:n]
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f'
}

// ec2Image is an element of aws ec2 describe-images' "Images". Public is
// the only sharing it tells; describe-image-attribute gives the accounts.
type ec2Image struct {
	ImageID             string   `json:"ImageId"`
	OwnerID             string   `json:"OwnerId"`
	Name                string   `json:"Name"`
	State               string   `json:"State"`
	CreationDate        string   `json:"CreationDate"`
	Public              bool     `json:"Public"`
	SourceInstanceID    string   `json:"SourceInstanceId"`
	SourceImageID       string   `json:"SourceImageId"`
	Tags                []awsTag `json:"Tags"`
	BlockDeviceMappings []struct {
		Ebs *struct {
			SnapshotID string `json:"SnapshotId"`
			VolumeSize number `json:"VolumeSize"`
			Encrypted  bool   `json:"Encrypted"`
			KmsKeyID   string `json:"KmsKeyId"`
		} `json:"Ebs"`
	} `json:"BlockDeviceMappings"`
}

func ec2Images(data []byte, p *placer) error {
	elems, err := listOf(p, data, "Images")
	if err != nil {
		return err
	}
	images, err := decodeAll[ec2Image](p, elems)
	if err != nil {
		return err
	}
	if err := checkOwners(p, images, func(im ec2Image) string { return im.OwnerID }); err != nil {
		return err
	}
	for i, im := range images {
		if !p.owns(im.OwnerID) {
			continue
		}
		created, err := parseTime(im.CreationDate)
		if err != nil {
			return p.errorf(i, "CreationDate: %v", err)
		}
		tags, _ := awsTags(im.Tags)
		r := inventory.Record{
			ID:   strings.TrimSpace(im.ImageID),
			Name: im.Name,
			// An image made by CreateImage names its instance; a copy
			// names the image it copied.
			Source:   strings.TrimSpace(cmp.Or(im.SourceInstanceID, im.SourceImageID)),
			Created:  created,
			State:    im.State,
			Tags:     tags,
			Exposure: inventory.Exposure{Public: im.Public},
		}
		// Encrypted when every EBS volume of the image is; the key is the
		// first one named.
		ebs := 0
		r.Encrypted = true
		for _, m := range im.BlockDeviceMappings {
			if m.Ebs == nil {
				continue // an instance-store or unused mapping
			}
			ebs++
			r.SizeGB += int64(m.Ebs.VolumeSize)
			r.Encrypted = r.Encrypted && m.Ebs.Encrypted
			r.KeyID = cmp.Or(r.KeyID, m.Ebs.KmsKeyID)
		}
		r.Encrypted = r.Encrypted && ebs > 0
		if err := p.add(i, r, im.OwnerID, ""); err != nil {
			return err
		}
	}
	return nil
}

// checkOwners refuses an EC2 list of several owners without --account:
// run without --owner-ids self (or --owners self), the CLI adds every
// public copy it can see and those shared with the caller, and only
// --account tells which are the caller's.
func checkOwners[T any](p *placer, copies []T, owner func(T) string) error {
	if p.opts.Account != "" {
		return nil
	}
	seen := map[string]bool{}
	for _, c := range copies {
		if o := strings.TrimSpace(owner(c)); o != "" {
			seen[o] = true
		}
	}
	distinct := slices.Sorted(maps.Keys(seen))
	if len(distinct) <= 1 {
		return nil
	}
	shown := strings.Join(distinct, ", ")
	if len(distinct) > 3 {
		shown = strings.Join(distinct[:3], ", ") + ", …"
	}
	return p.errorf(-1, "copies of %d owners (%s): give --account to say which is yours (the others are left out), or export with --owner-ids self / --owners self", len(distinct), shown)
}

// owns reports whether an AWS owner id is the importing account's. Other
// owners' copies, which a list run without an owner filter shows, are not
// this account's inventory: they are left out.
func (p *placer) owns(owner string) bool {
	owner = strings.TrimSpace(owner)
	return p.opts.Account == "" || owner == "" || owner == p.opts.Account
}
