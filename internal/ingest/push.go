package ingest

import (
	"bytes"
	"encoding/base64"
	"errors"

	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// viaCloudTrail ends the detail-types whose detail is a CloudTrail record:
// "AWS API Call via CloudTrail", and also the service events, console
// sign-ins and console actions CloudTrail sends to EventBridge, which the
// CloudTrail decoder reads as it reads them in a trail.
var viaCloudTrail = []byte(" via CloudTrail")

// eventBridge unwraps the CloudTrail record of an EventBridge event; an
// event of another detail-type (a state-change notification, say) is
// counted as skipped.
func (u *unwrapper) eventBridge(m *jsondoc.Value) {
	d := m.Get("detail")
	if !bytes.HasSuffix(m.GetStringBytes("detail-type"), viaCloudTrail) || d.Type() != jsondoc.TypeObject {
		u.batch.Skipped++
		return
	}
	u.out = append(d.MarshalTo(u.out), '\n')
	u.batch.Unwrapped++
}

// pubSub unwraps the LogEntries in the base64 data of a Pub/Sub push
// message: one entry, NDJSON of entries, or an array of them. A message
// without data is counted as skipped. off locates the message in errors.
func (u *unwrapper) pubSub(m *jsondoc.Value, off int) error {
	data := bytes.TrimSpace(m.GetStringBytes("message", "data"))
	if len(data) == 0 {
		u.batch.Skipped++
		return nil
	}
	raw, err := unbase64(data)
	if err != nil {
		return errorAt(u.body, off, "message.data is not base64 (%v): want a LogEntry, base64-encoded", err)
	}
	n := 0
	for pos := 0; ; {
		it, end, ok := nextItem(raw, pos)
		if !ok {
			break
		}
		pos = end
		if it.text {
			line, col := position(raw, it.off)
			return errorAt(u.body, off, "message.data, once decoded, is not JSON at its line %d, column %d: want LogEntry JSON",
				line, col)
		}
		v, err := u.inner.ParseBytes(it.b)
		if err != nil {
			ioff, msg := syntaxError(it.b, err)
			line, col := position(raw, it.off+ioff)
			return errorAt(u.body, off, "message.data, once decoded, is invalid JSON at its line %d, column %d: %s",
				line, col, msg)
		}
		entries := []*jsondoc.Value{v}
		if v.Type() == jsondoc.TypeArray {
			entries, _ = v.Array()
		}
		for _, e := range entries {
			u.out = append(e.MarshalTo(u.out), '\n')
			n++
		}
	}
	if n == 0 {
		u.batch.Skipped++
	}
	u.batch.Unwrapped += n
	return nil
}

// unbase64 decodes the standard alphabet, as Pub/Sub writes it, and also
// the URL-safe one and unpadded text.
func unbase64(s []byte) ([]byte, error) {
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(s))) // the largest of the four
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if n, err := enc.Decode(out, s); err == nil {
			return out[:n], nil
		}
	}
	return nil, errors.New("not standard or URL-safe base64")
}
