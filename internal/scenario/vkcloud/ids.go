package vkcloud

import (
	"math/rand/v2"
	"strconv"
)

const hexDigits = "0123456789abcdef"

// hex32 makes a Keystone id (users, projects): 32 lower-case hex digits.
func hex32(r *rand.Rand) string {
	b := make([]byte, 0, 32)
	b = appendHex(b, r.Uint64(), 16)
	b = appendHex(b, r.Uint64(), 16)
	return string(b)
}

// uuid makes a random (version 4) UUID, lower-case.
func uuid(r *rand.Rand) string {
	return string(appendUUID(make([]byte, 0, 36), r.Uint64(), r.Uint64()))
}

// appendUUID writes hi and lo as a version 4 UUID (8-4-4-4-12 hex digits,
// version nibble 4, RFC 4122 variant).
func appendUUID(dst []byte, hi, lo uint64) []byte {
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	dst = appendHex(dst, hi>>32, 8)
	dst = append(dst, '-')
	dst = appendHex(dst, hi>>16&0xffff, 4)
	dst = append(dst, '-')
	dst = appendHex(dst, hi&0xffff, 4)
	dst = append(dst, '-')
	dst = appendHex(dst, lo>>48, 4)
	dst = append(dst, '-')
	return appendHex(dst, lo&0xffffffffffff, 12)
}

// appendHex writes the low n hex digits of v, most significant first.
func appendHex(dst []byte, v uint64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, hexDigits[v>>(4*uint(i))&0xf])
	}
	return dst
}

// digits makes n decimal digits, the first not zero.
func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	if n > 0 && b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

// clientPrefixes are Russian ISPs' address blocks people and CI runners
// call from.
var clientPrefixes = []string{"178.176.", "91.77.", "85.26.", "95.165.", "188.170.", "89.208."}

// clientIP makes a public client address. The action log does not record
// one; the Principal keeps it for the formats that do.
func clientIP(r *rand.Rand) string {
	b := []byte(clientPrefixes[r.IntN(len(clientPrefixes))])
	b = strconv.AppendInt(b, int64(1+r.IntN(254)), 10)
	b = append(b, '.')
	return string(strconv.AppendInt(b, int64(1+r.IntN(254)), 10))
}

// hashString is FNV-1a of s.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// seq draws the values a record needs beyond its op (request ids, the ids
// a background call touches, sizes) from the op's event id, so that output
// depends on the run's seed only and costs no shared generator.
type seq uint64

// newSeq starts a sequence for a record.
func newSeq(eventID string) seq { return seq(hashString(eventID)) }

// next is splitmix64.
func (s *seq) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// intn returns a value in [0, n).
func (s *seq) intn(n int) int { return int(s.next() % uint64(n)) }

// appendUUID writes a fresh UUID.
func (s *seq) appendUUID(dst []byte) []byte { return appendUUID(dst, s.next(), s.next()) }
