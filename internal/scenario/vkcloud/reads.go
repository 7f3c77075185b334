package vkcloud

import (
	"strconv"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// VK's action log records changes only: its event lists (Nova, Cinder,
// Neutron, Octavia, IAM) name no read-only call, and GETs are not logged.
// The background the generator calls reads is therefore VK's everyday
// traffic that touches no copy: sign-ins, consoles, server starts and
// reboots, ports, floating IPs, networks, security groups, load balancers.
// Each decodes with no action. The ids they touch are drawn from the
// record's own sequence.

// readCall renders one kind of background call into w.rec.
type readCall struct {
	name   string // VK's action name
	render func(r *rec, op *scenario.Op, s *seq)
}

// readCalls are the background calls, by VK action name.
var readCalls = []readCall{
	{"vm-action", func(r *rec, op *scenario.Op, s *seq) {
		r.call("nova", "vm-action", "POST")
		serverPath(r, s, "/action")
		r.req.raw(serverActions[s.intn(len(serverActions))])
	}},
	{"update-vm", func(r *rec, op *scenario.Op, s *seq) {
		r.call("nova", "update-vm", "PUT")
		id := len(r.uri) + len("/v2.1/servers/")
		serverPath(r, s, "")
		r.req.raw(`{"server":{"description":"owner: `)
		r.req.raw(op.Actor.Name)
		r.req.raw(`"}}`)
		r.resp.raw(`{"server":{"id":"`)
		r.resp = append(r.resp, r.uri[id:id+36]...)
		r.resp.raw(`","status":"ACTIVE","tenant_id":"`)
		r.resp.raw(op.Account.ID)
		r.resp.raw(`","user_id":"`)
		r.resp.raw(op.Actor.ID)
		r.resp.raw(`","updated":`)
		r.resp.isoTime(op.Time)
		r.resp.raw(`,"OS-DCF:diskConfig":"MANUAL"}}`)
	}},
	{"vm-create-console", func(r *rec, op *scenario.Op, s *seq) {
		r.call("nova", "vm-create-console", "POST")
		serverPath(r, s, "/remote-consoles")
		r.req.raw(`{"remote_console":{"protocol":"vnc","type":"novnc"}}`)
		r.resp.raw(`{"remote_console":{"protocol":"vnc","type":"novnc","url":"https://infra.mail.ru:6080/vnc_auto.html?path=%3Ftoken%3D`)
		r.resp = s.appendUUID(r.resp)
		r.resp.raw(`"}}`)
	}},
	{"vm-attach-interface", func(r *rec, op *scenario.Op, s *seq) {
		r.call("nova", "vm-attach-interface", "POST")
		serverPath(r, s, "/os-interface")
		r.req.raw(`{"interfaceAttachment":{"net_id":"`)
		r.req = s.appendUUID(r.req)
		r.req.raw(`"}}`)
		r.resp.raw(`{"interfaceAttachment":{"port_state":"DOWN","port_id":"`)
		r.resp = s.appendUUID(r.resp)
		r.resp.raw(`","mac_addr":"fa:16:3e:`)
		mac := s.next()
		for i := range 3 {
			if i > 0 {
				r.resp = append(r.resp, ':')
			}
			r.resp = appendHex(r.resp, mac>>(8*i)&0xff, 2)
		}
		r.resp.raw(`","fixed_ips":[{"ip_address":"10.0.`)
		r.resp.num(s.intn(4))
		r.resp.raw(`.`)
		r.resp.num(2 + s.intn(250))
		r.resp.raw(`"}]}}`)
	}},
	{"vm-detach-interface", func(r *rec, op *scenario.Op, s *seq) {
		r.call("nova", "vm-detach-interface", "DELETE")
		serverPath(r, s, "/os-interface/")
		r.uri = s.appendUUID(r.uri)
	}},
	{"server-groups-create", func(r *rec, op *scenario.Op, s *seq) {
		r.call("nova", "server-groups-create", "POST")
		r.uri.raw("/v2.1/os-server-groups")
		r.req.raw(`{"server_group":{"name":"app-aa-`)
		r.req.num(s.intn(100))
		r.req.raw(`","policies":["anti-affinity"]}}`)
		r.resp.raw(`{"server_group":{"id":"`)
		r.resp = s.appendUUID(r.resp)
		r.resp.raw(`","policies":["anti-affinity"],"members":[],"metadata":{}}}`)
	}},
	{"keypair-delete", func(r *rec, op *scenario.Op, s *seq) {
		r.call("nova", "keypair-delete", "DELETE")
		r.uri.raw("/v2.1/os-keypairs/old-key-")
		r.uri.num(s.intn(50))
	}},
	{"update-volume", func(r *rec, op *scenario.Op, s *seq) {
		r.call("cinder", "update-volume", "PUT")
		r.cinderPath(op, "/volumes/")
		r.uri = s.appendUUID(r.uri)
		r.req.raw(`{"volume":{"description":"managed by `)
		r.req.raw(op.Actor.Name)
		r.req.raw(`"}}`)
	}},
	{"action-volume", func(r *rec, op *scenario.Op, s *seq) {
		r.call("cinder", "action-volume", "POST")
		r.cinderPath(op, "/volumes/")
		r.uri = s.appendUUID(r.uri)
		r.uri.raw("/action")
		r.req.raw(`{"os-extend":{"new_size":`)
		r.req.num(volumeSizes[1+s.intn(len(volumeSizes)-1)])
		r.req.raw(`}}`)
	}},
	{"update-snapshot", func(r *rec, op *scenario.Op, s *seq) {
		r.call("cinder", "update-snapshot", "PUT")
		r.cinderPath(op, "/snapshots/")
		r.uri = s.appendUUID(r.uri)
		r.req.raw(`{"snapshot":{"description":"keep until release"}}`)
	}},
	{"create-port", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "create-port", "POST")
		r.uri.raw("/v2.0/ports")
		r.req.raw(`{"port":{"network_id":"`)
		r.req = s.appendUUID(r.req)
		r.req.raw(`","admin_state_up":true}}`)
		r.resp.raw(`{"port":{"id":"`)
		r.resp = s.appendUUID(r.resp)
		r.resp.raw(`","status":"DOWN","admin_state_up":true,"project_id":"`)
		r.resp.raw(op.Account.ID)
		r.resp.raw(`","created_at":`)
		r.resp.isoTime(op.Time)
		r.resp.raw(`}}`)
	}},
	{"update-port", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "update-port", "PUT")
		r.uri.raw("/v2.0/ports/")
		r.uri = s.appendUUID(r.uri)
		r.req.raw(`{"port":{"name":"lb-vip-`)
		r.req.num(s.intn(20))
		r.req.raw(`"}}`)
	}},
	{"delete-port", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "delete-port", "DELETE")
		r.uri.raw("/v2.0/ports/")
		r.uri = s.appendUUID(r.uri)
	}},
	{"create-security-group", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "create-security-group", "POST")
		r.uri.raw("/v2.0/security-groups")
		r.req.raw(`{"security_group":{"name":"app-`)
		r.req.num(s.intn(100))
		r.req.raw(`","description":""}}`)
		r.resp.raw(`{"security_group":{"id":"`)
		r.resp = s.appendUUID(r.resp)
		r.resp.raw(`","project_id":"`)
		r.resp.raw(op.Account.ID)
		r.resp.raw(`","security_group_rules":[]}}`)
	}},
	{"update-security-group", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "update-security-group", "PUT")
		r.uri.raw("/v2.0/security-groups/")
		r.uri = s.appendUUID(r.uri)
		r.req.raw(`{"security_group":{"description":"internal only"}}`)
	}},
	{"delete-security-group-rule", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "delete-security-group-rule", "DELETE")
		r.uri.raw("/v2.0/security-group-rules/")
		r.uri = s.appendUUID(r.uri)
	}},
	{"create-floating-ip", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "create-floating-ip", "POST")
		r.uri.raw("/v2.0/floatingips")
		r.req.raw(`{"floatingip":{"floating_network_id":"` + extNet + `"}}`)
		r.resp.raw(`{"floatingip":{"id":"`)
		r.resp = s.appendUUID(r.resp)
		r.resp.raw(`","floating_network_id":"` + extNet + `","floating_ip_address":"89.208.`)
		r.resp.num(s.intn(256))
		r.resp.raw(`.`)
		r.resp.num(1 + s.intn(254))
		r.resp.raw(`","status":"DOWN","port_id":null,"project_id":"`)
		r.resp.raw(op.Account.ID)
		r.resp.raw(`"}}`)
	}},
	{"update-floating-ip", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "update-floating-ip", "PUT")
		r.uri.raw("/v2.0/floatingips/")
		r.uri = s.appendUUID(r.uri)
		r.req.raw(`{"floatingip":{"port_id":"`)
		r.req = s.appendUUID(r.req)
		r.req.raw(`"}}`)
	}},
	{"delete-floating-ip", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "delete-floating-ip", "DELETE")
		r.uri.raw("/v2.0/floatingips/")
		r.uri = s.appendUUID(r.uri)
	}},
	{"create-network", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "create-network", "POST")
		r.uri.raw("/v2.0/networks")
		r.req.raw(`{"network":{"name":"net-`)
		r.req.num(s.intn(100))
		r.req.raw(`","admin_state_up":true}}`)
		r.resp.raw(`{"network":{"id":"`)
		r.resp = s.appendUUID(r.resp)
		r.resp.raw(`","status":"ACTIVE","mtu":1500,"project_id":"`)
		r.resp.raw(op.Account.ID)
		r.resp.raw(`"}}`)
	}},
	{"create-subnet", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "create-subnet", "POST")
		r.uri.raw("/v2.0/subnets")
		r.req.raw(`{"subnet":{"network_id":"`)
		r.req = s.appendUUID(r.req)
		r.req.raw(`","ip_version":4,"cidr":"10.`)
		r.req.num(s.intn(256))
		r.req.raw(`.0.0/24","enable_dhcp":true}}`)
	}},
	{"add-interface-to-router", func(r *rec, op *scenario.Op, s *seq) {
		r.call("neutron", "add-interface-to-router", "PUT")
		r.uri.raw("/v2.0/routers/")
		r.uri = s.appendUUID(r.uri)
		r.uri.raw("/add_router_interface")
		r.req.raw(`{"subnet_id":"`)
		r.req = s.appendUUID(r.req)
		r.req.raw(`"}`)
	}},
	{"create-load-balancer", func(r *rec, op *scenario.Op, s *seq) {
		r.call("octavia", "create-load-balancer", "POST")
		r.uri.raw("/v2/lbaas/loadbalancers")
		r.req.raw(`{"loadbalancer":{"name":"lb-`)
		r.req.num(s.intn(100))
		r.req.raw(`","vip_subnet_id":"`)
		r.req = s.appendUUID(r.req)
		r.req.raw(`"}}`)
	}},
	{"update-listener", func(r *rec, op *scenario.Op, s *seq) {
		r.call("octavia", "update-listener", "PUT")
		r.uri.raw("/v2/lbaas/listeners/")
		r.uri = s.appendUUID(r.uri)
		r.req.raw(`{"listener":{"timeout_client_data":50000}}`)
	}},
	{"user-signin", func(r *rec, op *scenario.Op, s *seq) {
		r.call("iam", "user-signin", "POST")
		r.uri.raw("/auth/v1/signin")
		r.req.raw("<BINARY_DATA>")
	}},
	{"user-signout", func(r *rec, op *scenario.Op, s *seq) {
		r.call("iam", "user-signout", "POST")
		r.uri.raw("/auth/v1/signout")
	}},
}

// serverActions are the bodies of everyday server actions.
var serverActions = []string{`{"os-start":null}`, `{"os-stop":null}`, `{"reboot":{"type":"SOFT"}}`, `{"reboot":{"type":"HARD"}}`}

// extNet is VK's external network (ext-net), where floating IPs come from.
const extNet = "298117ae-3fa4-4109-9e08-8be5602be5a2"

// readIndex finds a background call by name.
var readIndex = func() map[string]int {
	m := make(map[string]int, len(readCalls))
	for i, c := range readCalls {
		m[c.name] = i
	}
	return m
}()

// Reads returns the background calls' action names.
func (*Cloud) Reads() []string {
	out := make([]string, len(readCalls))
	for i, c := range readCalls {
		out[i] = c.name
	}
	return out
}

// serverPath writes /v2.1/servers/<a server id><rest>.
func serverPath(r *rec, s *seq, rest string) {
	r.uri.raw("/v2.1/servers/")
	r.uri = s.appendUUID(r.uri)
	r.uri.raw(rest)
}

// read renders a background call; an unknown name is an error.
func (w *writer) read(op *scenario.Op, s *seq) error {
	i, ok := readIndex[op.Name]
	if !ok {
		return errUnknownRead(op.Name)
	}
	readCalls[i].render(&w.rec, op, s)
	return nil
}

type errUnknownRead string

func (e errUnknownRead) Error() string {
	return "vkcloud: unknown background call " + strconv.Quote(string(e))
}
