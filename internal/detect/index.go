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

// buildIndex groups the compiled rules by format and indexes them: by the
// operations a rule requires, or, for a rule that requires none, by the
// values it requires of another field.
func (c *compiler) buildIndex() {
	e := c.e
	for _, r := range e.rules {
		g := e.groups[r.format]
		if g == nil {
			g = &group{format: r.format, op: -1}
			if name, ok := indexFields[r.format]; ok && !e.opts.DisableIndex {
				c.format = r.format
				if id, err := c.resolve(name); err == nil {
					g.op = id
					g.indexes = append(g.indexes, c.newFieldIndex(id))
				}
			}
			e.groups[r.format] = g
		}
		st := e.stats.Sources[r.format]
		st.Rules++
		e.stats.Rules++
		fi, ks := c.indexFor(g, r)
		switch {
		case fi == nil:
			g.always = append(g.always, int32(r.idx))
			st.Always++
			e.stats.Always++
		case fi.field == g.op:
			st.Indexed++
			e.stats.Indexed++
		default:
			st.ByField++
			e.stats.ByField++
		}
		if fi != nil {
			for _, k := range ks.keys {
				fi.byKey[k] = append(fi.byKey[k], int32(r.idx))
			}
		}
		e.stats.Sources[r.format] = st
	}
	e.product = e.groups[Product]
	for f, g := range e.groups {
		st := e.stats.Sources[f]
		for _, fi := range g.indexes {
			fi.keys = newKeyTable(fi.byKey)
			st.Keys += len(fi.byKey)
			e.stats.Keys += len(fi.byKey)
		}
		e.stats.Sources[f] = st
	}
}

func (c *compiler) newFieldIndex(field int) *fieldIndex {
	fi := &fieldIndex{id: c.e.nIndexes, field: field, byKey: map[string][]int32{}}
	c.e.nIndexes++
	return fi
}

// indexFor picks the index a rule is listed in and the keys it is listed
// under, or nil: the operation's when the rule requires operations, else
// the field among those it compares for equality that it requires fewest
// values of, an already indexed one first (one fetch an event serves all
// its rules).
func (c *compiler) indexFor(g *group, r *crule) (*fieldIndex, keySet) {
	if c.e.opts.DisableIndex {
		return nil, anyKey
	}
	keysOf := func(field int) keySet {
		sk := make([]keySet, len(r.searches))
		for i := range r.searches {
			sk[i] = searchKeys(&r.searches[i], field)
		}
		return condKeys(r.cond, sk)
	}
	if g.op >= 0 {
		if ks := keysOf(g.op); !ks.any {
			return g.index(g.op), ks
		}
	}
	bestKeys, bestField, bestShared := anyKey, -1, false
	for _, field := range equalityFields(r) {
		if field == g.op {
			continue
		}
		ks := keysOf(field)
		if ks.any {
			continue
		}
		shared := g.index(field) != nil
		if bestField < 0 || shared && !bestShared || shared == bestShared && len(ks.keys) < len(bestKeys.keys) {
			bestKeys, bestField, bestShared = ks, field, shared
		}
	}
	if bestField < 0 {
		return nil, anyKey
	}
	best := g.index(bestField)
	if best == nil {
		best = c.newFieldIndex(bestField)
		g.indexes = append(g.indexes, best)
	}
	return best, bestKeys
}

// index is the group's index of a field, or nil.
func (g *group) index(field int) *fieldIndex {
	for _, fi := range g.indexes {
		if fi.field == field {
			return fi
		}
	}
	return nil
}

// equalityFields are the fields a rule compares for equality with plain
// strings, in field id order.
func equalityFields(r *crule) []int {
	var out []int
	for i := range r.searches {
		for _, ms := range r.searches[i].maps {
			for _, m := range ms {
				if len(matcherKeys(m, m.field).keys) > 0 {
					out = append(out, m.field)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
