package rule

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Limits on a test event written in YAML: aliases can make a small file
// expand into a huge (or, with an anchor inside itself, endless) value.
const (
	maxJSONDepth = 64
	maxJSONSize  = 1 << 20
)

// jsonError is a problem with a test event, at a node.
type jsonError struct {
	n   *yaml.Node
	msg string
}

func (e *jsonError) pos(s *source) Pos { return s.at(e.n) }

// writeJSON writes node n as compact JSON, keeping the order of keys.
// Scalars keep YAML's types: 42 is a number, '42' a string, ~ is null.
func writeJSON(b *bytes.Buffer, n *yaml.Node, depth int) *jsonError {
	n = deref(n)
	if depth > maxJSONDepth {
		return &jsonError{n, "nested too deeply"}
	}
	if b.Len() > maxJSONSize {
		return &jsonError{n, "larger than 1 MiB"}
	}
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := deref(n.Content[i])
			if k.Kind != yaml.ScalarNode {
				return &jsonError{k, "a key must be a string"}
			}
			if seen[k.Value] {
				return &jsonError{k, "duplicate key " + strconv.Quote(k.Value)}
			}
			seen[k.Value] = true
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k.Value)
			b.WriteByte(':')
			if err := writeJSON(b, n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, it := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, it, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		return writeJSONScalar(b, n)
	default:
		return &jsonError{n, "unsupported YAML node"}
	}
	return nil
}

func writeJSONScalar(b *bytes.Buffer, n *yaml.Node) *jsonError {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err != nil {
			return &jsonError{n, err.Error()}
		}
		b.WriteString(strconv.FormatBool(v))
	case "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			return &jsonError{n, err.Error()}
		}
		switch x := v.(type) {
		case int:
			b.WriteString(strconv.Itoa(x))
		case int64:
			b.WriteString(strconv.FormatInt(x, 10))
		case uint64:
			b.WriteString(strconv.FormatUint(x, 10))
		case float64:
			if math.IsInf(x, 0) || math.IsNaN(x) {
				return &jsonError{n, "the number " + n.Value + " has no JSON form"}
			}
			b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		default:
			return &jsonError{n, "unsupported number " + strconv.Quote(n.Value)}
		}
	default:
		// Strings, and timestamps and binary kept as written.
		writeJSONString(b, n.Value)
	}
	return nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode ends with a newline
}
