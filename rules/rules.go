// Package rules embeds snapwarden's built-in rule pack: Sigma rules over the
// normalized event (logsource product snapwarden), each with the events it
// must and must not match. testdata/config.yaml is the configuration their
// tests run with.
package rules

import "embed"

// FS holds the built-in rules (*.yml at its root).
//
//go:embed *.yml
var FS embed.FS

// TestConfig is the configuration the built-in rules' tests assume.
//
//go:embed testdata/config.yaml
var TestConfig []byte
