package chain

import (
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// principal is what is known of an actor's age.
type principal struct {
	id        string // the key in principals.byID
	cloud     event.Cloud
	firstSeen int64 // earliest event time it acted; 0 unknown
	created   int64 // when it was created, invited or given credentials; 0 unknown
	createdBy string
	pending   bool // changed since the last checkpoint (in changes.principals)
}

// principals tracks actors' ages and the span of history seen, which tells
// whether "first seen" means anything.
type principals struct {
	byID                     map[string]*principal
	historyStart, historyEnd int64
	max                      int
	dropped                  int
	ch                       *changes // the engine's, to mark what changes
}

func newPrincipals(max int, ch *changes) *principals {
	return &principals{byID: map[string]*principal{}, max: max, ch: ch}
}

func (p *principals) get(cloud event.Cloud, id string) *principal {
	if x, ok := p.byID[id]; ok {
		return x
	}
	if len(p.byID) >= p.max {
		p.dropped++
		return nil
	}
	x := &principal{id: strings.Clone(id), cloud: cloud}
	p.byID[x.id] = x
	p.ch.principal(x)
	return x
}

// seen records that id acted at t, and widens the history span.
func (p *principals) seen(cloud event.Cloud, id string, t int64) {
	if t == 0 {
		return
	}
	if p.historyStart == 0 || t < p.historyStart {
		p.historyStart = t
	}
	p.historyEnd = max(p.historyEnd, t)
	if id == "" {
		return
	}
	if x := p.get(cloud, id); x != nil && (x.firstSeen == 0 || t < x.firstSeen) {
		x.firstSeen = t
		p.ch.principal(x)
	}
}

// born records that id was created (invited, given credentials) at t.
func (p *principals) born(cloud event.Cloud, id string, t int64, eventID string) {
	if id == "" {
		return
	}
	if x := p.get(cloud, id); x != nil && (x.created == 0 || t < x.created) {
		x.created, x.createdBy = t, eventID
		p.ch.principal(x)
	}
}

// isNew reports whether id is a new actor at time t: created within window
// before t, or first seen within newWindow before t in a history that
// covers at least newWindow before that first sight. Otherwise its age is
// unknown or old, which are treated alike.
func (p *principals) isNew(id string, t int64, window, newWindow time.Duration) bool {
	x, ok := p.byID[id]
	if !ok {
		return false
	}
	if x.created != 0 && x.created <= t && t-x.created <= int64(window) {
		return true
	}
	return x.firstSeen != 0 && p.historyStart != 0 &&
		x.firstSeen-p.historyStart >= int64(newWindow) &&
		x.firstSeen <= t && t-x.firstSeen <= int64(newWindow)
}
