// Package sink forwards findings to a SIEM or any HTTP endpoint: a signed
// JSON webhook, RFC 5424 syslog with structured data, and ArcSight CEF
// carried in syslog, over TCP, TLS or UDP. Each sink filters by severity
// and retries what can succeed later. All text that came from a log is
// treated as hostile: it cannot start a new message, add a field or break
// one. It imports finding and textsafe; serve imports it.
package sink

import (
	"context"
	"log/slog"
	"runtime/debug"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// Sink forwards findings somewhere. Send is safe for concurrent use; it
// blocks until the batch is handed over (an HTTP 2xx; written to the
// socket) or it gives up. Delivery is at least once: a batch retried after
// a broken connection may arrive twice, and receivers deduplicate on the
// finding id and revision.
type Sink interface {
	// Name is Config.Name.
	Name() string
	// Send forwards the findings at or above the sink's MinSeverity; none
	// is a no-op. An error marked Permanent will fail again as is.
	Send(ctx context.Context, fs []finding.Finding) error
	// Close releases the connection; Send then returns ErrClosed.
	Close() error
}

// Option adjusts what New builds.
type Option func(*options)

type options struct {
	version string
	logger  *slog.Logger
}

// WithVersion sets snapwarden's version, sent in the CEF header and the
// webhook's User-Agent. Default: the main module's version from the build
// information, else "dev".
func WithVersion(v string) Option { return func(o *options) { o.version = v } }

// WithLogger sets where reconnects and retries are logged. Default: nowhere.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// New validates cfg and builds its sink. It reads TLS files but does not
// connect: the first Send does.
func New(cfg Config, opts ...Option) (Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	o := options{version: buildVersion(), logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	if o.version == "" {
		o.version = "dev"
	}
	o.logger = o.logger.With("sink", cfg.Name)
	if cfg.Type == TypeWebhook {
		return newWebhook(cfg, o)
	}
	return newStream(cfg, o)
}

func buildVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// atLeast returns the findings at or above min, reusing fs when all are.
func atLeast(fs []finding.Finding, min finding.Severity) []finding.Finding {
	keep := 0
	for i := range fs {
		if fs[i].Severity >= min {
			keep++
		}
	}
	if keep == len(fs) {
		return fs
	}
	out := make([]finding.Finding, 0, keep)
	for i := range fs {
		if fs[i].Severity >= min {
			out = append(out, fs[i])
		}
	}
	return out
}
