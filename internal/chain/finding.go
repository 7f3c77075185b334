package chain

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// finding renders a chain in its current state: its events in time order,
// every actor and resource involved, a summary telling the chain step by
// step, and a suppression when the allow-list covers every actor in it.
func (e *Engine) finding(tr *track) finding.Finding {
	c := tr.rule
	f := finding.Finding{
		ID:       tr.id,
		Rule:     finding.Rule{ID: c.info.ID, Title: c.info.Title, Kind: finding.KindChain},
		Severity: tr.severity,
		Attack:   slices.Clone(c.info.Attack),
		Time:     time.Unix(0, tr.start).UTC(),
		Cloud:    tr.cloud,
		Account:  tr.account,
		Status:   finding.StatusOpen,
		Revision: tr.revision,
	}
	type hit struct {
		step *step
		se   *stepEvent
	}
	var hits []hit
	for i, hs := range tr.hits {
		for j := range hs {
			hits = append(hits, hit{c.steps[i], &tr.hits[i][j]})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(a.se.Time, b.se.Time) })

	addRes := func(typ event.ResourceType, id string) {
		r := finding.Resource{Type: typ, ID: id}
		if id != "" && !slices.Contains(f.Resources, r) {
			f.Resources = append(f.Resources, r)
		}
	}
	var en, ru []string
	for i, h := range hits {
		se := h.se
		if slices.ContainsFunc(hits[:i], func(x hit) bool { return x.se.ID == se.ID }) {
			continue // one event taking two steps (a copy into another account)
		}
		f.Events = append(f.Events, finding.EventRef{ID: se.ID, Time: time.Unix(0, se.Time).UTC(), Operation: se.Operation, Action: se.Action, Actor: se.Actor.ID})
		if id := se.Actor.ID; id != "" && !slices.Contains(f.Actors, id) {
			f.Actors = append(f.Actors, id)
			if se.Actor.Name != "" && se.Actor.Name != id {
				if f.ActorNames == nil {
					f.ActorNames = map[string]string{}
				}
				f.ActorNames[id] = se.Actor.Name
			}
		}
		for _, id := range []string{se.Source, se.Target} {
			addRes(e.typeOf(id), id)
		}
		for _, id := range se.Products {
			addRes(e.typeOf(id), id)
		}
		for _, id := range se.Nets {
			addRes(e.typeOf(id), id)
		}
		pe, pr := phrase(h.step, se)
		en, ru = append(en, pe), append(ru, pr)
	}
	f.Summary = map[string]string{"en": strings.Join(en, "; "), "ru": strings.Join(ru, "; ")}
	if tr.critical {
		f.Summary["en"] = "critical resource: " + f.Summary["en"]
		f.Summary["ru"] = "критичный ресурс: " + f.Summary["ru"]
	}
	e.suppress(&f, func(yield func(event.Actor) bool) {
		for _, h := range hits {
			if !yield(h.se.Actor) {
				return
			}
		}
	})
	return f
}

// suppress marks f suppressed when an allow entry covers every actor of
// the chain: a known-benign initiator doing the whole chain itself (a
// malware scanner restoring its own snapshots), never one actor of many.
func (e *Engine) suppress(f *finding.Finding, actors func(func(event.Actor) bool)) {
	if e.opts.Allowed == nil {
		return
	}
	var reason, expires string
	all := true
	actors(func(a event.Actor) bool {
		r, x, ok := e.opts.Allowed(f.Rule.ID, a)
		if !ok {
			all = false
			return false
		}
		if reason == "" {
			reason, expires = r, x
		}
		return true
	})
	if all && reason != "" {
		f.Status = finding.StatusSuppressed
		f.Suppression = &finding.Suppression{Reason: reason, By: "config allow", Expires: expires}
	}
}

func (e *Engine) typeOf(id string) event.ResourceType {
	if n := e.g.nodes[id]; n != nil {
		return n.typ
	}
	return ""
}

// phrase tells one step in English and Russian, by what its event did.
func phrase(s *step, se *stepEvent) (en, ru string) {
	who := cmp.Or(se.Actor.Name, se.Actor.ID, "?")
	whoRu := who
	if se.New {
		who += " (new)"
		whoRu += " (новый)"
	}
	products := short(se.Products)
	act := string(se.Action)
	switch {
	case strings.HasSuffix(act, ".share"):
		t := strings.Join(se.Shares, ", ")
		return who + " shared " + short1(se.Target) + " with " + t,
			whoRu + " открыл доступ к " + short1(se.Target) + " для " + t
	case strings.HasSuffix(act, ".export") || se.Action == event.ImageDownload:
		what := short1(cmp.Or(se.Target, se.Source))
		return who + " exported " + what, whoRu + " выгрузил " + what
	case se.Action == event.IngressOpen:
		in := strings.Join(se.Ingress, ", ")
		return who + " opened " + short(se.Nets) + " to " + in,
			whoRu + " открыл " + short(se.Nets) + " для " + in
	case se.Action == event.VolumeAttach:
		return who + " attached " + short1(se.Source) + " to " + products,
			whoRu + " подключил " + short1(se.Source) + " к " + products
	case len(se.Products) == 0:
		return who + " used " + short1(se.Source) + " (" + se.Operation + ")",
			whoRu + " использовал " + short1(se.Source) + " (" + se.Operation + ")"
	case s.idx == 0 || strings.HasSuffix(act, ".copy") || strings.HasSuffix(act, ".create") && isCopyAction(act):
		return who + " copied " + short1(se.Source) + " to " + products,
			whoRu + " скопировал " + short1(se.Source) + " в " + products
	}
	return who + " made " + products + " from " + short1(se.Source),
		whoRu + " создал " + products + " из " + short1(se.Source)
}

// isCopyAction tells the actions that make a copy of data.
func isCopyAction(a string) bool {
	for _, p := range []string{"snapshot.", "image.", "backup.", "db.snapshot."} {
		if strings.HasPrefix(a, p) {
			return true
		}
	}
	return false
}

// short1 names a resource by the last segment of its id: Azure and GCP ids
// are paths whose last part is the name.
func short1(id string) string {
	if id == "" {
		return "?"
	}
	if i := strings.LastIndexByte(id, '/'); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}

func short(ids []string) string {
	if len(ids) == 0 {
		return "?"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = short1(id)
	}
	return strings.Join(out, ", ")
}
