package scenario

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"

	"github.com/snapwarden/snapwarden/internal/event"
)

// world is one cloud's accounts, actors and resources for a run.
type world struct {
	cloud    Cloud
	r        *rand.Rand
	main     *Account // the company's production account
	dev      *Account // a second company account (trusted)
	outside  *Account // someone else's account
	humans   []*Principal
	backup   *Principal // nightly snapshots (trusted)
	ci       *Principal // Terraform-like set-up and teardown
	guard    *Principal // a cloud service scanning volumes; nil where there is none
	volumes  []string   // production volumes (not critical)
	critical []string   // prod-db-* volumes (critical by name)
	tests    []string   // test volumes
	dbs      []string   // prod-db-* databases (critical)
	nets     []string
	region   string
	// snaps are the backup snapshots by day, for their deletion a week on.
	snaps map[int][]string
}

// humanNames are the company's people (logins).
var humanNames = []string{"anna.ops", "boris.dev", "carla.sre", "dmitri.dba", "elena.sec", "farid.dev",
	"galina.ops", "hugo.data", "irina.dev", "jonas.sre", "kira.qa", "leo.support"}

// seedFor derives a cloud's generator from the run's seed and its name, so
// adding a cloud changes nothing in the others.
func seedFor(seed uint64, c event.Cloud) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(c))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

func newWorld(c Cloud, seed uint64) *world {
	r := seedFor(seed, c.Name())
	accts := c.Accounts(r, 3)
	w := &world{cloud: c, r: r, main: accts[0], dev: accts[1], outside: accts[2], snaps: map[int][]string{}}
	w.region = w.main.Regions[0]
	for _, n := range humanNames {
		w.humans = append(w.humans, c.NewPrincipal(r, Human, w.main, n))
	}
	w.backup = c.NewPrincipal(r, Automation, w.main, "backup-automation")
	w.ci = c.NewPrincipal(r, Automation, w.main, "terraform-ci")
	w.guard = c.NewPrincipal(r, ServiceAccount, w.main, "malware-scanner")
	for i := range 8 {
		w.volumes = append(w.volumes, c.ResourceID(r, VolumeID, w.main, w.region, fmt.Sprintf("prod-web-%02d-data", i+1)))
	}
	for i := range 3 {
		w.critical = append(w.critical, c.ResourceID(r, VolumeID, w.main, w.region, fmt.Sprintf("prod-db-%02d-data", i+1)))
		w.tests = append(w.tests, c.ResourceID(r, VolumeID, w.main, w.region, fmt.Sprintf("test-app-%02d-data", i+1)))
		w.nets = append(w.nets, c.ResourceID(r, NetID, w.main, w.region, fmt.Sprintf("web-tier-%02d", i+1)))
	}
	for _, n := range []string{"prod-db-orders", "prod-db-billing"} {
		w.dbs = append(w.dbs, c.ResourceID(r, DatabaseID, w.main, w.region, n))
	}
	return w
}

func (w *world) human() *Principal { return w.humans[w.r.IntN(len(w.humans))] }

// two returns two different people.
func (w *world) two() (*Principal, *Principal) {
	i := w.r.IntN(len(w.humans))
	j := (i + 1 + w.r.IntN(len(w.humans)-1)) % len(w.humans)
	return w.humans[i], w.humans[j]
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }
