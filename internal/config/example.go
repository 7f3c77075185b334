package config

import _ "embed"

//go:embed example.yaml
var example string

// Example returns a complete, commented snapwarden.yaml with every setting
// and its default (English comments). A test parses it back, so it cannot
// drift from Default.
func Example() string { return example }
