package ingest

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Unwrap checks a body (already inflated) and takes the records out of its
// push envelopes; Read calls it, and a consumer that gets bodies another
// way (a queue) can too. format is as for Read. A body is JSON values one
// after another (one object, an array, NDJSON, concatenated JSON) or lines
// of a text format a decoder reads; its first value decides whether it is
// an envelope, and every other value must then be the same kind. The
// batch's Body is body itself (a UTF-8 BOM cut off) when there is no
// envelope to take off, else a new buffer no longer than body: unwrapped
// records are smaller than their envelopes. A non-nil error is an *Error.
func Unwrap(body []byte, format string) (Batch, error) {
	name, err := formatName(format)
	if err != nil {
		return Batch{}, err
	}
	u := unwrappers.Get().(*unwrapper)
	defer func() {
		// Only the parsers' storage is kept: the batch may hold u.out.
		*u = unwrapper{p: u.p, inner: u.inner}
		unwrappers.Put(u)
	}()
	u.body, u.format = bytes.TrimPrefix(body, utf8BOM), name
	return u.run()
}

// unwrappers keep their parsers' storage from one body to the next: growing
// it afresh for every request was a third of serve's CPU under load.
var unwrappers = sync.Pool{New: func() any {
	// Strict, as a client's JSON library reads: by default the parser lets
	// bad escapes and numbers through.
	return &unwrapper{p: jsondoc.Parser{Strict: true}, inner: jsondoc.Parser{Strict: true}}
}}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// unwrapper holds the state of one Unwrap.
type unwrapper struct {
	body    []byte
	format  string
	text    []decode.TextFormat // looked up at the first text line
	env     Envelope
	decided bool // env was set by the first item
	p       jsondoc.Parser
	inner   jsondoc.Parser // for Pub/Sub data, parsed while its message is in use
	out     []byte         // unwrapped records, one a line
	batch   Batch
}

func (u *unwrapper) run() (Batch, error) {
	items := 0
	for pos := 0; ; {
		it, end, ok := nextItem(u.body, pos)
		if !ok {
			break
		}
		pos = end
		items++
		var err error
		if it.text {
			err = u.textLine(it)
		} else {
			err = u.value(it)
		}
		if err != nil {
			return Batch{}, err
		}
	}
	if items == 0 {
		return Batch{}, errEmpty()
	}
	b := u.batch
	b.Envelope, b.Format, b.Body = u.env, u.format, u.body
	if f := u.env.format(); f != "" {
		b.Format = f
	}
	if u.env == EventBridge || u.env == PubSub {
		b.Body = u.out
	}
	return b, nil
}

// decide fixes the body's envelope from its first item and checks it
// against the URL's format.
func (u *unwrapper) decide(env Envelope) error {
	u.env, u.decided = env, true
	if env == EventBridge || env == PubSub {
		// The unwrapped records never outgrow the body: one allocation.
		u.out = make([]byte, 0, len(u.body))
	}
	if f := env.format(); f != "" && u.format != Auto && u.format != f {
		return errorf(http.StatusBadRequest,
			"the body's first record is %s, which holds %s records, but the URL names format %q: post to /v1/ingest/%s or /v1/ingest/auto",
			env.describe(), f, u.format, f)
	}
	return nil
}

// mismatch reports an item of another kind than the first.
func (u *unwrapper) mismatch(off int, got Envelope, what string) error {
	return errorAt(u.body, off, "%s is %s, not %s like the first record: send one kind of record per request",
		what, got.describe(), u.env.describe())
}

// textLine accepts a line that a text format (syslog, CEF) reads.
func (u *unwrapper) textLine(it item) error {
	if !u.decided {
		if err := u.decide(None); err != nil {
			return err
		}
	}
	if u.env != None {
		return errorAt(u.body, it.off, "a line of text, not %s like the first record: send one kind of record per request",
			u.env.describe())
	}
	if u.text == nil {
		u.text = textFormats(u.format)
	}
	for _, tf := range u.text {
		if tf.SniffText(it.b) {
			return nil
		}
	}
	want := "want JSON records (an object, an array, NDJSON)"
	if len(u.text) > 0 {
		var names []string
		for _, tf := range u.text {
			names = append(names, tf.Name())
		}
		want += " or log lines the " + strings.Join(names, ", ") + " format reads (syslog, CEF)"
	}
	return errorAt(u.body, it.off, "not JSON: %q; %s", clip(string(it.b), 40), want)
}

// value checks one JSON value and unwraps it when the body is envelopes.
func (u *unwrapper) value(it item) error {
	v, err := u.p.ParseBytes(it.b)
	if err != nil {
		off, msg := syntaxError(it.b, err)
		return errorAt(u.body, it.off+off, "invalid JSON: %s; want JSON records (an object, an array, NDJSON)", msg)
	}
	// An array is a batch of messages: its first element tells their kind.
	msgs := []*jsondoc.Value{v}
	if v.Type() == jsondoc.TypeArray {
		msgs, _ = v.Array()
	}
	env := None
	if len(msgs) > 0 {
		env = envelopeOf(msgs[0])
	}
	if v.Type() == jsondoc.TypeArray && env == EventHub {
		env = None // an array of Event Hub batches: the decoders read it as it is
	}
	if !u.decided {
		if err := u.decide(env); err != nil {
			return err
		}
	}
	if env != u.env {
		return u.mismatch(it.off, env, "this value")
	}
	switch u.env {
	case EventHub:
		a, _ := v.Get("records").Array()
		u.batch.Unwrapped += len(a)
	case EventBridge, PubSub:
		for i, m := range msgs {
			if got := envelopeOf(m); got != u.env {
				return u.mismatch(it.off, got, fmt.Sprintf("element %d of this array", i+1))
			}
			if u.env == EventBridge {
				u.eventBridge(m)
			} else if err := u.pubSub(m, it.off); err != nil {
				return err
			}
		}
	}
	return nil
}
