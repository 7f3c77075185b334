package yandex

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Instances: creation, disks attached, metadata and public addresses.

// createInstance lists what the new instance was built from: existing disks
// and the images or snapshots of new ones (sources), the disks it made
// (created, known on DONE), its security groups (targets) and any public
// address.
func createInstance(o *op) {
	o.e.Action = event.InstanceCreate
	inst := o.created("instance_id")
	o.add(event.RoleCreated, event.Instance, inst, o.detail("instance_name"))
	o.label(event.RoleCreated, event.Instance, inst)

	var existing []string
	if id := o.diskSource(o.r.get("details", "boot_disk_spec")); id != "" {
		existing = append(existing, id)
	}
	for _, spec := range each(o.r.get("details"), "secondary_disk_specs") {
		if id := o.diskSource(spec); id != "" {
			existing = append(existing, id)
		}
	}
	// On DONE the instance reports its disks: those not attached from an
	// existing disk were made by this operation.
	made := []string{o.created("boot_disk", "disk_id")}
	for _, d := range each(o.r.latest("details"), "secondary_disks") {
		made = append(made, str(d, "disk_id"))
	}
	for _, id := range made {
		if !slices.Contains(existing, id) {
			o.add(event.RoleCreated, event.Volume, id, "")
		}
	}

	for i, nic := range each(o.r.get("details"), "network_interface_specs") {
		o.securityGroups(nic)
		if nat := get(nic, "primary_v4_address_spec", "one_to_one_nat_spec"); nat != nil {
			o.publicAddress(event.RoleCreated, inst, strconv.Itoa(i), str(nat, "address"))
		}
	}
	for i, nic := range each(o.r.latest("details"), "network_interfaces") {
		o.securityGroups(nic)
		if nat := get(nic, "primary_v4_address", "one_to_one_nat"); nat != nil {
			o.publicAddress(event.RoleCreated, inst, cmp.Or(str(nic, "index"), strconv.Itoa(i)), str(nat, "address"))
		}
	}
}

// diskSource lists the source of an attached disk spec
// ({disk_id} | {disk_spec{image_id | snapshot_id}}) and returns the id of
// an existing disk it names.
func (o *op) diskSource(spec *jsondoc.Value) string {
	if spec == nil {
		return ""
	}
	id := str(spec, "disk_id")
	o.add(event.RoleSource, event.Volume, id, "")
	o.add(event.RoleSource, event.Snapshot, str(spec, "disk_spec", "snapshot_id"), "")
	o.add(event.RoleSource, event.Image, str(spec, "disk_spec", "image_id"), "")
	return id
}

// securityGroups lists a network interface's groups: the chain joins an
// instance to the group whose ingress is opened later.
func (o *op) securityGroups(nic *jsondoc.Value) {
	for _, id := range strs(nic, "security_group_ids") {
		o.add(event.RoleTarget, event.SecurityGroup, id, "")
	}
}

// publicAddress notes a one-to-one NAT address as the instance's network
// interface <instance>/nic/<index>, named by the address once allotted. The
// event model has no field for public addresses, so only interfaces that
// have one are listed.
func (o *op) publicAddress(role event.Role, inst, index, addr string) {
	if inst == "" {
		return
	}
	o.add(role, event.NIC, inst+"/nic/"+index, addr)
}

// attachDisk attaches an existing disk, or a new one made from a snapshot
// or an image; DONE lists the new disk among the instance's disks under the
// device name the request gave.
func attachDisk(o *op) {
	o.e.Action = event.VolumeAttach
	o.add(event.RoleTarget, event.Instance, o.param("instance_id"), o.detail("instance_name"))
	spec := o.r.get("details", "attached_disk_spec")
	if o.diskSource(spec) != "" {
		return
	}
	o.add(event.RoleSource, event.Volume, o.param("disk_id"), "")
	if dev := str(spec, "device_name"); dev != "" && get(spec, "disk_spec") != nil {
		for _, d := range each(o.r.latest("details"), "secondary_disks") {
			if str(d, "device_name") == dev {
				o.add(event.RoleCreated, event.Volume, str(d, "disk_id"), "")
			}
		}
	}
}

func detachDisk(o *op) {
	o.e.Action = event.VolumeDetach
	o.add(event.RoleTarget, event.Instance, o.param("instance_id"), o.detail("instance_name"))
	o.add(event.RoleSource, event.Volume, o.param("disk_id"), "")
}

// updateMetadata is a new credential when it writes ssh-keys: the keys
// upserted when the event lists them, else the instance's metadata keys.
func updateMetadata(o *op) {
	o.e.Action = event.InstanceModify
	o.add(event.RoleTarget, event.Instance, o.param("instance_id"), o.detail("instance_name"))
	keys := o.r.strs("details", "upsert_keys")
	if len(keys) == 0 {
		keys = o.r.strs("details", "metadata_keys")
	}
	for _, k := range keys {
		if strings.EqualFold(k, "ssh-keys") {
			o.e.Action = event.CredentialCreate
		}
	}
}

func addOneToOneNat(o *op) {
	o.e.Action = event.PublicIPAssign
	inst := o.param("instance_id")
	o.add(event.RoleTarget, event.Instance, inst, o.detail("instance_name"))
	index := cmp.Or(o.detail("network_interface_index"), "0")
	addr := o.detail("one_to_one_nat_spec", "address")
	for _, nic := range each(o.r.latest("details"), "network_interfaces") {
		if cmp.Or(str(nic, "index"), "0") == index {
			addr = cmp.Or(str(nic, "primary_v4_address", "one_to_one_nat", "address"), addr)
		}
	}
	o.publicAddress(event.RoleTarget, inst, index, addr)
}
