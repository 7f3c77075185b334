package vkcloud

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// render fills w.rec for op: the component, action, method and path, and
// the bodies as Cinder, Nova, Neutron, Glance, DBaaS and IAM write them.
// A failed op gets the service's refusal as its response.
func (w *writer) render(op *scenario.Op, s *seq) error {
	switch op.Kind {
	case scenario.Read:
		return w.read(op, s)
	case scenario.SnapshotCreate:
		w.snapshotCreate(op)
	case scenario.SnapshotDelete:
		w.cinderDelete(op, "delete-snapshot", "/snapshots/", op.Target, "volume:delete_snapshot")
	case scenario.VolumeCreate, scenario.VolumeRestore:
		w.volumeCreate(op)
	case scenario.VolumeDelete:
		w.cinderDelete(op, "delete-volume", "/volumes/", op.Target, "volume:delete")
	case scenario.VolumeAttach:
		w.volumeAttach(op)
	case scenario.InstanceCreate:
		w.serverCreate(op)
	case scenario.IngressOpen:
		w.ruleCreate(op, s)
	case scenario.PrincipalCreate:
		w.invite(op, s)
	case scenario.CredentialCreate:
		w.keypair(op, s)
	case scenario.RoleAssign:
		w.roleAssign(op)
	case scenario.ImageCreate:
		w.imageCreate(op)
	case scenario.ImageShare:
		w.imageShare(op)
	case scenario.DBModify:
		w.dbModify(op, s)
	case scenario.DBRestore:
		w.dbRestore(op)
	case scenario.DBSnapshotCreate:
		w.dbBackup(op)
	default:
		return errUnsupported(op.Kind)
	}
	return nil
}

type errUnsupported scenario.Kind

func (e errUnsupported) Error() string {
	return "vkcloud: VK Cloud has no operation of kind " + strconv.Itoa(int(e))
}

// name returns the name id was made with, or fallback.
func (w *writer) name(id, fallback string) string {
	if m, ok := w.c.lookup(id); ok && m.name != "" {
		return m.name
	}
	return fallback
}

// kindOf returns what id was made as; ok is false for an unknown id.
func (w *writer) kindOf(id string) (scenario.ResourceKind, bool) {
	m, ok := w.c.lookup(id)
	return m.kind, ok
}

// size is a volume's size in GiB; a snapshot has the size of its volume.
func (w *writer) size(id string) int {
	if v, ok := w.parent[id]; ok {
		id = v
	}
	return pick(volumeSizes, id)
}

// network is the project's private network, the same for all its servers.
func network(project string) string {
	s := seq(hashString(project + "/network"))
	return string(s.appendUUID(nil))
}

// cinderPath writes /v3/<project_id><path>: Cinder paths carry the project.
func (r *rec) cinderPath(op *scenario.Op, path string) {
	r.uri.raw("/v3/")
	r.uri.raw(op.Account.ID)
	r.uri.raw(path)
}

// dbPath writes /infra/database/v1.0/<project_id><path>.
func (r *rec) dbPath(op *scenario.Op, path string) {
	r.uri.raw("/infra/database/v1.0/")
	r.uri.raw(op.Account.ID)
	r.uri.raw(path)
}

// forbidden is the refusal of Cinder, Nova and Trove (oslo.policy).
func (b *body) forbidden(policy string) {
	b.raw(`{"forbidden":{"code":403,"message":"Policy doesn't allow `)
	b.raw(policy)
	b.raw(` to be performed."}}`)
}

func (w *writer) snapshotCreate(op *scenario.Op) {
	r := &w.rec
	r.call("cinder", "create-snapshot", "POST")
	r.cinderPath(op, "/snapshots")
	name := w.name(op.Created, "snapshot")
	r.req.raw(`{"snapshot":{"name":`)
	r.req.str(name)
	r.req.raw(`,"description":null,"volume_id":`)
	r.req.str(op.Source)
	r.req.raw(`,"force":true,"metadata":{}}}`)
	if op.Failed {
		r.resp.forbidden("volume:create_snapshot")
		return
	}
	r.resp.raw(`{"snapshot":{"id":`)
	r.resp.str(op.Created)
	r.resp.raw(`,"size":`)
	r.resp.num(w.size(op.Source))
	r.resp.raw(`,"metadata":{},"name":`)
	r.resp.str(name)
	r.resp.raw(`,"volume_id":`)
	r.resp.str(op.Source)
	r.resp.raw(`,"created_at":`)
	r.resp.cinderTime(op.Time)
	r.resp.raw(`,"status":"creating","description":null,"updated_at":null,"user_id":`)
	r.resp.str(op.Actor.ID)
	r.resp.raw(`,"group_snapshot_id":null,"consumes_quota":true}}`)
	w.parent[op.Created] = op.Source
}

// cinderDelete is DELETE /v3/<project>/<coll>/<id>: no bodies (202).
func (w *writer) cinderDelete(op *scenario.Op, action, coll, id, policy string) {
	r := &w.rec
	r.call("cinder", action, "DELETE")
	r.cinderPath(op, coll)
	r.uri.raw(id)
	if op.Failed {
		r.resp.forbidden(policy)
	}
}

// volumeCreate is create-volume: blank, or (a restore) from a snapshot or
// an image, in the body cinderclient sends (every key, unused ones null).
func (w *writer) volumeCreate(op *scenario.Op) {
	r := &w.rec
	r.call("cinder", "create-volume", "POST")
	r.cinderPath(op, "/volumes")
	var snapshot, image string
	size := w.size(op.Created)
	if op.Kind == scenario.VolumeRestore {
		size = w.size(op.Source)
		if k, _ := w.kindOf(op.Source); k == scenario.ImageID {
			image = op.Source
		} else {
			snapshot = op.Source
		}
	}
	name := w.name(op.Created, "volume")
	zone, typ := pick(zones, op.Created), pick(volumeTypes, op.Created)
	r.req.raw(`{"volume":{"size":`)
	r.req.num(size)
	r.req.raw(`,"consistencygroup_id":null,"snapshot_id":`)
	r.req.strOrNull(snapshot)
	r.req.raw(`,"name":`)
	r.req.str(name)
	r.req.raw(`,"description":null,"volume_type":`)
	r.req.str(typ)
	r.req.raw(`,"availability_zone":`)
	r.req.str(zone)
	r.req.raw(`,"metadata":{},"imageRef":`)
	r.req.strOrNull(image)
	r.req.raw(`,"source_volid":null,"backup_id":null}}`)
	if op.Failed {
		r.resp.forbidden("volume:create")
		return
	}
	r.resp.raw(`{"volume":{"id":`)
	r.resp.str(op.Created)
	r.resp.raw(`,"status":"creating","size":`)
	r.resp.num(size)
	r.resp.raw(`,"availability_zone":`)
	r.resp.str(zone)
	r.resp.raw(`,"created_at":`)
	r.resp.cinderTime(op.Time)
	r.resp.raw(`,"updated_at":null,"attachments":[],"name":`)
	r.resp.str(name)
	r.resp.raw(`,"description":null,"volume_type":`)
	r.resp.str(typ)
	r.resp.raw(`,"snapshot_id":`)
	r.resp.strOrNull(snapshot)
	r.resp.raw(`,"source_volid":null,"metadata":{},"user_id":`)
	r.resp.str(op.Actor.ID)
	bootable := "false"
	if image != "" {
		bootable = "true"
	}
	r.resp.raw(`,"bootable":"`)
	r.resp.raw(bootable)
	r.resp.raw(`","encrypted":false,"replication_status":null,"consistencygroup_id":null,"multiattach":false}}`)
}

// volumeAttach is Nova's vm-attach-volume.
func (w *writer) volumeAttach(op *scenario.Op) {
	r := &w.rec
	r.call("nova", "vm-attach-volume", "POST")
	r.uri.raw("/v2.1/servers/")
	r.uri.raw(op.Target)
	r.uri.raw("/os-volume_attachments")
	r.req.raw(`{"volumeAttachment":{"volumeId":`)
	r.req.str(op.Source)
	r.req.raw(`}}`)
	if op.Failed {
		r.resp.forbidden("os_compute_api:os-volumes-attachments:create")
		return
	}
	r.resp.raw(`{"volumeAttachment":{"device":"/dev/vdb","id":`)
	r.resp.str(op.Source)
	r.resp.raw(`,"serverId":`)
	r.resp.str(op.Target)
	r.resp.raw(`,"volumeId":`)
	r.resp.str(op.Source)
	r.resp.raw(`}}`)
}

// serverCreate is Nova's create-vm. VK servers boot from a volume: the
// boot mapping makes one from an image (a public one unless op.Source is
// an image), or boots op.Source's volume or snapshot. The security group
// is named by its id, which Nova echoes in the response.
func (w *writer) serverCreate(op *scenario.Op) {
	r := &w.rec
	r.call("nova", "create-vm", "POST")
	r.uri.raw("/v2.1/servers")
	name := w.name(op.Created, "vm")
	group := op.Net
	if group == "" {
		group = "default"
	}
	r.req.raw(`{"server":{"name":`)
	r.req.str(name)
	r.req.raw(`,"flavorRef":`)
	r.req.str(pick(flavors, op.Created))
	r.req.raw(`,"availability_zone":`)
	r.req.str(pick(zones, op.Created))
	r.req.raw(`,"networks":[{"uuid":`)
	r.req.str(network(op.Account.ID))
	r.req.raw(`}],"block_device_mapping_v2":[{"boot_index":0,"uuid":`)
	kind, known := w.kindOf(op.Source)
	switch {
	case op.Source != "" && known && kind == scenario.VolumeID:
		r.req.str(op.Source)
		r.req.raw(`,"source_type":"volume","destination_type":"volume","delete_on_termination":false}]`)
	case op.Source != "" && known && kind == scenario.SnapshotID:
		r.req.str(op.Source)
		r.req.raw(`,"source_type":"snapshot","destination_type":"volume","volume_size":`)
		r.req.num(w.size(op.Source))
		r.req.raw(`,"delete_on_termination":true}]`)
	default:
		image := op.Source
		if image == "" {
			image = pick(baseImages, op.Created)
		}
		r.req.str(image)
		r.req.raw(`,"source_type":"image","destination_type":"volume","volume_size":`)
		r.req.num(pick(volumeSizes[:4], op.Created))
		r.req.raw(`,"delete_on_termination":true}]`)
	}
	r.req.raw(`,"security_groups":[{"name":`)
	r.req.str(group)
	r.req.raw(`}],"metadata":{}}}`)
	if op.Failed {
		r.resp.forbidden("os_compute_api:servers:create")
		return
	}
	r.resp.raw(`{"server":{"id":`)
	r.resp.str(op.Created)
	r.resp.raw(`,"links":[{"rel":"self","href":"https://infra.mail.ru:8774/v2.1/servers/`)
	r.resp.raw(op.Created)
	r.resp.raw(`"},{"rel":"bookmark","href":"https://infra.mail.ru:8774/servers/`)
	r.resp.raw(op.Created)
	r.resp.raw(`"}],"OS-DCF:diskConfig":"MANUAL","security_groups":[{"name":`)
	r.resp.str(group)
	r.resp.raw(`}],"adminPass":"XXXXXXXX"}}`)
}

// ruleCreate is Neutron's create-security-group-rule: an inbound rule on
// op.Target for op.Port (every protocol and port when 0) from op.CIDR.
func (w *writer) ruleCreate(op *scenario.Op, s *seq) {
	r := &w.rec
	r.call("neutron", "create-security-group-rule", "POST")
	r.uri.raw("/v2.0/security-group-rules")
	ether := "IPv4"
	if strings.Contains(op.CIDR, ":") {
		ether = "IPv6"
	}
	rule := func(b *body) {
		b.raw(`"direction":"ingress","ethertype":"`)
		b.raw(ether)
		if op.Port > 0 {
			b.raw(`","protocol":"tcp","port_range_min":`)
			b.num(op.Port)
			b.raw(`,"port_range_max":`)
			b.num(op.Port)
		} else {
			b.raw(`","protocol":null,"port_range_min":null,"port_range_max":null`)
		}
		b.raw(`,"remote_ip_prefix":`)
		b.strOrNull(op.CIDR)
		b.raw(`,"security_group_id":`)
		b.str(op.Target)
	}
	r.req.raw(`{"security_group_rule":{`)
	rule(&r.req)
	r.req.raw(`,"description":""}}`)
	if op.Failed {
		r.resp.raw(`{"NeutronError":{"type":"PolicyNotAuthorized","message":"rule:create_security_group_rule is disallowed by policy","detail":""}}`)
		return
	}
	r.resp.raw(`{"security_group_rule":{"id":"`)
	r.resp = s.appendUUID(r.resp)
	r.resp.raw(`","tenant_id":`)
	r.resp.str(op.Account.ID)
	r.resp.raw(`,`)
	rule(&r.resp)
	r.resp.raw(`,"remote_group_id":null,"remote_address_group_id":null,"normalized_cidr":`)
	r.resp.strOrNull(op.CIDR)
	r.resp.raw(`,"standard_attr_id":`)
	r.resp.num(100000 + s.intn(900000))
	r.resp.raw(`,"description":"","tags":[],"created_at":`)
	r.resp.isoTime(op.Time)
	r.resp.raw(`,"updated_at":`)
	r.resp.isoTime(op.Time)
	r.resp.raw(`,"revision_number":0,"project_id":`)
	r.resp.str(op.Account.ID)
	r.resp.raw(`}}`)
}

// iamDenied is the IAM service's refusal.
func (b *body) iamDenied() {
	b.raw(`{"error":{"code":403,"message":"Access denied: the project role does not allow managing members"}}`)
}

// invite is IAM's invite_create: a user invited into the project with a
// role, VK's "user created". The response names the invited user's id.
func (w *writer) invite(op *scenario.Op, s *seq) {
	r := &w.rec
	r.call("iam", "invite_create", "POST")
	r.uri.raw("/auth/v1/projects/")
	r.uri.raw(op.Account.ID)
	r.uri.raw("/invites")
	email := w.c.email(op.Created)
	r.req.raw(`{"email":`)
	r.req.str(email)
	r.req.raw(`,"role":"mcs_admin"}`)
	if op.Failed {
		r.resp.iamDenied()
		return
	}
	r.resp.raw(`{"id":"`)
	r.resp = s.appendUUID(r.resp)
	r.resp.raw(`","email":`)
	r.resp.str(email)
	r.resp.raw(`,"role":"mcs_admin","status":"pending","user_id":`)
	r.resp.str(op.Created)
	r.resp.raw(`,"project_id":`)
	r.resp.str(op.Account.ID)
	r.resp.raw(`,"created_at":`)
	r.resp.isoTime(op.Time)
	r.resp.raw(`}`)
}

// keypair is Nova's keypair-create for another user (microversion 2.10,
// an admin's call): an SSH key that lets the target log in to servers. It
// is the nearest VK has to giving a principal a credential; the decoder
// gives it no action.
func (w *writer) keypair(op *scenario.Op, s *seq) {
	r := &w.rec
	r.call("nova", "keypair-create", "POST")
	r.uri.raw("/v2.1/os-keypairs")
	email := w.c.email(op.Target)
	login, _, _ := strings.Cut(email, "@")
	if login == "" {
		login = "user"
	}
	key, fingerprint := sshKey(s, email)
	pair := func(b *body) {
		b.raw(`"name":`)
		b.str(login + "-key")
		b.raw(`,"type":"ssh","public_key":`)
		b.str(key)
		b.raw(`,"user_id":`)
		b.str(op.Target)
	}
	r.req.raw(`{"keypair":{`)
	pair(&r.req)
	r.req.raw(`}}`)
	if op.Failed {
		r.resp.forbidden("os_compute_api:os-keypairs:create")
		return
	}
	r.resp.raw(`{"keypair":{`)
	pair(&r.resp)
	r.resp.raw(`,"fingerprint":`)
	r.resp.str(fingerprint)
	r.resp.raw(`}}`)
}

// sshKey makes an OpenSSH ed25519 public key line and its MD5 fingerprint
// (as Nova prints it: hex pairs joined by colons).
func sshKey(s *seq, comment string) (key, fingerprint string) {
	blob := []byte{0, 0, 0, 11}
	blob = append(blob, "ssh-ed25519"...)
	blob = append(blob, 0, 0, 0, 32)
	for range 4 {
		blob = binary.BigEndian.AppendUint64(blob, s.next())
	}
	key = "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " " + comment
	sum := md5.Sum(blob)
	fp := make([]byte, 0, 47)
	for i, c := range sum {
		if i > 0 {
			fp = append(fp, ':')
		}
		fp = append(fp, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return key, string(fp)
}

// roleAssign is IAM's update_user_in_project.
func (w *writer) roleAssign(op *scenario.Op) {
	r := &w.rec
	r.call("iam", "update_user_in_project", "PUT")
	r.uri.raw("/auth/v1/projects/")
	r.uri.raw(op.Account.ID)
	r.uri.raw("/users")
	r.req.raw(`{"user_id":`)
	r.req.str(op.Target)
	if email := w.c.email(op.Target); email != "" {
		r.req.raw(`,"email":`)
		r.req.str(email)
	}
	r.req.raw(`,"role":"mcs_admin"}`)
	if op.Failed {
		r.resp.iamDenied()
	}
}

// imageCreate makes an image of a volume (Cinder's upload to image) or of
// a server (Nova's createImage), whichever op.Source was made as.
func (w *writer) imageCreate(op *scenario.Op) {
	r := &w.rec
	name := w.name(op.Created, "image")
	if k, _ := w.kindOf(op.Source); k == scenario.VolumeID {
		r.call("cinder", "action-volume", "POST")
		r.cinderPath(op, "/volumes/")
		r.uri.raw(op.Source)
		r.uri.raw("/action")
		r.req.raw(`{"os-volume_upload_image":{"image_name":`)
		r.req.str(name)
		r.req.raw(`,"force":true,"disk_format":"raw","container_format":"bare","visibility":"private","protected":false}}`)
		if op.Failed {
			r.resp.forbidden("volume_extension:volume_actions:upload_image")
			return
		}
		r.resp.raw(`{"os-volume_upload_image":{"id":`)
		r.resp.str(op.Source)
		r.resp.raw(`,"updated_at":`)
		r.resp.cinderTime(op.Time)
		r.resp.raw(`,"status":"uploading","display_description":null,"size":`)
		r.resp.num(w.size(op.Source))
		r.resp.raw(`,"volume_type":{"name":`)
		r.resp.str(pick(volumeTypes, op.Source))
		r.resp.raw(`},"image_id":`)
		r.resp.str(op.Created)
		r.resp.raw(`,"container_format":"bare","disk_format":"raw","image_name":`)
		r.resp.str(name)
		r.resp.raw(`,"visibility":"private","protected":false}}`)
		return
	}
	r.call("nova", "vm-action", "POST")
	r.uri.raw("/v2.1/servers/")
	r.uri.raw(op.Source)
	r.uri.raw("/action")
	r.req.raw(`{"createImage":{"name":`)
	r.req.str(name)
	r.req.raw(`,"metadata":{}}}`)
	if op.Failed {
		r.resp.forbidden("os_compute_api:servers:create_image")
		return
	}
	r.resp.raw(`{"image_id":`)
	r.resp.str(op.Created)
	r.resp.raw(`}`)
}

// imageShare is Glance (VK names no Glance actions): a member project
// added, or the image made public by a JSON patch.
func (w *writer) imageShare(op *scenario.Op) {
	r := &w.rec
	r.uri.raw("/v2/images/")
	r.uri.raw(op.Target)
	if op.ShareWith == event.Public {
		r.call("glance", "unknown", "PATCH")
		r.req.raw(`[{"op":"replace","path":"/visibility","value":"public"}]`)
		if op.Failed {
			r.resp.raw("403 Forbidden\n\nYou are not authorized to complete publicize_image action.\n\n   ")
			return
		}
		r.resp.raw(`{"id":`)
		r.resp.str(op.Target)
		r.resp.raw(`,"name":`)
		r.resp.str(w.name(op.Target, "image"))
		r.resp.raw(`,"status":"active","visibility":"public","protected":false,"disk_format":"raw","container_format":"bare","owner":`)
		r.resp.str(op.Account.ID)
		r.resp.raw(`,"updated_at":`)
		r.resp.isoTime(op.Time)
		r.resp.raw(`,"self":"/v2/images/`)
		r.resp.raw(op.Target)
		r.resp.raw(`","schema":"/v2/schemas/image"}`)
		return
	}
	r.call("glance", "unknown", "POST")
	r.uri.raw("/members")
	r.req.raw(`{"member":`)
	r.req.str(op.ShareWith)
	r.req.raw(`}`)
	if op.Failed {
		r.resp.raw("403 Forbidden\n\nYou are not authorized to complete add_member action.\n\n   ")
		return
	}
	r.resp.raw(`{"created_at":`)
	r.resp.isoTime(op.Time)
	r.resp.raw(`,"image_id":`)
	r.resp.str(op.Target)
	r.resp.raw(`,"member_id":`)
	r.resp.str(op.ShareWith)
	r.resp.raw(`,"schema":"/v2/schemas/member","status":"pending","updated_at":`)
	r.resp.isoTime(op.Time)
	r.resp.raw(`}`)
}

// datastore writes a DB instance's engine, fixed per database.
func datastore(b *body, db string) {
	if hashString(db)%3 == 0 {
		b.raw(`{"type":"mysql","version":"8.0"}`)
		return
	}
	b.raw(`{"type":"postgresql","version":"15"}`)
}

// dbModify is one of the DBaaS changes PT-CR-2305 watches on a database: a
// user's password reset, root enabled, a restart, or a configuration group
// attached. VK names no DBaaS actions ("unknown").
func (w *writer) dbModify(op *scenario.Op, s *seq) {
	r := &w.rec
	switch s.intn(4) {
	case 0:
		r.call("dbaas", "unknown", "PUT")
		r.dbPath(op, "/instances/")
		r.uri.raw(op.Target)
		r.uri.raw("/users/app")
		r.req.raw(`{"user":{"password":"XXXXXXXX"}}`)
	case 1:
		r.call("dbaas", "unknown", "POST")
		r.dbPath(op, "/instances/")
		r.uri.raw(op.Target)
		r.uri.raw("/root")
		if !op.Failed {
			r.resp.raw(`{"user":{"name":"root","password":"XXXXXXXX"}}`)
		}
	case 2:
		r.call("dbaas", "unknown", "POST")
		r.dbPath(op, "/instances/")
		r.uri.raw(op.Target)
		r.uri.raw("/action")
		r.req.raw(`{"restart":{}}`)
	default:
		r.call("dbaas", "unknown", "PUT")
		r.dbPath(op, "/instances/")
		r.uri.raw(op.Target)
		r.req.raw(`{"instance":{"configuration":"`)
		r.req = s.appendUUID(r.req)
		r.req.raw(`"}}`)
	}
	if op.Failed {
		r.resp.forbidden("trove:instance:update")
	}
}

// dbRestore is DBaaS POST /instances with a restore point: a new database
// from a backup.
func (w *writer) dbRestore(op *scenario.Op) {
	r := &w.rec
	r.call("dbaas", "unknown", "POST")
	r.dbPath(op, "/instances")
	name := w.name(op.Created, "db")
	size := pick(volumeSizes, op.Source)
	r.req.raw(`{"instance":{"name":`)
	r.req.str(name)
	r.req.raw(`,"flavorRef":`)
	r.req.str(pick(dbFlavors, op.Created))
	r.req.raw(`,"volume":{"size":`)
	r.req.num(size)
	r.req.raw(`,"type":"ceph-ssd"},"datastore":`)
	datastore(&r.req, op.Source)
	r.req.raw(`,"nics":[{"net-id":`)
	r.req.str(network(op.Account.ID))
	r.req.raw(`}],"availability_zone":`)
	r.req.str(pick(zones, op.Created))
	r.req.raw(`,"restorePoint":{"backupRef":`)
	r.req.str(op.Source)
	r.req.raw(`}}}`)
	if op.Failed {
		r.resp.forbidden("trove:instance:create")
		return
	}
	r.resp.raw(`{"instance":{"id":`)
	r.resp.str(op.Created)
	r.resp.raw(`,"name":`)
	r.resp.str(name)
	r.resp.raw(`,"status":"BUILD","flavor":{"id":`)
	r.resp.str(pick(dbFlavors, op.Created))
	r.resp.raw(`},"volume":{"size":`)
	r.resp.num(size)
	r.resp.raw(`},"datastore":`)
	datastore(&r.resp, op.Source)
	r.resp.raw(`,"created":`)
	r.resp.isoTime(op.Time)
	r.resp.raw(`,"updated":`)
	r.resp.isoTime(op.Time)
	r.resp.raw(`}}`)
}

// dbBackup is DBaaS POST /backups: VK's copy of a database (it decodes as
// db.backup).
func (w *writer) dbBackup(op *scenario.Op) {
	r := &w.rec
	r.call("dbaas", "unknown", "POST")
	r.dbPath(op, "/backups")
	name := w.name(op.Created, "backup")
	r.req.raw(`{"backup":{"name":`)
	r.req.str(name)
	r.req.raw(`,"instance":`)
	r.req.str(op.Source)
	r.req.raw(`,"description":""}}`)
	if op.Failed {
		r.resp.forbidden("trove:backup:create")
		return
	}
	r.resp.raw(`{"backup":{"id":`)
	r.resp.str(op.Created)
	r.resp.raw(`,"name":`)
	r.resp.str(name)
	r.resp.raw(`,"description":"","instance_id":`)
	r.resp.str(op.Source)
	r.resp.raw(`,"status":"NEW","locationRef":null,"size":null,"datastore":`)
	datastore(&r.resp, op.Source)
	r.resp.raw(`,"created":`)
	r.resp.isoTime(op.Time)
	r.resp.raw(`,"updated":`)
	r.resp.isoTime(op.Time)
	r.resp.raw(`}}`)
}
