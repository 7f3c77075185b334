package detect

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestKeyTable checks the unfolded lookup against folding and the map, for
// operations of every length around the word size, in any case.
func TestKeyTable(t *testing.T) {
	keys := []string{"", "a", "getobject", "createsnapshot", "modifysnapshotattribute", "x.y-z_1",
		"abcdefgh", "abcdefghi", "abcdefg", "snapshot.create", "compute.disks.createsnapshot", "ümlaut", "k"}
	byKey := map[string][]int32{}
	for i, k := range keys {
		byKey[k] = []int32{int32(i)}
	}
	tab := newKeyTable(byKey)
	rng := rand.New(rand.NewPCG(1, 2))
	mixCase := func(s string) string {
		b := []byte(s)
		for i, c := range b {
			if 'a' <= c && c <= 'z' && rng.IntN(2) == 0 {
				b[i] = c - 'a' + 'A'
			}
		}
		return string(b)
	}
	queries := []string{"\u212a", "K", "createsnapshoT", "createsnapshots", "reatesnapshot", "abcdefgH", "abcdefgi",
		"ÜMLAUT", "getobject\x00", "GETOBJECT", "snapshot.creatE", "snapshot_create", "a", "A", "", "@", "[", "`", "{"}
	for _, k := range keys {
		for range 20 {
			queries = append(queries, mixCase(k))
		}
	}
	for _, q := range queries {
		got, ok := tab.lookup(q)
		if ok != isASCII(q) {
			t.Errorf("lookup(%q): ok %v", q, ok)
			continue
		}
		want := byKey[fold(q)]
		if ok && !slices.Equal(got, want) {
			t.Errorf("lookup(%q) = %v, want %v (the map's, folded %q)", q, got, want, fold(q))
		}
	}
	// Values too long or too short to fold to any key are answered at once,
	// the Kelvin sign (three bytes, folding to one) included.
	short := newKeyTable(map[string][]int32{"kkk": {1}, "trufflehog": {2}})
	for q, want := range map[string][]int32{"KKK": {1}, strings.Repeat("x", 31): nil, "": nil, "TruffleHog": {2}} {
		if got, ok := short.lookup(q); !ok || !slices.Equal(got, want) {
			t.Errorf("lookup(%q) = %v %v, want %v", q, got, ok, want)
		}
	}
	if _, ok := short.lookup("\u212a\u212a\u212a"); ok {
		t.Error("three Kelvin signs (9 bytes) were answered without the map")
	}

	// A table of many keys: every key is found in upper case, nothing else.
	many := map[string][]int32{}
	for i := range 500 {
		many[strings.Repeat("op", i%7)+string(rune('a'+i%26))+strings.Repeat("x", i/26)] = []int32{int32(i)}
	}
	big := newKeyTable(many)
	for k, want := range many {
		if got, _ := big.lookup(strings.ToUpper(k)); !slices.Equal(got, want) {
			t.Errorf("lookup(%q) = %v, want %v", strings.ToUpper(k), got, want)
		}
		if got, _ := big.lookup(k + "!"); got != nil {
			t.Errorf("lookup(%q) = %v", k+"!", got)
		}
	}
}
