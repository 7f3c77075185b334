package chain_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/chain"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

const (
	acctA = "111122223333"
	acctB = "444455556666"
	acctC = "777788889999"
)

func openStore(t testing.TB, b storetest.Backend) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), b.Fresh(t))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func checkpoint(t testing.TB, e *chain.Engine, s *store.Store, marks map[string]string) *store.StateDelta {
	t.Helper()
	d, err := e.Checkpoint()
	if err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
	if err := s.ApplyState(t.Context(), d, marks); err != nil {
		t.Fatalf("ApplyState: %v", err)
	}
	return d
}

// normalized puts a snapshot in one form: rows by key, links sorted, times
// in UTC, empty lists nil.
func normalized(s *store.Snapshot) *store.Snapshot {
	n := &store.Snapshot{HistoryStart: s.HistoryStart.UTC(), HistoryEnd: s.HistoryEnd.UTC()}
	for _, p := range s.Principals {
		p.FirstSeen, p.Created = p.FirstSeen.UTC(), p.Created.UTC()
		n.Principals = append(n.Principals, p)
	}
	for _, r := range s.Resources {
		r.Created, r.Seen = r.Created.UTC(), r.Seen.UTC()
		r.Links = slices.Sorted(slices.Values(r.Links))
		if len(r.Open) == 0 {
			r.Open = nil
		}
		n.Resources = append(n.Resources, r)
	}
	for _, c := range s.Chains {
		c.Updated = c.Updated.UTC()
		if len(c.Accounts) == 0 {
			c.Accounts = nil
		}
		if len(c.Resources) == 0 {
			c.Resources = nil
		}
		n.Chains = append(n.Chains, c)
	}
	slices.SortFunc(n.Principals, func(a, b store.Principal) int {
		return cmp.Or(strings.Compare(a.Cloud, b.Cloud), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(n.Resources, func(a, b store.Resource) int {
		return cmp.Or(strings.Compare(a.Cloud, b.Cloud), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(n.Chains, func(a, b store.Chain) int { return strings.Compare(a.ID, b.ID) })
	return n
}

// sameState fails with the first differing row of got and want.
func sameState(t testing.TB, what string, got, want *store.Snapshot) {
	t.Helper()
	g, w := normalized(got), normalized(want)
	if !g.HistoryStart.Equal(w.HistoryStart) || !g.HistoryEnd.Equal(w.HistoryEnd) {
		t.Fatalf("%s: history %v–%v, want %v–%v", what, g.HistoryStart, g.HistoryEnd, w.HistoryStart, w.HistoryEnd)
	}
	rows := func(name string, a, b any, n, m int, at func(i int) (any, any)) {
		for i := range min(n, m) {
			if x, y := at(i); !reflect.DeepEqual(x, y) {
				t.Fatalf("%s: %s %d:\n got %+v\nwant %+v", what, name, i, x, y)
			}
		}
		if n != m {
			t.Fatalf("%s: %d %ss, want %d", what, n, name, m)
		}
	}
	rows("principal", g, w, len(g.Principals), len(w.Principals), func(i int) (any, any) { return g.Principals[i], w.Principals[i] })
	rows("resource", g, w, len(g.Resources), len(w.Resources), func(i int) (any, any) { return g.Resources[i], w.Resources[i] })
	rows("chain", g, w, len(g.Chains), len(w.Chains), func(i int) (any, any) { return g.Chains[i], w.Chains[i] })
}

// streamGen makes random event streams over three accounts: snapshots,
// shares to the other accounts, restores in any account, instances,
// attachments, openings to the world, new principals, with time jumps past
// the chain window and the resources' time-to-live. Each resource id has
// one owning account, named in the events of other accounts, as decoders do.
type streamGen struct {
	r    *rand.Rand
	at   time.Time
	n    int
	snap []string // snapshots made so far
	vols []string // volumes (made or restored)
	inst []string
	own  map[string]string
}

func (g *streamGen) res(role event.Role, typ event.ResourceType, id, account string) event.Resource {
	r := event.Resource{Role: role, Type: typ, ID: id}
	if o := g.own[id]; o != "" && o != account {
		r.Account = o
	} else if o == "" {
		g.own[id] = account
	}
	return r
}

func (g *streamGen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *streamGen) next() *event.Event {
	g.n++
	switch x := g.r.IntN(40); {
	case x == 0:
		g.at = g.at.Add(time.Duration(20+g.r.IntN(20)) * time.Hour)
	case x < 6:
		g.at = g.at.Add(time.Duration(g.r.IntN(90)) * time.Minute)
	case x < 20:
		g.at = g.at.Add(time.Duration(g.r.IntN(600)) * time.Second)
	default: // often within a minute: no sweep runs, chains close unswept
		g.at = g.at.Add(time.Duration(g.r.IntN(50)) * time.Second)
	}
	accounts := []string{acctA, acctB, acctC}
	acct := g.pick(accounts)
	actor := g.pick([]string{"alice", "bob", "mallory", fmt.Sprintf("new-%d", g.n%7)})
	ev := &event.Event{ID: fmt.Sprintf("e%d", g.n), Time: g.at, Cloud: event.AWS, Account: acct, Outcome: event.Success, Actor: event.Actor{ID: actor}}
	switch k := g.r.IntN(9); {
	case k < 2 || len(g.vols) == 0:
		vol := fmt.Sprintf("vol-%s-%d", acct[:3], g.r.IntN(4))
		if len(g.vols) > 0 && g.r.IntN(2) == 0 {
			vol = g.pick(g.vols)
		}
		snap := fmt.Sprintf("snap-%d", g.n)
		ev.Operation, ev.Action = "CreateSnapshot", event.SnapshotCreate
		ev.Resources = []event.Resource{g.res(event.RoleSource, event.Volume, vol, acct), g.res(event.RoleCreated, event.Snapshot, snap, acct)}
		g.vols, g.snap = append(g.vols, vol), append(g.snap, snap)
	case k < 3 && len(g.snap) > 0:
		ev.Operation, ev.Action = "ModifySnapshotAttribute", event.SnapshotShare
		snap := g.pick(g.snap)
		ev.Account = cmp.Or(g.own[snap], acct)
		ev.Resources = []event.Resource{g.res(event.RoleTarget, event.Snapshot, snap, ev.Account)}
		ev.Shares = []event.Share{{Target: g.pick(accounts), Kind: "account"}}
	case k < 5 && len(g.snap) > 0:
		vol := fmt.Sprintf("vol-r%d", g.n)
		ev.Operation, ev.Action = "CreateVolume", event.VolumeRestore
		ev.Resources = []event.Resource{g.res(event.RoleSource, event.Snapshot, g.pick(g.snap), acct), g.res(event.RoleCreated, event.Volume, vol, acct)}
		g.vols = append(g.vols, vol)
	case k < 6:
		in := fmt.Sprintf("i-%d", g.n)
		ev.Operation, ev.Action = "RunInstances", event.InstanceCreate
		ev.Resources = []event.Resource{g.res(event.RoleCreated, event.Instance, in, acct), g.res(event.RoleTarget, event.SecurityGroup, fmt.Sprintf("sg-%s-%d", acct[:3], g.r.IntN(3)), acct)}
		g.inst = append(g.inst, in)
	case k < 8 && len(g.inst) > 0:
		ev.Operation, ev.Action = "AttachVolume", event.VolumeAttach
		ev.Resources = []event.Resource{g.res(event.RoleSource, event.Volume, g.pick(g.vols), acct), g.res(event.RoleTarget, event.Instance, g.pick(g.inst), acct)}
	case k < 8:
		ev.Operation, ev.Action = "CreateUser", event.PrincipalCreate
		ev.Resources = []event.Resource{{Role: event.RoleCreated, Type: event.Principal, ID: fmt.Sprintf("new-%d", (g.n+1)%7)}}
	default:
		ev.Operation, ev.Action = "AuthorizeSecurityGroupIngress", event.IngressOpen
		ev.Resources = []event.Resource{g.res(event.RoleTarget, event.SecurityGroup, fmt.Sprintf("sg-%s-%d", acct[:3], g.r.IntN(3)), acct)}
		ev.Ingress = []event.Ingress{{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"}}
	}
	return ev
}

// TestCheckpoint_Property: for random streams checkpointed every k events
// (and once restored mid-way from what the checkpoints stored), the store
// holds what the engine's Snapshot says, and each account's share of it
// is what a store saved whole from that Snapshot gives.
func TestCheckpoint_Property(t *testing.T) {
	rs := builtinChains(t)
	opts := chain.Options{Window: 3 * time.Hour, ResourceTTL: 6 * time.Hour, MaxResources: 60, MaxChains: 12}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		streams := 40
		if testing.Short() || b.Name == "postgres" {
			streams = 8
		}
		for seed := range streams {
			t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(seed), 13))
				g := &streamGen{r: r, at: t0, own: map[string]string{}}
				s := openStore(t, b)
				e, _ := chain.New(rs, opts)
				k := []int{1, 3, 7, 25}[seed%4]
				events := 200 + r.IntN(100)
				restoreAt := r.IntN(events)
				for i := range events {
					ev := g.next()
					e.Seen(ev.Cloud, ev.Actor.ID, ev.Time)
					feed(t, e, ev)
					if (i+1)%k != 0 {
						continue
					}
					checkpoint(t, e, s, map[string]string{"queue": fmt.Sprint(i)})
					if i >= restoreAt {
						restoreAt = events
						snap, err := s.LoadState(t.Context())
						if err != nil {
							t.Fatal(err)
						}
						e, _ = chain.New(rs, opts)
						if err := e.Restore(snap); err != nil {
							t.Fatal(err)
						}
					}
				}
				checkpoint(t, e, s, map[string]string{"queue": "end"})
				want, err := e.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.LoadState(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				sameState(t, "after the deltas", got, want)
				if d := checkpoint(t, e, s, nil); !d.Empty() {
					t.Errorf("checkpoint with nothing fed since: %+v", d)
				}
				if m, err := s.StateMarks(t.Context()); err != nil || m["queue"] != "end" {
					t.Errorf("marks %v, %v; want queue=end", m, err)
				}
				whole := openStore(t, b)
				if err := whole.SaveState(t.Context(), want); err != nil {
					t.Fatal(err)
				}
				for _, a := range []string{acctA, acctB, acctC} {
					got, err1 := s.LoadStateFor(t.Context(), []string{a})
					want, err2 := whole.LoadStateFor(t.Context(), []string{a})
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					sameState(t, "account "+a, got, want)
				}
			})
		}
	})
}

// crossAccount is A's snapshot shared with B and restored there by
// another actor, with unrelated work in C; then (the tail) B makes an
// instance, attaches the restored volume and opens it to the world.
func crossAccount() (head, tail []*event.Event) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	ev := func(id string, m int, acct, op string, a event.Action, actor string, rs ...event.Resource) *event.Event {
		return &event.Event{ID: id, Time: at(m), Cloud: event.AWS, Account: acct, Operation: op, Action: a,
			Outcome: event.Success, Actor: event.Actor{ID: actor}, Resources: rs}
	}
	res := func(role event.Role, typ event.ResourceType, id string) event.Resource {
		return event.Resource{Role: role, Type: typ, ID: id}
	}
	share := ev("a2", 5, acctA, "ModifySnapshotAttribute", event.SnapshotShare, "alice", res(event.RoleTarget, event.Snapshot, "snap-1"))
	share.Shares = []event.Share{{Target: acctB, Kind: "account"}}
	restored := res(event.RoleSource, event.Snapshot, "snap-1")
	restored.Account = acctA
	open := ev("b4", 40, acctB, "AuthorizeSecurityGroupIngress", event.IngressOpen, "mallory", res(event.RoleTarget, event.SecurityGroup, "sg-9"))
	open.Ingress = []event.Ingress{{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"}}
	head = []*event.Event{
		ev("a1", 0, acctA, "CreateSnapshot", event.SnapshotCreate, "alice", res(event.RoleSource, event.Volume, "vol-1"), res(event.RoleCreated, event.Snapshot, "snap-1")),
		ev("c1", 1, acctC, "CreateSnapshot", event.SnapshotCreate, "carol", res(event.RoleSource, event.Volume, "vol-c"), res(event.RoleCreated, event.Snapshot, "snap-c")),
		share,
		ev("c2", 8, acctC, "CreateVolume", event.VolumeRestore, "dave", res(event.RoleSource, event.Snapshot, "snap-c"), res(event.RoleCreated, event.Volume, "vol-cr")),
		ev("b1", 10, acctB, "CreateVolume", event.VolumeRestore, "mallory", restored, res(event.RoleCreated, event.Volume, "vol-9")),
	}
	tail = []*event.Event{
		ev("b2", 20, acctB, "RunInstances", event.InstanceCreate, "mallory", res(event.RoleCreated, event.Instance, "i-9"), res(event.RoleTarget, event.SecurityGroup, "sg-9")),
		ev("b3", 30, acctB, "AttachVolume", event.VolumeAttach, "mallory", res(event.RoleSource, event.Volume, "vol-9"), res(event.RoleTarget, event.Instance, "i-9")),
		open,
	}
	return head, tail
}

// TestLoadStateFor_CrossAccount: B's share of the state, loaded alone into
// a new engine, completes the chain A's share started with the same
// finding as one engine fed everything; C's work is not loaded.
func TestLoadStateFor_CrossAccount(t *testing.T) {
	rs := builtinChains(t)
	head, tail := crossAccount()
	whole, _ := chain.New(rs, chain.Options{})
	want := feed(t, whole, append(slices.Clone(head), tail...)...)
	if len(want) == 0 {
		t.Fatal("the whole stream gives no finding")
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := checkpointed(t, b, rs, head)
		snap, err := s.LoadStateFor(t.Context(), []string{acctB})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range snap.Resources {
			ids = append(ids, r.ID)
		}
		if !slices.Contains(ids, "snap-1") || !slices.Contains(ids, "vol-9") || slices.Contains(ids, "snap-c") || slices.Contains(ids, "vol-cr") {
			t.Errorf("B's resources %v: want snap-1 (A's, shared) and vol-9, not C's", ids)
		}
		if len(snap.Chains) != 1 || snap.Chains[0].Account != acctA {
			t.Fatalf("B's chains %+v: want A's one chain", snap.Chains)
		}
		part, _ := chain.New(rs, chain.Options{})
		if err := part.Restore(snap); err != nil {
			t.Fatal(err)
		}
		got := feed(t, part, tail...)
		if len(got) == 0 {
			t.Fatal("B's engine gives no finding")
		}
		a, _ := json.Marshal(want[len(want)-1])
		g, _ := json.Marshal(got[len(got)-1])
		if string(a) != string(g) {
			t.Errorf("B's engine:\n got %s\nwant %s", g, a)
		}
		if got[len(got)-1].Severity < finding.High {
			t.Errorf("severity %v, want at least high", got[len(got)-1].Severity)
		}
	})
}

// checkpointed is a store holding the state of an engine fed events, with
// a checkpoint after each.
func checkpointed(t *testing.T, b storetest.Backend, rs []*rule.Rule, events []*event.Event) *store.Store {
	t.Helper()
	s := openStore(t, b)
	e, _ := chain.New(rs, chain.Options{})
	for _, ev := range events {
		feed(t, e, ev)
		checkpoint(t, e, s, nil)
	}
	return s
}

// TestCheckpoint_invalidUTF8: ids with bytes that are not UTF-8 (logs are
// written by attackers too) survive a checkpoint byte for byte: the chain
// restored from it goes on as the engine that never stopped.
func TestCheckpoint_invalidUTF8(t *testing.T) {
	rs := builtinChains(t)
	head, tail := crossAccount()
	odd := strings.NewReplacer("snap-1", "snap-\xff1", "vol-9", "vol-\xfe\x009")
	for _, ev := range append(slices.Clone(head), tail...) {
		for i := range ev.Resources {
			ev.Resources[i].ID = odd.Replace(ev.Resources[i].ID)
		}
	}
	whole, _ := chain.New(rs, chain.Options{})
	want := feed(t, whole, append(slices.Clone(head), tail...)...)
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := checkpointed(t, b, rs, head)
		snap, err := s.LoadState(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		restored, _ := chain.New(rs, chain.Options{})
		if err := restored.Restore(snap); err != nil {
			t.Fatal(err)
		}
		got := feed(t, restored, tail...)
		if len(got) == 0 || !reflect.DeepEqual(got[len(got)-1], want[len(want)-1]) {
			t.Errorf("restored engine: %d findings, the last %+v\nwant %+v", len(got), got, want[len(want)-1])
		}
	})
}

// TestCheckpoint_Delta: a delta holds what changed and no more; a closed
// chain and an evicted resource are deleted.
func TestCheckpoint_Delta(t *testing.T) {
	e, _ := chain.New(builtinChains(t), chain.Options{Window: time.Hour, ResourceTTL: 2 * time.Hour})
	feed(t, e, snapshot(1, t0, "alice"), snapshot(2, t0.Add(time.Minute), "alice"))
	d, err := e.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Resources) != 4 || len(d.Chains) != 2 || len(d.Principals) != 1 || d.Full {
		t.Fatalf("first delta: %d resources, %d chains, %d principals, full %v", len(d.Resources), len(d.Chains), len(d.Principals), d.Full)
	}
	if d, _ := e.Checkpoint(); !d.Empty() || !d.HistoryEnd.Equal(t0.Add(time.Minute)) {
		t.Errorf("nothing fed: %+v", d)
	}
	feed(t, e, restore(1, t0.Add(2*time.Minute), "bob"))
	d, _ = e.Checkpoint()
	var ids []string
	for _, r := range d.Resources {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{"snap-1", "vol-r1"}) || len(d.Chains) != 1 || d.Chains[0].Updated.IsZero() {
		t.Errorf("after a restore: resources %v, chains %+v", ids, d.Chains)
	}
	// Past the window, the chains close. The first is closed by time alone
	// (no sweep runs within a minute of the last), the second by a sweep.
	feed(t, e, snapshot(3, t0.Add(59*time.Minute+30*time.Second), "alice"))
	feed(t, e, snapshot(4, t0.Add(60*time.Minute+10*time.Second), "alice"))
	if st := e.Stats(); st.Evicted != 0 {
		t.Fatalf("a sweep ran: %+v", st)
	}
	d, _ = e.Checkpoint()
	if want := []string{finding.ID(rs0(t), "c1")}; !slices.Equal(d.DeletedChains, want) {
		t.Errorf("deleted chains %v, want %v (past its window, not swept)", d.DeletedChains, want)
	}
	feed(t, e, snapshot(5, t0.Add(90*time.Minute), "alice"))
	d, _ = e.Checkpoint()
	if want := []string{finding.ID(rs0(t), "c2")}; !slices.Equal(d.DeletedChains, want) {
		t.Errorf("deleted chains %v, want %v (swept)", d.DeletedChains, want)
	}
	feed(t, e, snapshot(6, t0.Add(5*time.Hour), "alice"))
	d, _ = e.Checkpoint()
	gone := map[string]bool{}
	for _, k := range d.DeletedResources {
		gone[k.ID] = true
	}
	for _, id := range []string{"vol-1", "snap-1", "vol-2", "snap-2", "vol-r1"} {
		if !gone[id] {
			t.Errorf("%s past its TTL not deleted: %v", id, d.DeletedResources)
		}
	}
}

func rs0(t testing.TB) string { return builtinChains(t)[0].ID }

// TestCheckpoint_Lost: an engine nobody checkpoints stops tracking once
// evictions outnumber the live state, and its next delta is the whole
// state.
func TestCheckpoint_Lost(t *testing.T) {
	e, _ := chain.New(builtinChains(t), chain.Options{MaxResources: 100, MaxChains: 10, Window: time.Minute, ResourceTTL: time.Minute})
	for i := range 40_000 {
		feed(t, e, snapshot(i, t0.Add(time.Duration(i)*time.Minute), "alice"))
	}
	d, err := e.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := e.Snapshot()
	if !d.Full || len(d.Resources) != len(snap.Resources) || len(d.DeletedResources) != 0 {
		t.Errorf("delta after %d evictions: full %v, %d resources (state %d), %d deleted", e.Stats().Evicted, d.Full, len(d.Resources), len(snap.Resources), len(d.DeletedResources))
	}
	feed(t, e, snapshot(-1, t0.Add(50_000*time.Minute), "alice"))
	if d, _ := e.Checkpoint(); d.Full || len(d.Resources) != 2 {
		t.Errorf("next delta: full %v, %d resources, want 2", d.Full, len(d.Resources))
	}
}

// BenchmarkCheckpoint: the delta of 500 copies (1,000 resources, 500
// chains, one principal) fed since the last checkpoint.
func BenchmarkCheckpoint(b *testing.B) {
	e, _ := chain.New(builtinChains(b), chain.Options{})
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for range 500 {
			feed(b, e, snapshot(i, t0.Add(time.Duration(i)*time.Millisecond), "alice"))
			i++
		}
		b.StartTimer()
		d, err := e.Checkpoint()
		if err != nil || len(d.Resources) != 1000 {
			b.Fatalf("%d resources, %v", len(d.Resources), err)
		}
	}
}
