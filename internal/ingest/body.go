package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// gzipMagic starts every gzip stream: a gzip body is inflated even when
// the client did not say so (some log shippers compress without the header).
var gzipMagic = []byte{0x1f, 0x8b}

// readBody reads the request body within the limits and inflates it when
// it is gzip. It returns the body, the bytes read as sent and whether it
// was gzip.
func readBody(r *http.Request, opts Options) (body []byte, wire int64, gz bool, err error) {
	gz, err = contentEncoding(r.Header.Values("Content-Encoding"))
	if err != nil {
		return nil, 0, false, err
	}
	if r.ContentLength > opts.MaxBody {
		return nil, 0, false, tooLarge(opts.MaxBody, "request body")
	}
	if r.Body == nil {
		return nil, 0, false, errEmpty()
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, opts.MaxBody+1))
	wire = int64(len(raw))
	if err != nil {
		if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
			// The server capped the body below MaxBody: name its limit.
			return nil, wire, false, tooLarge(mbe.Limit, "request body")
		}
		return nil, wire, false, errorf(http.StatusBadRequest, "reading the request body: %v", err)
	}
	if wire > opts.MaxBody {
		return nil, opts.MaxBody, false, tooLarge(opts.MaxBody, "request body")
	}
	if len(raw) == 0 {
		return nil, 0, false, errEmpty()
	}
	if !bytes.HasPrefix(raw, gzipMagic) {
		if gz {
			return nil, wire, false, errorf(http.StatusBadRequest,
				"Content-Encoding is gzip but the body is not gzip: send it compressed, or without the header")
		}
		if int64(len(raw)) > opts.MaxDecoded {
			return nil, wire, false, tooLarge(opts.MaxDecoded, "request body")
		}
		return raw, wire, false, nil
	}
	body, err = gunzip(raw, opts.MaxDecoded)
	return body, wire, true, err
}

// contentEncoding accepts identity and gzip (x-gzip), once; it reports
// whether the body is declared gzip.
func contentEncoding(values []string) (gz bool, err error) {
	for _, v := range values {
		for c := range strings.SplitSeq(v, ",") {
			switch c = strings.ToLower(strings.TrimSpace(c)); c {
			case "", "identity":
			case "gzip", "x-gzip":
				if gz {
					return false, errorf(http.StatusUnsupportedMediaType,
						"Content-Encoding gzip twice: compress the body once")
				}
				gz = true
			default:
				return false, errorf(http.StatusUnsupportedMediaType,
					"unsupported Content-Encoding %q: want gzip or identity", clip(c, 40))
			}
		}
	}
	return gz, nil
}

// gunzip inflates every member of a gzip stream, stopping one byte past
// max: a gzip bomb costs at most max bytes of memory and the time to
// inflate them.
func gunzip(raw []byte, max int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "body is not valid gzip: %v", err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	// Most JSON inflates 5-15 times; start near that, within the limit.
	buf.Grow(int(min(int64(len(raw))*8, max)))
	n, err := buf.ReadFrom(io.LimitReader(zr, max+1))
	if n > max {
		return nil, tooLarge(max, "body after gzip")
	}
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "body is not valid gzip (after %d bytes inflated): %v", n, err)
	}
	if n == 0 {
		return nil, errEmpty()
	}
	return buf.Bytes(), nil
}

func tooLarge(limit int64, what string) *Error {
	return errorf(http.StatusRequestEntityTooLarge, "%s is larger than the limit of %s: split the batch into smaller requests",
		what, sizeString(limit))
}

func errEmpty() *Error {
	return errorf(http.StatusBadRequest, "empty body: want audit records (JSON, NDJSON, a JSON array) or a push envelope")
}

// sizeString writes a byte count as people write limits: 8 MiB, 1500 bytes.
func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
