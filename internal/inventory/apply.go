package inventory

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/store"
)

// Marshal serialises a record canonically (exposure lists sorted), so the
// store sees a change only when something changed.
func Marshal(r Record) ([]byte, error) {
	r.Exposure.Accounts = slices.Clone(r.Exposure.Accounts)
	slices.Sort(r.Exposure.Accounts)
	r.Exposure.Accounts = slices.Compact(r.Exposure.Accounts)
	if !r.Created.IsZero() {
		r.Created = r.Created.UTC()
	}
	return json.Marshal(r)
}

// Unmarshal reads a record Marshal wrote.
func Unmarshal(b []byte) (Record, error) {
	var r Record
	err := json.Unmarshal(b, &r)
	return r, err
}

func toStoreScope(s Scope) store.InventoryScope {
	return store.InventoryScope{Cloud: string(s.Cloud), Account: s.Account, Region: s.Region, Kind: string(s.Kind)}
}

func fromStoreScope(s store.InventoryScope) Scope {
	return Scope{Cloud: event.Cloud(s.Cloud), Account: s.Account, Region: s.Region, Kind: Kind(s.Kind)}
}

// Apply stores what a collection or an import observed at at: the
// complete scopes are replaced (what is absent there is removed), records
// of other scopes are added or updated. It returns the changes recorded.
func Apply(ctx context.Context, st *store.Store, at time.Time, res *Result) ([]Change, error) {
	recs := make([]store.InventoryRecord, 0, len(res.Records))
	for _, r := range res.Records {
		b, err := Marshal(r)
		if err != nil {
			return nil, err
		}
		recs = append(recs, store.InventoryRecord{InventoryScope: toStoreScope(r.Scope()), ID: r.ID, Record: b})
	}
	scopes := make([]store.InventoryScope, len(res.Complete))
	for i, s := range res.Complete {
		scopes[i] = toStoreScope(s)
	}
	changes, err := st.ApplyInventory(ctx, at, scopes, recs)
	if err != nil {
		return nil, err
	}
	return fromStore(changes)
}

// Change is one change of the inventory, records decoded.
type Change struct {
	At        time.Time
	Kind      string // "added", "removed", "changed"
	Scope     Scope
	ID        string
	FirstSeen time.Time
	Old, New  *Record
}

func fromStore(cs []store.InventoryChange) ([]Change, error) {
	out := make([]Change, 0, len(cs))
	for _, c := range cs {
		ch := Change{At: c.At, Kind: c.Change, Scope: fromStoreScope(c.Scope), ID: c.ID, FirstSeen: c.FirstSeen}
		for _, x := range []struct {
			b   []byte
			dst **Record
		}{{c.Old, &ch.Old}, {c.New, &ch.New}} {
			if x.b == nil {
				continue
			}
			r, err := Unmarshal(x.b)
			if err != nil {
				return nil, err
			}
			*x.dst = &r
		}
		out = append(out, ch)
	}
	return out, nil
}

// Changes returns the changes stored since since.
func Changes(ctx context.Context, st *store.Store, since time.Time) ([]Change, error) {
	cs, err := st.InventoryChanges(ctx, since)
	if err != nil {
		return nil, err
	}
	return fromStore(cs)
}

// Current returns the current picture.
func Current(ctx context.Context, st *store.Store) ([]Record, error) {
	rs, err := st.Inventory(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(rs))
	for _, r := range rs {
		rec, err := Unmarshal(r.Record)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}
