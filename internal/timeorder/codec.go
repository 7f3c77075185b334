package timeorder

import "encoding/json"

// Codec writes and reads one item; it is how items spill to disk. Decode must
// give back an item that less orders exactly as the one Append was given, and
// must not keep src after it returns (the buffer is reused).
type Codec[T any] interface {
	// Append appends the encoding of *item to dst.
	Append(dst []byte, item *T) ([]byte, error)
	// Decode decodes exactly what Append wrote.
	Decode(src []byte) (T, error)
}

// JSON is a Codec using encoding/json, the default for simple structs. Only
// exported fields travel, and a time.Time keeps its instant and offset but
// not its monotonic reading or *time.Location, so less should read only
// what survives a JSON round trip.
type JSON[T any] struct{}

var _ Codec[struct{}] = JSON[struct{}]{}

// Append implements Codec.
func (JSON[T]) Append(dst []byte, item *T) ([]byte, error) {
	b, err := json.Marshal(item)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// Decode implements Codec.
func (JSON[T]) Decode(src []byte) (T, error) {
	var v T
	err := json.Unmarshal(src, &v)
	return v, err
}
