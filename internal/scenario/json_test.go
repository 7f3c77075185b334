package scenario_test

import (
	"encoding/json"
	"testing"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// FuzzAppendString: whatever the text, the result is one JSON string that
// decodes to the text (invalid UTF-8 as U+FFFD, as encoding/json reads it).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"b\`, "\n\r\t\x00\x1f", "héllo ✓", "bad \xff\xfe end", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := scenario.AppendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q → %s: %v", s, b, err)
		}
		want, _ := json.Marshal(s)
		var w string
		json.Unmarshal(want, &w)
		if got != w {
			t.Fatalf("%q → %q, want %q", s, got, w)
		}
	})
}
