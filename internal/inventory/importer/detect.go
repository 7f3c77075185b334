package importer

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Format names, as Detect returns them and Options.Format accepts them.
const (
	AWSSnapshots          = "aws-ec2-snapshots"
	AWSSnapshotAttribute  = "aws-ec2-snapshot-attribute"
	AWSImages             = "aws-ec2-images"
	AWSImageAttribute     = "aws-ec2-image-attribute"
	AWSDBSnapshots        = "aws-rds-db-snapshots"
	AWSDBClusterSnapshots = "aws-rds-db-cluster-snapshots"
	AWSDBSnapshotAttrs    = "aws-rds-snapshot-attributes"
	AzureSnapshots        = "azure-snapshots"
	GCPSnapshots          = "gcp-snapshots"
	OpenStackSnapshots    = "openstack-snapshots"
	YandexSnapshots       = "yandex-snapshots"
)

// Detect names the export format of a file's content ("" unknown). It
// looks at the first JSON value only (attribute outputs may be concatenated,
// one per snapshot); an empty array is "" because every CLI prints the same
// "[]": Options.Format names it then.
func Detect(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(text(data)))
	tok, err := dec.Token()
	if err != nil {
		return ""
	}
	switch tok {
	case json.Delim('{'):
		// Only the keys matter: the values (the whole list) are skipped.
		keys := map[string]skip{}
		for dec.More() {
			t, err := dec.Token()
			k, ok := t.(string)
			if err != nil || !ok {
				return ""
			}
			var v skip
			if err := dec.Decode(&v); err != nil {
				return ""
			}
			keys[k] = v
		}
		return detectObject(keys)
	case json.Delim('['):
		if !dec.More() {
			return ""
		}
		var first map[string]json.RawMessage
		if dec.Decode(&first) != nil {
			return ""
		}
		if f := detectObject(first); isShare(f) {
			return f // attribute outputs gathered by jq -s
		}
		return detectElement(first)
	}
	return ""
}

// skip is a JSON value read past, not kept.
type skip struct{}

func (*skip) UnmarshalJSON([]byte) error { return nil }

// firstValue returns the first JSON value of data.
func firstValue(data []byte) (json.RawMessage, bool) {
	var v json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&v); err != nil || len(v) == 0 {
		return nil, false
	}
	return v, true
}

// detectObject recognises the AWS CLI's outputs by their keys: an object
// holding the list under the API's own member name, or an attribute
// result.
func detectObject[V any](m map[string]V) string {
	switch {
	case has(m, "Snapshots"):
		return AWSSnapshots
	case has(m, "Images"):
		return AWSImages
	case has(m, "DBSnapshots"):
		return AWSDBSnapshots
	case has(m, "DBClusterSnapshots"):
		return AWSDBClusterSnapshots
	case has(m, "SnapshotId") && has(m, "CreateVolumePermissions"):
		return AWSSnapshotAttribute
	case has(m, "ImageId") && has(m, "LaunchPermissions"):
		return AWSImageAttribute
	case has(m, "DBSnapshotAttributesResult"), has(m, "DBClusterSnapshotAttributesResult"):
		return AWSDBSnapshotAttrs
	}
	return ""
}

// detectElement recognises a list's element: the other CLIs print a bare
// array of the API's objects (az, gcloud, yc) or of table rows keyed by
// column title (openstack).
func detectElement(m map[string]json.RawMessage) string {
	switch {
	case strings.EqualFold(str(m, "type"), "Microsoft.Compute/snapshots"),
		strings.Contains(strings.ToLower(str(m, "id")), "/providers/microsoft.compute/snapshots/"):
		return AzureSnapshots
	case str(m, "kind") == "compute#snapshot", strings.Contains(str(m, "selfLink"), "/global/snapshots/"):
		return GCPSnapshots
	case (has(m, "folder_id") || has(m, "folderId")) && (has(m, "disk_size") || has(m, "diskSize")):
		return YandexSnapshots
	case has(m, "ID") && has(m, "Status") && has(m, "Size") &&
		// volume list and volume backup list share the first columns.
		!has(m, "Attached to") && !has(m, "Bootable") && !has(m, "Incremental") && !has(m, "Container"):
		return OpenStackSnapshots
	}
	return ""
}

func isShare(format string) bool {
	switch format {
	case AWSSnapshotAttribute, AWSImageAttribute, AWSDBSnapshotAttrs:
		return true
	}
	return false
}

func has[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// str returns m[k] when it is a JSON string, else "".
func str(m map[string]json.RawMessage, k string) string {
	var s string
	if json.Unmarshal(m[k], &s) != nil {
		return ""
	}
	return s
}

// text returns data as UTF-8 without a byte-order mark: PowerShell's ">"
// writes az output as UTF-16 with a BOM, other shells may add a UTF-8 one.
func text(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return fromUTF16(data[2:], false)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return fromUTF16(data[2:], true)
	}
	return data
}

func fromUTF16(b []byte, bigEndian bool) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	out := make([]byte, 0, len(u))
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out
}
