package serve

// Kill stops a Consumer as a crash would: nothing more processed,
// checkpointed or committed.
func Kill(c *Consumer) { c.kill() }

// Crash makes p's Run return, when its context ends, as a crash would:
// without processing the queue, feeding what is held or checkpointing.
func Crash(p *Pipeline) { p.crashed.Store(true) }

// Read returns the last batch p's processor has taken up.
func Read(p *Pipeline) int64 { return p.read.Load() }
