package aws

import (
	"errors"
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// EC2 and EBS operations: snapshots, images, volumes, instances and
// security groups.

func ec2API(name, command string) api {
	return api{source: "ec2.amazonaws.com", name: name, version: "1.10", command: "ec2." + command, iam: "ec2"}
}

var (
	apiCreateSnapshot          = ec2API("CreateSnapshot", "create-snapshot")
	apiDeleteSnapshot          = ec2API("DeleteSnapshot", "delete-snapshot")
	apiCopySnapshot            = ec2API("CopySnapshot", "copy-snapshot")
	apiModifySnapshotAttribute = ec2API("ModifySnapshotAttribute", "modify-snapshot-attribute")
	apiCreateImage             = ec2API("CreateImage", "create-image")
	apiRegisterImage           = ec2API("RegisterImage", "register-image")
	apiModifyImageAttribute    = ec2API("ModifyImageAttribute", "modify-image-attribute")
	apiCreateVolume            = ec2API("CreateVolume", "create-volume")
	apiDeleteVolume            = ec2API("DeleteVolume", "delete-volume")
	apiAttachVolume            = ec2API("AttachVolume", "attach-volume")
	apiRunInstances            = ec2API("RunInstances", "run-instances")
	apiAuthorizeIngress        = ec2API("AuthorizeSecurityGroupIngress", "authorize-security-group-ingress")
	// ListSnapshotBlocks is an EBS direct API: a data event, logged only
	// where the trail records EBS data events.
	apiListSnapshotBlocks = api{source: "ebs.amazonaws.com", name: "ListSnapshotBlocks", version: "1.08",
		command: "ebs.list-snapshot-blocks", iam: "ebs", readOnly: true, data: true}
)

var errImageSource = errors.New("an AMI is made from an instance (CreateImage) or a snapshot (RegisterImage)")

// ec2ARN names an EC2 resource as a denial does; snapshots and images
// carry no account.
func ec2ARN(region, account, id string) string {
	kind, own := "", true
	switch {
	case strings.HasPrefix(id, "snap-"):
		kind, own = "snapshot", false
	case strings.HasPrefix(id, "ami-"):
		kind, own = "image", false
	case strings.HasPrefix(id, "vol-"):
		kind = "volume"
	case strings.HasPrefix(id, "i-"):
		kind = "instance"
	case strings.HasPrefix(id, "sg-"):
		kind = "security-group"
	default:
		return "*"
	}
	if !own {
		account = ""
	}
	return "arn:aws:ec2:" + region + ":" + account + ":" + kind + "/" + id
}

// Facts about resources, derived from their ids so that a volume keeps its
// size and zone from record to record.
var (
	volumeSizes   = []int64{8, 20, 30, 50, 100, 200, 500}
	instanceTypes = []string{"t3.medium", "m6i.large", "c6i.xlarge", "r6i.large", "t3a.small"}
	zoneLetters   = "abc"
)

func sizeOf(id string) int64 { return volumeSizes[hashOf(id)%uint64(len(volumeSizes))] }

func encryptedOf(id string) bool { return hashOf(id)%5 != 0 }

// appendZone appends the availability zone a resource lives in.
func (r *rec) appendZone(b []byte, id string) []byte {
	b = append(b, '"')
	b = append(b, r.region...)
	return append(b, zoneLetters[hashOf(id)%3], '"')
}

// appendNewTags appends the tags a new resource gets: its Name, or, for
// GuardDuty's scan snapshots, the scan id. spec says whether the request's
// tagSpecificationSet (of kind) or the response's tagSet is written.
func (r *rec) appendNewTags(b []byte, id, kind string, spec bool) []byte {
	key, value := "Name", r.w.cloud.nameOf(id)
	if r.id.service {
		key = "GuardDutyScanId"
		s := streamOf(r.op.ID)
		value = string(appendHex(nil, &s, 32))
	}
	if value == "" {
		return b
	}
	if spec {
		b = append(b, `,"tagSpecificationSet":{"items":[{"resourceType":"`...)
		b = append(b, kind...)
		b = append(b, `","tags":[{"key":`...)
	} else {
		b = append(b, `,"tagSet":{"items":[{"key":`...)
	}
	b = scenario.AppendString(b, key)
	b = append(b, `,"value":`...)
	b = scenario.AppendString(b, value)
	if spec {
		return append(b, `}]}]}`...)
	}
	return append(b, `}]}`...)
}

// appendReturn appends EC2's answer to a call that returns nothing.
func (r *rec) appendReturn() {
	if r.response() {
		r.b = append(r.b, `{"requestId":`...)
		r.b = r.appendRequestID(r.b)
		r.b = append(r.b, `,"_return":true}`...)
	}
}

func (r *rec) ec2(id string) string { return ec2ARN(r.op.Region, r.op.Account.ID, id) }

func (r *rec) createSnapshot() error {
	op := r.op
	r.begin(&apiCreateSnapshot, r.ec2(op.Source))
	if !op.Failed {
		r.w.facts.copied(op.Source, op.Created)
	}
	var desc string
	if op.Actor.Kind == scenario.Automation {
		desc = "Created by " + op.Actor.Name
	}
	if r.request() {
		b := scenario.AppendString(append(r.b, `{"volumeId":`...), op.Source)
		if desc != "" {
			b = appendField(b, "description", desc)
		}
		r.b = append(r.appendNewTags(b, op.Created, "snapshot", true), '}')
	}
	if r.response() {
		b := append(r.b, `{"requestId":`...)
		b = r.appendRequestID(b)
		b = appendField(b, "snapshotId", op.Created)
		b = appendField(b, "volumeId", op.Source)
		b = append(b, `,"status":"pending","startTime":`...)
		b = strconv.AppendInt(b, millis(op.Time), 10)
		b = append(b, `,"progress":""`...)
		b = appendField(b, "ownerId", op.Account.ID)
		if desc != "" {
			b = appendField(b, "description", desc)
		}
		b = appendInt(b, "volumeSize", r.w.facts.size(op.Source))
		b = appendBool(b, "encrypted", encryptedOf(op.Source))
		r.b = append(r.appendNewTags(b, op.Created, "snapshot", false), '}')
	}
	r.end()
	return nil
}

func (r *rec) deleteSnapshot() error {
	r.begin(&apiDeleteSnapshot, r.ec2(r.op.Target))
	if !r.op.Failed {
		r.w.facts.forget(r.op.Target)
	}
	if r.request() {
		r.b = append(scenario.AppendString(append(r.b, `{"snapshotId":`...), r.op.Target), '}')
	}
	r.appendReturn()
	r.end()
	return nil
}

// copySnapshot is logged in the copying account (op.Account), which may
// not own the source: a snapshot shared with it.
func (r *rec) copySnapshot() error {
	op := r.op
	r.begin(&apiCopySnapshot, r.ec2(op.Source))
	if !op.Failed {
		r.w.facts.copied(op.Source, op.Created)
	}
	if r.request() {
		b := scenario.AppendString(append(r.b, `{"sourceRegion":`...), op.Region)
		b = appendField(b, "sourceSnapshotId", op.Source)
		b = appendField(b, "description", "[Copied "+op.Source+" from "+op.Region+"]")
		r.b = append(r.appendNewTags(b, op.Created, "snapshot", true), '}')
	}
	if r.response() {
		b := append(r.b, `{"requestId":`...)
		b = r.appendRequestID(b)
		b = appendField(b, "snapshotId", op.Created)
		r.b = append(r.appendNewTags(b, op.Created, "snapshot", false), '}')
	}
	r.end()
	return nil
}

// appendGrantee appends a permission item: an account, or the public.
func appendGrantee(b []byte, target string) []byte {
	if target == event.Public {
		return append(b, `{"group":"all"}`...)
	}
	return append(scenario.AppendString(append(b, `{"userId":`...), target), '}')
}

// modifySnapshotAttribute shares (add) or unshares (remove) a snapshot's
// createVolumePermission.
func (r *rec) modifySnapshotAttribute(change string) error {
	op := r.op
	r.begin(&apiModifySnapshotAttribute, r.ec2(op.Target))
	if r.request() {
		b := scenario.AppendString(append(r.b, `{"snapshotId":`...), op.Target)
		b = append(b, `,"attributeType":"CREATE_VOLUME_PERMISSION","createVolumePermission":{"`...)
		b = append(b, change...)
		b = append(b, `":{"items":[`...)
		r.b = append(appendGrantee(b, op.ShareWith), `]}}}`...)
	}
	r.appendReturn()
	r.end()
	return nil
}

// listSnapshotBlocks reads a snapshot's block map through the EBS direct
// APIs, the first call of a tool that copies the blocks out of AWS.
func (r *rec) listSnapshotBlocks() error {
	op := r.op
	arn := ec2ARN(op.Region, "", op.Target)
	r.begin(&apiListSnapshotBlocks, arn)
	if r.request() {
		r.b = append(scenario.AppendString(append(r.b, `{"snapshotId":`...), op.Target), `,"maxResults":10000}`...)
	}
	if r.response() {
		r.b = append(r.b, "null"...)
	}
	r.res = append(r.res, `[{"accountId":"`...)
	r.res = append(r.res, op.Account.ID...)
	r.res = append(r.res, `","type":"AWS::EC2::Snapshot","ARN":`...)
	r.res = append(scenario.AppendString(r.res, arn), `}]`...)
	r.end()
	return nil
}

// createImage makes an AMI of an instance (CreateImage) or registers one
// over a snapshot (RegisterImage).
func (r *rec) createImage() error {
	op := r.op
	name := r.w.cloud.nameOf(op.Created)
	if name == "" {
		name = "image-" + op.Time.UTC().Format("20060102-1504")
	}
	switch {
	case strings.HasPrefix(op.Source, "i-"):
		r.begin(&apiCreateImage, r.ec2(op.Source))
		if r.request() {
			b := scenario.AppendString(append(r.b, `{"instanceId":`...), op.Source)
			b = appendField(b, "name", name)
			b = append(b, `,"noReboot":true`...)
			r.b = append(r.appendNewTags(b, op.Created, "image", true), '}')
		}
	case strings.HasPrefix(op.Source, "snap-"):
		r.begin(&apiRegisterImage, r.ec2(op.Source))
		if r.request() {
			b := scenario.AppendString(append(r.b, `{"name":`...), name)
			b = append(b, `,"architecture":"x86_64","rootDeviceName":"/dev/xvda","blockDeviceMapping":{"items":[{"deviceName":"/dev/xvda","ebs":{"snapshotId":`...)
			b = scenario.AppendString(b, op.Source)
			b = append(b, `,"deleteOnTermination":true,"volumeType":"gp3"}}]},"virtualizationType":"hvm","enaSupport":true,"bootMode":"uefi-preferred"`...)
			r.b = append(r.appendNewTags(b, op.Created, "image", true), '}')
		}
	default:
		return errImageSource
	}
	if r.response() {
		b := append(r.b, `{"requestId":`...)
		b = r.appendRequestID(b)
		r.b = append(appendField(b, "imageId", op.Created), '}')
	}
	r.end()
	return nil
}

func (r *rec) modifyImageAttribute() error {
	op := r.op
	r.begin(&apiModifyImageAttribute, r.ec2(op.Target))
	if r.request() {
		b := scenario.AppendString(append(r.b, `{"imageId":`...), op.Target)
		b = append(b, `,"launchPermission":{"add":{"items":[`...)
		b = appendGrantee(b, op.ShareWith)
		r.b = append(b, `]}},"attributeType":"launchPermission"}`...)
	}
	r.appendReturn()
	r.end()
	return nil
}

// createVolume makes an empty volume, or restores one from op.Source.
func (r *rec) createVolume() error {
	op := r.op
	snap := op.Source
	res := "arn:aws:ec2:" + op.Region + ":" + op.Account.ID + ":volume/*"
	r.begin(&apiCreateVolume, res)
	size := sizeOf(op.Created)
	if snap != "" {
		size = r.w.facts.size(snap)
	}
	if !op.Failed {
		r.w.facts.sizes[op.Created] = size
	}
	enc := encryptedOf(op.Created)
	if r.request() {
		b := append(r.b, '{')
		if snap != "" {
			b = scenario.AppendString(append(b, `"snapshotId":`...), snap)
		} else {
			b = strconv.AppendInt(append(b, `"size":"`...), size, 10)
			b = append(b, '"')
		}
		b = r.appendZone(append(b, `,"zone":`...), op.Created)
		b = append(b, `,"volumeType":"gp3"`...)
		b = appendBool(b, "encrypted", enc)
		r.b = append(r.appendNewTags(b, op.Created, "volume", true), '}')
	}
	if r.response() {
		b := append(r.b, `{"requestId":`...)
		b = r.appendRequestID(b)
		b = appendField(b, "volumeId", op.Created)
		b = strconv.AppendInt(append(b, `,"size":"`...), size, 10)
		b = append(b, '"')
		if snap != "" {
			b = appendField(b, "snapshotId", snap)
		}
		b = r.appendZone(append(b, `,"zone":`...), op.Created)
		b = append(b, `,"status":"creating","createTime":`...)
		b = strconv.AppendInt(b, millis(op.Time), 10)
		b = append(b, `,"volumeType":"gp3","iops":3000`...)
		b = appendBool(b, "encrypted", enc)
		b = r.appendNewTags(b, op.Created, "volume", false)
		r.b = append(b, `,"multiAttachEnabled":false,"throughput":125}`...)
	}
	r.end()
	return nil
}

func (r *rec) deleteVolume() error {
	r.begin(&apiDeleteVolume, r.ec2(r.op.Target))
	if !r.op.Failed {
		r.w.facts.forget(r.op.Target)
	}
	if r.request() {
		r.b = append(scenario.AppendString(append(r.b, `{"volumeId":`...), r.op.Target), '}')
	}
	r.appendReturn()
	r.end()
	return nil
}

// attachVolume attaches op.Source to the instance op.Target.
func (r *rec) attachVolume() error {
	op := r.op
	r.begin(&apiAttachVolume, r.ec2(op.Target))
	if r.request() {
		b := scenario.AppendString(append(r.b, `{"volumeId":`...), op.Source)
		b = appendField(b, "instanceId", op.Target)
		r.b = append(b, `,"device":"/dev/sdf"}`...)
	}
	if r.response() {
		b := append(r.b, `{"requestId":`...)
		b = r.appendRequestID(b)
		b = appendField(b, "volumeId", op.Source)
		b = appendField(b, "instanceId", op.Target)
		b = append(b, `,"device":"/dev/sdf","status":"attaching","attachTime":`...)
		b = strconv.AppendInt(b, millis(op.Time), 10)
		r.b = append(b, `,"deleteOnTermination":false}`...)
	}
	r.end()
	return nil
}
