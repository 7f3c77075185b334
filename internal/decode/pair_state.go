package decode

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// pendingHalf is a waiting half in a saved Pairer.
type pendingHalf struct {
	Format string       `json:"f"`
	Key    string       `json:"k"`
	Part   Part         `json:"p"`
	Time   time.Time    `json:"t"`
	Raw    []byte       `json:"r"`
	Source event.Source `json:"s"`
}

// pairerState is a saved Pairer.
type pairerState struct {
	Pending    []pendingHalf        `json:"pending"`
	Watermarks map[string]time.Time `json:"watermarks,omitempty"`
}

// Save returns the halves waiting for their partners (and the formats'
// watermarks) as JSON, so that a process that stops keeps them: serve
// checkpoints them with the correlation state. keep, when not nil, chooses
// the halves saved by where they came from (serve leaves out those of
// batches it will read again). The Pairer is unchanged.
func (p *Pairer) Save(keep func(event.Source) bool) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := pairerState{Watermarks: p.watermarks}
	for _, g := range p.pending {
		for _, h := range g.halves {
			if keep != nil && !keep(h.src) {
				continue
			}
			st.Pending = append(st.Pending, pendingHalf{Format: g.format.Name(), Key: h.key, Part: h.part, Time: h.time, Raw: h.raw, Source: h.src})
		}
	}
	return json.Marshal(st)
}

// Load adds the halves a Save returned to p, looking their formats up
// among formats. A half of a format not given is an error naming it.
func (p *Pairer) Load(b []byte, formats []Format) error {
	var st pairerState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("saved pairs: %w", err)
	}
	byName := map[string]Format{}
	for _, f := range formats {
		byName[f.Name()] = f
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for name, t := range st.Watermarks {
		if t.After(p.watermarks[name]) {
			p.watermarks[name] = t
		}
	}
	for _, h := range st.Pending {
		f := byName[h.Format]
		if f == nil {
			return fmt.Errorf("saved pairs: unknown format %q", h.Format)
		}
		g := p.pending[h.Key]
		if g == nil {
			g = &group{format: f}
			p.pending[h.Key] = g
		}
		g.halves = append(g.halves, half{key: h.Key, part: h.Part, time: h.Time, raw: h.Raw, src: h.Source})
		g.added = time.Now() // the wait for a partner starts again
		if h.Time.After(g.newest) {
			g.newest = h.Time
		}
	}
	return nil
}
