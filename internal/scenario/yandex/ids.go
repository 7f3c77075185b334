package yandex

import (
	"math/rand/v2"
	"strings"
)

// Yandex Cloud ids are 20 characters: a three-character prefix naming the
// service and place that minted them, then 17 base32hex digits in lower case.
const (
	idDigits = "0123456789abcdefghijklmnopqrstuv"
	idLen    = 20
)

// Id prefixes of ru-central1 as they appear in real events.
const (
	prefixCloud    = "b1g" // clouds and folders
	prefixIAM      = "aje" // users, service accounts, keys
	prefixGlobal   = "fd8" // snapshots, images, compute operations
	prefixNetwork  = "enp" // networks, security groups and their rules
	prefixMDB      = "c9q" // managed database clusters
	prefixFed      = "bpf" // identity federations
	prefixTrail    = "cnp" // trails
	prefixKMS      = "abj" // KMS keys
	prefixLockbox  = "e6q" // Lockbox secrets
	prefixCert     = "fpq" // Certificate Manager certificates
	prefixK8s      = "cat" // Managed Kubernetes clusters
	prefixZoneA    = "fhm" // disks and instances in ru-central1-a
	prefixZoneB    = "epd" // … ru-central1-b
	prefixZoneD    = "fv4" // … ru-central1-d
	prefixSubnetA  = "e9b"
	prefixSubnetB  = "e2l"
	prefixSubnetD  = "fl8"
	defaultZone    = "ru-central1-a"
	maxBase32Chars = 12 // digits one uint64 fills (60 bits)
)

// newID draws a fresh id with prefix from r.
func newID(r *rand.Rand, prefix string) string {
	return mintID(prefix, r.Uint64(), r.Uint64())
}

// mintID spells an id from 85 bits of two numbers.
func mintID(prefix string, a, b uint64) string {
	var buf [idLen]byte
	copy(buf[:], prefix)
	fillID(buf[len(prefix):], a, b)
	return string(buf[:])
}

// fillID writes base32hex digits of a, then b, into dst.
func fillID(dst []byte, a, b uint64) {
	for i := range dst {
		if i == maxBase32Chars {
			a = b
		}
		dst[i] = idDigits[a&31]
		a >>= 5
	}
}

// derive makes a further id from an op's id: the DONE record of an
// operation, an object the op makes that the generator did not name. The
// same seed and salt give the same id, so output stays deterministic.
func derive(prefix, seed string, salt uint64) string {
	return mintID(prefix, hash(seed, salt), hash(seed, salt+0x9e3779b97f4a7c15))
}

// hash is 64-bit FNV-1a of s, started from salt.
func hash(s string, salt uint64) uint64 {
	h := uint64(14695981039346656037) ^ salt
	h *= 1099511628211
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	// Finish like splitmix64 so nearby seeds differ in every bit.
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// zonePrefix is the prefix of zonal objects (disks, instances) in zone.
func zonePrefix(zone string) string {
	switch {
	case strings.HasSuffix(zone, "-b"):
		return prefixZoneB
	case strings.HasSuffix(zone, "-d"):
		return prefixZoneD
	}
	return prefixZoneA
}

// subnetPrefix is the prefix of subnets in zone.
func subnetPrefix(zone string) string {
	switch {
	case strings.HasSuffix(zone, "-b"):
		return prefixSubnetB
	case strings.HasSuffix(zone, "-d"):
		return prefixSubnetD
	}
	return prefixSubnetA
}

// isGlobal tells snapshot and image ids (global objects) from zonal disk
// and instance ids.
func isGlobal(id string) bool { return strings.HasPrefix(id, prefixGlobal) }
