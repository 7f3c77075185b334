package aws_test

import (
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/aws"
)

// fixture is a small AWS world: the company's account, someone else's,
// people, a tool and GuardDuty's role.
type fixture struct {
	c                 *aws.Cloud
	r                 *rand.Rand
	main, dev, other  *scenario.Account
	cli, console, bot *scenario.Principal
	guard, stranger   *scenario.Principal
	region            string
	at                time.Time
}

func newFixture(t testing.TB, plain bool) *fixture {
	t.Helper()
	c := &aws.Cloud{Plain: plain}
	r := rand.New(rand.NewPCG(7, 11))
	accts := c.Accounts(r, 3)
	f := &fixture{c: c, r: r, main: accts[0], dev: accts[1], other: accts[2], region: accts[0].Regions[0],
		at: time.Date(2026, 11, 3, 2, 17, 41, 0, time.UTC)}
	// Draw people until both a CLI user and a console user turn up.
	for i := 0; f.cli == nil || f.console == nil; i++ {
		p := c.NewPrincipal(r, scenario.Human, f.main, "person"+string(rune('a'+i)))
		if strings.HasPrefix(p.UserAgent, "Mozilla/") {
			f.console = p
		} else {
			f.cli = p
		}
	}
	f.bot = c.NewPrincipal(r, scenario.Automation, f.main, "backup-automation")
	f.guard = c.NewPrincipal(r, scenario.ServiceAccount, f.main, "malware-scanner")
	f.stranger = c.NewPrincipal(r, scenario.Human, f.other, "operator")
	return f
}

func (f *fixture) id(kind scenario.ResourceKind, name string) string {
	return f.c.ResourceID(f.r, kind, f.main, f.region, name)
}

// op makes an op of the main account by actor.
func (f *fixture) op(kind scenario.Kind, actor *scenario.Principal) *scenario.Op {
	f.at = f.at.Add(time.Minute)
	return &scenario.Op{ID: f.c.EventID(f.r), Time: f.at, Kind: kind, Account: f.main, Region: f.region, Actor: actor}
}

// write renders ops into a fresh directory and returns it and the bytes
// Close reported.
func write(t testing.TB, c *aws.Cloud, ops ...*scenario.Op) (string, int64) {
	t.Helper()
	dir := t.TempDir()
	w, err := c.NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if err := w.Write(op); err != nil {
			t.Fatalf("Write %v: %v", op.Kind, err)
		}
	}
	n, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return dir, n
}

// files lists the files under dir, sorted.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// decodeDir decodes every file under dir with the CloudTrail decoder and
// fails on any bad record.
func decodeDir(t testing.TB, dir string) []*event.Event {
	t.Helper()
	return decodetest.DecodeFiles(t, cloudtrail.Format{}, nil, files(t, dir)...).Clean(t)
}

// render writes ops and decodes them back, by event id.
func render(t testing.TB, c *aws.Cloud, ops ...*scenario.Op) map[string]*event.Event {
	t.Helper()
	dir, _ := write(t, c, ops...)
	out := map[string]*event.Event{}
	for _, e := range decodeDir(t, dir) {
		if out[e.ID] != nil {
			t.Errorf("event id %s decoded twice", e.ID)
		}
		out[e.ID] = e
	}
	if len(out) != len(ops) {
		t.Errorf("%d ops decoded as %d events", len(ops), len(out))
	}
	return out
}
