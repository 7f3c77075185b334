package finding

import (
	"bytes"
	"testing"
)

// TestEscapeInvisible_anywhere: DEL and an invisible non-ASCII character
// are escaped wherever they stand, and plain text is left as it is.
func TestEscapeInvisible_anywhere(t *testing.T) {
	for _, bad := range []struct{ raw, escaped string }{{"\x7f", `\u007f`}, {"\u0085", `\u0085`}, {"\u200b", `\u200b`}} {
		for at := range 24 {
			in := bytes.Repeat([]byte("a"), 24)
			in = append(in[:at:at], append([]byte(bad.raw), in[at:]...)...)
			want := string(in[:at]) + bad.escaped + string(in[at+len(bad.raw):])
			if got := string(escapeInvisible(in)); got != want {
				t.Errorf("%q at %d: %q, want %q", bad.raw, at, got, want)
			}
		}
	}
	plain := []byte(`{"id":"x","text":"` + string(bytes.Repeat([]byte("~ 09az"), 9)) + `"}`)
	if got := escapeInvisible(plain); !bytes.Equal(got, plain) {
		t.Errorf("plain text changed: %q", got)
	}
}
