package yandex

import "strconv"

// Compute: snapshots, disks, images, attachments. Field names follow the
// published event schemas (CreateDisk, AttachInstanceDisk, DeleteSnapshot)
// and the decoder's reading of CreateSnapshot's source disk (disk_id).

func snapshotCreate(w *writer, b []byte, c *call, _ bool) []byte {
	op := c.op
	b = appendField(b, "snapshot_id", op.Created)
	b = appendField(b, "snapshot_name", w.name(op.Created))
	return appendField(b, "disk_id", op.Source)
}

func snapshotDelete(w *writer, b []byte, c *call, _ bool) []byte {
	b = appendField(b, "snapshot_id", c.op.Target)
	return appendField(b, "snapshot_name", w.name(c.op.Target))
}

// diskCreate is an empty disk, or a disk restored from op.Source.
func diskCreate(w *writer, b []byte, c *call, _ bool) []byte {
	op := c.op
	b = appendField(b, "disk_id", op.Created)
	b = appendField(b, "disk_name", w.name(op.Created))
	b = appendField(b, "type_id", diskType(c.h))
	b = appendField(b, "zone_id", c.zone)
	b = appendField(b, "size", diskSize(c.h))
	b = append(b, `,"block_size":"4096"`...)
	if op.Source != "" {
		b = appendField(b, "source_snapshot_id", op.Source)
	}
	return b
}

func diskDelete(w *writer, b []byte, c *call, _ bool) []byte {
	b = appendField(b, "disk_id", c.op.Target)
	return appendField(b, "disk_name", w.name(c.op.Target))
}

// imageCreate makes an image of a disk, or of a snapshot when the source is
// a global object.
func imageCreate(w *writer, b []byte, c *call, _ bool) []byte {
	op := c.op
	b = appendField(b, "image_id", op.Created)
	b = appendField(b, "image_name", w.name(op.Created))
	b = append(b, `,"os":{"type":"LINUX"}`...)
	if isGlobal(op.Source) {
		return appendField(b, "source_snapshot_id", op.Source)
	}
	return appendField(b, "source_disk_id", op.Source)
}

// diskAttach attaches op.Source to instance op.Target; DONE lists the disk
// among the instance's secondary disks.
func diskAttach(w *writer, b []byte, c *call, done bool) []byte {
	op := c.op
	b = appendField(b, "instance_id", op.Target)
	b = appendField(b, "instance_name", w.name(op.Target))
	b = append(b, `,"attached_disk_spec":{"mode":"READ_WRITE","device_name":"data","auto_delete":false`...)
	b = appendField(b, "disk_id", op.Source)
	b = append(b, '}')
	if done {
		b = append(b, `,"secondary_disks":[{"mode":"READ_WRITE","device_name":"data","auto_delete":false`...)
		b = appendField(b, "disk_id", op.Source)
		b = append(b, '}', ']')
	}
	return b
}

var diskSizes = [...]string{"21474836480", "53687091200", "107374182400", "214748364800", "536870912000"}

func diskSize(h uint64) string { return diskSizes[h%uint64(len(diskSizes))] }

func diskType(h uint64) string {
	if h>>7&3 == 0 {
		return "network-hdd"
	}
	return "network-ssd"
}

// privateIP is an instance's address in its zone's default subnet.
func privateIP(zone string, h uint64) string {
	third := "128"
	switch zonePrefix(zone) {
	case prefixZoneB:
		third = "129"
	case prefixZoneD:
		third = "130"
	}
	return "10." + third + ".0." + strconv.Itoa(int(3+h>>24%250))
}

// natIP is a public address from Yandex Cloud's pool.
func natIP(h uint64) string {
	return "158.160." + strconv.Itoa(int(h>>32&255)) + "." + strconv.Itoa(int(1+h>>40%254))
}

// macAddress is a Compute network interface's address (d0:0d:…).
func macAddress(h uint64) string {
	b := []byte("d0:0d")
	for i := range 4 {
		x := byte(h >> (44 + 5*i))
		b = append(b, ':', hexDigits[x>>4&15], hexDigits[x&15])
	}
	return string(b)
}
