package cloudtrail

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Tags: criticality can be declared by tag, so the tags an operation gives
// a resource (at creation, or by a tagging call) are kept on it as written.
// CloudTrail writes them in several shapes: a list of {key, value}, an EC2
// list ({"items": […]}), or an object of key: value (AWS Backup).

// readTags reads tags in any of those shapes; anything else reads as none.
// A missing or non-text value is "".
func readTags(v *jsondoc.Value) map[string]string {
	if v == nil {
		return nil
	}
	out := map[string]string{}
	switch v.Type() {
	case jsondoc.TypeArray:
		a, _ := v.Array()
		for _, t := range a {
			if t != nil && t.Type() == jsondoc.TypeObject {
				if k := decode.StrFold(t, "key"); k != "" {
					out[k] = decode.StrFold(t, "value")
				}
			}
		}
	case jsondoc.TypeObject:
		if it := v.Get("items"); it != nil {
			return readTags(it)
		}
		if k := decode.StrFold(v, "key"); k != "" && isSingleTag(v) {
			out[k] = decode.StrFold(v, "value")
			break
		}
		o, _ := v.Object()
		o.Visit(func(k []byte, x *jsondoc.Value) {
			if len(k) > 0 {
				out[string(k)] = decode.Str(x)
			}
		})
	}
	return out
}

// isSingleTag reports whether an object is one {key, value} tag rather
// than a map of tags.
func isSingleTag(v *jsondoc.Value) bool {
	o, _ := v.Object()
	single := true
	o.Visit(func(k []byte, _ *jsondoc.Value) {
		if s := string(k); !strings.EqualFold(s, "key") && !strings.EqualFold(s, "value") {
			single = false
		}
	})
	return single
}

// tagsAt reads the tags under the first of keys present in v.
func tagsAt(v *jsondoc.Value, keys ...string) map[string]string {
	for _, k := range keys {
		if x := decode.GetFold(v, k); x != nil {
			return readTags(x)
		}
	}
	return nil
}

// specTags returns the tags the request's tag specifications give new
// resources of an EC2 kind (volume, snapshot, image, instance,
// security-group). A specification without a resource type applies to all.
func (r *rec) specTags(kind string) map[string]string {
	set := decode.GetFold(r.rp, "tagSpecificationSet")
	if set == nil {
		set = decode.GetFold(r.rp, "tagSpecifications")
	}
	specs := decode.Each(set, "items")
	if specs == nil && set != nil && set.Type() == jsondoc.TypeArray {
		specs, _ = set.Array()
	}
	var out map[string]string
	for _, s := range specs {
		if t := decode.StrFold(s, "resourceType"); t != "" && !strings.EqualFold(t, kind) {
			continue
		}
		out = merge(out, tagsAt(s, "tags", "tagSet", "tag"))
	}
	return out
}

// merge adds the tags of add to into, allocating it when needed.
func merge(into, add map[string]string) map[string]string {
	if len(add) == 0 {
		return into
	}
	if into == nil {
		into = make(map[string]string, len(add))
	}
	for k, v := range add {
		into[k] = v
	}
	return into
}

// tag gives a resource the union of tag sets (later ones win); res may be
// nil when the resource has no id. A failed call gave no tags: the request
// it logged must not teach a resource tags it does not have.
func (r *rec) tag(res *event.Resource, sets ...map[string]string) {
	if res == nil || r.e.Outcome == event.Failure {
		return
	}
	var all map[string]string
	for _, s := range sets {
		all = merge(all, s)
	}
	r.e.TagResource(res.Role, res.Type, res.ID, all)
}

// rdsTags are the tags of an RDS request (tags) and the new resource's
// final tags in the response (tagList, which includes copied ones).
func (r *rec) rdsTags() []map[string]string {
	return []map[string]string{tagsAt(r.rp, "tags"), tagsAt(r.re, "tagList")}
}

// ec2Prefixes types the EC2 ids a tagging call can name.
var ec2Prefixes = []struct {
	prefix string
	typ    event.ResourceType
}{
	{"vol-", event.Volume},
	{"snap-", event.Snapshot},
	{"ami-", event.Image},
	{"i-", event.Instance},
	{"sg-", event.SecurityGroup},
	{"eni-", event.NIC},
}

// ec2Type returns the resource type of an EC2 id, or "" for a kind that
// does not matter here (subnets, VPCs, route tables…).
func ec2Type(id string) event.ResourceType {
	for _, p := range ec2Prefixes {
		if strings.HasPrefix(id, p.prefix) {
			return p.typ
		}
	}
	return ""
}

// createTags tags EC2 resources: each named resource becomes a target
// carrying the tags. It has no action: tagging changes no access.
func createTags(r *rec) {
	tags := tagsAt(r.rp, "tagSet", "tags")
	for _, it := range items(r.rp, "resourcesSet") {
		id := ec2ID(decode.Str(it, "resourceId"))
		if typ := ec2Type(id); typ != "" {
			r.tag(r.add(event.RoleTarget, typ, id), tags)
		}
	}
}

// addTagsToResource tags an RDS resource named by ARN: a DB instance or
// cluster, or a snapshot.
func addTagsToResource(r *rec) {
	arn := r.req("resourceName")
	switch kind := rdsKind(arn, ""); kind {
	case event.RDSInstance, event.RDSCluster, event.RDSSnapshot, event.RDSClusterSnapshot:
		r.tag(r.rds(event.RoleTarget, rdsType(kind), kind, arn), tagsAt(r.rp, "tags"))
	}
}

// backupTagResource tags an AWS Backup resource (a recovery point, a vault)
// named by ARN.
func backupTagResource(r *rec) {
	r.tag(r.arn(event.RoleTarget, r.req("resourceArn"), event.Backup), tagsAt(r.rp, "tags"))
}

// createSecurityGroup records the new group with its tags, so that rules
// opened on it later can be weighed by them; it opens nothing itself.
func createSecurityGroup(r *rec) {
	r.tag(r.add(event.RoleCreated, event.SecurityGroup, ec2ID(r.resp("groupId"))), r.specTags("security-group"))
}
