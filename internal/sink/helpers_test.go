package sink_test

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// clean is what a text value becomes in a syslog message.
func clean(s string) string { return textsafe.Clean(s) }

// cleanLines is what it becomes in a CEF extension, read back: line breaks
// kept (escaped on the wire), blank lines dropped, the rest cleaned.
func cleanLines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		out = append(out, textsafe.Clean(l))
	}
	return strings.Join(out, "\n")
}
