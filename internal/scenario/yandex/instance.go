package yandex

import (
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// createInstance logs CreateInstance as a real request does: STARTED, then
// the CreateDisk of its boot disk (STARTED, DONE) under the same request
// id, then DONE with the disks and addresses the instance got. The instance
// is created in security group op.Net, with a public address.
func (w *writer) createInstance(c *call) error {
	op := c.op
	c.src, c.typ = "compute", "compute.CreateInstance"
	in := instanceSpec{boot: op.Source}
	if in.boot == "" || isGlobal(in.boot) {
		in.image, in.boot = in.boot, derive(zonePrefix(c.zone), op.ID, 2)
		if in.image == "" {
			in.image = c.f.images().id
		}
	}
	t0 := c.at(op.Time, 0)
	status := statusStarted
	if op.Failed {
		status = statusError
	}
	b, err := w.start(c.f.tf, t0)
	if err != nil {
		return err
	}
	b = w.instanceDetails(c.head(b, op.ID, t0, status), c, &in, false)
	if err := w.commit(c.f.tf, b); err != nil || op.Failed {
		return err
	}
	if in.image != "" {
		disk := &renderer{src: "compute", typ: "compute.CreateDisk", details: func(w *writer, b []byte, c *call, _ bool) []byte {
			b = appendField(b, "disk_id", in.boot)
			b = appendField(b, "type_id", "network-ssd")
			b = appendField(b, "zone_id", c.zone)
			b = appendField(b, "size", diskSizes[0])
			b = append(b, `,"block_size":"4096"`...)
			return appendField(b, "source_image_id", in.image)
		}}
		c.src, c.typ = disk.src, disk.typ
		t := c.at(op.Time.Add(2*time.Second+spread(c.h, 4*time.Second)), 2)
		w.later(c.f.tf, t, w.details(c.head(w.buf[:0], derive(prefixGlobal, op.ID, 3), t, statusStarted), c, disk, false))
		t = c.at(op.Time.Add(15*time.Second+spread(c.h2, 20*time.Second)), 3)
		w.later(c.f.tf, t, w.details(c.head(w.buf[:0], derive(prefixGlobal, op.ID, 4), t, statusDone), c, disk, true))
		c.src, c.typ = "compute", "compute.CreateInstance"
	}
	t1 := c.at(op.Time.Add(40*time.Second+spread(c.h, 40*time.Second)), 4)
	b = w.instanceDetails(c.head(w.buf[:0], derive(prefixGlobal, op.ID, 5), t1, statusDone), c, &in, true)
	w.buf = b
	w.later(c.f.tf, t1, b)
	return nil
}

// instanceSpec is what an instance boots from: a new disk made from image,
// or an existing disk (boot without image).
type instanceSpec struct {
	boot, image string
}

// instanceDetails appends the details of CreateInstance: the request's
// specs on STARTED (and ERROR), what the instance got on DONE.
func (w *writer) instanceDetails(b []byte, c *call, in *instanceSpec, done bool) []byte {
	op := c.op
	name := w.name(op.Created)
	if name == "" {
		name = "vm-" + op.Created[max(0, len(op.Created)-6):]
	}
	b = append(b, `,"details":{"instance_id":`...)
	b = scenario.AppendString(b, op.Created)
	b = appendField(b, "instance_name", name)
	b = appendField(b, "zone_id", c.zone)
	b = append(b, `,"platform_id":"standard-v3","metadata_keys":["user-data","ssh-keys"],"network_settings":{"type":"STANDARD"},"placement_policy":{},"os":{"type":"LINUX"}`...)
	subnet := derive(subnetPrefix(c.zone), c.f.f.id, 4)
	if !done {
		b = append(b, `,"resources_spec":{"memory":"4294967296","cores":"2","core_fraction":"100"}`...)
		if in.image != "" {
			b = append(b, `,"boot_disk_spec":{"auto_delete":true,"disk_spec":{"type_id":"network-ssd","size":"`...)
			b = append(b, diskSizes[0]...)
			b = append(b, '"')
			b = appendField(b, "image_id", in.image)
			b = append(b, '}', '}')
		} else {
			b = append(b, `,"boot_disk_spec":{"auto_delete":false`...)
			b = appendField(b, "disk_id", in.boot)
			b = append(b, '}')
		}
		b = append(b, `,"network_interface_specs":[{"subnet_id":`...)
		b = scenario.AppendString(b, subnet)
		b = append(b, `,"primary_v4_address_spec":{"one_to_one_nat_spec":{"ip_version":"IPV4"}}`...)
		b = securityGroups(b, op.Net)
		b = append(b, '}', ']')
		b = appendField(b, "hostname", name)
		return append(b, '}', '}')
	}
	b = append(b, `,"resources":{"memory":"4294967296","cores":"2","core_fraction":"100"},"boot_disk":{"mode":"READ_WRITE"`...)
	b = appendField(b, "device_name", in.boot)
	b = append(b, `,"auto_delete":`...)
	if in.image != "" {
		b = append(b, "true"...)
	} else {
		b = append(b, "false"...)
	}
	b = appendField(b, "disk_id", in.boot)
	b = append(b, `},"network_interfaces":[{"index":"0"`...)
	b = appendField(b, "mac_address", macAddress(c.h))
	b = appendField(b, "subnet_id", subnet)
	b = append(b, `,"primary_v4_address":{"address":`...)
	b = scenario.AppendString(b, privateIP(c.zone, c.h))
	b = append(b, `,"one_to_one_nat":{"address":`...)
	b = scenario.AppendString(b, natIP(c.h2))
	b = append(b, `,"ip_version":"IPV4"}}`...)
	b = securityGroups(b, op.Net)
	b = append(b, '}', ']')
	b = appendField(b, "fqdn", name+".ru-central1.internal")
	return append(b, '}', '}')
}

func securityGroups(b []byte, sg string) []byte {
	if sg == "" {
		return b
	}
	b = append(b, `,"security_group_ids":[`...)
	b = scenario.AppendString(b, sg)
	return append(b, ']')
}
