package openstack

import (
	"math/rand/v2"
	"strconv"
)

const hexDigits = "0123456789abcdef"

// uuid4 makes a random (version 4) UUID, as Python's uuid.uuid4 prints it.
func uuid4(r *rand.Rand) string {
	return string(appendUUID(make([]byte, 0, 36), r.Uint64(), r.Uint64()))
}

// hex32 makes a keystone id: a UUID's 32 hex digits without dashes.
func hex32(r *rand.Rand) string {
	return string(appendHex(make([]byte, 0, 32), r.Uint64(), r.Uint64()))
}

// appendUUID appends hi and lo as a version 4 UUID.
func appendUUID(b []byte, hi, lo uint64) []byte {
	hi = hi&^0xf000 | 0x4000     // version 4
	lo = lo&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	var x [36]byte
	putHex(x[0:8], hi>>32, 4)
	x[8] = '-'
	putHex(x[9:13], hi>>16, 2)
	x[13] = '-'
	putHex(x[14:18], hi, 2)
	x[18] = '-'
	putHex(x[19:23], lo>>48, 2)
	x[23] = '-'
	putHex(x[24:36], lo, 6)
	return append(b, x[:]...)
}

// putHex writes the low n bytes of v as 2n hex digits into dst.
func putHex(dst []byte, v uint64, n int) {
	_ = dst[2*n-1]
	for i := n - 1; i >= 0; i-- {
		x := byte(v)
		dst[2*i], dst[2*i+1] = hexDigits[x>>4], hexDigits[x&0xf]
		v >>= 8
	}
}

// appendHex appends hi and lo as 32 hex digits.
func appendHex(b []byte, hi, lo uint64) []byte {
	for i := 15; i >= 0; i-- {
		b = append(b, hexDigits[hi>>(4*i)&0xf])
	}
	for i := 15; i >= 0; i-- {
		b = append(b, hexDigits[lo>>(4*i)&0xf])
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }

// derive is a splitmix64 sequence seeded from an op's event id: what a
// record needs beyond the op (request ids, the ids of an operation's other
// records, latencies, hosts) comes from it, so a record depends on its op
// alone and output stays deterministic for a seed.
type derive uint64

// deriveFrom seeds a sequence from s (FNV-1a).
func deriveFrom(s string) derive {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return derive(h)
}

func (d *derive) next() uint64 {
	*d += 0x9e3779b97f4a7c15
	z := uint64(*d)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// intn returns a number in [0, n); n > 0.
func (d *derive) intn(n int) int { return int(d.next() % uint64(n)) }

// uuid appends a UUID from the sequence.
func (d *derive) uuid(b []byte) []byte { return appendUUID(b, d.next(), d.next()) }

// uuidString returns a UUID from the sequence.
func (d *derive) uuidString() string { return string(d.uuid(make([]byte, 0, 36))) }

// hexString returns n hex digits (n ≤ 16) from the sequence.
func (d *derive) hexString(n int) string {
	v := d.next()
	b := make([]byte, n)
	for i := range b {
		b[i] = hexDigits[v>>(4*i)&0xf]
	}
	return string(b)
}
