package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/snapwarden/snapwarden/internal/api"
	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/ingest"
	"github.com/snapwarden/snapwarden/internal/serve"
	"github.com/snapwarden/snapwarden/internal/server"
	siem "github.com/snapwarden/snapwarden/internal/sink"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/tail"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
)

type serveOptions struct {
	config string
	listen string
	db     string
	rules  []string
}

func newServeCmd(e env) *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run continuously: HTTP and file ingest, findings API, metrics, sinks",
		Long: `serve runs the same rules as hunt, continuously. Log pipelines POST batches of
records to /v1/ingest/{format} (or /v1/ingest/auto), in any format hunt reads
and in the push envelopes of EventBridge, GCP Pub/Sub push subscriptions and
Azure Event Hubs; gzip bodies are welcome. serve answers 202 once the batch is
durably queued in the store, so a batch it accepted is processed even if the
process is killed right after. Directories named in the config's serve.tail
are read as files appear and grow.

Findings are stored and served by the API (GET /v1/findings, filters and
paging; POST /v1/findings/{id}/ack or /suppress) and forwarded to the
config's sinks (webhook, syslog, CEF). Chains are followed across accounts
and clouds as in hunt; their state is checkpointed every few seconds and on
shutdown (SIGTERM or Ctrl-C), which first processes everything accepted.

API calls need "Authorization: Bearer <token>". Tokens come from the config
(serve.tokens, as SHA-256 hashes) and SNAPWARDEN_TOKENS (comma-separated,
NAME=TOKEN or TOKEN). With none, the first start makes one, prints it once to
stderr and keeps only its hash in the store. /healthz, /readyz and /metrics
(Prometheus) need no token.

The web console is at / (findings, each chain as a lineage graph with its
raw records, review forms): users in serve.users log in with a password
(snapwarden config hash-password makes its hash). Logins survive a restart
when serve.session_key or SNAPWARDEN_SESSION_KEY (which wins) is set; else a
restart logs everyone out. Behind a reverse proxy, list it in
serve.trusted_proxies.

Logs are JSON lines on stderr.`,
		Example: `  snapwarden serve
  snapwarden serve --config snapwarden.yaml --listen :8080 --db postgres://snapwarden@db/snapwarden
  curl -H "Authorization: Bearer $TOKEN" --data-binary @trail.json.gz -H 'Content-Encoding: gzip' \
       http://127.0.0.1:8080/v1/ingest/cloudtrail
  curl -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:8080/v1/findings?severity=high'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), e, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.config, "config", "", "configuration file (see snapwarden config example, section serve)")
	f.StringVar(&o.listen, "listen", "", "HTTP address (default: the config's serve.listen, 127.0.0.1:8080)")
	f.StringVar(&o.db, "db", "", "store: a SQLite FILE or a postgres:// URL (default: the config's store, else snapwarden.db here)")
	f.StringArrayVar(&o.rules, "rules", nil, "Sigma rule file or directory to add (repeatable)")
	return cmd
}

func runServe(ctx context.Context, e env, o serveOptions) error {
	cfg, err := loadConfig(o.config)
	if err != nil {
		return err
	}
	if err := sessionKeyFromEnv(cfg, os.Getenv("SNAPWARDEN_SESSION_KEY")); err != nil {
		return err
	}
	sc := cfg.Serve
	listen := cmp.Or(o.listen, sc.Listen)
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))

	minSev, err := finding.ParseSeverity(sc.MinSeverity)
	if err != nil {
		return usageErr("snapwarden config check FILE", "serve.min_severity: %v", err)
	}
	hopts := hunt.Options{Config: cfg, RulePaths: o.rules, SkipBuiltinTests: true, MinSeverity: minSev, ShowSuppressed: true}
	rs, _, errs := hunt.LoadRules(hopts)
	det, cerrs := hunt.New(rs, hopts)
	if errs = append(errs, cerrs...); len(errs) > 0 {
		errs.Sort()
		return &exitError{code: exitUsage, err: fmt.Errorf("rules:\n%s", strings.TrimSpace(errs.Lines())), hint: "snapwarden rules lint PATH shows every problem"}
	}

	st, err := store.Open(ctx, cmp.Or(o.db, cfg.Store, "snapwarden.db"))
	if err != nil {
		return &exitError{code: exitFailure, err: err, hint: dbHint}
	}
	defer st.Close()
	if err := st.DurableCommits(ctx); err != nil {
		return err
	}
	tokens, err := serveTokens(ctx, e, sc, st)
	if err != nil {
		return err
	}

	instance := sc.Instance
	if instance == "" {
		instance, _ = os.Hostname()
	}
	accounts := map[event.Cloud]string{}
	for c, a := range sc.Accounts {
		accounts[event.Cloud(c)] = a
	}
	sinks, err := serveSinks(sc.Sinks, log)
	if err != nil {
		return err
	}
	var fwd *serve.Forwarder
	p, err := serve.New(serve.Options{
		Store: st, Detector: det, Owner: instance, Hold: sc.Hold, CheckpointEvery: sc.Checkpoint, PairWait: sc.PairWait,
		MaxQueued: int64(sc.MaxQueuedMB) << 20, DefaultAccounts: accounts, Logger: log,
		Notify: func() { fwd.Wake() },
	})
	if err != nil {
		return err
	}
	fwd = serve.NewForwarder(st, instance, sinks, p.Metrics(), log)
	tailer, err := serveTailer(sc.Tail, st, log)
	if err != nil {
		return err
	}
	if tailer != nil {
		registerTailMetrics(p.Metrics().Registry, tailer)
	}
	findings := api.New(api.Options{Store: st, Logger: log, Actor: func(r *http.Request) string { return "token:" + server.TokenName(r) }})
	console, err := serveConsole(cfg, st, tokens, p, log)
	if err != nil {
		return err
	}
	limit := int64(sc.MaxBodyMB) << 20
	handler := server.New(server.Options{
		Pipeline: p, Store: st, Tokens: tokens, Logger: log,
		Ingest: ingest.Options{MaxBody: limit, MaxDecoded: limit},
		Routes: []func(*http.ServeMux){findings.Register},
		Pages:  []func(*http.ServeMux){console.Register},
	})

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return &exitError{code: exitFailure, err: err, hint: "choose another address with --listen"}
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	scheme := "http"
	if sc.TLS.Cert != "" {
		scheme = "https"
	}
	log.Info("serving", "addr", scheme+"://"+ln.Addr().String(), "instance", instance, "rules", det.Stats().Rules)

	// The pipeline outlives the HTTP server: on shutdown the server stops
	// taking batches first, then the pipeline processes what it accepted.
	pctx, stopPipeline := context.WithCancel(context.WithoutCancel(ctx))
	defer stopPipeline()
	g := new(errgroup.Group)
	g.Go(func() error { return p.Run(pctx) })
	// Sinks go on until the pipeline has stored its last findings.
	fctx, stopSinks := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSinks()
	sinksDone := make(chan struct{})
	go func() {
		fwd.Run(fctx, 10*time.Second)
		close(sinksDone)
	}()
	tctx, stopTail := context.WithCancel(ctx)
	defer stopTail()
	if tailer != nil {
		g.Go(func() error {
			err := tailer.Run(tctx, func(ctx context.Context, c tail.Chunk) error {
				_, err := p.Accept(ctx, serve.Input{Source: "file:" + c.Path, Format: "auto", Body: c.Data})
				return err
			})
			if ctx.Err() != nil {
				return nil
			}
			return err
		})
	}
	g.Go(func() error { return retain(ctx, st, sc.Retention, cfg.Windows.Chain+24*time.Hour, log) })
	if cfg.Kafka.Enabled() {
		consumer, err := serve.NewConsumer(serve.KafkaOptions{Config: cfg.Kafka, Store: st, Detector: det, Owner: instance,
			Hold: sc.Hold, PairWait: sc.PairWait, CheckpointEvery: sc.Checkpoint, DefaultAccounts: accounts,
			Notify: func() { fwd.Wake() }, Metrics: p.Metrics(), Logger: log})
		if err != nil {
			return err
		}
		g.Go(func() error {
			err := consumer.Run(pctx)
			if err != nil {
				stopPipeline()
				srv.Close()
			}
			return err
		})
	}
	g.Go(func() error {
		var err error
		if sc.TLS.Cert != "" {
			err = srv.ServeTLS(ln, sc.TLS.Cert, sc.TLS.Key)
		} else {
			err = srv.Serve(ln)
		}
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		stopPipeline()
		return err
	})
	g.Go(func() error {
		<-ctx.Done()
		log.Info("stopping: no new batches; finishing the accepted ones")
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := srv.Shutdown(sctx)
		stopPipeline()
		return err
	})
	err = g.Wait()
	stopSinks()
	<-sinksDone
	if err == nil {
		log.Info("stopped; state saved")
	}
	return err
}

// serveTokens gathers the API tokens: the config's, SNAPWARDEN_TOKENS' and
// the store's. With none anywhere, it makes one, prints it once and keeps
// its hash in the store.
func serveTokens(ctx context.Context, e env, sc config.Serve, st *store.Store) ([]server.Token, error) {
	var out []server.Token
	for _, t := range sc.Tokens {
		tok, err := server.ParseToken(t.Name, t.SHA256)
		if err != nil {
			return nil, usageErr("snapwarden config check FILE", "serve.tokens: %v", err)
		}
		out = append(out, tok)
	}
	out = append(out, server.TokensFromEnv(os.Getenv("SNAPWARDEN_TOKENS"))...)
	stored, err := st.APITokens(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range stored {
		tok, err := server.ParseToken(t.Name, t.Hash)
		if err != nil {
			return nil, fmt.Errorf("stored %w", err)
		}
		out = append(out, tok)
	}
	if len(out) > 0 {
		return out, nil
	}
	token, err := server.NewToken()
	if err != nil {
		return nil, err
	}
	if err := st.AddAPIToken(ctx, store.APIToken{Name: "initial", Hash: server.HashToken(token), Created: time.Now()}); err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stderr, "snapwarden: no API token was configured; this one was made and only its hash kept.\n"+
		"It is shown once — store it now:\n\n    %s\n\n", token)
	tok, _ := server.ParseToken("initial", server.HashToken(token))
	return []server.Token{tok}, nil
}

// serveSinks builds the configured sinks.
func serveSinks(cs []config.Sink, log *slog.Logger) ([]siem.Sink, error) {
	var out []siem.Sink
	for i, c := range cs {
		sc := siem.Config{Name: c.Name, Type: c.Type, Timeout: c.Timeout, URL: c.URL, Secret: c.Secret, Headers: c.Headers,
			Address: c.Address, Protocol: c.Protocol, Facility: c.Facility, AppName: c.AppName, Hostname: c.Hostname,
			MaxMessage: c.MaxMessage, Retry: siem.RetryConfig(c.Retry)}
		if c.MinSeverity != "" {
			sev, err := finding.ParseSeverity(c.MinSeverity)
			if err != nil {
				return nil, usageErr("snapwarden config check FILE", "serve.sinks[%d].min_severity: %v", i, err)
			}
			sc.MinSeverity = sev
		}
		if c.TLS != nil {
			t := siem.TLSConfig(*c.TLS)
			sc.TLS = &t
		}
		s, err := siem.New(sc, siem.WithVersion(version), siem.WithLogger(log))
		if err != nil {
			return nil, usageErr("snapwarden config check FILE", "serve.sinks[%d] (%s): %v", i, c.Name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// serveTailer follows the configured directories, or returns nil.
func serveTailer(dirs []string, st *store.Store, log *slog.Logger) (*tail.Tailer, error) {
	if len(dirs) == 0 {
		return nil, nil
	}
	for _, d := range dirs {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return nil, usageErr("snapwarden config check FILE", "serve.tail: %s is not a directory", d)
		}
	}
	return tail.New(tail.Options{Dirs: dirs, Positions: st.TailPositions(), Logger: log})
}

// retain deletes, hourly, findings older than the retention, and the
// event records no finding names once no chain can reach them (reach).
func retain(ctx context.Context, st *store.Store, keep, reach time.Duration, log *slog.Logger) error {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		now := time.Now()
		n, err := st.PruneFindings(ctx, now.Add(-keep))
		if err == nil {
			_, err = st.PruneEventRecords(ctx, now.Add(-reach), now.Add(-keep))
		}
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("retention: prune failed", "err", err)
		case n > 0:
			log.Info("retention: findings deleted", "count", n, "older_than", keep.String())
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// registerTailMetrics exposes the tailer's counters.
func registerTailMetrics(r *prometheus.Registry, t *tail.Tailer) {
	for _, m := range []struct {
		name, help string
		gauge      bool
		value      func(tail.Stats) int64
	}{
		{"snapwarden_tail_files", "Files followed now.", true, func(s tail.Stats) int64 { return s.FilesWatched }},
		{"snapwarden_tail_bytes_total", "Bytes read from tailed files (decompressed).", false, func(s tail.Stats) int64 { return s.BytesRead }},
		{"snapwarden_tail_chunks_total", "Chunks of tailed files accepted.", false, func(s tail.Stats) int64 { return s.ChunksDelivered }},
		{"snapwarden_tail_errors_total", "Tailer failures: unreadable files, refused chunks (retried), positions not saved.", false, func(s tail.Stats) int64 { return s.Errors }},
		{"snapwarden_tail_gzip_incomplete_total", "Settled .gz files found truncated or corrupt.", false, func(s tail.Stats) int64 { return s.GzipIncomplete }},
		{"snapwarden_tail_truncations_total", "Tailed files found shorter than their position and read again.", false, func(s tail.Stats) int64 { return s.Truncations }},
	} {
		f := func() float64 { return float64(m.value(t.Stats())) }
		if m.gauge {
			r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: m.name, Help: m.help}, f))
		} else {
			r.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: m.name, Help: m.help}, f))
		}
	}
}
