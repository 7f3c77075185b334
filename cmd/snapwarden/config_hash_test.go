package main

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestConfigHashPassword(t *testing.T) {
	tests := []struct {
		stdin string
		pw    string // "" when the command must refuse
	}{
		{"correct horse\n", "correct horse"},
		{"with crlf\r\nsecond line\n", "with crlf"},
		{"no newline", "no newline"},
		{"", ""},
		{"\n", ""},
		{strings.Repeat("x", 73), ""},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.stdin, "config", "hash-password")
		if tt.pw == "" {
			if code != exitUsage || out != "" {
				t.Errorf("%q: exit %d, out %q", tt.stdin, code, out)
			}
			continue
		}
		hash := strings.TrimSpace(out)
		if code != 0 || bcrypt.CompareHashAndPassword([]byte(hash), []byte(tt.pw)) != nil {
			t.Errorf("%q: exit %d, hash %q does not match %q (%s)", tt.stdin, code, hash, tt.pw, errOut)
		}
		if strings.Contains(out+errOut, tt.pw) {
			t.Errorf("%q: the password is echoed", tt.stdin)
		}
	}
}
