package openstack

import (
	"slices"
	"time"
)

// project is what the writer knows of one project: the servers, images and
// groups it had before the run (its fleet, derived from the project id so
// that it is the same in every run), and the ids its ops made since, which
// reads pick from.
type project struct {
	id      string
	pool    [nSlots][]string
	names   map[string]string  // fleet ids → names
	servers map[string]*server // servers made by ops or in the fleet
	network string             // the project's tenant network
	subnet  string
	volType string // the default volume type's id
	images  []string
}

// server is what an instance payload tells of a server.
type server struct {
	id, name, image string
	host            string
	created         time.Time
	port, mac, ip   string
	flavor          int
	keyName         string
	user            string   // owner
	volumes         []string // attached, in order (the first boots a server without image)
}

// poolCap bounds each pool: reads name recent resources.
const poolCap = 64

var fleetImages = []string{"ubuntu-22.04-server", "ubuntu-24.04-server", "debian-12-generic", "rocky-9-genericcloud"}

// newProject derives a project's fleet from its id.
func newProject(id string) *project {
	d := deriveFrom("fleet\x00" + id)
	p := &project{id: id, names: map[string]string{}, servers: map[string]*server{}}
	p.network, p.subnet, p.volType = d.uuidString(), d.uuidString(), d.uuidString()
	for _, n := range fleetImages {
		img := d.uuidString()
		p.images = append(p.images, img)
		p.add(slotImage, img)
		p.names[img] = n
	}
	base := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	for i := range 6 {
		s := p.derivedServer(d.uuidString(), &d)
		s.name = "app-" + string(rune('a'+i)) + "-01"
		s.created = base.Add(time.Duration(d.intn(90*24)) * time.Hour)
		p.servers[s.id] = s
		p.add(slotServer, s.id)
		vol := d.uuidString()
		p.add(slotVolume, vol)
		p.names[vol] = s.name + "-root"
	}
	for _, n := range []string{"default", "app-internal"} {
		g := d.uuidString()
		p.add(slotGroup, g)
		p.names[g] = n
	}
	snap := d.uuidString()
	p.add(slotSnapshot, snap)
	p.names[snap] = "app-a-01-root-pre-upgrade"
	db := d.uuidString()
	p.add(slotDB, db)
	p.names[db] = "staging-db"
	return p
}

// derivedServer makes what a payload needs of a server the run did not
// create, from its id.
func (p *project) derivedServer(id string, d *derive) *server {
	s := &server{id: id, image: p.images[d.intn(len(p.images))], flavor: d.intn(len(flavors)),
		host: computeHost(id), created: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)}
	s.port, s.mac, s.ip = d.uuidString(), mac(d), "10.0.0."+itoa(10+d.intn(240))
	s.name = "server-" + prefix(id, 8)
	return s
}

// server returns what is known of id, deriving it the first time.
func (p *project) server(id string) *server {
	if s := p.servers[id]; s != nil {
		return s
	}
	d := deriveFrom("server\x00" + id)
	s := p.derivedServer(id, &d)
	p.servers[id] = s
	return s
}

// add puts id in a pool, dropping the oldest beyond poolCap.
func (p *project) add(k slot, id string) {
	if id == "" || slices.Contains(p.pool[k], id) {
		return
	}
	if len(p.pool[k]) >= poolCap {
		p.pool[k] = slices.Delete(p.pool[k], 0, 1)
	}
	p.pool[k] = append(p.pool[k], id)
}

// remove takes a deleted id out of its pool; a pool keeps at least one id.
func (p *project) remove(k slot, id string) {
	if i := slices.Index(p.pool[k], id); i >= 0 && len(p.pool[k]) > 1 {
		p.pool[k] = slices.Delete(p.pool[k], i, i+1)
	}
}

// pick chooses an id of kind k for a read.
func (p *project) pick(k slot, d *derive) string {
	if k == slotProject {
		return p.id
	}
	ids := p.pool[k]
	if len(ids) == 0 {
		return ""
	}
	return ids[d.intn(len(ids))]
}

// computeHost is the hypervisor a server runs on, stable for the server.
func computeHost(id string) string {
	d := deriveFrom(id)
	return "compute-" + pad2(1+d.intn(12))
}

func pad2(n int) string { return string(append2(nil, n)) }

// mac is a port's address in OpenStack's fa:16:3e prefix.
func mac(d *derive) string {
	v := d.next()
	b := []byte("fa:16:3e:00:00:00")
	for i := range 3 {
		x := byte(v >> (8 * i))
		b[9+3*i], b[10+3*i] = hexDigits[x>>4], hexDigits[x&0xf]
	}
	return string(b)
}

// flavor is a nova flavor as FlavorPayload shows it.
type flavor struct {
	name           string
	vcpus, ram, gb int
	id             string
}

var flavors = []flavor{
	{"m1.small", 1, 2048, 20, "2"},
	{"m1.medium", 2, 4096, 40, "3"},
	{"m1.large", 4, 8192, 80, "4"},
	{"c2.xlarge", 8, 16384, 80, "b1f0c2a6-4e1d-4a57-9c1e-3d2f8e5a7b10"},
}
