package vkcloud

import (
	"encoding/base64"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// perPage is how many records a page holds: the action-log API's largest
// limit.
const perPage = 1000

// writer writes action-log pages as a collector saves them from
// GET /auditlogs/v1/<project_id>/logs:
//
//	actionlog/<project_id>/YYYY-MM-DD/page-NNNN.json
//
// one folder per project and day (the project is not in the records, so
// the path keeps it), pages numbered in time order, each a
// {"logs":[…],"marker":"…"} response holding up to perPage records newest
// first, as the API returns them. The last page of a day has no marker.
type writer struct {
	c     *Cloud
	dir   string
	pages map[string]*page // by project id
	rec   rec              // the record being rendered
	seq   seq              // the record's own values (kept here: no allocation per record)
	out   []byte           // a page being written
	bytes int64
	// parent is the volume of each snapshot written, so that records about
	// a snapshot give its volume's size.
	parent map[string]string
}

// page is a project's page being filled.
type page struct {
	dir     string      // <dir>/actionlog/<project_id>
	y, m, d int         // the day of its records
	n       int         // pages written that day
	written map[int]int // pages written per day (yyyymmdd), should a day come back
	buf     []byte      // records, oldest first
	ends    []int       // where each record ends in buf
	oldest  time.Time
}

func newWriter(c *Cloud, dir string) (*writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &writer{c: c, dir: dir, pages: map[string]*page{}, parent: map[string]string{}}, nil
}

// Write renders op into its project's page.
func (w *writer) Write(op *scenario.Op) error {
	if op.Account == nil || op.Actor == nil {
		return errors.New("vkcloud: op without account or actor")
	}
	p := w.pages[op.Account.ID]
	if p == nil {
		p = &page{dir: filepath.Join(w.dir, "actionlog", op.Account.ID), written: map[int]int{}}
		w.pages[op.Account.ID] = p
	}
	if y, m, d := op.Time.UTC().Date(); y != p.y || int(m) != p.m || d != p.d {
		if err := w.flush(p, true); err != nil {
			return err
		}
		p.y, p.m, p.d = y, int(m), d
		p.n = p.written[p.day()]
	}
	start := len(p.buf)
	buf, err := w.appendRecord(p.buf, op)
	if err != nil {
		p.buf = p.buf[:start]
		return err
	}
	if len(p.ends) == 0 {
		p.oldest = op.Time
	}
	p.buf = buf
	p.ends = append(p.ends, len(p.buf))
	if len(p.ends) == perPage {
		return w.flush(p, false)
	}
	return nil
}

// Close writes what the pages hold and returns the bytes written.
func (w *writer) Close() (int64, error) {
	var errs []error
	for _, id := range slices.Sorted(maps.Keys(w.pages)) {
		errs = append(errs, w.flush(w.pages[id], true))
	}
	return w.bytes, errors.Join(errs...)
}

// flush writes p's records as the day's next page; last says no page of
// that day follows (no marker).
func (w *writer) flush(p *page, last bool) error {
	if len(p.ends) == 0 {
		return nil
	}
	p.n++
	p.written[p.day()] = p.n
	dir := filepath.Join(p.dir, string(appendDay(nil, p.y, p.m, p.d)))
	if p.n == 1 {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	out := append(w.out[:0], "{\"logs\":[\n"...)
	for i := len(p.ends) - 1; i >= 0; i-- {
		start := 0
		if i > 0 {
			start = p.ends[i-1]
		}
		out = append(out, p.buf[start:p.ends[i]]...)
		if i > 0 {
			out = append(out, ",\n"...)
		}
	}
	out = append(out, "\n]"...)
	if !last {
		out = append(out, `,"marker":"`...)
		out = appendMarker(out, p.oldest, p.n*perPage)
		out = append(out, '"')
	}
	out = append(out, "}\n"...)
	w.out = out
	p.buf, p.ends = p.buf[:0], p.ends[:0]
	name := "page-" + string(appendPad(nil, p.n, 4)) + ".json"
	if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
		return err
	}
	w.bytes += int64(len(out))
	return nil
}

// day is the page's day as yyyymmdd.
func (p *page) day() int { return p.y*10000 + p.m*100 + p.d }

// appendMarker writes the paging token of the next page: base64 of
// {"tm":<unix time>,"ofs":<records already returned>}.
func appendMarker(dst []byte, t time.Time, ofs int) []byte {
	tok := append([]byte(`{"tm":`), strconv.AppendInt(nil, t.Unix(), 10)...)
	tok = append(tok, `,"ofs":`...)
	tok = strconv.AppendInt(tok, int64(ofs), 10)
	tok = append(tok, '}')
	return base64.StdEncoding.AppendEncode(dst, tok)
}

func appendDay(dst []byte, y, m, d int) []byte {
	dst = appendPad(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPad(dst, m, 2)
	dst = append(dst, '-')
	return appendPad(dst, d, 2)
}

// appendRecord renders op as one action-log record. Keys are in the order
// VK's API writes them (alphabetical); every value is a string.
func (w *writer) appendRecord(dst []byte, op *scenario.Op) ([]byte, error) {
	w.seq = newSeq(op.ID)
	reqHi, reqLo := w.seq.next(), w.seq.next()
	r := &w.rec
	r.reset()
	if err := w.render(op, &w.seq); err != nil {
		return dst, err
	}
	dst = append(dst, `{"action":`...)
	dst = appendQuoted(dst, r.action)
	dst = append(dst, `,"event_id":`...)
	dst = appendQuoted(dst, op.ID)
	dst = append(dst, `,"method":`...)
	dst = appendQuoted(dst, r.method)
	dst = append(dst, `,"request_body":`...)
	dst = appendQuoted(dst, r.req)
	dst = append(dst, `,"request_id":"req-`...)
	dst = appendUUID(dst, reqHi, reqLo)
	dst = append(dst, `","response_body":`...)
	dst = appendQuoted(dst, r.resp)
	dst = append(dst, `,"source":`...)
	dst = appendQuoted(dst, r.source)
	if op.Failed {
		dst = append(dst, `,"success":"no","timestamp":"`...)
	} else {
		dst = append(dst, `,"success":"yes","timestamp":"`...)
	}
	dst = appendStamp(dst, op.Time)
	dst = append(dst, `","uri":`...)
	dst = appendQuoted(dst, r.uri)
	dst = append(dst, `,"user_agent":`...)
	dst = appendQuoted(dst, op.Actor.UserAgent)
	dst = append(dst, `,"user_email":`...)
	dst = appendQuoted(dst, op.Actor.Name)
	dst = append(dst, `,"user_id":`...)
	dst = appendQuoted(dst, op.Actor.ID)
	return append(dst, '}'), nil
}

// rec is the part of a record that depends on the call.
type rec struct {
	source, action, method string
	uri, req, resp         body
}

func (r *rec) reset() {
	r.uri, r.req, r.resp = r.uri[:0], r.req[:0], r.resp[:0]
}

// call names the component, VK's action name and the HTTP method.
func (r *rec) call(source, action, method string) {
	r.source, r.action, r.method = source, action, method
}
