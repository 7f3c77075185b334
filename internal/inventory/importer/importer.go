// Package importer reads the snapshot exports people already have — the
// JSON the aws, az, gcloud, openstack and yc CLIs print — into inventory
// records in the canonical id forms the decoders give, detecting each
// file's format. It owns no state and imports only inventory and event;
// the CLI reads the files and the store keeps what it returns.
package importer

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// Options give what an export lacks.
type Options struct {
	// Account and Region fill what an export does not name: no EC2 list
	// names its region, an OpenStack list names neither. A value the
	// export names differently is an error, except for the other owners'
	// copies an AWS list may show (public ones, or shared with the
	// caller): those are not the account's inventory and are left out.
	Account, Region string
	// At is when the export was taken (the caller's --at, default now).
	// The exports carry no such time and Import does not read it: the
	// caller stores the Result as observed at At.
	At time.Time
	// Format names the format (one of Formats) of a file Detect cannot
	// tell: an empty array "[]", which every CLI prints alike.
	Format string
	// Cloud is the cloud an OpenStack export came from: event.VKCloud for
	// VK Cloud, "" for openstack. Given for another format, it must be
	// that format's cloud.
	Cloud event.Cloud
}

// File is one export to import.
type File struct {
	Name string
	Data []byte
}

// Error is bad input: the file, the element of its list (-1 for the file
// as a whole) and why.
type Error struct {
	File  string
	Index int
	Err   error
}

func (e *Error) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("%s: element %d: %v", e.File, e.Index, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Format describes an export Import reads.
type Format struct {
	Name    string // as Detect returns it
	Command string // the command that prints it
}

// Formats lists the exports Import reads.
func Formats() []Format {
	out := make([]Format, len(formats))
	for i, f := range formats {
		out[i] = Format{Name: f.name, Command: f.command}
	}
	return out
}

// format is how one export is read: a list of copies (list) or sharing
// attributes to merge into another export's copies (share).
type format struct {
	name    string
	command string
	cloud   event.Cloud
	kind    inventory.Kind
	// account says what the account is on this cloud, for the hint.
	account string
	list    func(data []byte, p *placer) error
	share   func(file string, data []byte) ([]grant, error)
}

var formats = []format{
	{name: AWSSnapshots, command: "aws ec2 describe-snapshots --owner-ids self", cloud: event.AWS, kind: inventory.Snapshot, account: "AWS account id", list: ec2Snapshots},
	{name: AWSSnapshotAttribute, command: "aws ec2 describe-snapshot-attribute --attribute createVolumePermission", cloud: event.AWS, kind: inventory.Snapshot, share: ec2SnapshotGrants},
	{name: AWSImages, command: "aws ec2 describe-images --owners self", cloud: event.AWS, kind: inventory.Image, account: "AWS account id", list: ec2Images},
	{name: AWSImageAttribute, command: "aws ec2 describe-image-attribute --attribute launchPermission", cloud: event.AWS, kind: inventory.Image, share: ec2ImageGrants},
	{name: AWSDBSnapshots, command: "aws rds describe-db-snapshots", cloud: event.AWS, kind: inventory.DBSnapshot, account: "AWS account id", list: rdsSnapshots},
	{name: AWSDBClusterSnapshots, command: "aws rds describe-db-cluster-snapshots", cloud: event.AWS, kind: inventory.DBSnapshot, account: "AWS account id", list: rdsClusterSnapshots},
	{name: AWSDBSnapshotAttrs, command: "aws rds describe-db-snapshot-attributes / describe-db-cluster-snapshot-attributes", cloud: event.AWS, kind: inventory.DBSnapshot, share: rdsGrants},
	{name: AzureSnapshots, command: "az snapshot list", cloud: event.Azure, kind: inventory.Snapshot, account: "subscription id", list: azureSnapshots},
	{name: GCPSnapshots, command: "gcloud compute snapshots list --format=json", cloud: event.GCP, kind: inventory.Snapshot, account: "project id", list: gcpSnapshots},
	{name: OpenStackSnapshots, command: "openstack volume snapshot list -f json --long", cloud: event.OpenStack, kind: inventory.Snapshot, account: "project id", list: openstackSnapshots},
	{name: YandexSnapshots, command: "yc compute snapshot list --format json", cloud: event.Yandex, kind: inventory.Snapshot, account: "folder id", list: yandexSnapshots},
}

func formatNamed(name string) (format, bool) {
	for _, f := range formats {
		if f.name == name {
			return f, true
		}
	}
	return format{}, false
}

// Import parses one export; Options give what the export lacks.
// Result.Complete lists the scopes (cloud, account, region, kind) the file
// covers in full. A sharing-attribute output alone is an error: it needs
// its list (ImportFiles).
func Import(name string, data []byte, opts Options) (*inventory.Result, error) {
	return ImportFiles([]File{{Name: name, Data: data}}, opts)
}

// ImportFiles parses several exports as one import, so that sharing
// attributes (describe-snapshot-attribute, describe-image-attribute,
// describe-db-snapshot-attributes) land on the copies another file lists.
// The options apply to every file: exports of different regions that do
// not name theirs are imported apart. Any bad file fails the whole import:
// a scope replaced from a partial read would report its missing copies as
// removed.
func ImportFiles(files []File, opts Options) (*inventory.Result, error) {
	if _, ok := formatNamed(opts.Format); opts.Format != "" && !ok {
		return nil, fmt.Errorf("unknown format %q (want one of %s)", opts.Format, formatNames())
	}
	res := &inventory.Result{}
	var grants []grant
	listed := map[inventory.Kind]bool{} // AWS kinds some list covered
	complete := map[inventory.Scope]bool{}
	index := map[recordKey]int{}
	for _, f := range files {
		data := text(f.Data)
		ft, err := formatOf(f.Name, data, opts)
		if err != nil {
			return nil, err
		}
		if ft.share != nil {
			gs, err := ft.share(f.Name, data)
			if err != nil {
				return nil, err
			}
			grants = append(grants, gs...)
			continue
		}
		p := newPlacer(f.Name, opts, ft)
		if err := ft.list(data, p); err != nil {
			return nil, err
		}
		done, partial, err := p.finish()
		if err != nil {
			return nil, err
		}
		if ft.cloud == event.AWS {
			listed[ft.kind] = true
		}
		for _, r := range p.records {
			k := recordKey{r.Scope(), r.ID}
			if _, dup := index[k]; dup {
				continue // the same copy in two exports: the first stands
			}
			index[k] = len(res.Records)
			res.Records = append(res.Records, r)
		}
		for _, s := range done {
			complete[s] = true
		}
		res.Failures = append(res.Failures, partial...)
	}
	if err := applyGrants(res.Records, grants, listed); err != nil {
		return nil, err
	}
	for s := range complete {
		res.Complete = append(res.Complete, s)
	}
	slices.SortFunc(res.Complete, compareScopes)
	return res, nil
}

type recordKey struct {
	scope inventory.Scope
	id    string
}

// formatOf returns the file's format: Detect's, else Options.Format.
func formatOf(name string, data []byte, opts Options) (format, error) {
	f, ok := formatNamed(cmp.Or(Detect(data), opts.Format))
	if !ok {
		return format{}, &Error{File: name, Index: -1, Err: unknownFormat(data)}
	}
	if opts.Cloud != "" && opts.Cloud != f.cloud && !(f.name == OpenStackSnapshots && opts.Cloud == event.VKCloud) {
		return format{}, &Error{File: name, Index: -1, Err: fmt.Errorf("an export of %s (%s), but the cloud given is %s", f.cloud, f.command, opts.Cloud)}
	}
	return f, nil
}

// unknownFormat says why Detect could not tell the format.
func unknownFormat(data []byte) error {
	v, ok := firstValue(data)
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return errors.New("empty file: not an export")
	case !ok:
		return errors.New("not JSON: export with the CLI's JSON output (--output json, --format json, -f json)")
	case isEmptyArray(v):
		return fmt.Errorf("an empty list, which every CLI prints alike: give --format (one of %s)", formatNames())
	}
	return fmt.Errorf("not an export this version reads (one of: %s)", formatCommands())
}

// isEmptyArray reports whether a JSON value is [] (spaces allowed inside).
func isEmptyArray(v []byte) bool {
	v = bytes.TrimSpace(v)
	return len(v) >= 2 && v[0] == '[' && v[len(v)-1] == ']' && len(bytes.TrimSpace(v[1:len(v)-1])) == 0
}

func formatNames() string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

func formatCommands() string {
	cmds := make([]string, 0, len(formats))
	for _, f := range formats {
		cmds = append(cmds, f.command)
	}
	return strings.Join(cmds, "; ")
}

func compareScopes(a, b inventory.Scope) int {
	return cmp.Or(
		cmp.Compare(a.Cloud, b.Cloud),
		cmp.Compare(a.Account, b.Account),
		cmp.Compare(a.Region, b.Region),
		cmp.Compare(a.Kind, b.Kind),
	)
}
