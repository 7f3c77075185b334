package detect

import (
	"slices"
)

// cond is a compiled condition node.
type cond struct {
	op   condOp
	ref  int // opRef: search index
	kids []*cond
	n    int // opAtLeast: how many kids must hold
}

type condOp uint8

const (
	opRef condOp = iota
	opAnd
	opOr
	opNot
	opAtLeast // 1 of, N of, all of
)

// The operation index. For each rule, the compiler works out the set of
// operations (folded values of the format's operation field: eventName,
// operationName, protoPayload.methodName, action, …) that every way of
// satisfying its condition requires. A rule with such a set is listed under
// each of its operations and runs only for events whose operation is one of
// them; a rule without one runs for every event of its log source. The set
// is an over-approximation, never an under-approximation: `not`, keyword
// searches, modifiers and numbers make a part unconstrained, so the index
// can only skip rules that could not match.

// keySet is a set of folded operations, or any operation.
type keySet struct {
	any  bool
	keys []string // sorted, unique
}

var anyKey = keySet{any: true}

// and is the keys of a conjunction: both sides must hold, but each may hold
// for a different element when the operation field is a list, so the
// intersection would be unsound; either side is sound, and the smaller one
// selects fewer events.
func (a keySet) and(b keySet) keySet {
	switch {
	case a.any:
		return b
	case b.any || len(a.keys) <= len(b.keys):
		return a
	}
	return b
}

func (a keySet) or(b keySet) keySet {
	if a.any || b.any {
		return anyKey
	}
	out := slices.Concat(a.keys, b.keys)
	slices.Sort(out)
	return keySet{keys: slices.Compact(out)}
}

// matcherKeys returns the operations a matcher requires, or any when it is
// not a plain equality on the operation field.
func matcherKeys(m *cmatcher, index int) keySet {
	if m.field != index || m.kind != kPattern || m.all || m.neq {
		return anyKey
	}
	var keys []string
	for _, v := range m.values {
		if !v.keyOK {
			return anyKey
		}
		keys = append(keys, v.key)
	}
	slices.Sort(keys)
	return keySet{keys: slices.Compact(keys)}
}

func searchKeys(s *csearch, index int) keySet {
	if s.keywords != nil || len(s.maps) == 0 {
		return anyKey
	}
	var out keySet
	for i, ms := range s.maps {
		k := anyKey
		for _, m := range ms {
			k = k.and(matcherKeys(m, index))
		}
		if i == 0 {
			out = k
		} else {
			out = out.or(k)
		}
	}
	return out
}

func condKeys(c *cond, searches []keySet) keySet {
	switch c.op {
	case opRef:
		return searches[c.ref]
	case opNot:
		return anyKey
	case opAnd:
		return foldKeys(c.kids, searches, keySet.and)
	case opOr:
		return foldKeys(c.kids, searches, keySet.or)
	case opAtLeast:
		if c.n == len(c.kids) {
			return foldKeys(c.kids, searches, keySet.and)
		}
		// At least one of them must hold.
		return foldKeys(c.kids, searches, keySet.or)
	}
	return anyKey
}

func foldKeys(kids []*cond, searches []keySet, f func(a, b keySet) keySet) keySet {
	if len(kids) == 0 {
		return anyKey
	}
	out := condKeys(kids[0], searches)
	for _, k := range kids[1:] {
		out = f(out, condKeys(k, searches))
	}
	return out
}

// buildIndex groups the compiled rules by format and indexes them.
func (c *compiler) buildIndex() {
	e := c.e
	for _, r := range e.rules {
		g := e.groups[r.format]
		if g == nil {
			g = &group{format: r.format, index: -1, byKey: map[string][]int32{}}
			if name, ok := indexFields[r.format]; ok && !e.opts.DisableIndex {
				c.format = r.format
				if id, err := c.resolve(name); err == nil {
					g.index = id
				}
			}
			e.groups[r.format] = g
		}
		ks := anyKey
		if g.index >= 0 {
			sk := make([]keySet, len(r.searches))
			for i := range r.searches {
				sk[i] = searchKeys(&r.searches[i], g.index)
			}
			ks = condKeys(r.cond, sk)
		}
		r.keys = ks
		st := e.stats.Sources[r.format]
		st.Rules++
		e.stats.Rules++
		if ks.any {
			g.always = append(g.always, int32(r.idx))
			st.Always++
			e.stats.Always++
		} else {
			for _, k := range ks.keys {
				g.byKey[k] = append(g.byKey[k], int32(r.idx))
			}
			st.Indexed++
			e.stats.Indexed++
		}
		e.stats.Sources[r.format] = st
	}
	e.product = e.groups[Product]
	for f, g := range e.groups {
		g.ops = newOpTable(g.byKey)
		st := e.stats.Sources[f]
		st.Keys = len(g.byKey)
		e.stats.Sources[f] = st
		e.stats.Keys += len(g.byKey)
	}
}
