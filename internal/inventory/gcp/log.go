package gcp

// Log keys.
const (
	keyAccount  = "account"
	keyCall     = "call"
	keyAttempt  = "attempt"
	keyDelay    = "delay"
	keyStatus   = "status"
	keyCount    = "count"
	keyResource = "id"
)
