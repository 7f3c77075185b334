package decode

import (
	"encoding/json"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
	"github.com/snapwarden/snapwarden/internal/source"
)

// batchRecords is how many records of an input held in memory are read
// together: all are parsed, then all decoded, then their events emitted
// (where the rules run). Each pass keeps its code in the instruction
// cache; one record at a time, the parser, the normalizer and the rules
// evicted one another at every record. cachegrind over CloudTrail NDJSON
// with the SigmaHQ AWS rules: 245 instruction-cache misses a record, 60 in
// batches of 16, and hunt 5–10 % faster. Batches of 32 or 64 were slower
// again: their parsers' memory no longer fits in the data cache.
const batchRecords = 16

// maxBatchedRecord bounds the records parsed by the batch's other parsers:
// a longer one waits for the batch to be emitted and takes the first, so
// that only one parser keeps the memory a huge record made it grow.
const maxBatchedRecord = 16 << 10

// batch holds the events of records decoded but not yet emitted, in input
// order. Each record of the batch has its own parser (and lent event), so
// its parsed values and views stay valid until the batch is emitted; its
// text stays in the input, which is held in memory.
//
// Only an event of a whole input record (its top-level value, with the
// input's own bytes as its text) waits, and at most one per record: any
// other event is emitted at once, after the batch, so the order holds and
// nothing waits on memory a format may reuse (an embedded record, a pair's
// halves, a built document).
type batch struct {
	n, next int // events[next:n] wait
	events  [batchRecords]*event.Event
	offsets [batchRecords]int64
	docs    [batchRecords][1]*jsondoc.Value
	raws    [batchRecords][1]json.RawMessage

	emit func(*event.Event) error
	// failed reports an event whose emit panicked, as record reports a
	// record whose decoding did.
	failed func(*event.Event, error) error
	input  []byte // the input held in memory, being read; nil for a stream
}

func (b *batch) full() bool { return b.n == len(b.events) }

// add queues ev, made from record v whose text is raw.
func (b *batch) add(ev *event.Event, v *jsondoc.Value, raw []byte) {
	i := b.n
	b.n++
	b.events[i], b.offsets[i] = ev, ev.Source.Offset
	b.docs[i][0], b.raws[i][0] = v, raw
	ev.Docs, ev.Raw = b.docs[i][:1:1], b.raws[i][:1:1]
}

// flush emits the waiting events in order. An error from emit (or from
// failed) stops it and drops the rest: decoding stops too.
func (b *batch) flush() error {
	for b.next < b.n {
		ev := b.events[b.next]
		err := b.emitOne(ev)
		ev.Docs = nil // its values die with the batch's next parses
		b.events[b.next], b.docs[b.next][0], b.raws[b.next][0] = nil, nil, nil
		b.next++
		if err != nil {
			b.clear()
			return err
		}
	}
	b.n, b.next = 0, 0
	return nil
}

func (b *batch) emitOne(ev *event.Event) (err error) {
	defer func() {
		// A bug must cost one record, not the run (see Decoder.record).
		if r := recover(); r != nil {
			if source.FaultIn(r, b.input) {
				panic(r) // the input changed: not the record's fault
			}
			err = b.failed(ev, internalError(r))
		}
	}()
	return b.emit(ev)
}

// clear drops whatever waits, keeping nothing of it.
func (b *batch) clear() {
	for i := b.next; i < b.n; i++ {
		b.events[i].Docs = nil
		b.events[i], b.docs[i][0], b.raws[i][0] = nil, nil, nil
	}
	b.n, b.next, b.input = 0, 0, nil
}

// waiting reports the input offset of the first event not yet emitted.
func (b *batch) waiting() (int64, bool) {
	if b.next < b.n {
		return b.offsets[b.next], true
	}
	return 0, false
}
