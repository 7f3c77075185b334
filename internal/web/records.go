package web

import (
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
	"github.com/snapwarden/snapwarden/internal/store"
)

// decodeRecord normalizes a kept record again, for the parts its
// resources played (the finding keeps only their ids). A paired
// operation's record is a JSON array of its records. Nil when the format
// is unknown or the record does not decode: the page then shows the
// record without them.
func decodeRecord(rec store.EventRecord) *event.Event {
	f, err := formats.Lookup(rec.Format)
	if err != nil || f == nil {
		return nil
	}
	var p jsondoc.Parser
	v, err := p.ParseBytes(rec.Raw)
	if err != nil {
		return nil
	}
	docs := []*jsondoc.Value{v}
	if v.Type() == jsondoc.TypeArray {
		docs, _ = v.Array()
	}
	if len(docs) == 0 {
		return nil
	}
	ev, err := f.Normalize(docs)
	if err != nil || ev == nil {
		return nil
	}
	ev.Docs, ev.Raw = nil, nil // they point into the parser
	return ev
}
