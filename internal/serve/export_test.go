package serve

// Kill stops a Consumer as a crash would: nothing more processed,
// checkpointed or committed.
func Kill(c *Consumer) { c.kill() }
