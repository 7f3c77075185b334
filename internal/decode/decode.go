// Package decode turns raw audit-log input into normalized events. It owns
// the record splitter, format auto-detection, the pairing of request and
// response records, and the error type for bad records; each provider format
// lives in its own sub-package and implements Format.
package decode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
	"github.com/snapwarden/snapwarden/internal/source"
)

// RecordError is a bad record: counted, reported with its place, skipped.
type RecordError struct {
	File   string
	Line   int
	Offset int64
	Format string // the format the record was decoded as, if known
	Err    error
}

func (e *RecordError) Error() string {
	where := e.File
	if where == "" {
		where = "<input>"
	}
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", where, e.Line)
	} else {
		where = fmt.Sprintf("%s@%d", where, e.Offset)
	}
	if e.Format != "" {
		return fmt.Sprintf("%s: %s: %v", where, e.Format, e.Err)
	}
	return fmt.Sprintf("%s: %v", where, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// ErrUnknownFormat is the cause of a RecordError for a record no format claims.
var ErrUnknownFormat = errors.New("unknown format")

// Part says which half of a paired operation a record is.
type Part int

const (
	// Alone: the record is a whole operation.
	Alone Part = iota
	// First opens an operation: a request, BeginRequest, operation.first, STARTED.
	First
	// Middle is an intermediate record (Azure "Accepted", Yandex RUNNING).
	Middle
	// Last closes an operation: a response, EndRequest, operation.last, DONE.
	Last
)

// Format is one provider audit-log format. Implementations are stateless and
// safe for concurrent use.
type Format interface {
	// Name is the format's name on the command line (--format).
	Name() string
	// Sniff reports whether a parsed JSON record is in this format. It must be
	// cheap: it runs on every record of a file until one format claims it.
	Sniff(v *jsondoc.Value) bool
	// Decode hands each provider record held by v (v itself, or records
	// unwrapped from an envelope) to out.
	Decode(v *jsondoc.Value, out *Output) error
	// Normalize builds one event from the records of one operation: a single
	// record, or the records of a pair in order (first, middles, last). It
	// must not keep the values.
	Normalize(docs []*jsondoc.Value) (*event.Event, error)
}

// Claimer is a Format that can tell and decode a record in one pass: Claim
// decodes v into out when v is in the format and reports whether it was.
// The Decoder asks the format of the previous record first, so a Claimer
// saves a Sniff per record on a file of one format.
type Claimer interface {
	Format
	Claim(v *jsondoc.Value, out *Output) (bool, error)
}

// TextFormat is a format whose records may also be lines of text (syslog, CEF).
type TextFormat interface {
	Format
	SniffText(line []byte) bool
	DecodeText(line []byte, out *Output) error
}

// Output receives the provider records a Format finds in one input record.
type Output struct {
	format Format
	chunk  Chunk // a copy: a pointer to the caller's would cost an allocation a record
	top    *jsondoc.Value
	file   string
	emit   func(*event.Event) error
	pairer *Pairer
	count  int
	docs   [1]*jsondoc.Value
	raw    [1]json.RawMessage
	// scratch is the record's reusable event (Options.Scratch), or nil.
	scratch *event.Event
	// batch, when the input is held in memory, keeps the record's event
	// waiting to be emitted with those of the records after it, at slot:
	// the place whose parser and lent event the record was given.
	batch *batch
	slot  int
}

// Scratch returns the record's reusable event, cleared and marked
// Scratch, for a format to fill with views into the record (see
// Options.Scratch); nil when the Decoder lends none (o may be nil), and the
// format then allocates the event and owns its strings.
func (o *Output) Scratch() *event.Event {
	if o == nil || o.scratch == nil || o.batch != nil && o.batch.n > o.slot {
		return nil // the record's lent event waits in the batch
	}
	*o.scratch = event.Event{Scratch: true}
	return o.scratch
}

// Record hands over a record that stands alone. raw is the record's JSON
// text when the caller has it; nil means v is re-serialized (or, when v is
// the input record itself, the input bytes are used).
func (o *Output) Record(v *jsondoc.Value, raw []byte) error {
	o.docs[0] = v // one slice for every record: no allocation per event
	ev, err := o.format.Normalize(o.docs[:1:1])
	if err != nil {
		o.Failed()
		return err
	}
	return o.Event(ev, v, raw)
}

// Failed counts a record of which no event could be made (its error is
// returned to the Decoder), for a format that calls neither Record nor
// Event for it.
func (o *Output) Failed() { o.count++ }

// Event hands over the event a format normalized from record v itself (as
// its Normalize would), sparing a second pass over the record.
func (o *Output) Event(ev *event.Event, v *jsondoc.Value, raw []byte) error {
	o.count++
	ev.Format = o.format.Name()
	ev.Source = event.Source{File: o.file, Line: o.chunk.Line, Offset: o.chunk.Offset}
	// The batch's n-th event keeps the n-th parser's values: only a
	// record's first event may wait, and only before any of it was emitted.
	if o.batch != nil && o.batch.n == o.slot && v == o.top && raw == nil {
		o.batch.add(ev, v, o.chunk.Bytes)
		return nil
	}
	if err := o.flush(); err != nil {
		return err
	}
	o.docs[0] = v
	o.raw[0] = o.rawOf(v, raw)
	ev.Raw = o.raw[:1:1] // reused for the next record; Detach copies it
	ev.Docs = o.docs[:1:1]
	err := o.emit(ev)
	ev.Docs = nil // v dies with the next parse
	return err
}

// Half hands over one record of a paired operation. key identifies the
// operation within the format; t orders and expires pending halves.
func (o *Output) Half(v *jsondoc.Value, raw []byte, key string, part Part, t time.Time) error {
	if o.pairer == nil || part == Alone || key == "" {
		return o.Record(v, raw)
	}
	if err := o.flush(); err != nil { // the pairer emits at once
		return err
	}
	o.count++
	h := half{
		key:  o.format.Name() + "\x00" + key,
		part: part,
		time: t,
		raw:  append([]byte(nil), o.rawOf(v, raw)...), // kept until its partner comes
		src:  event.Source{File: o.file, Line: o.chunk.Line, Offset: o.chunk.Offset},
	}
	return o.pairer.add(o.format, h, o.emit)
}

// flush emits the events waiting in the batch, before an event that is
// emitted at once.
func (o *Output) flush() error {
	if o.batch == nil {
		return nil
	}
	if err := o.batch.flush(); err != nil {
		return stopError{err}
	}
	return nil
}

// rawOf returns a record's text without copying it: it may point into the
// splitter's buffer, valid until the next record (Event.Detach copies it).
func (o *Output) rawOf(v *jsondoc.Value, raw []byte) []byte {
	switch {
	case raw != nil:
		return raw
	case v == o.top:
		return o.chunk.Bytes
	default:
		return v.MarshalTo(nil)
	}
}

// Options tune a Decoder.
type Options struct {
	// Format forces one format for every record (--format); nil auto-detects.
	Format Format
	// Formats are the candidates for auto-detection, in order.
	Formats []Format
	// Pairer joins paired records across inputs; nil emits every record alone.
	Pairer *Pairer
	// Scratch lets a format hand over the event of an ordinary record (for
	// CloudTrail, an operation without a handler: most are reads) in an
	// event the Decoder reuses (one for each record of a batch), its
	// strings views into the parsed record (Event.Scratch): nothing is
	// allocated or copied for it. The emit
	// callback then keeps no event it is given, scratch or not (it keeps a
	// Clone), and calls Own before it keeps any of a scratch event's strings.
	Scratch bool
	// MaxRecord caps one record's size (DefaultMaxRecord when 0).
	MaxRecord int
}

// Stats counts what one input held.
type Stats struct {
	Records   int            // provider records decoded (a container counts its elements)
	Malformed int            // records that could not be decoded
	PerFormat map[string]int // records per format
	Bytes     int64          // input bytes read
}

// Decoder decodes inputs one after another. It is not safe for concurrent
// use: give each worker its own.
type Decoder struct {
	opts  Options
	last  Format
	split *Splitter // reused from input to input, with its buffer
	// An input held in memory is decoded in batches: each record of a
	// batch has its parser and its lent event (Options.Scratch); other
	// input uses the first.
	parsers [batchRecords]jsondoc.Parser
	lent    [batchRecords]event.Event
	batch   batch
	// decoding is where the batch's record being decoded starts, while
	// the records after it are already read; -1 otherwise.
	decoding int64
}

// NewDecoder returns a Decoder.
func NewDecoder(opts Options) *Decoder {
	return &Decoder{opts: opts, decoding: -1}
}

// Decode reads one input named file, calling emit for each event and
// bad for each bad record (a *RecordError); either may return an error to
// stop. A non-nil result is an error that ended the input early (a read
// error, a truncated gzip stream, broken JSON) after what could be read.
func (d *Decoder) Decode(ctx context.Context, r io.Reader, file string, emit func(*event.Event) error, bad func(*RecordError) error) (Stats, error) {
	if d.split == nil {
		d.split = NewSplitter(r)
	} else {
		d.split.Reset(r)
	}
	return d.decode(ctx, file, emit, bad)
}

// DecodeBytes is Decode of an input held in memory, read where it is
// rather than copied into the Decoder's buffer. data is not modified; an
// event's Raw may point into it.
func (d *Decoder) DecodeBytes(ctx context.Context, data []byte, file string, emit func(*event.Event) error, bad func(*RecordError) error) (Stats, error) {
	if d.split == nil {
		d.split = new(Splitter)
	}
	d.split.ResetBytes(data)
	// Hold nothing of data past the call, even one a panic ends: an idle
	// decoder must not keep its last input (a serve batch, a mapped file)
	// alive, nor point into an unmapped one.
	defer func() {
		d.split.ResetBytes(nil)
		d.batch.clear()
		d.lent = [batchRecords]event.Event{}
	}()
	return d.decode(ctx, file, emit, bad)
}

// Offset returns how far into its current input the decoder has read, for
// progress: where the first record of a batch whose event is not yet
// emitted starts, or else the end of the last record read. Only the
// goroutine decoding may call it.
func (d *Decoder) Offset() int64 {
	if d.split == nil {
		return 0
	}
	if at, ok := d.batch.waiting(); ok {
		return at
	}
	if d.decoding >= 0 {
		return d.decoding
	}
	return d.split.Offset()
}

// decode reads the input d.split was given.
func (d *Decoder) decode(ctx context.Context, file string, emit func(*event.Event) error, bad func(*RecordError) error) (Stats, error) {
	st := Stats{PerFormat: map[string]int{}}
	sp := d.split
	if d.opts.MaxRecord > 0 {
		sp.SetMaxRecord(d.opts.MaxRecord)
	}
	out := &Output{file: file, pairer: d.opts.Pairer}
	out.emit = func(e *event.Event) error {
		if err := emit(e); err != nil {
			return stopError{err} // tells a failing emit from a bad record
		}
		return nil
	}
	if sp.borrowed {
		// The records' text stays where it is until the call returns.
		b := &d.batch
		b.clear()
		b.emit, b.input = emit, sp.buf
		b.failed = func(e *event.Event, err error) error {
			st.PerFormat[e.Format]--
			st.Malformed++
			return bad(&RecordError{File: file, Line: e.Source.Line, Offset: e.Source.Offset, Format: e.Format, Err: err})
		}
		out.batch = b
	}
	err := d.records(ctx, &st, out, bad)
	if stop, ok := err.(stopError); ok {
		return st, stop.err
	}
	// What waits was decoded: it is emitted even when decoding ends early.
	if out.batch != nil {
		if ferr := out.batch.flush(); ferr != nil {
			return st, ferr
		}
	}
	if err == io.EOF {
		err = nil
	}
	return st, err
}

// records decodes the records of the input into out. It ends with io.EOF
// at the end of the input, a stopError when emit or bad fails, or the
// error that ended the input early.
//
// An input held in memory is read in three passes over a batch: its
// records are parsed, then decoded, then their events emitted (see
// batchRecords), each pass keeping its code in the instruction cache.
// Other input goes one record at a time: a chunk's bytes are valid only
// until the next is read.
func (d *Decoder) records(ctx context.Context, st *Stats, out *Output, bad func(*RecordError) error) error {
	r := batchReader{d: d, st: st, out: out, bad: bad, limit: 1}
	if out.batch != nil {
		r.limit = batchRecords
	}
	defer func() {
		d.decoding = -1
		st.Bytes = d.split.Offset()
		r.counted.add(nil, 0, st)
	}()
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		n, end, err := r.parse()
		if err != nil {
			return err
		}
		if err := r.decode(n); err != nil {
			return err
		}
		if err := out.flush(); err != nil {
			return err
		}
		if end != nil {
			return end
		}
	}
}

// batchReader reads an input batch after batch for records.
type batchReader struct {
	d     *Decoder
	st    *Stats
	out   *Output
	bad   func(*RecordError) error
	limit int // records a batch

	items [batchRecords]struct {
		ch Chunk
		v  *jsondoc.Value // nil: parsed the careful way when decoded
	}
	held    Chunk // read, but too long to join the batch: first of the next
	holding bool
	counted formatCount
}

// parse reads the next batch's records, parsing the i-th with the i-th
// parser, and returns how many it read and the error, if any, that ended
// the input after them. A non-nil err is a stopError.
func (r *batchReader) parse() (n int, end, err error) {
	sp := r.d.split
	for n < r.limit {
		var ch Chunk
		if r.holding {
			ch, r.holding = r.held, false
		} else if ch, err = sp.Next(); err != nil {
			var re *RecordError
			if !errors.As(err, &re) {
				return n, err, nil
			}
			r.st.Malformed++
			re.File = r.out.file
			if err := r.bad(re); err != nil {
				return n, nil, stopError{err}
			}
			continue
		}
		if n > 0 && len(ch.Bytes) > maxBatchedRecord {
			r.held, r.holding = ch, true
			break
		}
		var v *jsondoc.Value
		if ch.Whole {
			var perr error
			if v, perr = r.d.parsers[n].ParseBytes(ch.Bytes); perr != nil || isContainer(v) {
				sp.Rewind() // read it again the careful way
				continue
			}
		}
		r.items[n].ch, r.items[n].v = ch, v
		n++
	}
	return n, nil, nil
}

// decode decodes the batch's n records: each record's event waits in the
// batch at the place of its parser. A non-nil result is a stopError.
func (r *batchReader) decode(n int) error {
	d, st, out := r.d, r.st, r.out
	defer func() { d.decoding = -1 }()
	for i := range n {
		ch := &r.items[i].ch
		if r.limit > 1 {
			d.decoding = ch.Offset
		}
		out.slot = i
		if d.opts.Scratch {
			out.scratch = &d.lent[i]
		}
		f, records, err := d.record(ch, r.items[i].v, out, &d.parsers[i])
		r.items[i].v = nil
		st.Records += max(records, 1)
		if err == nil && records == 0 {
			// A format claimed the record but found no operation in it: say
			// so rather than let it vanish.
			err = errors.New("record holds no audit record")
		}
		if err != nil {
			var stop stopError
			if errors.As(err, &stop) {
				return stop
			}
			st.Malformed++
			re := &RecordError{File: out.file, Line: ch.Line, Offset: ch.Offset, Err: err}
			if f != nil {
				re.Format = f.Name()
			}
			if err := r.bad(re); err != nil {
				return stopError{err}
			}
			continue
		}
		r.counted.add(f, records, st)
	}
	return nil
}

// formatCount counts records of one format at a time, so that a run of
// records of one format costs one update of Stats.PerFormat, not one each.
type formatCount struct {
	f Format
	n int
}

// add counts n records of f; a nil f counts what is pending.
func (c *formatCount) add(f Format, n int, st *Stats) {
	if f != c.f {
		if c.f != nil {
			st.PerFormat[c.f.Name()] += c.n
		}
		c.f, c.n = f, 0
	}
	c.n += n
}

// stopError carries an error returned by emit: it stops decoding.
type stopError struct{ err error }

func (e stopError) Error() string { return e.err.Error() }
func (e stopError) Unwrap() error { return e.err }

// record decodes one chunk, parsing it with parser unless v is given, and
// returns its format and how many provider records it held.
func (d *Decoder) record(ch *Chunk, v *jsondoc.Value, out *Output, parser *jsondoc.Parser) (f Format, count int, err error) {
	defer func() {
		// Decoders are fuzzed, but a bug must cost one record, not the run.
		if r := recover(); r != nil {
			if source.FaultIn(r, d.batch.input) {
				panic(r) // the input changed: not the record's fault
			}
			err = internalError(r)
		}
	}()
	out.chunk, out.count = *ch, 0
	if ch.Text {
		f := d.sniffText(ch.Bytes)
		if f == nil {
			return nil, 1, fmt.Errorf("%w: not JSON and not a known text format: %q", ErrUnknownFormat, clip(ch.Bytes, 60))
		}
		out.format, out.top = f, nil
		err := f.(TextFormat).DecodeText(ch.Bytes, out)
		return f, out.count, err
	}
	if v == nil {
		if v, err = parser.ParseBytes(ch.Bytes); err != nil {
			return nil, 1, fmt.Errorf("invalid JSON: %v", err)
		}
	}
	if c, ok := d.last.(Claimer); ok && d.opts.Format == nil {
		out.format, out.top = c, v
		if claimed, err := c.Claim(v, out); claimed || err != nil {
			return c, out.count, err
		}
	}
	f = d.sniff(v)
	if f == nil {
		return nil, 1, fmt.Errorf("%w: %s", ErrUnknownFormat, describe(v))
	}
	out.format, out.top = f, v
	err = f.Decode(v, out)
	return f, out.count, err
}

func internalError(r any) error {
	return fmt.Errorf("internal error decoding record: %v", r)
}

func (d *Decoder) sniff(v *jsondoc.Value) Format {
	if d.opts.Format != nil {
		return d.opts.Format
	}
	if _, claims := d.last.(Claimer); !claims && d.last != nil && d.last.Sniff(v) {
		return d.last // a Claimer has been asked already
	}
	for _, f := range d.opts.Formats {
		if f != d.last && f.Sniff(v) {
			d.last = f
			return f
		}
	}
	return nil
}

func (d *Decoder) sniffText(line []byte) Format {
	if d.opts.Format != nil {
		if _, ok := d.opts.Format.(TextFormat); ok {
			return d.opts.Format
		}
		return nil
	}
	for _, f := range d.opts.Formats {
		if tf, ok := f.(TextFormat); ok && tf.SniffText(line) {
			return f
		}
	}
	return nil
}

// isContainer reports whether an object holds its records under a wrapper
// key (the splitter then streams them).
func isContainer(v *jsondoc.Value) bool {
	o, err := v.Object()
	if err != nil || o.Len() > 8 {
		// Containers have a handful of members (the records, a paging
		// marker, a count); audit records have many more.
		return false
	}
	found := false
	o.Visit(func(k []byte, x *jsondoc.Value) {
		// Wrapper keys start with R, r, v, l, E, e: most keys fail here.
		if found || len(k) == 0 || !wrapperInitial[k[0]] {
			return
		}
		found = wrapperKeys[string(k)] && x.Type() == jsondoc.TypeArray
	})
	return found
}

var wrapperInitial = func() (t [256]bool) {
	for k := range wrapperKeys {
		t[k[0]] = true
	}
	return t
}()

// describe names a JSON value's shape for an "unknown format" message.
func describe(v *jsondoc.Value) string {
	if v.Type() != jsondoc.TypeObject {
		return "a JSON " + v.Type().String() + " is not an audit record"
	}
	o, _ := v.Object()
	var keys []string
	o.Visit(func(k []byte, _ *jsondoc.Value) {
		if len(keys) < 6 {
			keys = append(keys, string(k))
		}
	})
	return fmt.Sprintf("object with keys %q", keys)
}

func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
