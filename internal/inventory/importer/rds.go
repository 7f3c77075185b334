package importer

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// rdsSnapshot is an element of aws rds describe-db-snapshots' "DBSnapshots"
// or describe-db-cluster-snapshots' "DBClusterSnapshots" (the fields the
// two share, and each one's own names). Its ARN gives account and region;
// sharing comes from describe-db-snapshot-attributes.
type rdsSnapshot struct {
	DBSnapshotIdentifier        string   `json:"DBSnapshotIdentifier"`
	DBInstanceIdentifier        string   `json:"DBInstanceIdentifier"`
	DBSnapshotArn               string   `json:"DBSnapshotArn"`
	DBClusterSnapshotIdentifier string   `json:"DBClusterSnapshotIdentifier"`
	DBClusterIdentifier         string   `json:"DBClusterIdentifier"`
	DBClusterSnapshotArn        string   `json:"DBClusterSnapshotArn"`
	SourceDBSnapshotIdentifier  string   `json:"SourceDBSnapshotIdentifier"`
	SourceDBClusterSnapshotArn  string   `json:"SourceDBClusterSnapshotArn"`
	SnapshotCreateTime          string   `json:"SnapshotCreateTime"`
	SnapshotType                string   `json:"SnapshotType"`
	Status                      string   `json:"Status"`
	AvailabilityZone            string   `json:"AvailabilityZone"`
	AvailabilityZones           []string `json:"AvailabilityZones"`
	AllocatedStorage            number   `json:"AllocatedStorage"`
	Encrypted                   bool     `json:"Encrypted"`
	StorageEncrypted            bool     `json:"StorageEncrypted"`
	KmsKeyID                    string   `json:"KmsKeyId"`
	TagList                     []awsTag `json:"TagList"`
}

func rdsSnapshots(data []byte, p *placer) error {
	return rdsList(data, p, "DBSnapshots", false)
}

func rdsClusterSnapshots(data []byte, p *placer) error {
	return rdsList(data, p, "DBClusterSnapshots", true)
}

func rdsList(data []byte, p *placer, member string, cluster bool) error {
	p.oneRegion = true
	elems, err := listOf(p, data, member)
	if err != nil {
		return err
	}
	return each(p, elems, func(i int, s *rdsSnapshot) error {
		// "shared" and "public" snapshots are other accounts' copies the
		// caller may restore (--include-shared, --include-public): not
		// this account's inventory.
		if strings.EqualFold(s.SnapshotType, "shared") || strings.EqualFold(s.SnapshotType, "public") {
			return nil
		}
		// The source is the DB (cluster), or for a copy the snapshot copied.
		kind, sourceKind := event.RDSSnapshot, event.RDSInstance
		arn, ident, source := s.DBSnapshotArn, s.DBSnapshotIdentifier, s.DBInstanceIdentifier
		if s.SourceDBSnapshotIdentifier != "" {
			sourceKind, source = event.RDSSnapshot, s.SourceDBSnapshotIdentifier
		}
		zone := s.AvailabilityZone
		if cluster {
			kind, sourceKind = event.RDSClusterSnapshot, event.RDSCluster
			arn, ident, source = s.DBClusterSnapshotArn, s.DBClusterSnapshotIdentifier, s.DBClusterIdentifier
			if s.SourceDBClusterSnapshotArn != "" {
				sourceKind, source = event.RDSClusterSnapshot, s.SourceDBClusterSnapshotArn
			}
			if len(s.AvailabilityZones) > 0 {
				zone = s.AvailabilityZones[0]
			}
		}
		account, region := arnField(arn, 4), arnField(arn, 3)
		region = cmp.Or(region, regionOfZone(zone))
		// The id needs the account and region the options may have to give.
		account, region = cmp.Or(account, p.opts.Account), cmp.Or(region, p.opts.Region)
		if account == "" || region == "" {
			return p.errorf(i, "%s has no ARN: give --account and --region", cmp.Or(ident, "the snapshot"))
		}
		created, err := parseTime(s.SnapshotCreateTime)
		if err != nil {
			return p.errorf(i, "SnapshotCreateTime: %v", err)
		}
		tags, _ := awsTags(s.TagList)
		r := inventory.Record{
			ID:        event.RDSID(account, region, kind, cmp.Or(arn, ident)),
			Name:      ident,
			Source:    event.RDSID(account, region, sourceKind, source),
			Created:   created,
			Encrypted: s.Encrypted || s.StorageEncrypted,
			KeyID:     s.KmsKeyID,
			SizeGB:    int64(s.AllocatedStorage),
			State:     s.Status,
			Tags:      tags,
		}
		return p.add(i, r, account, region)
	})
}

// arnField returns field n of an ARN (3 region, 4 account), or "".
func arnField(arn string, n int) string {
	parts := strings.SplitN(strings.TrimSpace(arn), ":", 7)
	if len(parts) < 7 || parts[0] != "arn" {
		return ""
	}
	return parts[n]
}
