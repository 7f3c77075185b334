package vkcloud

import "strings"

// resourceID returns an OpenStack id in its canonical form: trimmed and
// lower-cased (UUIDs are written both ways). Masked values (XXXX, ***) and
// placeholders read as empty, so a masked body never invents a resource.
func resourceID(s string) string {
	s = strings.TrimSpace(s)
	if masked(s) {
		return ""
	}
	return strings.ToLower(s)
}

// masked reports whether s is a masking placeholder rather than a value.
func masked(s string) bool {
	if s == "" || strings.EqualFold(s, "null") || s == "<BINARY_DATA>" {
		return true
	}
	for _, c := range s {
		if c != 'X' && c != 'x' && c != '*' {
			return false
		}
	}
	return true
}

// isUUID reports whether s is a UUID (8-4-4-4-12 hex digits).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// isProjectID reports whether s looks like a Keystone project id: 32 hex
// digits, or a UUID.
func isProjectID(s string) bool {
	if len(s) == 32 {
		for i := 0; i < len(s); i++ {
			if !isHex(s[i]) {
				return false
			}
		}
		return true
	}
	return isUUID(s)
}

// looksLikeID reports whether a path segment is an object id rather than a
// collection or action name: a UUID, 32 hex digits or a number.
func looksLikeID(s string) bool {
	return isProjectID(s) || isNumber(s)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
