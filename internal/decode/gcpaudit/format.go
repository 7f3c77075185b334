// Package gcpaudit decodes GCP Cloud Audit Logs: LogEntry records as NDJSON
// (Cloud Storage sinks), JSON arrays (gcloud logging read --format=json) and
// Pub/Sub push envelopes. Compute long-running operations log a first and a
// last entry under one operation id; they are paired into one event.
package gcpaudit

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Format is the GCP Cloud Audit Logs format.
type Format struct{}

var _ decode.Format = Format{}

// Name is the format's name on the command line.
func (Format) Name() string { return "gcpaudit" }

var (
	errNoPayload = errors.New("not an audit LogEntry: no protoPayload")
	errNoMethod  = errors.New("audit LogEntry without protoPayload.methodName")
)

// Sniff claims a LogEntry (protoPayload, any case), a Pub/Sub push
// envelope, or a Logging API entries.list page. No other cloud writes these
// keys.
func (Format) Sniff(v *jsondoc.Value) bool {
	if v.Type() != jsondoc.TypeObject {
		return false
	}
	return payload(v) != nil || isPushEnvelope(v) || isEntriesPage(v)
}

// Decode hands each LogEntry held by v to out, pairing the first and last
// entries of a long-running operation.
func (Format) Decode(v *jsondoc.Value, out *decode.Output) error {
	switch {
	case isPushEnvelope(v):
		return decodePush(v, out)
	case payload(v) == nil && isEntriesPage(v):
		return decodeEntries(decode.Each(v, "entries"), out)
	}
	return decodeEntry(v, nil, out)
}

func decodeEntry(v *jsondoc.Value, raw []byte, out *decode.Output) error {
	pp := payload(v)
	if pp == nil {
		return errNoPayload
	}
	if clean(decode.StrFold(pp, "methodName")) == "" {
		return errNoMethod
	}
	op := decode.GetFold(v, "operation")
	id := clean(decode.Str(op, "id"))
	first, last := decode.Bool(op, "first"), decode.Bool(op, "last")
	if id == "" || first == last {
		// No operation, a one-entry operation (first and last), or an
		// entry of an operation that is neither: each is a whole event.
		return out.Record(v, raw)
	}
	key := id + "\x00" + decode.Str(op, "producer")
	t, _ := decode.ParseTime(decode.StrFold(v, "timestamp"))
	part := decode.Last
	if first {
		part = decode.First
	}
	return out.Half(v, raw, key, part, t)
}

// isPushEnvelope reports whether v is a Pub/Sub push request body:
// {"message":{"data":…},"subscription":…}.
func isPushEnvelope(v *jsondoc.Value) bool {
	return v.Get("subscription") != nil && v.Get("message", "data") != nil
}

// decodePush unwraps the base64 LogEntry of a Pub/Sub push envelope and
// hands the decoded bytes on as the raw record.
func decodePush(v *jsondoc.Value, out *decode.Output) error {
	data, err := unbase64(decode.Str(v, "message", "data"))
	if err != nil {
		return fmt.Errorf("pub/sub message data: %w", err)
	}
	var p jsondoc.Parser // the entry must outlive the caller's next parse
	inner, err := p.ParseBytes(data)
	if err != nil {
		return fmt.Errorf("pub/sub message data is not JSON: %v", err)
	}
	switch inner.Type() {
	case jsondoc.TypeObject:
		return decodeEntry(inner, data, out)
	case jsondoc.TypeArray:
		a, _ := inner.Array()
		return decodeEntries(a, out)
	}
	return fmt.Errorf("pub/sub message data is a JSON %s, not a LogEntry", inner.Type())
}

// isEntriesPage reports whether v is a page of the Logging API's
// entries.list ({"entries":[LogEntry…],"nextPageToken":…}).
func isEntriesPage(v *jsondoc.Value) bool {
	return payload(v.Get("entries", "0")) != nil
}

// decodeEntries decodes the LogEntries of a list; a bad one does not stop
// the others, and the first error is reported.
func decodeEntries(entries []*jsondoc.Value, out *decode.Output) error {
	var firstErr error
	for _, x := range entries {
		if x.Type() != jsondoc.TypeObject {
			if firstErr == nil {
				firstErr = fmt.Errorf("a JSON %s among LogEntries", x.Type())
			}
			continue
		}
		if err := decodeEntry(x, x.MarshalTo(nil), out); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// unbase64 accepts the standard and URL-safe alphabets, padded or not.
func unbase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("empty")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}
