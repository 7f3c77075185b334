package detect

import (
	"fmt"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// FieldReader reads one field of the events a rule matched, resolved as the
// rule's matchers resolve it: the field mappings of its log source, raw
// dotted paths into the parsed records, normalized fields for product
// snapwarden. Correlation uses it for group-by and value fields. The zero
// value reads nothing.
type FieldReader struct {
	e    *Engine
	spec *fieldSpec
}

// FieldReader resolves field for events of rule r's log source. A name the
// log source cannot resolve may still be a normalized field (actor.id,
// account, …): every event has those, whatever its format. The error says
// why neither applies.
func (e *Engine) FieldReader(r *rule.Rule, field string) (FieldReader, error) {
	format, err := LogSourceFormat(r.LogSource)
	if err != nil {
		return FieldReader{}, fmt.Errorf("logsource: %w", err)
	}
	c := &compiler{e: e, r: r, format: format}
	spec, err := c.spec(format, field)
	if err != nil {
		if nf := lookupNormField(field); nf != nil {
			return FieldReader{e: e, spec: newSpec(field, nil, nf, false)}, nil
		}
		return FieldReader{}, err
	}
	return FieldReader{e: e, spec: spec}, nil
}

// Name is the field as written.
func (f FieldReader) Name() string {
	if f.spec == nil {
		return ""
	}
	return f.spec.name
}

// Read appends the field's values in ev to dst, as text: strings as they
// are, numbers as written, true or false, times in RFC 3339. An array gives
// one value per element; null, empty strings and objects give none. The
// values are copies, safe to keep after ev's records are gone. Read must be
// called while ev's parsed records (Docs) are live; an event with Raw but no
// Docs has its records parsed here. It is safe for concurrent use.
func (f FieldReader) Read(ev *event.Event, dst []string) []string {
	if f.spec == nil || ev == nil {
		return dst
	}
	m, _ := f.e.pool.Get().(*Matcher)
	if m == nil {
		m = f.e.NewMatcher()
	}
	m.begin(ev)
	m.counts.Events-- // a read, not a match
	present := false
	if len(f.spec.paths) > 0 {
		present = m.fetchRaw(f.spec)
	}
	if !present && f.spec.norm != nil {
		f.spec.norm.get(m, ev)
	}
	for i := range m.vals {
		v := &m.vals[i]
		switch v.kind {
		case vNull, vObject:
			continue
		}
		if s := m.text(v); s != "" {
			dst = append(dst, strings.Clone(s))
		}
	}
	m.end()
	f.e.pool.Put(m)
	return dst
}
