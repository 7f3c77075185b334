//go:build !race

package main

// raceEnabled builds the serve tests' binary with the race detector too.
const raceEnabled = false
