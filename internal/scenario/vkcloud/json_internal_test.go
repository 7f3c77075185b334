package vkcloud

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// TestAppendQuoted: what appendQuoted writes reads back as the input, once
// and twice quoted (a body inside a record), whatever it holds.
func TestAppendQuoted(t *testing.T) {
	cases := []string{
		"", "a", `{"snapshot":{"name":"x"}}`, `back\slash`, "tab\tnew\nline\rret", "\x00\x01\x1f\x7f",
		"Журнал действий", "12345678", `1234567"`, strings.Repeat(`"\`, 40), strings.Repeat("x", 1000) + "\x02",
	}
	for _, s := range cases {
		checkQuoted(t, s)
	}
}

// FuzzAppendQuoted checks the round trip on arbitrary valid UTF-8 text.
func FuzzAppendQuoted(f *testing.F) {
	f.Add(`{"volume":{"size":10}}`)
	f.Add("\x00\"\\\n")
	f.Fuzz(func(t *testing.T, s string) {
		if utf8.ValidString(s) {
			checkQuoted(t, s)
		}
	})
}

func checkQuoted(t *testing.T, s string) {
	t.Helper()
	var got string
	once := appendQuoted([]byte("prefix"), s)
	if !strings.HasPrefix(string(once), "prefix") {
		t.Fatalf("%q: lost what was before: %q", s, once)
	}
	if err := json.Unmarshal(once[len("prefix"):], &got); err != nil || got != s {
		t.Fatalf("%q: wrote %q, reads %q, %v", s, once, got, err)
	}
	twice := appendQuoted(nil, once[len("prefix"):])
	var inner string
	if err := json.Unmarshal(twice, &inner); err != nil || inner != string(once[len("prefix"):]) {
		t.Fatalf("%q twice: %q, %v", s, twice, err)
	}
}

// BenchmarkAppendRecord renders background calls without writing files:
// the rendering cost of a read op.
func BenchmarkAppendRecord(b *testing.B) {
	c := &Cloud{}
	r := rand.New(rand.NewPCG(1, 2))
	acct := c.Accounts(r, 1)[0]
	actor := c.NewPrincipal(r, scenario.Human, acct, "anna.ops")
	w, err := newWriter(c, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	reads := c.Reads()
	ops := make([]*scenario.Op, 1024)
	at := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	for i := range ops {
		ops[i] = &scenario.Op{ID: c.EventID(r), Time: at.Add(time.Duration(i) * time.Second), Kind: scenario.Read,
			Name: reads[i%len(reads)], Account: acct, Actor: actor}
	}
	buf := make([]byte, 0, 4096)
	var n int64
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		out, err := w.appendRecord(buf[:0], ops[i%len(ops)])
		if err != nil {
			b.Fatal(err)
		}
		n += int64(len(out))
		i++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "MB/s")
}
