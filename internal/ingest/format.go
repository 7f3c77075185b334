package ingest

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/formats"
)

// Auto is the format name that lets the decoder detect each record's format.
const Auto = "auto"

// formatName returns the canonical name of the URL's format, or a 404
// listing the names it accepts.
func formatName(s string) (string, error) {
	if s == "" || strings.EqualFold(s, Auto) {
		return Auto, nil
	}
	f, err := formats.Lookup(s)
	if err != nil || f == nil {
		return "", errorf(http.StatusNotFound, "unknown format %q: want %s, %s",
			clip(s, 40), Auto, strings.Join(formats.Names(), ", "))
	}
	return f.Name(), nil
}

// textFormats returns the formats that read lines of text (syslog, CEF):
// the named one when it does, else none; every such format for auto.
func textFormats(name string) []decode.TextFormat {
	var out []decode.TextFormat
	for _, f := range formats.All() {
		if tf, ok := f.(decode.TextFormat); ok && (name == Auto || name == f.Name()) {
			out = append(out, tf)
		}
	}
	return out
}

// clip shortens client text quoted in a message to about n bytes, cut
// at a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
