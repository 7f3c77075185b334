package scenario

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Options configure a run of the generator.
type Options struct {
	// Out is the directory written: one folder per cloud, truth.json and
	// the snapwarden.yaml the truth assumes.
	Out  string
	Seed uint64
	// Start is the first day (UTC midnight; default 2026-11-01).
	Start time.Time
	Days  int // default 1
	// Events is about how many events to write in all, background and
	// scenarios, over every cloud and day (default 10,000).
	Events int
	Clouds []Cloud
	// Progress, when set, is told the events written so far.
	Progress func(events int)
}

// Stats say what a run wrote.
type Stats struct {
	Events    int
	Bytes     int64 // uncompressed JSON
	Scenarios int
	Lookalike int
}

// Generate writes the logs, truth.json and snapwarden.yaml.
func Generate(opts Options) (Stats, error) {
	if len(opts.Clouds) == 0 {
		return Stats{}, errors.New("no cloud to generate")
	}
	opts.Days = max(opts.Days, 1)
	opts.Events = cmp.Or(opts.Events, 10_000)
	if opts.Start.IsZero() {
		opts.Start = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return Stats{}, err
	}
	var (
		st     Stats
		truth  = Truth{Seed: opts.Seed, Start: opts.Start, Days: opts.Days, Accounts: map[event.Cloud]string{}}
		worlds []*world
	)
	perDay := opts.Events / (len(opts.Clouds) * opts.Days)
	for _, c := range opts.Clouds {
		w := newWorld(c, opts.Seed)
		worlds = append(worlds, w)
		truth.Clouds = append(truth.Clouds, c.Name())
		truth.Accounts[c.Name()] = w.main.ID
		wr, err := c.NewWriter(filepath.Join(opts.Out, string(c.Name())))
		if err != nil {
			return st, err
		}
		g := &cloudGen{w: w, opts: &opts}
		plan := g.scenarios(&truth)
		for d := range opts.Days {
			ops := g.day(d, perDay, plan[d])
			for _, op := range ops {
				if err := wr.Write(op); err != nil {
					wr.Close()
					return st, fmt.Errorf("%s: %w", c.Name(), err)
				}
			}
			st.Events += len(ops)
			if opts.Progress != nil {
				opts.Progress(st.Events)
			}
		}
		n, err := wr.Close()
		st.Bytes += n
		if err != nil {
			return st, fmt.Errorf("%s: %w", c.Name(), err)
		}
		settle(truth.Scenarios)
		settle(truth.Lookalikes)
	}
	st.Scenarios, st.Lookalike = len(truth.Scenarios), len(truth.Lookalikes)
	if err := truth.write(filepath.Join(opts.Out, TruthFile)); err != nil {
		return st, err
	}
	return st, writeConfig(filepath.Join(opts.Out, ConfigFile), worlds)
}

// cloudGen makes one cloud's ops.
type cloudGen struct {
	w    *world
	opts *Options
}

// op makes an op of the main account at t.
func (g *cloudGen) op(t time.Time, k Kind, actor *Principal) *Op {
	return &Op{ID: g.w.cloud.EventID(g.w.r), Time: t, Kind: k, Account: g.w.main, Region: g.w.region, Actor: actor}
}

// day makes one day's ops in time order: the background (nightly backups
// and their expiry, CI set-up and teardown, a person's snapshot, a cloud
// service's scan, reads filling the budget) and the day's scenarios.
func (g *cloudGen) day(d, budget int, scenarios []*Op) []*Op {
	w, r := g.w, g.w.r
	start := g.opts.Start.AddDate(0, 0, d)
	at := func(h, m int) time.Time {
		return start.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(r.IntN(60_000))*time.Millisecond)
	}
	var ops []*Op
	// Nightly backups at 01:00, and the deletion of last week's.
	for i, vol := range slices.Concat(w.volumes, w.critical) {
		op := g.op(at(1, i), SnapshotCreate, w.backup)
		op.Source = vol
		op.Created = w.cloud.ResourceID(r, SnapshotID, w.main, w.region, fmt.Sprintf("nightly-%d-%02d", d, i))
		w.snaps[d] = append(w.snaps[d], op.Created)
		ops = append(ops, op)
	}
	for i, snap := range w.snaps[d-7] {
		op := g.op(at(1, 30+i), SnapshotDelete, w.backup)
		op.Target = snap
		ops = append(ops, op)
	}
	delete(w.snaps, d-7)
	// CI: a scratch volume and its snapshot, made and torn down.
	for run := range 3 {
		h := 8 + run*4
		vol := w.cloud.ResourceID(r, VolumeID, w.main, w.region, fmt.Sprintf("ci-scratch-%d-%d", d, run))
		snap := w.cloud.ResourceID(r, SnapshotID, w.main, w.region, fmt.Sprintf("ci-scratch-%d-%d-snap", d, run))
		steps := []struct {
			k                       Kind
			source, target, created string
		}{{VolumeCreate, "", "", vol}, {SnapshotCreate, vol, "", snap}, {SnapshotDelete, "", snap, ""}, {VolumeDelete, "", vol, ""}}
		for i, s := range steps {
			op := g.op(at(h, i*2), s.k, w.ci)
			op.Source, op.Target, op.Created = s.source, s.target, s.created
			ops = append(ops, op)
		}
	}
	// A person snapshots a test volume before an upgrade.
	op := g.op(at(10+r.IntN(6), r.IntN(60)), SnapshotCreate, w.human())
	op.Source = pick(r, w.tests)
	op.Created = w.cloud.ResourceID(r, SnapshotID, w.main, w.region, fmt.Sprintf("pre-upgrade-%d", d))
	ops = append(ops, op)

	ops = append(ops, scenarios...)
	reads, regions := w.cloud.Reads(), w.main.Regions
	readers := append(slices.Clone(w.humans), w.ci, w.backup)
	for n := budget - len(ops); n > 0; n-- {
		op := &Op{ID: w.cloud.EventID(r), Time: start.Add(time.Duration(r.Int64N(int64(24 * time.Hour)))),
			Kind: Read, Name: reads[r.IntN(len(reads))], Account: w.main, Region: regions[r.IntN(len(regions))], Actor: readers[r.IntN(len(readers))]}
		ops = append(ops, op)
	}
	slices.SortStableFunc(ops, func(a, b *Op) int { return a.Time.Compare(b.Time) })
	return ops
}
