package detect

import (
	"encoding/binary"
	"math/bits"
)

// keyTable finds the rules a field index lists under an event's value (its
// operation, say) without folding the value first: it hashes and compares
// the value's bytes lowered on the fly. Every event looks its indexed
// fields up, and most values are no rule's, so the fold and the map lookup
// it spares are most of the index's cost. It holds the ASCII keys only; a
// value that is not ASCII is folded and looked up in the index's map, where
// every key is (folding ASCII gives ASCII, so such a value can only equal a
// key that is not).
type keyTable struct {
	slots []keySlot // a power of two, at most half full
	// The shortest and longest key, of all the map's: a value that cannot
	// fold to a length between them is no key, and is not even hashed (a
	// user agent of 100 bytes against a rule's one name, say).
	minLen, maxLen int
}

type keySlot struct {
	key   string // folded
	rules []int32
}

func newKeyTable(byKey map[string][]int32) keyTable {
	n := 8
	for n < 2*len(byKey) {
		n *= 2
	}
	t := keyTable{slots: make([]keySlot, n), minLen: -1}
	for k, rules := range byKey {
		if t.minLen < 0 || len(k) < t.minLen {
			t.minLen = len(k)
		}
		t.maxLen = max(t.maxLen, len(k))
		if !isASCII(k) {
			continue
		}
		h, _ := foldHash(k)
		for i := h; ; i++ {
			s := &t.slots[i&uint64(n-1)]
			if s.rules == nil {
				*s = keySlot{key: k, rules: rules}
				break
			}
		}
	}
	return t
}

// lookup returns the rules listed under the fold of s; ok is false when s
// is not ASCII and the caller must fold it and use the map.
func (t *keyTable) lookup(s string) (rules []int32, ok bool) {
	if !mayFoldTo(len(s), t.minLen, t.maxLen) {
		return nil, true
	}
	h, ascii := foldHash(s)
	if !ascii {
		return nil, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := h; ; i++ {
		slot := &t.slots[i&mask]
		if slot.rules == nil {
			return nil, true
		}
		if len(slot.key) == len(s) && equalFoldASCII(slot.key, s) {
			return slot.rules, true
		}
	}
}

// foldHash hashes the ASCII fold of s, eight bytes at a time; ascii is false
// (and the hash meaningless) if s has a byte of 0x80 or above.
func foldHash(s string) (h uint64, ascii bool) {
	const mul = 0x9E3779B97F4A7C15
	h = uint64(len(s)) * mul
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := wordAt(s, i)
		if x&hiBits != 0 {
			return 0, false
		}
		h = bits.RotateLeft64((h^(x|upperMask(x)>>2))*mul, 29)
	}
	if i < len(s) {
		x := tailWord(s[i:])
		if x&hiBits != 0 {
			return 0, false
		}
		h = bits.RotateLeft64((h^(x|upperMask(x)>>2))*mul, 29)
	}
	return h ^ h>>32, true
}

// equalFoldASCII reports whether s, ASCII and as long as the folded key,
// folds to key.
func equalFoldASCII(key, s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := wordAt(s, i)
		if wordAt(key, i) != x|upperMask(x)>>2 {
			return false
		}
	}
	if i < len(s) {
		x := tailWord(s[i:])
		return tailWord(key[i:]) == x|upperMask(x)>>2
	}
	return true
}

// wordAt is the eight bytes of s at i, little-endian, read as appendFold
// reads them; i+8 <= len(s).
func wordAt(s string, i int) uint64 {
	return binary.LittleEndian.Uint64([]byte(s[i : i+8]))
}

// tailWord packs the last, fewer than eight, bytes of a string into a word.
func tailWord(s string) uint64 {
	var x uint64
	for i := len(s) - 1; i >= 0; i-- {
		x = x<<8 | uint64(s[i])
	}
	return x
}
