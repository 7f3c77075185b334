package jsonstr_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/snapwarden/snapwarden/internal/jsonstr"
)

// FuzzAppend: with html the bytes are encoding/json's; without, the same
// but for <, > and &, kept as they are.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain text longer than eight", `q"b\`, "\b\f\n\r\t\x00\x1f\x7f", "<a href='x'>&amp;</a>",
		"héllo ✓", "bad \xff\xfe end", "\u2028\u2029", "12345678<", "1234567\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonstr.Append(nil, s, true); !bytes.Equal(got, want) {
			t.Fatalf("html %q: %s, want %s", s, got, want)
		}
		var raw bytes.Buffer
		enc := json.NewEncoder(&raw)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got, want := jsonstr.Append(nil, s, false), bytes.TrimSuffix(raw.Bytes(), []byte{'\n'}); !bytes.Equal(got, want) {
			t.Fatalf("%q: %s, want %s", s, got, want)
		}
	})
}
