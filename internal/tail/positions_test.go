package tail_test

import (
	"context"
	"maps"
	"sync"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/tail"
)

// The store keeps positions for the tailer as they are.
var (
	_ tail.Positions = (*store.TailPositions)(nil)
	_ tail.Forgetter = (*store.TailPositions)(nil)
)

// memPositions keeps positions in a map.
type memPositions struct {
	mu sync.Mutex
	m  map[string]tail.Position
}

func newMemPositions() *memPositions { return &memPositions{m: map[string]tail.Position{}} }

func (p *memPositions) Load(context.Context) (map[string]tail.Position, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.m), nil
}

func (p *memPositions) Save(_ context.Context, pos tail.Position) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[pos.Path] = pos
	return nil
}

func (p *memPositions) Forget(_ context.Context, path string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, path)
	return nil
}

func (p *memPositions) get(path string) (tail.Position, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pos, ok := p.m[path]
	return pos, ok
}
