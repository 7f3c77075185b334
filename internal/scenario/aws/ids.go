package aws

import (
	"math/rand/v2"
)

// Ids come from two sources. What the generator asks for (accounts,
// principals, resources, event ids) comes from its *rand.Rand. What only a
// record needs (request ids, rule ids, key ids, file names) is derived from
// a hash of something already fixed, usually the event id: the writer has
// no generator of its own, and output stays a function of the seed.

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	alnum      = "abcdefghijklmnopqrstuvwxyz0123456789"
	// iamChars are the characters of IAM unique ids and access key ids
	// after their prefix (AIDA…, AROA…, AKIA…, ASIA…).
	iamChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

// stream is a splitmix64 sequence: cheap, and good enough to spread ids.
type stream uint64

func (s *stream) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// hashOf is FNV-1a over s, the seed of a stream derived from s.
func hashOf(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func streamOf(s string) stream { return stream(hashOf(s)) }

// appendHex appends n lower-case hex digits of the stream.
func appendHex(b []byte, s *stream, n int) []byte {
	for n > 0 {
		v := s.next()
		for i := 0; i < 16 && n > 0; i++ {
			b = append(b, hexDigits[v&0xf])
			v >>= 4
			n--
		}
	}
	return b
}

// appendChars appends n characters of set (at most 64 long) drawn from the
// stream.
func appendChars(b []byte, s *stream, set string, n int) []byte {
	for n > 0 {
		v := s.next()
		for i := 0; i < 10 && n > 0; i++ {
			b = append(b, set[int(v&0x3f)%len(set)])
			v >>= 6
			n--
		}
	}
	return b
}

// appendUUID appends a version-4 UUID drawn from the stream.
func appendUUID(b []byte, s *stream) []byte {
	return appendUUIDBits(b, s.next(), s.next())
}

func appendUUIDBits(b []byte, hi, lo uint64) []byte {
	hi = hi&^(0xf<<12) | 4<<12   // version 4
	lo = lo&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	var u [16]byte
	for i := range 8 {
		u[i] = byte(hi >> (56 - 8*i))
		u[8+i] = byte(lo >> (56 - 8*i))
	}
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return b
}

// Ids drawn from the generator's source.

// randUUID makes a version-4 UUID, as CloudTrail's eventID.
func randUUID(r *rand.Rand) string {
	return string(appendUUIDBits(make([]byte, 0, 36), r.Uint64(), r.Uint64()))
}

// randDigits makes n decimal digits.
func randDigits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// randEC2ID makes an EC2 id: prefix, '-', then 17 hex digits, the first 0
// as in every id EC2 has issued since 2018 (vol-0d5c…, snap-04a1…).
func randEC2ID(r *rand.Rand, prefix string) string {
	s := stream(r.Uint64())
	b := append(make([]byte, 0, len(prefix)+18), prefix...)
	b = append(b, '-', '0')
	return string(appendHex(b, &s, 16))
}
