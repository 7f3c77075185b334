package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// grant is who may use one copy, as an attribute output says: the
// accounts it is shared with and whether it is public. key names the copy
// as recordKeyOf does.
type grant struct {
	file     string
	index    int
	kind     inventory.Kind
	key      string
	accounts []string
	public   bool
}

// awsPermission is an element of CreateVolumePermissions or
// LaunchPermissions: an account, the group "all", or (images) an
// organization or organizational unit.
type awsPermission struct {
	UserID                string `json:"UserId"`
	Group                 string `json:"Group"`
	OrganizationArn       string `json:"OrganizationArn"`
	OrganizationalUnitArn string `json:"OrganizationalUnitArn"`
}

type ec2SnapshotAttribute struct {
	SnapshotID              string          `json:"SnapshotId"`
	CreateVolumePermissions []awsPermission `json:"CreateVolumePermissions"`
}

type ec2ImageAttribute struct {
	ImageID           string          `json:"ImageId"`
	LaunchPermissions []awsPermission `json:"LaunchPermissions"`
}

type rdsAttribute struct {
	AttributeName   string   `json:"AttributeName"`
	AttributeValues []string `json:"AttributeValues"`
}

type rdsAttributes struct {
	DBSnapshotAttributesResult *struct {
		DBSnapshotIdentifier string         `json:"DBSnapshotIdentifier"`
		DBSnapshotAttributes []rdsAttribute `json:"DBSnapshotAttributes"`
	} `json:"DBSnapshotAttributesResult"`
	DBClusterSnapshotAttributesResult *struct {
		DBClusterSnapshotIdentifier string         `json:"DBClusterSnapshotIdentifier"`
		DBClusterSnapshotAttributes []rdsAttribute `json:"DBClusterSnapshotAttributes"`
	} `json:"DBClusterSnapshotAttributesResult"`
}

func ec2SnapshotGrants(file string, data []byte) ([]grant, error) {
	return grantsOf(file, data, func(a *ec2SnapshotAttribute) (grant, error) {
		g := grant{kind: inventory.Snapshot, key: strings.TrimSpace(a.SnapshotID)}
		addPermissions(&g, a.CreateVolumePermissions)
		return g, nil
	})
}

func ec2ImageGrants(file string, data []byte) ([]grant, error) {
	return grantsOf(file, data, func(a *ec2ImageAttribute) (grant, error) {
		g := grant{kind: inventory.Image, key: strings.TrimSpace(a.ImageID)}
		addPermissions(&g, a.LaunchPermissions)
		return g, nil
	})
}

func addPermissions(g *grant, ps []awsPermission) {
	for _, p := range ps {
		if strings.EqualFold(p.Group, "all") {
			g.public = true
		}
		for _, a := range []string{p.UserID, p.OrganizationArn, p.OrganizationalUnitArn} {
			if a = strings.TrimSpace(a); a != "" {
				g.accounts = append(g.accounts, a)
			}
		}
	}
}

// rdsGrants reads the "restore" attribute: the accounts that may restore
// the snapshot, "all" when it is public.
func rdsGrants(file string, data []byte) ([]grant, error) {
	return grantsOf(file, data, func(a *rdsAttributes) (grant, error) {
		var ident, kind string
		var attrs []rdsAttribute
		switch {
		case a.DBSnapshotAttributesResult != nil:
			ident, kind, attrs = a.DBSnapshotAttributesResult.DBSnapshotIdentifier, event.RDSSnapshot, a.DBSnapshotAttributesResult.DBSnapshotAttributes
		case a.DBClusterSnapshotAttributesResult != nil:
			ident, kind, attrs = a.DBClusterSnapshotAttributesResult.DBClusterSnapshotIdentifier, event.RDSClusterSnapshot, a.DBClusterSnapshotAttributesResult.DBClusterSnapshotAttributes
		default:
			return grant{}, errors.New("no DBSnapshotAttributesResult")
		}
		if ident == "" {
			return grant{}, errors.New("no snapshot identifier")
		}
		g := grant{kind: inventory.DBSnapshot, key: rdsKey(kind, ident)}
		for _, at := range attrs {
			if !strings.EqualFold(at.AttributeName, "restore") {
				continue
			}
			for _, v := range at.AttributeValues {
				switch v = strings.TrimSpace(v); {
				case strings.EqualFold(v, "all"):
					g.public = true
				case v != "":
					g.accounts = append(g.accounts, v)
				}
			}
		}
		return g, nil
	})
}

// grantsOf reads an attribute output: one JSON object, several
// concatenated (a shell loop's output), or arrays of them (jq -s).
func grantsOf[T any](file string, data []byte, f func(v *T) (grant, error)) ([]grant, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []grant
	i := 0
	one := func(raw json.RawMessage) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return &Error{File: file, Index: i, Err: jsonError(err)}
		}
		g, err := f(&v)
		if err != nil {
			return &Error{File: file, Index: i, Err: err}
		}
		if g.key == "" {
			return &Error{File: file, Index: i, Err: errors.New("names no snapshot or image")}
		}
		g.file, g.index = file, i
		out = append(out, g)
		i++
		return nil
	}
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &Error{File: file, Index: i, Err: jsonError(err)}
		}
		if raw[0] != '[' {
			if err := one(raw); err != nil {
				return nil, err
			}
			continue
		}
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return nil, &Error{File: file, Index: i, Err: jsonError(err)}
		}
		for _, e := range elems {
			if err := one(e); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// recordKeyOf names an AWS record as grants name their copy: the EC2 id,
// or for RDS the ARN kind and the lower-case identifier.
func recordKeyOf(r *inventory.Record) string {
	if r.Kind == inventory.DBSnapshot {
		parts := strings.SplitN(r.ID, ":", 7)
		if len(parts) == 7 {
			return parts[5] + ":" + parts[6]
		}
	}
	return r.ID
}

// rdsKey is recordKeyOf for an identifier an attribute result gives
// (plain, or an ARN when the caller asked by ARN).
func rdsKey(kind, ident string) string {
	ident = strings.TrimSpace(ident)
	if parts := strings.SplitN(ident, ":", 7); len(parts) == 7 && parts[0] == "arn" {
		return parts[5] + ":" + strings.ToLower(parts[6])
	}
	return kind + ":" + strings.ToLower(ident)
}

// applyGrants sets the exposure of the AWS records the grants name. A
// grant with no record is an error: without its list, the attribute file
// cannot be placed, and a copy missing from the list given is likely
// another account's or region's.
func applyGrants(records []inventory.Record, grants []grant, listed map[inventory.Kind]bool) error {
	if len(grants) == 0 {
		return nil
	}
	byKey := map[string][]int{}
	for i := range records {
		if records[i].Cloud == event.AWS {
			k := string(records[i].Kind) + "/" + recordKeyOf(&records[i])
			byKey[k] = append(byKey[k], i)
		}
	}
	for _, g := range grants {
		idx := byKey[string(g.kind)+"/"+g.key]
		if len(idx) == 0 {
			if !listed[g.kind] {
				return &Error{File: g.file, Index: g.index, Err: fmt.Errorf("sharing of %s, but no list of its %ss among the files: import it together with its list (%s)", g.key, g.kind, listCommand(g.kind))}
			}
			return &Error{File: g.file, Index: g.index, Err: fmt.Errorf("sharing of %s, which none of the lists given holds (another account or region, or deleted since)", g.key)}
		}
		for _, i := range idx {
			e := &records[i].Exposure
			e.Public = e.Public || g.public
			for _, a := range g.accounts {
				if !slices.Contains(e.Accounts, a) {
					e.Accounts = append(e.Accounts, a)
				}
			}
		}
	}
	return nil
}

// listCommand names the command that lists copies of kind on AWS.
func listCommand(k inventory.Kind) string {
	switch k {
	case inventory.Image:
		return "aws ec2 describe-images --owners self"
	case inventory.DBSnapshot:
		return "aws rds describe-db-snapshots / describe-db-cluster-snapshots"
	}
	return "aws ec2 describe-snapshots --owner-ids self"
}
