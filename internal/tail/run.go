package tail

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Run follows the files until ctx ends, then returns nil: cancellation is
// not a failure. deliver receives each chunk, in file order per file; a
// file's position advances, and is saved, only after deliver returns nil,
// so a failed chunk is offered again at the next poll and a crash between
// deliver and the save delivers it twice, never not at all. Run fails only
// when the stored positions cannot be loaded, or when called twice.
func (t *Tailer) Run(ctx context.Context, deliver func(context.Context, Chunk) error) error {
	if !t.running.CompareAndSwap(false, true) {
		return errors.New("tail: Run called twice")
	}
	t.loaded = map[string]Position{}
	if t.opts.Positions != nil {
		loaded, err := t.opts.Positions.Load(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("tail: %w", err)
		}
		t.loaded = loaded
	}
	t.started = time.Now()
	t.log.Info("tailing", "dirs", t.opts.Dirs, "positions", len(t.loaded))
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		t.poll(ctx, deliver)
		timer.Reset(t.opts.Poll)
	}
}

// poll scans once, matches what it found with what it follows, and
// delivers what is new.
func (t *Tailer) poll(ctx context.Context, deliver func(context.Context, Chunk) error) {
	now := time.Now()
	t.reconcile(ctx, t.scan(), now)
	for _, path := range slices.Sorted(maps.Keys(t.files)) {
		if ctx.Err() != nil {
			return
		}
		t.follow(ctx, t.files[path], now, deliver)
	}
}

// reconcile moves the followed files to where the scan found them: same
// path and identity stays; a known identity under another path is a rename,
// followed there; what the scan does not find goes missing (and is
// forgotten after Forget); new paths start at their stored position when it
// is for the same file, else at 0.
func (t *Tailer) reconcile(ctx context.Context, found map[string]entry, now time.Time) {
	byID := map[string]string{}
	for path, e := range found {
		if e.id != "" {
			byID[e.id] = path
		}
	}
	next := make(map[string]*file, len(found))
	var moved []*file
	for path, f := range t.files {
		if e, ok := found[path]; ok && e.id == f.Identity {
			next[path] = f
		} else {
			moved = append(moved, f)
		}
	}
	candidates := append(moved, t.missing...)
	for _, f := range candidates {
		to, ok := byID[f.Identity]
		if f.Identity == "" || !ok || next[to] != nil {
			if f.gone.IsZero() {
				f.gone = now
				t.log.Debug("file gone", keyFile, f.Path)
			}
			continue
		}
		if to != f.Path {
			t.renames.Add(1)
			t.log.Info("file renamed", keyFile, to, "from", f.Path)
			f.renamedFrom(f.Path)
			f.Path = to
		}
		f.gone = time.Time{}
		next[to] = f
	}
	var missing []*file
	for _, f := range candidates {
		if !f.gone.IsZero() {
			if now.Sub(f.gone) < t.opts.Forget {
				missing = append(missing, f)
			} else if next[f.Path] == nil {
				t.forget(ctx, f.Path)
			}
		}
	}
	t.missing = missing

	var fresh []entry
	for path, e := range found {
		if next[path] == nil {
			fresh = append(fresh, e)
		}
	}
	for _, f := range t.adopt(fresh, now) {
		next[f.Path] = f
	}
	for _, f := range next {
		f.observe(found[f.Path], now)
	}
	t.files = next
	t.filesWatched.Store(int64(len(next)))

	if len(t.loaded) > 0 && now.Sub(t.started) >= t.opts.Forget {
		for path := range t.loaded {
			if next[path] == nil {
				t.forget(ctx, path)
			}
		}
		clear(t.loaded)
	}
}

// adopt starts following files the scan found at paths nothing followed:
// each from its stored position when that is this file's (under this path,
// or under another one it was renamed from while snapwarden was stopped),
// else from 0. Positions under the same path are matched first, so that a
// rotation while stopped (a.log renamed a.log.1, a new a.log) resumes a.log.1
// and starts the new a.log afresh, whatever the order.
func (t *Tailer) adopt(fresh []entry, now time.Time) []*file {
	out := make([]*file, 0, len(fresh))
	var rest []*file
	for _, e := range fresh {
		f := &file{Position: Position{Path: e.path, Identity: e.id}, changed: now, seen: now}
		if p, ok := t.loaded[e.path]; ok && p.Identity == e.id {
			delete(t.loaded, e.path)
			f.Offset, f.Done, f.saved = p.Offset, p.Done, true
			t.log.Debug("resuming", keyFile, e.path, "offset", p.Offset)
			out = append(out, f)
			continue
		}
		rest = append(rest, f)
	}
	byID := map[string]string{}
	for path, p := range t.loaded {
		if p.Identity != "" {
			byID[p.Identity] = path
		}
	}
	var fromZero []*file
	for _, f := range rest {
		old, ok := byID[f.Identity]
		if !ok || f.Identity == "" {
			fromZero = append(fromZero, f)
			continue
		}
		p := t.loaded[old]
		delete(t.loaded, old)
		delete(byID, f.Identity)
		f.Offset, f.Done, f.dirty = p.Offset, p.Done, true
		f.renamedFrom(old)
		t.renames.Add(1)
		t.log.Info("file renamed while stopped", keyFile, f.Path, "from", old, "offset", p.Offset)
		out = append(out, f)
	}
	for _, f := range fromZero {
		if _, ok := t.loaded[f.Path]; ok {
			delete(t.loaded, f.Path)
			f.dirty = true // replace the other file's stored position now
			t.log.Info("file replaced while stopped; reading it from the start", keyFile, f.Path)
		}
		out = append(out, f)
	}
	return out
}

// saveTimeout bounds a position save that shutdown does not interrupt.
const saveTimeout = 10 * time.Second

// save stores f's position if it changed, then forgets the name it was
// renamed from. A failure is logged and counted, and retried at the next
// poll.
func (t *Tailer) save(ctx context.Context, f *file) {
	if t.opts.Positions == nil {
		f.dirty, f.oldPath = false, ""
		return
	}
	if f.dirty {
		// Not cut short by shutdown: a chunk delivered and its position
		// lost would be delivered again after the restart.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
		err := t.opts.Positions.Save(sctx, f.Position)
		cancel()
		if err != nil {
			t.errs.Add(1)
			t.log.Warn("cannot save position", keyFile, f.Path, keyErr, err)
			return
		}
		f.dirty, f.saved = false, true
	}
	if f.oldPath != "" && t.files[f.oldPath] == nil {
		t.forget(ctx, f.oldPath)
	}
	f.oldPath = ""
}

// forget drops path's stored position, when the store can.
func (t *Tailer) forget(ctx context.Context, path string) {
	fg, ok := t.opts.Positions.(Forgetter)
	if !ok {
		return
	}
	if err := fg.Forget(ctx, path); err != nil && ctx.Err() == nil {
		t.errs.Add(1)
		t.log.Warn("cannot forget position", keyFile, path, keyErr, err)
	}
}
