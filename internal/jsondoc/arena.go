package jsondoc

// Arena makes values to build a document in code. Its values stay valid
// until Reset.
type Arena struct {
	vs []Value
}

func (a *Arena) next(t Type) *Value {
	if len(a.vs) < cap(a.vs) {
		a.vs = a.vs[:len(a.vs)+1]
	} else {
		a.vs = append(a.vs, Value{})
	}
	v := &a.vs[len(a.vs)-1]
	v.reset()
	v.t = t
	return v
}

// Reset lets the arena reuse its values.
func (a *Arena) Reset() { a.vs = a.vs[:0] }

// NewObject is an empty object.
func (a *Arena) NewObject() *Value { return a.next(TypeObject) }

// NewString is a string value of s.
func (a *Arena) NewString(s string) *Value {
	v := a.next(TypeString)
	v.s = s
	return v
}

// Parse parses s with a parser of its own.
func Parse(s string) (*Value, error) {
	var p Parser
	return p.Parse(s)
}

// ParseBytes parses b with a parser of its own.
func ParseBytes(b []byte) (*Value, error) {
	var p Parser
	return p.ParseBytes(b)
}

// MustParse parses s and panics when it is not JSON; for tests and
// constants.
func MustParse(s string) *Value {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}
