package scenario

import "github.com/snapwarden/snapwarden/internal/jsonstr"

// The writers build records by appending to byte slices (no encoding/json,
// no fmt, no allocation per record once buffers have grown); these are the
// string escapers they share.

// AppendString appends s as a JSON string.
func AppendString(b []byte, s string) []byte { return jsonstr.Append(b, s, false) }

// AppendEscaped appends s escaped for the inside of a JSON string, as the
// clouds write it: quotes, backslashes and control characters escaped,
// invalid UTF-8 replaced by U+FFFD, <, > and & kept.
func AppendEscaped(b []byte, s string) []byte { return jsonstr.AppendEscaped(b, s, false) }
