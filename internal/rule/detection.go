package rule

import (
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// detection parses the detection block: named searches, a condition, and the
// legacy timeframe.
func (p *docParser) detection(n *yaml.Node) Detection {
	d := Detection{Pos: p.src.at(deref(n)), Searches: map[string]*Search{}}
	fields, ok := p.mapping(n, "detection")
	if !ok {
		return d
	}
	var cond *field
	for i, f := range fields {
		switch f.key.Value {
		case "condition":
			cond = &fields[i]
		case "timeframe":
			d.Timeframe = p.str(f, false)
		case "":
			p.errorf(p.src.at(f.key), "a search needs a name")
		default:
			d.Searches[f.key.Value] = p.search(f)
		}
	}
	if cond == nil {
		p.errorf(d.Pos, "detection has no condition")
		return d
	}
	if len(d.Searches) == 0 {
		p.errorf(d.Pos, "detection has no search")
		return d
	}
	d.Condition, d.ConditionText = p.condition(*cond, d.Searches)
	return d
}

// search parses one search identifier. It always returns a Search, so that
// the condition resolves its name even when its body has errors.
func (p *docParser) search(f field) *Search {
	s := &Search{Pos: p.src.at(f.key), Name: f.key.Value}
	v := deref(f.val)
	switch v.Kind {
	case yaml.MappingNode:
		ms, kw := p.selection(v, s.Name)
		if kw != nil {
			s.Keywords = kw
		} else if ms != nil {
			s.Maps = [][]*FieldMatcher{ms}
		}
	case yaml.SequenceNode:
		p.searchList(s, v)
	case yaml.ScalarNode:
		if v.ShortTag() == "!!null" {
			p.errorf(p.src.at(v), "search %q is empty", s.Name)
			break
		}
		// A plain value is one keyword, as pySigma reads it.
		if val, ok := p.value(v); ok {
			s.Keywords = &FieldMatcher{Pos: p.src.at(v), Values: []Value{val}}
		}
	default:
		p.errorf(p.src.at(v), "search %q must be a map or a list, not %s", s.Name, describe(v))
	}
	return s
}

// searchList parses a search written as a list: of maps (any map matches)
// or of values (keywords).
func (p *docParser) searchList(s *Search, v *yaml.Node) {
	if len(v.Content) == 0 {
		p.errorf(p.src.at(v), "search %q is an empty list", s.Name)
		return
	}
	first := deref(v.Content[0])
	if first.Kind == yaml.MappingNode {
		for _, it := range v.Content {
			it = deref(it)
			if it.Kind != yaml.MappingNode {
				p.errorf(p.src.at(it), "search %q mixes maps and %s in one list", s.Name, describe(it))
				continue
			}
			ms, kw := p.selection(it, s.Name)
			if kw != nil {
				p.errorf(kw.Pos, "in search %q, a keyword entry (a key with no field) cannot be an element of a list of maps: give it its own search", s.Name)
				continue
			}
			if ms != nil {
				s.Maps = append(s.Maps, ms)
			}
		}
		return
	}
	kw := &FieldMatcher{Pos: p.src.at(v)}
	for _, it := range v.Content {
		it = deref(it)
		if it.Kind != yaml.ScalarNode {
			p.errorf(p.src.at(it), "search %q mixes values and %s in one list", s.Name, describe(it))
			continue
		}
		if val, ok := p.value(it); ok {
			if val.Kind == Null {
				p.errorf(val.Pos, "a keyword cannot be null")
				continue
			}
			kw.Values = append(kw.Values, val)
		}
	}
	s.Keywords = kw
}

// selection parses one map of a search: field matchers that must all match,
// or a single keyword entry such as '|all': [...].
func (p *docParser) selection(n *yaml.Node, name string) (ms []*FieldMatcher, kw *FieldMatcher) {
	fields, ok := p.mapping(n, "search "+strconv.Quote(name))
	if !ok {
		return nil, nil
	}
	if len(fields) == 0 {
		p.errorf(p.src.at(n), "search %q has an empty map", name)
		return nil, nil
	}
	for _, f := range fields {
		m := p.matcher(f.key, f.val)
		if m == nil {
			continue
		}
		if m.Field == "" {
			if len(fields) > 1 {
				p.errorf(m.Pos, "in search %q, a keyword entry (a key with no field) must be the only key of its map", name)
				continue
			}
			return nil, m
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// matcher parses `field|mod1|mod2: value(s)`.
func (p *docParser) matcher(k, v *yaml.Node) *FieldMatcher {
	parts := strings.Split(k.Value, "|")
	m := &FieldMatcher{Pos: p.src.at(k), Field: parts[0]}
	keyPos := p.src.scalarPos(k)
	off := len(parts[0]) + 1
	mods := make([]modifier, 0, len(parts)-1)
	bad := false
	for _, part := range parts[1:] {
		at := keyPos(off)
		off += len(part) + 1
		name := strings.ToLower(part)
		switch {
		case name == "":
			p.errorf(at, "empty modifier in %q", k.Value)
			bad = true
			continue
		case groupOf(name) == gNone:
			p.errorf(at, "unknown modifier %q%s", part, suggest(name, Modifiers))
			bad = true
			continue
		}
		m.Modifiers = append(m.Modifiers, name)
		mods = append(mods, modifier{name, at})
	}
	vals, vnode, ok := p.values(v, k.Value)
	if !ok {
		return nil
	}
	m.Values = vals
	if !bad {
		p.checkModifiers(m, mods, vnode)
	}
	return m
}

// values parses a matcher's value: a scalar or a list of scalars. An empty
// list is allowed and gives no value: such a matcher never matches.
func (p *docParser) values(n *yaml.Node, key string) ([]Value, *yaml.Node, bool) {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		v, ok := p.value(n)
		return []Value{v}, n, ok
	case yaml.SequenceNode:
		vals := make([]Value, 0, len(n.Content))
		ok := true
		for _, it := range n.Content {
			it = deref(it)
			if it.Kind != yaml.ScalarNode {
				p.errorf(p.src.at(it), "values of %q must be scalars, not %s", key, describe(it))
				ok = false
				continue
			}
			v, vok := p.value(it)
			ok = ok && vok
			vals = append(vals, v)
		}
		return vals, n, ok
	}
	p.errorf(p.src.at(n), "the value of %q must be a value or a list of values, not %s", key, describe(n))
	return nil, n, false
}

// value reads one scalar, keeping its text as written: a quoted '42' is a
// String and an unquoted 42 a Number, both with Text "42"; 0x10 is the
// Number 16 with Text "0x10".
func (p *docParser) value(n *yaml.Node) (Value, bool) {
	v := Value{Pos: p.src.at(n), Text: n.Value}
	switch n.ShortTag() {
	case "!!null":
		v.Kind = Null
	case "!!bool":
		v.Kind = Bool
		if err := n.Decode(&v.Bool); err != nil {
			p.errorf(v.Pos, "invalid boolean %q", n.Value)
			return v, false
		}
	case "!!int", "!!float":
		v.Kind = Number
		var x any
		if err := n.Decode(&x); err != nil {
			p.errorf(v.Pos, "invalid number %q", n.Value)
			return v, false
		}
		switch x := x.(type) {
		case int:
			v.Num = float64(x)
		case int64:
			v.Num = float64(x)
		case uint64:
			v.Num = float64(x)
		case float64:
			v.Num = x
		default:
			v.Num = math.NaN()
		}
	default:
		v.Kind = String
	}
	return v, true
}
