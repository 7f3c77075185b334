package yandex

import (
	"slices"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Events are delivered in snake_case, but the per-event reference (and
// exporters that re-encode protobuf JSON) spell keys in camelCase. Every
// lookup here names the snake_case path and falls back, key by key, to the
// camelCase spelling, so the mapping is written once.

// get returns the value at a snake_case path, trying each key's camelCase
// spelling where the snake_case one is missing; nil when missing or null.
func get(v *jsondoc.Value, path ...string) *jsondoc.Value {
	for _, k := range path {
		if v == nil || v.Type() != jsondoc.TypeObject {
			return nil
		}
		x := v.Get(k)
		if x == nil {
			if c := decode.Camel(k); c != k {
				x = v.Get(c)
			}
		}
		v = x
	}
	if v == nil || v.Type() == jsondoc.TypeNull {
		return nil
	}
	return v
}

func str(v *jsondoc.Value, path ...string) string { return decode.Str(get(v, path...)) }

func strs(v *jsondoc.Value, path ...string) []string { return decode.Strs(get(v, path...)) }

func each(v *jsondoc.Value, path ...string) []*jsondoc.Value { return decode.Each(get(v, path...)) }

func integer(v *jsondoc.Value, path ...string) (int, bool) { return decode.Int(get(v, path...)) }

// recs are the records of one operation in order: STARTED, RUNNING, then
// DONE / ERROR / CANCELLED (or a single record).
type recs []*jsondoc.Value

// str returns the first record's non-empty text at path: fields that do not
// change during an operation (names, sources, the actor).
func (r recs) str(path ...string) string {
	for _, v := range r {
		if s := str(v, path...); s != "" {
			return s
		}
	}
	return ""
}

// final returns the latest record's non-empty text at path: ids of created
// objects, which may be empty or provisional until DONE.
func (r recs) final(path ...string) string {
	for i := len(r) - 1; i >= 0; i-- {
		if s := str(r[i], path...); s != "" {
			return s
		}
	}
	return ""
}

// get returns the first record's value at path.
func (r recs) get(path ...string) *jsondoc.Value {
	for _, v := range r {
		if x := get(v, path...); x != nil {
			return x
		}
	}
	return nil
}

// latest returns the latest record's value at path: a state that DONE
// reports as it ended up (a security group's rules).
func (r recs) latest(path ...string) *jsondoc.Value {
	for i := len(r) - 1; i >= 0; i-- {
		if x := get(r[i], path...); x != nil {
			return x
		}
	}
	return nil
}

// each returns the elements at path in every record, first record first.
func (r recs) each(path ...string) []*jsondoc.Value {
	var out []*jsondoc.Value
	for _, v := range r {
		out = append(out, each(v, path...)...)
	}
	return out
}

// strs returns the strings at path in every record, without repeats.
func (r recs) strs(path ...string) []string {
	var out []string
	for _, v := range r {
		for _, s := range strs(v, path...) {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}
