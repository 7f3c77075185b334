package chain_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/snapwarden/snapwarden/internal/chain"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// FuzzFeed feeds arbitrary event sequences (normalized events, one JSON
// object a line, as hostile logs could make decoders emit) to the chain
// engine, checkpoints it and restores the checkpoint: nothing may panic,
// and every finding must be well formed.
func FuzzFeed(f *testing.F) {
	for _, r := range builtinChains(f) {
		for _, tc := range r.ChainTests {
			var b bytes.Buffer
			for _, ev := range tc.Events {
				b.WriteString(ev.JSON)
				b.WriteByte('\n')
			}
			f.Add(b.Bytes())
		}
	}
	rs := builtinChains(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		e, _ := chain.New(rs, chain.Options{MaxResources: 64, MaxChains: 16, MaxPrincipals: 16})
		check := func(fd finding.Finding) error {
			if fd.ID == "" || !fd.Severity.Valid() || len(fd.Events) == 0 {
				t.Fatalf("malformed finding %+v", fd)
			}
			return nil
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			var ev event.Event
			if json.Unmarshal(sc.Bytes(), &ev) != nil {
				continue
			}
			e.Seen(ev.Cloud, ev.Actor.ID, ev.Time)
			if err := e.Feed(&ev, check); err != nil {
				t.Fatal(err)
			}
		}
		snap, err := e.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		again, _ := chain.New([]*rule.Rule(rs), chain.Options{})
		if err := again.Restore(snap); err != nil {
			t.Fatal(err)
		}
		if err := again.Replayed(check); err != nil {
			t.Fatal(err)
		}
	})
}
