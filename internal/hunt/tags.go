package hunt

import (
	"maps"
	"sync"

	"github.com/snapwarden/snapwarden/internal/event"
)

// DefaultMaxTagged caps the resources whose tags a run remembers.
const DefaultMaxTagged = 1 << 20

// tagBook remembers the tags events gave resources (at creation or by a
// tagging call), so a later operation on the resource sees them: a volume
// created with criticality=high makes its snapshot a critical clone. It is
// safe for concurrent use.
type tagBook struct {
	mu      sync.RWMutex
	tags    map[tagKey]map[string]string
	max     int
	dropped int
}

type tagKey struct {
	cloud event.Cloud
	id    string
}

func newTagBook(max int) *tagBook {
	return &tagBook{tags: map[tagKey]map[string]string{}, max: max}
}

// learn records the tags of ev's resources, unless the operation failed.
func (b *tagBook) learn(ev *event.Event) {
	if ev.Outcome == event.Failure {
		return
	}
	for i := range ev.Resources {
		r := &ev.Resources[i]
		if len(r.Tags) == 0 || r.ID == "" {
			continue
		}
		k := tagKey{ev.Cloud, r.ID}
		b.mu.Lock()
		have, ok := b.tags[k]
		switch {
		case ok:
			have = maps.Clone(have) // readers may hold the old map
			maps.Copy(have, r.Tags)
			b.tags[k] = have
		case len(b.tags) < b.max:
			b.tags[k] = maps.Clone(r.Tags)
		default:
			b.dropped++ // bounded: hostile input must not grow memory without end
		}
		b.mu.Unlock()
	}
}

// lookup returns the tags learned for a resource (not to be modified).
func (b *tagBook) lookup(cloud event.Cloud, id string) map[string]string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.tags[tagKey{cloud, id}]
}
