package hunt_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

const (
	exA = "111122223333" // shares RDS and EBS snapshots with exB
	exB = "444455556666" // copies and restores them
)

// partition is one serve unit's Stream: its events come in batches of
// size, one second of wall clock apart, each released after it is added.
type partition struct {
	s       *hunt.Stream
	w       *hunt.Worker
	now     time.Time
	batch   int64
	last    map[string]finding.Finding // chain findings' last state
	lookups [][]string                 // what each lookup asked for
}

func newPartition(d *hunt.Detector) *partition {
	p := &partition{s: d.NewStream(0), w: d.NewWorker(), now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC),
		last: map[string]finding.Finding{}}
	p.s.Attach(p.w)
	return p
}

// lookupIn makes p fault in from st, recording each lookup.
func (p *partition) lookupIn(t testing.TB, st *store.Store) {
	p.s.SetLookup(func(ids []string) (*store.Snapshot, error) {
		p.lookups = append(p.lookups, slices.Clone(ids))
		return st.LoadStateOf(t.Context(), ids)
	})
}

func (p *partition) keep(f finding.Finding, _ int64) error {
	if old, ok := p.last[f.ID]; f.Rule.Kind == finding.KindChain && (!ok || f.Revision >= old.Revision) {
		p.last[f.ID] = f
	}
	return nil
}

func (p *partition) run(t testing.TB, events []*event.Event, size int) {
	t.Helper()
	for start := 0; start < len(events); start += size {
		p.batch++
		p.s.Begin(p.batch, p.now)
		for _, ev := range events[start:min(start+size, len(events))] {
			if err := p.w.Findings(ev, func(finding.Finding) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.s.Release(p.now, false, p.keep); err != nil {
			t.Fatal(err)
		}
		p.now = p.now.Add(time.Second)
	}
	if err := p.s.Release(p.now, true, p.keep); err != nil {
		t.Fatal(err)
	}
}

func inTimeOrder(evs []*event.Event) []*event.Event {
	out := slices.Clone(evs)
	slices.SortStableFunc(out, func(a, b *event.Event) int {
		return a.Time.Compare(b.Time)
	})
	return out
}

func ofAccount(evs []*event.Event, acct string) []*event.Event {
	var out []*event.Event
	for _, ev := range evs {
		if ev.Account == acct {
			out = append(out, ev)
		}
	}
	return out
}

// TestStream_FaultIn_Examples: the AWS example split as a keyed Kafka topic
// splits it — 111122223333's events in one partition, 444455556666's in
// another. A's Stream checkpoints to the shared store; B's, faulting in
// from it, yields each chain that reaches B as one Stream fed everything
// in time order does: same id, severity, revision, events, resources.
func TestStream_FaultIn_Examples(t *testing.T) {
	d := chainDetector(t, nil)
	events := inTimeOrder(exampleEvents(t, "aws"))
	if len(ofAccount(events, exA)) == 0 || len(ofAccount(events, exB)) == 0 {
		t.Fatal("the AWS example has no events of one of the two accounts")
	}
	whole := newPartition(d)
	whole.run(t, events, 5)
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		st, err := store.Open(t.Context(), b.Fresh(t))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		a := newPartition(d)
		a.run(t, ofAccount(events, exA), 5)
		delta, err := a.s.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.ApplyState(t.Context(), delta, nil); err != nil {
			t.Fatal(err)
		}

		part := newPartition(d)
		part.lookupIn(t, st)
		part.run(t, ofAccount(events, exB), 5)
		stats, _ := part.s.Stats()
		if stats.Lookups != len(part.lookups) || stats.Lookups == 0 {
			t.Errorf("stats count %d lookups, %d made", stats.Lookups, len(part.lookups))
		}
		crossing := 0
		for id, w := range whole.last {
			if !slices.ContainsFunc(w.Events, func(e finding.EventRef) bool { return strings.Contains(e.Actor, exB) }) {
				continue // no step of B's
			}
			crossing++
			g, ok := part.last[id]
			if !ok {
				t.Errorf("B's partition misses chain %s (%s %v)", id, w.Severity, actions(w))
				continue
			}
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			if string(gj) != string(wj) {
				t.Errorf("chain %s in B's partition:\n got %s\nwant %s", id, gj, wj)
			}
		}
		if crossing < 2 {
			t.Errorf("%d chains cross into B in the example, want the EBS and the RDS one", crossing)
		}
		t.Logf("%d lookups in B's partition, asking %v", len(part.lookups), part.lookups)
	})
}

// A small synthetic stream for the lookup counts: res builds resources.
func res(role event.Role, typ event.ResourceType, id string) event.Resource {
	return event.Resource{Role: role, Type: typ, ID: id}
}

// seen is when restored resources were last touched: within their
// time-to-live when the synthetic events come.
var seen = time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)

func synth(id string, m int, op string, a event.Action, rs ...event.Resource) *event.Event {
	return &event.Event{ID: id, Time: time.Date(2026, 11, 20, 2, m, 0, 0, time.UTC), Cloud: event.AWS, Account: exB,
		Operation: op, Action: a, Outcome: event.Success, Actor: event.Actor{ID: "mallory"}, Resources: rs}
}

// ownChain is a whole chain inside one account, whose first event's source
// and the security group are restored from a checkpoint: every resource
// referred to is known when its event is fed.
func ownChain() (known *store.Snapshot, evs []*event.Event) {
	known = &store.Snapshot{Resources: []store.Resource{
		{Cloud: "aws", ID: "vol-1", Type: "volume", Account: exB, Seen: seen},
		{Cloud: "aws", ID: "sg-1", Type: "security_group", Account: exB, Seen: seen},
	}}
	open := synth("o5", 5, "AuthorizeSecurityGroupIngress", event.IngressOpen, res(event.RoleTarget, event.SecurityGroup, "sg-1"))
	open.Ingress = []event.Ingress{{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"}}
	evs = []*event.Event{
		synth("o1", 1, "CreateSnapshot", event.SnapshotCreate, res(event.RoleSource, event.Volume, "vol-1"), res(event.RoleCreated, event.Snapshot, "snap-1")),
		synth("o2", 2, "CreateVolume", event.VolumeRestore, res(event.RoleSource, event.Snapshot, "snap-1"), res(event.RoleCreated, event.Volume, "vol-2")),
		synth("o3", 3, "RunInstances", event.InstanceCreate, res(event.RoleCreated, event.Instance, "i-1"), res(event.RoleTarget, event.SecurityGroup, "sg-1")),
		synth("o4", 4, "AttachVolume", event.VolumeAttach, res(event.RoleSource, event.Volume, "vol-2"), res(event.RoleTarget, event.Instance, "i-1")),
		open,
	}
	evs[0].Actor.ID = "alice"
	return known, evs
}

// TestStream_FaultIn_Lookups: no lookup when every resource referred to is
// known (fed one at a time, or made by an event of the same Release); one
// lookup per Release, each id once, otherwise; a failed lookup fails the
// Release and feeds nothing.
func TestStream_FaultIn_Lookups(t *testing.T) {
	d := chainDetector(t, nil)
	for _, size := range []int{1, 5} {
		t.Run(fmt.Sprint("batch=", size), func(t *testing.T) {
			known, evs := ownChain()
			p := newPartition(d)
			if err := p.s.Restore(known); err != nil {
				t.Fatal(err)
			}
			p.s.SetLookup(func(ids []string) (*store.Snapshot, error) {
				p.lookups = append(p.lookups, ids)
				return &store.Snapshot{}, nil
			})
			p.run(t, evs, size)
			if len(p.lookups) != 0 {
				t.Errorf("lookups %v, want none", p.lookups)
			}
			if len(p.last) != 1 {
				t.Errorf("%d chains, want 1", len(p.last))
			}
		})
	}

	known, _ := ownChain()
	p := newPartition(d)
	p.s.Restore(known)
	p.s.SetLookup(func(ids []string) (*store.Snapshot, error) {
		p.lookups = append(p.lookups, ids)
		return &store.Snapshot{}, nil
	})
	p.run(t, []*event.Event{
		synth("u1", 1, "CreateVolume", event.VolumeRestore, res(event.RoleSource, event.Snapshot, "snap-x"), res(event.RoleCreated, event.Volume, "vol-a")),
		synth("u2", 2, "CreateVolume", event.VolumeRestore, res(event.RoleSource, event.Snapshot, "snap-x"), res(event.RoleCreated, event.Volume, "vol-b")),
		synth("u3", 3, "AttachVolume", event.VolumeAttach, res(event.RoleSource, event.Volume, "vol-y"), res(event.RoleTarget, event.Instance, "i-y")),
	}, 3)
	if want := [][]string{{"i-y", "snap-x", "vol-y"}}; !slices.EqualFunc(p.lookups, want, slices.Equal) {
		t.Errorf("lookups %q, want %q", p.lookups, want)
	}

	q := newPartition(d)
	boom := errors.New("store down")
	q.s.SetLookup(func([]string) (*store.Snapshot, error) { return nil, boom })
	q.s.Begin(1, q.now)
	q.w.Findings(synth("f1", 1, "CreateVolume", event.VolumeRestore, res(event.RoleSource, event.Snapshot, "snap-x")), func(finding.Finding) error { return nil })
	if err := q.s.Release(q.now, true, q.keep); !errors.Is(err, boom) {
		t.Errorf("Release with the store down: %v, want %v", err, boom)
	}
	if st, _ := q.s.Stats(); q.s.Held() != 1 || st.Fed != 0 {
		t.Errorf("after a failed lookup: %d held, %d fed; want 1, 0", q.s.Held(), st.Fed)
	}
}

// TestStream_FaultIn_NotFound: an id looked up in vain is not asked for
// again within a minute of wall clock, and is after.
func TestStream_FaultIn_NotFound(t *testing.T) {
	d := chainDetector(t, nil)
	p := newPartition(d)
	// snap-9 is held; its parent, another partition's copy, is not stored.
	if err := p.s.Restore(&store.Snapshot{Resources: []store.Resource{
		{Cloud: "aws", ID: "snap-9", Type: "snapshot", Account: exA, Parent: "snap-8", Seen: seen}}}); err != nil {
		t.Fatal(err)
	}
	p.s.SetLookup(func(ids []string) (*store.Snapshot, error) {
		p.lookups = append(p.lookups, ids)
		return &store.Snapshot{}, nil
	})
	step := 0
	restoreAt := func(wait time.Duration) {
		step++
		p.now = p.now.Add(wait)
		p.run(t, []*event.Event{synth(fmt.Sprint("n", step), step, "CreateVolume", event.VolumeRestore,
			res(event.RoleSource, event.Snapshot, "snap-9"), res(event.RoleCreated, event.Volume, fmt.Sprint("vol-", step)))}, 1)
	}
	restoreAt(0)
	restoreAt(30 * time.Second)
	if len(p.lookups) != 1 || !slices.Equal(p.lookups[0], []string{"snap-8"}) {
		t.Errorf("within a minute: lookups %q, want one of snap-8", p.lookups)
	}
	restoreAt(time.Minute)
	if len(p.lookups) != 2 {
		t.Errorf("a minute later: lookups %q, want snap-8 asked again", p.lookups)
	}
	if st, _ := p.s.Stats(); st.Lookups != 2 || st.Asked != 2 || st.Missing != 2 {
		t.Errorf("stats %+v, want 2 lookups, 2 asked, 2 missing", st)
	}
}
