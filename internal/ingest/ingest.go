// Package ingest reads the body of a push to the HTTP ingest endpoint
// (POST /v1/ingest/{format}): it applies the size limits, inflates gzip,
// checks that the body is records a decoder reads, and unwraps the push
// envelopes log pipelines put around them (EventBridge events, Pub/Sub push
// messages, Event Hub batches). What it returns is ready to be queued and
// decoded later like a file. It refuses a bad request with an *Error that
// carries the HTTP status and a one-line message for the client. It decodes
// no event itself and imports nothing above internal/formats.
package ingest

import (
	"net/http"
)

// Default limits, used where Options leaves a limit at zero.
const (
	DefaultMaxBody    = 8 << 20  // bytes as sent
	DefaultMaxDecoded = 64 << 20 // bytes after gzip
)

// Options are the limits of one ingest endpoint.
type Options struct {
	// MaxBody caps the request body as sent (compressed, when gzip).
	MaxBody int64
	// MaxDecoded caps the body after gzip is inflated; it also caps an
	// identity body. It is what one request may cost in memory.
	MaxDecoded int64
}

func (o Options) withDefaults() Options {
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxDecoded <= 0 {
		o.MaxDecoded = DefaultMaxDecoded
	}
	return o
}

// Batch is an accepted request body.
type Batch struct {
	// Body holds the records for decode.Decoder, which reads it as it reads
	// a file: the request body itself when it has no envelope to take off
	// (or an Event Hub batch, which the decoders read as it is), else the
	// unwrapped records, one a line. It may be empty when every envelope
	// message was skipped. It never exceeds Options.MaxDecoded.
	Body []byte
	// Format is the format to decode Body with: "auto" (detect per record)
	// or one of formats.Names(). It is the URL's, or the one the envelope
	// implies (cloudtrail for EventBridge, gcpaudit for Pub/Sub).
	Format string
	// Envelope is the kind of push envelope found (None for plain records).
	Envelope Envelope
	// Unwrapped counts the records taken out of envelopes: CloudTrail
	// records of EventBridge events, LogEntries of Pub/Sub messages,
	// elements of Event Hub "records" arrays.
	Unwrapped int
	// Skipped counts envelope messages that hold no audit record: EventBridge
	// events of other detail-types, Pub/Sub messages without data. They are
	// not errors: the pipeline sends what its rule matched.
	Skipped int
	// Wire is the number of bytes read from the request, as sent.
	Wire int64
	// Gzip tells whether the body was gzip.
	Gzip bool
}

// Read reads the body of an ingest request. format is the {format} of the
// URL: "auto" (or "") or one of formats.Names(), in any case. A non-nil
// error is always an *Error: answer with its Status and Message. Read does
// not close the body (net/http does).
func Read(r *http.Request, format string, opts Options) (Batch, error) {
	opts = opts.withDefaults()
	name, err := formatName(format)
	if err != nil {
		return Batch{}, err
	}
	body, wire, gz, err := readBody(r, opts)
	if err != nil {
		return Batch{}, err
	}
	b, err := Unwrap(body, name)
	if err != nil {
		return Batch{}, err
	}
	b.Wire, b.Gzip = wire, gz
	return b, nil
}
