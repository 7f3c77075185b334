package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// listOf returns the elements of the list an export holds: the array
// itself (member ""), or the named member of the AWS CLI's object, whose
// NextToken marks the export as one page of a longer list.
func listOf(p *placer, data []byte, member string) ([]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var elems []json.RawMessage
	if member == "" {
		if err := dec.Decode(&elems); err != nil {
			return nil, p.errorf(-1, "want a JSON array (%s): %v", p.format.command, jsonError(err))
		}
	} else {
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			return nil, p.errorf(-1, "want an object with %q (%s): %v", member, p.format.command, jsonError(err))
		}
		list, ok := obj[member]
		if err := json.Unmarshal(list, &elems); !ok || err != nil {
			if err == nil {
				err = errors.New("missing")
			}
			return nil, p.errorf(-1, "%q is not a list: %v", member, jsonError(err))
		}
		if t := str(obj, "NextToken"); t != "" {
			p.partial = "the export is one page of a longer list (NextToken is set): export without --max-items or --no-paginate to cover its scope"
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, p.errorf(-1, "more than one JSON value: give one export per file")
	}
	return elems, nil
}

// each decodes every element into a T and hands it to f with its index.
func each[T any](p *placer, elems []json.RawMessage, f func(i int, v *T) error) error {
	vs, err := decodeAll[T](p, elems)
	if err != nil {
		return err
	}
	for i := range vs {
		if err := f(i, &vs[i]); err != nil {
			return err
		}
	}
	return nil
}

// decodeAll decodes every element into a T.
func decodeAll[T any](p *placer, elems []json.RawMessage) ([]T, error) {
	vs := make([]T, len(elems))
	for i, raw := range elems {
		if err := json.Unmarshal(raw, &vs[i]); err != nil {
			return nil, p.errorf(i, "%v", jsonError(err))
		}
	}
	return vs, nil
}

// jsonError rewords encoding/json's errors for a user: the field's JSON
// path and what was found, not the Go type it was meant for.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Errorf("field %s: unexpected JSON %s", te.Field, te.Value)
		}
		return fmt.Errorf("unexpected JSON %s", te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not valid JSON at byte %d: %v", se.Offset, se)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated JSON")
	}
	return err
}
