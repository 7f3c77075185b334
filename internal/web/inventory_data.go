package web

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/store"
)

// The inventory page lists at most this many copies and changes; filters
// by cloud and account narrow larger pictures.
const (
	inventoryMaxRows    = 2000
	inventoryChangeDays = 7
)

// Trust is the configuration's judgement of who may hold a copy: the
// trusted accounts and principals (config.Matchers has both methods). Nil
// fields trust no one but the copy's own account.
type Trust struct {
	Account   func(id string) bool
	Principal func(a event.Actor) bool
}

// within reports whether a share target of a copy owned by owner stays
// inside the trusted accounts, as inventory.Diff judges it: the owner, a
// trusted account (or the account of an ARN, the project of a service
// account), a trusted principal.
func (t Trust) within(owner, target string) bool {
	trusted := func(a string) bool {
		return a == owner || t.Account != nil && t.Account(a) ||
			t.Principal != nil && t.Principal(event.Actor{ID: a})
	}
	return event.Share{Target: target, Kind: "account"}.Within(trusted)
}

// inventoryView is what the inventory page shows.
type inventoryView struct {
	Cloud, Account string // the filters ("" for all)
	Clouds         []string
	Accounts       []string // of the chosen cloud, or all

	Copies     []inventoryRow
	Guardrails []inventory.Record
	Total      int // copies the filters select, before the row cap
	Exposed    int // of them, shared outside the trusted accounts or public

	Since        time.Time
	Changes      []inventoryChangeRow // newest first
	ChangesTotal int
}

// inventoryRow is one copy with its exposure judged.
type inventoryRow struct {
	inventory.Record
	FirstSeen time.Time
	Exp       exposure
	// CreatorFromEvents is true when Creator comes from the event history
	// (store.Creators), the inventory not naming one (Azure, GCP).
	CreatorFromEvents bool
}

// Exposed reports whether the copy is public or shared outside.
func (r inventoryRow) Exposed() bool { return r.Exp.Exposed() }

// exposure is a copy's exposure, judged: who beyond the owner may use it.
type exposure struct {
	Public  bool
	Outside []string // share targets beyond the trusted accounts
	Inside  []string // share targets the trusted accounts keep in
	Network string   // reachable beyond identity (a SAS, AllowAll, public visibility)
}

// Exposed reports whether the copy is public or shared outside.
func (e exposure) Exposed() bool { return e.Public || len(e.Outside) > 0 }

// With pairs the exposure with the view, for the template that shows it.
func (e exposure) With(v *View) exposureCell { return exposureCell{V: v, E: e} }

type exposureCell struct {
	V *View
	E exposure
}

// None reports whether only the owner may use the copy.
func (e exposure) None() bool {
	return !e.Public && len(e.Outside) == 0 && len(e.Inside) == 0 && e.Network == ""
}

// inventoryChangeRow is one recorded change with the exposure before and
// after, judged as the copies are.
type inventoryChangeRow struct {
	inventory.Change
	Record *inventory.Record // New, else Old
	Old    *exposure         // nil when added
	New    *exposure         // nil when removed
}

// loadInventory reads the picture and the changes of the last
// inventoryChangeDays days, selects cloud and account, and judges each
// copy's exposure with trust.
func loadInventory(ctx context.Context, st *store.Store, trust Trust, cloud, account string, now time.Time) (*inventoryView, error) {
	v := &inventoryView{Cloud: cloud, Account: account, Since: now.UTC().AddDate(0, 0, -inventoryChangeDays)}
	stored, err := st.Inventory(ctx)
	if err != nil {
		return nil, err
	}
	clouds, accounts := map[string]bool{}, map[string]bool{}
	for _, sr := range stored {
		clouds[sr.Cloud] = true
		if cloud == "" || sr.Cloud == cloud {
			accounts[sr.Account] = true
		}
		if !selected(sr.Cloud, sr.Account, cloud, account) {
			continue
		}
		r, err := inventory.Unmarshal(sr.Record)
		if err != nil {
			continue // a record this version cannot read: the CLI reports it
		}
		if r.Kind == inventory.Guardrail {
			v.Guardrails = append(v.Guardrails, r)
			continue
		}
		row := inventoryRow{Record: r, FirstSeen: sr.FirstSeen, Exp: trust.judge(&r)}
		v.Total++
		if row.Exposed() {
			v.Exposed++
		}
		if len(v.Copies) < inventoryMaxRows {
			v.Copies = append(v.Copies, row)
		}
	}
	if err := fillCreators(ctx, st, v.Copies); err != nil {
		return nil, err
	}
	// Exposed copies first; otherwise the store's order (scope, id).
	slices.SortStableFunc(v.Copies, func(a, b inventoryRow) int { return boolFirst(a.Exposed(), b.Exposed()) })
	v.Clouds, v.Accounts = sortedKeys(clouds), sortedKeys(accounts)

	changes, err := inventory.Changes(ctx, st, v.Since)
	if err != nil {
		return nil, err
	}
	for i := len(changes) - 1; i >= 0; i-- {
		ch := changes[i]
		if !selected(string(ch.Scope.Cloud), ch.Scope.Account, cloud, account) {
			continue
		}
		v.ChangesTotal++
		if len(v.Changes) == inventoryMaxRows {
			continue
		}
		row := inventoryChangeRow{Change: ch, Record: cmp.Or(ch.New, ch.Old)}
		if ch.Old != nil {
			e := trust.judge(ch.Old)
			row.Old = &e
		}
		if ch.New != nil {
			e := trust.judge(ch.New)
			row.New = &e
		}
		v.Changes = append(v.Changes, row)
	}
	return v, nil
}

// judge sorts the share targets of r into those beyond its own and the
// trusted accounts and those inside.
func (t Trust) judge(r *inventory.Record) exposure {
	e := exposure{Public: r.Exposure.Public, Network: r.Exposure.Network}
	for _, a := range r.Exposure.Accounts {
		if t.within(r.Account, a) {
			e.Inside = append(e.Inside, a)
		} else {
			e.Outside = append(e.Outside, a)
		}
	}
	return e
}

// fillCreators names the creator of copies the inventory does not, from
// the events serve or hunt --db saw create them.
func fillCreators(ctx context.Context, st *store.Store, rows []inventoryRow) error {
	var ids []string
	for i := range rows {
		if rows[i].Creator == "" {
			ids = append(ids, rows[i].ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	who, err := st.Creators(ctx, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		if c, ok := who[rows[i].ID]; ok && rows[i].Creator == "" {
			rows[i].Creator, rows[i].CreatorFromEvents = c, true
		}
	}
	return nil
}

func selected(cloud, account, wantCloud, wantAccount string) bool {
	return (wantCloud == "" || cloud == wantCloud) && (wantAccount == "" || account == wantAccount)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// boolFirst orders true before false.
func boolFirst(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}
