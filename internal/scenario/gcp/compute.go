package gcp

// Compute Engine: disks, snapshots, images, instances, firewall rules.

import (
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"

	"github.com/snapwarden/snapwarden/internal/event"
)

// diskLabels are a gce_disk's resource labels.
func (r *render) diskLabels(disk string) []string {
	return []string{"disk_id", strconv.FormatUint(numericID(disk, 0), 10), "project_id", r.project, "zone", r.zoneIn(disk)}
}

// zonal sets the operation of a zonal resource.
func (r *render) zonal(opType, target string, runs time.Duration) {
	r.c.compute, r.c.opType, r.c.opTarget, r.c.runs = true, opType, target, runs
	r.c.opScope = "zones/" + r.zoneIn(target)
}

func (r *render) global(opType, target string, runs time.Duration) {
	r.c.compute, r.c.opType, r.c.opTarget, r.c.runs = true, opType, target, runs
	r.c.opScope = "global"
}

var diskSizes = []string{"10", "20", "50", "100", "200", "500"}

// diskInsert: a blank disk, or one restored from a snapshot or an image.
func (r *render) diskInsert() {
	op := r.op
	disk, src := op.Created, op.Source
	zone := r.zoneIn(disk)
	r.c = call{service: "compute.googleapis.com", method: "v1.compute.disks.insert", resource: disk,
		authz: []authz{{"compute.disks.create", disk, "compute.disks"}}, resType: "gce_disk",
		labels: r.diskLabels(disk), location: zone, reqType: "compute.disks.insert"}
	from := ""
	switch collection(src) {
	case "snapshots":
		from = "sourceSnapshot"
		r.c.authz = append(r.c.authz, authz{"compute.snapshots.useReadOnly", src, "compute.snapshots"})
	case "images":
		from = "sourceImage"
		r.c.authz = append(r.c.authz, authz{"compute.images.useReadOnly", src, "compute.images"})
	}
	size := diskSizes[r.spread(5, 0, len(diskSizes))]
	r.c.request = func(b []byte) []byte {
		b = appendField(b, "name", lastSegment(disk))
		b = append(b, ',')
		b = appendField(b, "sizeGb", size)
		if from != "" {
			b = append(b, ',')
			b = appendField(b, from, computeURL+src)
		}
		b = append(b, ',')
		return appendField(b, "type", computeURL+"projects/"+r.project+"/zones/"+zone+"/diskTypes/pd-balanced")
	}
	r.zonal("insert", disk, seconds(r.spread(6, 3, 15)))
}

// computeDelete: a disk or snapshot deleted.
func (r *render) computeDelete(name, coll, resType string) {
	r.c = call{service: "compute.googleapis.com", method: "v1.compute." + coll + ".delete", resource: name,
		authz: []authz{{"compute." + coll + ".delete", name, "compute." + coll}}, resType: resType,
		reqType: "compute." + coll + ".delete"}
	if coll == "disks" {
		r.c.labels, r.c.location = r.diskLabels(name), r.zoneIn(name)
		r.zonal("delete", name, seconds(r.spread(6, 5, 30)))
		return
	}
	r.c.labels = []string{"project_id", r.project, "snapshot_id", strconv.FormatUint(numericID(name, 0), 10)}
	r.global("delete", name, seconds(r.spread(6, 5, 40)))
}

// diskCreateSnapshot: POST …/disks/D/createSnapshot, logged on the disk.
func (r *render) diskCreateSnapshot() {
	op := r.op
	disk, snap := op.Source, op.Created
	r.c = call{service: "compute.googleapis.com", method: "v1.compute.disks.createSnapshot", resource: disk,
		authz:   []authz{{"compute.disks.createSnapshot", disk, "compute.disks"}, {"compute.snapshots.create", snap, "compute.snapshots"}},
		resType: "gce_disk", labels: r.diskLabels(disk), location: r.zoneIn(disk), reqType: "compute.disks.createSnapshot"}
	loc := multiRegion(r.zoneIn(disk))
	r.c.request = func(b []byte) []byte {
		b = appendField(b, "name", lastSegment(snap))
		b = append(b, `,"guestFlush":false,"storageLocations":["`...)
		b = append(b, loc...)
		return append(b, `"]`...)
	}
	r.zonal("createSnapshot", disk, seconds(r.spread(6, 20, 120)))
}

// snapshotInsert: POST …/global/snapshots with the disk as sourceDisk.
func (r *render) snapshotInsert() {
	op := r.op
	disk, snap := op.Source, op.Created
	loc := multiRegion(r.zoneIn(disk))
	r.c = call{service: "compute.googleapis.com", method: "v1.compute.snapshots.insert", resource: snap,
		authz:   []authz{{"compute.snapshots.create", snap, "compute.snapshots"}, {"compute.disks.createSnapshot", disk, "compute.disks"}},
		resType: "gce_snapshot", labels: []string{"project_id", r.project, "snapshot_id", strconv.FormatUint(numericID(snap, 0), 10)},
		location: loc, reqType: "compute.snapshots.insert"}
	r.c.request = func(b []byte) []byte {
		b = appendField(b, "name", lastSegment(snap))
		b = append(b, ',')
		b = appendField(b, "sourceDisk", computeURL+disk)
		b = append(b, `,"storageLocations":["`...)
		b = append(b, loc...)
		return append(b, `"]`...)
	}
	r.global("insert", snap, seconds(r.spread(6, 20, 120)))
}

// imageInsert: an image of a disk or a snapshot; of an instance, through
// its boot disk (named as the instance, as Compute names boot disks).
func (r *render) imageInsert() {
	op := r.op
	img, src := op.Created, op.Source
	field, perm, typ := "sourceDisk", "compute.disks.useReadOnly", "compute.disks"
	switch collection(src) {
	case "snapshots":
		field, perm, typ = "sourceSnapshot", "compute.snapshots.useReadOnly", "compute.snapshots"
	case "instances":
		src = "projects/" + event.GCPProject(src) + "/zones/" + segment(src, "zones") + "/disks/" + lastSegment(src)
	}
	loc := multiRegion(r.zoneIn(src))
	r.c = call{service: "compute.googleapis.com", method: "v1.compute.images.insert", resource: img,
		authz:   []authz{{"compute.images.create", img, "compute.images"}, {perm, src, typ}},
		resType: "gce_image", labels: []string{"image_id", strconv.FormatUint(numericID(img, 0), 10), "project_id", r.project},
		location: loc, reqType: "compute.images.insert"}
	r.c.request = func(b []byte) []byte {
		b = appendField(b, "name", lastSegment(img))
		b = append(b, ',')
		b = appendField(b, field, computeURL+src)
		b = append(b, `,"storageLocations":["`...)
		b = append(b, loc...)
		return append(b, `"]`...)
	}
	r.global("insert", img, seconds(r.spread(6, 40, 240)))
}

// attachDisk: the disk (request.source) attached to the instance
// (resourceName).
func (r *render) attachDisk() {
	op := r.op
	disk, inst := op.Source, op.Target
	r.c = call{service: "compute.googleapis.com", method: "v1.compute.instances.attachDisk", resource: inst,
		authz:   []authz{{"compute.instances.attachDisk", inst, "compute.instances"}, {"compute.disks.use", disk, "compute.disks"}},
		resType: "gce_instance", labels: r.instanceLabels(inst), location: r.zoneIn(inst), reqType: "compute.instances.attachDisk"}
	r.c.request = func(b []byte) []byte {
		b = append(b, `"autoDelete":false,"boot":false,`...)
		b = appendField(b, "deviceName", lastSegment(disk))
		b = append(b, `,"mode":"READ_WRITE",`...)
		b = appendField(b, "source", computeURL+disk)
		return append(b, `,"type":"PERSISTENT"`...)
	}
	r.zonal("attachDisk", inst, seconds(r.spread(6, 3, 12)))
}

func (r *render) instanceLabels(inst string) []string {
	return []string{"instance_id", strconv.FormatUint(numericID(inst, 0), 10), "project_id", r.project, "zone", r.zoneIn(inst)}
}

// bootImage is the public image instances boot from unless told otherwise.
const bootImage = "projects/debian-cloud/global/images/debian-12-bookworm-v20261015"

// instanceInsert: an instance in the project's default network, tagged
// with the network tag firewall rules reach it by, with an external
// address; its boot disk from an image, a snapshot or an existing disk.
func (r *render) instanceInsert() {
	op := r.op
	inst := op.Created
	zone, region := r.zoneIn(inst), regionOf(r.zoneIn(inst))
	name := lastSegment(inst)
	p := "projects/" + r.project
	r.c = call{service: "compute.googleapis.com", method: "v1.compute.instances.insert", resource: inst,
		authz: []authz{
			{"compute.instances.create", inst, "compute.instances"},
			{"compute.disks.create", p + "/zones/" + zone + "/disks/" + name, "compute.disks"},
			{"compute.subnetworks.use", p + "/regions/" + region + "/subnetworks/default", "compute.subnetworks"},
			{"compute.subnetworks.useExternalIp", p + "/regions/" + region + "/subnetworks/default", "compute.subnetworks"},
			{"compute.instances.setTags", inst, "compute.instances"},
			{"compute.instances.setServiceAccount", inst, "compute.instances"},
		},
		resType: "gce_instance", labels: r.instanceLabels(inst), location: zone, reqType: "compute.instances.insert"}
	boot := `"initializeParams":{"diskSizeGb":"10","diskType":"` + computeURL + p + "/zones/" + zone + `/diskTypes/pd-balanced","sourceImage":"` + computeURL + bootImage + `"}`
	switch collection(op.Source) {
	case "images":
		boot = `"initializeParams":{"sourceImage":"` + computeURL + op.Source + `"}`
	case "snapshots":
		boot = `"initializeParams":{"sourceSnapshot":"` + computeURL + op.Source + `"}`
	case "disks":
		boot = `"source":"` + computeURL + op.Source + `"`
	}
	tag := lastSegment(op.Net)
	machine := []string{"e2-medium", "e2-standard-2", "n2-standard-4"}[r.spread(7, 0, 3)]
	sa := strconv.FormatUint(projectNumber(r.project), 10) + "-compute@developer.gserviceaccount.com"
	r.c.request = func(b []byte) []byte {
		b = append(b, `"canIpForward":false,"deletionProtection":false,"disks":[{"autoDelete":true,"boot":true,"deviceName":`...)
		b = scenario.AppendString(b, name)
		b = append(b, ',')
		b = append(b, boot...)
		b = append(b, `,"mode":"READ_WRITE","type":"PERSISTENT"}],"machineType":`...)
		b = scenario.AppendString(b, computeURL+p+"/zones/"+zone+"/machineTypes/"+machine)
		b = append(b, `,"name":`...)
		b = scenario.AppendString(b, name)
		b = append(b, `,"networkInterfaces":[{"accessConfigs":[{"name":"External NAT","networkTier":"PREMIUM","type":"ONE_TO_ONE_NAT"}],"network":`...)
		b = scenario.AppendString(b, computeURL+p+"/global/networks/default")
		b = append(b, `,"subnetwork":`...)
		b = scenario.AppendString(b, computeURL+p+"/regions/"+region+"/subnetworks/default")
		b = append(b, `}],"scheduling":{"automaticRestart":true,"onHostMaintenance":"MIGRATE","preemptible":false},"serviceAccounts":[{"email":`...)
		b = scenario.AppendString(b, sa)
		b = append(b, `,"scopes":["https://www.googleapis.com/auth/devstorage.read_only","https://www.googleapis.com/auth/logging.write","https://www.googleapis.com/auth/monitoring.write"]}]`...)
		if tag != "" {
			b = append(b, `,"tags":{"items":[`...)
			b = scenario.AppendString(b, tag)
			b = append(b, "]}"...)
		}
		return b
	}
	r.zonal("insert", inst, seconds(r.spread(6, 10, 45)))
}

// firewallInsert: an ingress rule of the default network admitting CIDR
// to the port of instances with the network tag.
func (r *render) firewallInsert() {
	op := r.op
	tag := lastSegment(op.Target)
	port := strconv.Itoa(op.Port)
	name := "allow-tcp-" + port + "-" + tag
	if op.Port <= 0 {
		name = "allow-tcp-" + tag
	}
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-")
	}
	rule := "projects/" + r.project + "/global/firewalls/" + name
	network := "projects/" + r.project + "/global/networks/default"
	r.c = call{service: "compute.googleapis.com", method: "v1.compute.firewalls.insert", resource: rule,
		authz:   []authz{{"compute.firewalls.create", rule, "compute.firewalls"}, {"compute.networks.updatePolicy", network, "compute.networks"}},
		resType: "gce_firewall_rule", labels: []string{"firewall_rule_id", strconv.FormatUint(numericID(rule, 0), 10), "project_id", r.project},
		reqType: "compute.firewalls.insert"}
	r.c.request = func(b []byte) []byte {
		b = append(b, `"alloweds":[{"IPProtocol":"tcp"`...)
		if op.Port > 0 {
			b = append(b, `,"ports":["`...)
			b = append(b, port...)
			b = append(b, `"]`...)
		}
		b = append(b, `}],"direction":"INGRESS","logConfig":{"enable":false},`...)
		b = appendField(b, "name", name)
		b = append(b, ',')
		b = appendField(b, "network", computeURL+network)
		b = append(b, `,"priority":1000`...)
		if op.CIDR != "" {
			b = append(b, `,"sourceRanges":[`...)
			b = scenario.AppendString(b, op.CIDR)
			b = append(b, ']')
		}
		if tag != "" {
			b = append(b, `,"targetTags":[`...)
			b = scenario.AppendString(b, tag)
			b = append(b, ']')
		}
		return b
	}
	r.global("insert", rule, seconds(r.spread(6, 5, 20)))
}
