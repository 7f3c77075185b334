package timeorder

import (
	"container/heap"
	"fmt"
	"io"
	"os"
)

// source yields items in order, then io.EOF.
type source[T any] interface {
	next() (T, error)
}

// memSource yields the items held in memory, in sorted order.
type memSource[T any] struct {
	items []T
	order []int32
}

func (m *memSource[T]) next() (T, error) {
	if len(m.order) == 0 {
		var zero T
		return zero, io.EOF
	}
	i := m.order[0]
	m.order = m.order[1:]
	return m.items[i], nil
}

// fileSource yields the items of one run file.
type fileSource[T any] struct {
	path  string
	f     *os.File
	r     *runReader
	codec Codec[T]
}

func openSource[T any](r *run, codec Codec[T]) (*fileSource[T], error) {
	f, err := os.Open(r.path)
	if err != nil {
		return nil, fmt.Errorf("open run file: %w", err)
	}
	return &fileSource[T]{path: r.path, f: f, r: newRunReader(f, r.count, r.maxLen), codec: codec}, nil
}

func (s *fileSource[T]) next() (T, error) {
	var zero T
	b, err := s.r.next()
	if err == io.EOF {
		return zero, io.EOF
	}
	if err != nil {
		return zero, fmt.Errorf("read run file %s: %w", s.path, err)
	}
	v, err := s.codec.Decode(b)
	if err != nil {
		return zero, fmt.Errorf("decode item from run file %s: %w", s.path, err)
	}
	return v, nil
}

// merge emits the items of srcs in order. Items equal under less come from
// the lowest-numbered source first, so sources given oldest first keep the
// order items were added in. An error from emit is returned as it is.
func merge[T any](less func(a, b *T) bool, srcs []source[T], emit func(T) error) error {
	h := &mergeHeap[T]{less: less, heads: make([]head[T], 0, len(srcs))}
	for i, src := range srcs {
		item, err := src.next()
		if err == io.EOF {
			continue
		}
		if err != nil {
			return err
		}
		h.heads = append(h.heads, head[T]{item: item, src: i})
	}
	heap.Init(h)
	for len(h.heads) > 0 {
		top := &h.heads[0]
		if err := emit(top.item); err != nil {
			return err
		}
		item, err := srcs[top.src].next()
		switch {
		case err == io.EOF:
			heap.Pop(h)
		case err != nil:
			return err
		default:
			top.item = item
			heap.Fix(h, 0)
		}
	}
	return nil
}

// head is the next item of one source.
type head[T any] struct {
	item T
	src  int
}

type mergeHeap[T any] struct {
	less  func(a, b *T) bool
	heads []head[T]
}

func (h *mergeHeap[T]) Len() int { return len(h.heads) }

func (h *mergeHeap[T]) Less(i, j int) bool {
	a, b := &h.heads[i], &h.heads[j]
	if h.less(&a.item, &b.item) {
		return true
	}
	return !h.less(&b.item, &a.item) && a.src < b.src
}

func (h *mergeHeap[T]) Swap(i, j int) { h.heads[i], h.heads[j] = h.heads[j], h.heads[i] }

func (h *mergeHeap[T]) Push(x any) { h.heads = append(h.heads, x.(head[T])) }

func (h *mergeHeap[T]) Pop() any {
	n := len(h.heads) - 1
	x := h.heads[n]
	var zero head[T]
	h.heads[n] = zero
	h.heads = h.heads[:n]
	return x
}
