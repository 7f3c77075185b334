package gcpaudit

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Resource names: requests spell a resource as a URL, a relative name
// (projects/P/zones/Z/disks/D), a partial name (zones/Z/disks/D,
// global/snapshots/S) or a bare name; all become relative names.

// Where a collection lives under a project.
const (
	global = "global"
	zonal  = "zones"
	region = "regions"
	direct = "" // projects/P/<collection>/N (Cloud SQL instances)
)

// segment returns the value after key in a relative name (zones → Z).
func segment(name, key string) string {
	parts := strings.Split(name, "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == key {
			return parts[i+1]
		}
	}
	return ""
}

// collection returns the collection a relative name is in (disks for
// projects/P/zones/Z/disks/D), or "".
func collection(name string) string {
	parts := strings.Split(name, "/")
	if len(parts) < 2 {
		return ""
	}
	if len(parts) >= 3 && parts[len(parts)-2] == "family" {
		return parts[len(parts)-3] // images/family/F
	}
	return parts[len(parts)-2]
}

// kindOf infers a resource type from a relative name, or "".
func kindOf(name string) event.ResourceType {
	switch collection(name) {
	case "disks":
		return event.Volume
	case "snapshots", "instantSnapshots":
		return event.Snapshot
	case "images", "machineImages":
		return event.Image
	case "instances":
		if segment(name, "zones") != "" {
			return event.Instance
		}
		return event.Database // projects/P/instances/I is a Cloud SQL instance
	case "firewalls":
		return event.FirewallRule
	case "networks":
		return event.Network
	case "serviceAccounts":
		return event.Principal
	case "backupRuns", "backups":
		return event.Backup
	case "buckets":
		return event.Bucket
	}
	return ""
}

// resolver qualifies partial and bare names with the operation's project
// and location.
type resolver struct {
	project, zone, region string
}

// resolve returns v as a relative name. where tells where a bare name of
// the collection coll lives (global, zones, regions or directly under the
// project).
func (r resolver) resolve(v, where, coll string) string {
	v = clean(v)
	if v == "" {
		return ""
	}
	n := event.GCPName(v)
	if strings.HasPrefix(n, "projects/") || strings.HasPrefix(n, "gs://") {
		return n
	}
	if r.project == "" {
		return n
	}
	if strings.Contains(n, "/") {
		return "projects/" + r.project + "/" + n
	}
	prefix := "projects/" + r.project + "/"
	switch where {
	case global:
		prefix += "global/"
	case zonal:
		if r.zone != "" {
			prefix += "zones/" + r.zone + "/"
		}
	case region:
		if r.region != "" {
			prefix += "regions/" + r.region + "/"
		}
	}
	return prefix + coll + "/" + n
}

// NetworkTag is the resource type of a network tag, the link between a
// firewall rule and the instances it reaches. The event vocabulary lacks it.
const NetworkTag event.ResourceType = "network_tag"

// networkTag names a network tag as a pseudo resource: firewall rules
// reach instances through their tags, so the tag is the join key.
func networkTag(project, tag string) string {
	tag = clean(tag)
	if tag == "" || project == "" {
		return ""
	}
	return "projects/" + project + "/global/networkTags/" + tag
}

// storageURI returns a Cloud Storage object as gs://bucket/object.
func storageURI(s string) string {
	s = clean(s)
	for _, p := range []string{"https://storage.googleapis.com/", "https://storage.cloud.google.com/", "http://storage.googleapis.com/"} {
		if strings.HasPrefix(s, p) {
			return "gs://" + s[len(p):]
		}
	}
	return s
}

// logParent returns the parent of a logName (projects/P/logs/… → P;
// organizations/O/logs/… → organizations/O).
func logParent(logName string) string {
	parts := strings.SplitN(logName, "/", 3)
	if len(parts) < 2 || parts[1] == "" {
		return ""
	}
	switch parts[0] {
	case "projects":
		return parts[1]
	case "organizations", "folders", "billingAccounts":
		return parts[0] + "/" + parts[1]
	}
	return ""
}

// storageURIs finds gs:// URIs among a request's string values, down to
// depth levels.
func storageURIs(v *jsondoc.Value, depth int) []string {
	if v == nil || depth < 0 {
		return nil
	}
	var out []string
	switch v.Type() {
	case jsondoc.TypeString:
		if s := storageURI(decode.Str(v)); strings.HasPrefix(s, "gs://") {
			out = append(out, s)
		}
	case jsondoc.TypeArray:
		a, _ := v.Array()
		for _, x := range a {
			out = append(out, storageURIs(x, depth-1)...)
		}
	case jsondoc.TypeObject:
		o, _ := v.Object()
		o.Visit(func(_ []byte, x *jsondoc.Value) {
			out = append(out, storageURIs(x, depth-1)...)
		})
	}
	return out
}
