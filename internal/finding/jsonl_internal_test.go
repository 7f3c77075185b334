package finding

import (
	"bytes"
	"testing"
	"unicode"
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

// TestEscapeInvisible_twoByteLetters: the letters passed over without a
// look (U+00C0 to U+05FF) are none of them control or format characters,
// in this Go's Unicode tables, and are kept; those around them are checked.
func TestEscapeInvisible_twoByteLetters(t *testing.T) {
	for r := rune(0xc0); r <= 0x5ff; r++ {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Errorf("%U is invisible", r)
		}
	}
	in := []byte(`{"ru":"Снимок\u00ad` + "\u00ad\u0600\u0085Ωא" + `"}`)
	want := `{"ru":"Снимок\u00ad\u00ad\u0600\u0085Ωא"}`
	if got := string(escapeInvisible(in)); got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
