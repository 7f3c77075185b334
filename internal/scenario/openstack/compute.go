package openstack

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Nova sends versioned notifications (nova_object payloads, publisher
// nova-compute:<host> or nova-api:<host>), as
// ../shared/samples/openstack/nova-notifications shows them.

// instanceCreate renders a boot: instance.create.start on the compute
// host, the port nova makes for the server (port.create by the caller, in
// the op's security group, then port.update by nova's service user binding
// it to the server and the host: the port is what ties the server to its
// group), and instance.create.end once it runs.
func (w *writer) instanceCreate(op *scenario.Op, p *project, d *derive) {
	s := &server{id: op.Created, host: computeHost(op.Created), created: op.Time.Truncate(time.Second),
		flavor: d.intn(len(flavors)), user: op.Actor.ID}
	s.name = w.name(p, s.id)
	if s.name == "" {
		s.name = "server-" + prefix(s.id, 8)
	}
	s.port, s.mac, s.ip = d.uuidString(), mac(d), "10.0.0."+itoa(10+d.intn(240))
	s.keyName = strings.ReplaceAll(op.Actor.Name, ".", "-") + "-key"
	switch k, ok := w.kindOf(op.Source); {
	case op.Source == "":
		s.image = p.images[d.intn(len(p.images))]
	case ok && k == scenario.VolumeID:
		s.volumes = append(s.volumes, op.Source)
	default:
		s.image = op.Source
	}
	p.servers[s.id] = s
	p.add(slotServer, s.id)
	p.add(slotGroup, op.Net)

	req := reqID(d)
	booted := time.Duration(25+d.intn(40))*time.Second + time.Duration(d.intn(1e6))*time.Microsecond
	n := own(op, note{svc: nova, publisher: "nova-compute:" + s.host, eventType: "instance.create", req: req, remote: true})
	w.pair(op, d, n, booted, func(j *jw, end bool) {
		w.instance(j, op, p, s, req, instancePayload{name: "InstanceCreatePayload", version: "1.13", running: end, extra: func(j *jw) {
			j.arrK("keypairs")
			j.obj()
			j.s("nova_object.name", "KeypairPayload")
			j.s("nova_object.namespace", "nova")
			j.s("nova_object.version", "1.0")
			j.objK("nova_object.data")
			j.s("user_id", s.user)
			j.s("name", s.keyName)
			kd := deriveFrom(s.user)
			j.s("fingerprint", fingerprint(&kd))
			j.s("public_key", publicKey(&kd, op.Actor.Name))
			j.s("type", "ssh")
			j.end()
			j.end()
			j.endArr()
			j.arrK("tags")
			j.endArr()
			j.nul("trusted_image_certificates")
			j.s("instance_name", "instance-"+instanceNumber(s.id))
		}})
	})

	// The port: created for the caller, then bound by nova.
	portAt := op.Time.Add(time.Duration(2+d.intn(4))*time.Second + time.Duration(d.intn(1e6))*time.Microsecond)
	pn := note{svc: neutron, publisher: "network." + controller(d), eventType: "port.create", req: reqID(d), global: req,
		neutron: true, t: portAt, id: d.uuidString()}
	w.pair(op, d, pn, time.Duration(300+d.intn(900))*time.Millisecond, func(j *jw, end bool) {
		w.port(j, p, s, op.Net, end, false)
	})
	bind := note{svc: neutron, publisher: "network." + controller(d), eventType: "port.update", req: reqID(d), global: req, neutron: true,
		t: portAt.Add(time.Duration(2+d.intn(3)) * time.Second), id: d.uuidString(), admin: true,
		caller: novaUser(), project: serviceProject()}
	w.pair(op, d, bind, time.Duration(200+d.intn(700))*time.Millisecond, func(j *jw, end bool) {
		w.port(j, p, s, op.Net, end, true)
	})
}

// volumeAttach renders instance.volume_attach on the server's host.
func (w *writer) volumeAttach(op *scenario.Op, p *project, d *derive) {
	s := p.server(op.Target)
	req := reqID(d)
	n := own(op, note{svc: nova, publisher: "nova-compute:" + s.host, eventType: "instance.volume_attach", req: req, remote: true})
	took := time.Duration(3+d.intn(9))*time.Second + time.Duration(d.intn(1e6))*time.Microsecond
	w.pair(op, d, n, took, func(j *jw, end bool) {
		if end && !slices.Contains(s.volumes, op.Source) {
			s.volumes = append(s.volumes, op.Source)
		}
		w.instance(j, op, p, s, req, instancePayload{name: "InstanceActionVolumePayload", version: "1.7", running: true, extra: func(j *jw) {
			j.s("volume_id", op.Source)
		}})
	})
	p.add(slotServer, s.id)
	p.add(slotVolume, op.Source)
}

// instanceSnapshot renders createImage: instance.snapshot naming the new
// image. An image of a volume (cinder's upload-to-image) sends no
// notification the decoder reads: it is rendered as its audit event.
func (w *writer) instanceSnapshot(op *scenario.Op, p *project, d *derive) {
	if k, ok := w.kindOf(op.Source); ok && k == scenario.VolumeID {
		w.volumeUpload(op, p, d)
		return
	}
	s := p.server(op.Source)
	req := reqID(d)
	n := own(op, note{svc: nova, publisher: "nova-compute:" + s.host, eventType: "instance.snapshot", req: req, remote: true})
	took := time.Duration(20+d.intn(100))*time.Second + time.Duration(d.intn(1e6))*time.Microsecond
	w.pair(op, d, n, took, func(j *jw, end bool) {
		w.instance(j, op, p, s, req, instancePayload{name: "InstanceActionSnapshotPayload", version: "1.10", running: true, extra: func(j *jw) {
			j.s("snapshot_image_id", op.Created)
		}})
	})
	p.add(slotImage, op.Created)
}

// keypairCreate renders a key pair made for a user (POST os-keypairs with
// user_id, an admin's call): keypair.create from nova-api, naming the user.
func (w *writer) keypairCreate(op *scenario.Op, p *project, d *derive) {
	n := own(op, note{svc: nova, publisher: "nova-api:" + controller(d), eventType: "keypair.create", req: reqID(d),
		remote: true, admin: true})
	name := "key-" + d.hexString(6)
	kd := deriveFrom(op.ID + op.Target)
	fp, pub := fingerprint(&kd), publicKey(&kd, name)
	w.pair(op, d, n, time.Duration(80+d.intn(300))*time.Millisecond, func(j *jw, end bool) {
		j.obj()
		j.s("nova_object.version", "1.0")
		j.s("nova_object.namespace", "nova")
		j.s("nova_object.name", "KeypairPayload")
		j.objK("nova_object.data")
		j.s("user_id", op.Target)
		j.s("name", name)
		if end {
			j.s("fingerprint", fp)
			j.s("public_key", pub)
		} else {
			j.nul("fingerprint")
			j.nul("public_key")
		}
		j.s("type", "ssh")
		j.end()
		j.end()
	})
}

// instancePayload says which payload of the instance family to write.
type instancePayload struct {
	name, version string
	running       bool // built and running (else building: the create's start)
	extra         func(j *jw)
}

// instance writes an InstancePayload-based payload, field by field as nova
// fills it.
func (w *writer) instance(j *jw, op *scenario.Op, p *project, s *server, req string, x instancePayload) {
	f := flavors[s.flavor]
	j.obj()
	j.s("nova_object.name", x.name)
	j.s("nova_object.namespace", "nova")
	j.s("nova_object.version", x.version)
	j.objK("nova_object.data")
	j.s("architecture", "x86_64")
	j.s("availability_zone", "nova")
	j.arrK("block_devices")
	for i, v := range s.volumes {
		j.obj()
		j.objK("nova_object.data")
		if i == 0 && s.image == "" {
			j.n("boot_index", 0)
		} else {
			j.nul("boot_index")
		}
		j.bo("delete_on_termination", false)
		j.s("device_name", "/dev/vd"+string(rune('a'+i+btoi(s.image != ""))))
		j.nul("tag")
		j.s("volume_id", v)
		j.end()
		j.s("nova_object.name", "BlockDevicePayload")
		j.s("nova_object.namespace", "nova")
		j.s("nova_object.version", "1.0")
		j.end()
	}
	j.endArr()
	j.time("created_at", s.created, isoZ)
	j.nul("deleted_at")
	j.s("display_name", s.name)
	j.s("display_description", s.name)
	j.nul("fault")
	j.objK("flavor")
	j.s("nova_object.name", "FlavorPayload")
	j.objK("nova_object.data")
	j.s("flavorid", f.id)
	j.s("name", f.name)
	j.n("root_gb", f.gb)
	j.n("vcpus", f.vcpus)
	j.n("ephemeral_gb", 0)
	j.n("memory_mb", f.ram)
	j.bo("disabled", false)
	j.key("rxtx_factor")
	j.raw("1.0")
	j.objK("extra_specs")
	j.s("hw_rng:allowed", "True")
	j.end()
	j.nul("projects")
	j.n("swap", 0)
	j.bo("is_public", true)
	j.n("vcpu_weight", 0)
	j.nul("description")
	j.end()
	j.s("nova_object.version", "1.4")
	j.s("nova_object.namespace", "nova")
	j.end()
	if x.running {
		j.s("host", s.host)
	} else {
		j.nul("host")
	}
	j.s("host_name", s.name)
	j.s("image_uuid", s.image)
	j.arrK("ip_addresses")
	if x.running {
		j.obj()
		j.s("nova_object.name", "IpPayload")
		j.s("nova_object.namespace", "nova")
		j.s("nova_object.version", "1.0")
		j.objK("nova_object.data")
		j.s("mac", s.mac)
		j.s("address", s.ip)
		j.s("port_uuid", s.port)
		j.objK("meta")
		j.end()
		j.n("version", 4)
		j.s("label", "private")
		j.s("device_name", "tap"+prefix(s.port, 11))
		j.end()
		j.end()
	}
	j.endArr()
	j.s("kernel_id", "")
	j.s("key_name", s.keyName)
	if x.running {
		j.time("launched_at", s.created.Add(40*time.Second), isoZ)
	} else {
		j.nul("launched_at")
	}
	j.bo("locked", false)
	j.nul("locked_reason")
	j.objK("metadata")
	j.end()
	if x.running {
		j.s("node", s.host+".cloud.internal")
		j.s("power_state", "running")
		j.s("state", "active")
	} else {
		j.nul("node")
		j.s("power_state", "pending")
		j.s("state", "building")
	}
	j.nul("os_type")
	j.n("progress", 0)
	j.s("ramdisk_id", "")
	j.s("request_id", req)
	j.s("reservation_id", "r-"+instanceNumber(s.id+"r"))
	j.arrK("shares")
	j.endArr()
	j.nul("task_state")
	j.s("tenant_id", p.id)
	j.nul("terminated_at")
	j.s("auto_disk_config", "MANUAL")
	if x.running {
		j.time("updated_at", op.Time.Truncate(time.Second), isoZ)
	} else {
		j.nul("updated_at")
	}
	j.s("user_id", cmp.Or(s.user, op.Actor.ID))
	j.s("uuid", s.id)
	j.s("action_initiator_user", op.Actor.ID)
	j.s("action_initiator_project", op.Account.ID)
	if x.extra != nil {
		x.extra(j)
	}
	j.end()
	j.end()
}

// port writes a port notification's payload: the create's request (what
// nova asks for), the created port, or nova's binding of it.
func (w *writer) port(j *jw, p *project, s *server, group string, end, bound bool) {
	j.obj()
	j.objK("port")
	if !end {
		if bound {
			j.s("binding:host_id", s.host+".cloud.internal")
			j.s("device_id", s.id)
			j.s("device_owner", "compute:nova")
			j.s("dns_name", s.name)
		} else {
			j.s("network_id", p.network)
			j.bo("admin_state_up", true)
			j.s("tenant_id", p.id)
			j.arrK("security_groups")
			j.str(group)
			j.endArr()
		}
		j.end()
		j.end()
		return
	}
	j.s("id", s.port)
	j.s("name", "")
	j.s("network_id", p.network)
	j.s("tenant_id", p.id)
	j.s("mac_address", s.mac)
	j.bo("admin_state_up", true)
	j.s("status", "DOWN")
	if bound {
		j.s("device_id", s.id)
		j.s("device_owner", "compute:nova")
	} else {
		j.s("device_id", "")
		j.s("device_owner", "")
	}
	j.bo("port_security_enabled", true)
	j.arrK("fixed_ips")
	j.obj()
	j.s("subnet_id", p.subnet)
	j.s("ip_address", s.ip)
	j.end()
	j.endArr()
	j.s("project_id", p.id)
	j.arrK("security_groups")
	j.str(group)
	j.endArr()
	if bound {
		j.s("binding:host_id", s.host+".cloud.internal")
		j.s("binding:vif_type", "ovs")
		j.s("binding:vnic_type", "normal")
	} else {
		j.s("binding:host_id", "")
		j.s("binding:vif_type", "unbound")
		j.s("binding:vnic_type", "normal")
	}
	j.s("description", "")
	j.n("revision_number", 1+btoi(bound)*2)
	j.end()
	j.end()
}

// novaUser is nova's service user, which binds ports; serviceProject is
// the project service users belong to.
func novaUser() *scenario.Principal {
	return &scenario.Principal{ID: hexOf("user\x00nova"), Name: "nova", Kind: scenario.Automation}
}

func serviceProject() *scenario.Account {
	return &scenario.Account{ID: hexOf("project\x00service"), Name: "service"}
}

// hexOf is a stable 32-hex id for a name.
func hexOf(name string) string {
	d := deriveFrom(name)
	return string(appendHex(nil, d.next(), d.next()))
}

// instanceNumber is the hex suffix of a server's libvirt name.
func instanceNumber(id string) string {
	d := deriveFrom(id)
	return d.hexString(8)
}

// fingerprint is an MD5 key fingerprint, as nova prints it.
func fingerprint(d *derive) string {
	b := make([]byte, 0, 47)
	for i := range 16 {
		if i > 0 {
			b = append(b, ':')
		}
		x := byte(d.next())
		b = append(b, hexDigits[x>>4], hexDigits[x&0xf])
	}
	return string(b)
}

const base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// publicKey is an ed25519 OpenSSH public key.
func publicKey(d *derive, comment string) string {
	b := []byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI")
	for range 43 {
		b = append(b, base64Chars[d.intn(64)])
	}
	return string(append(append(b, ' '), comment...))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// prefix is s's first n bytes, or s when shorter.
func prefix(s string, n int) string { return s[:min(n, len(s))] }
