package serve

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are serve's Prometheus metrics, in a registry of their own (no
// global state: tests run several pipelines in one process).
type Metrics struct {
	Registry *prometheus.Registry

	accepted      *prometheus.CounterVec // by format
	acceptedBytes *prometheus.CounterVec // by format
	rejected      *prometheus.CounterVec // by reason
	records       *prometheus.CounterVec // by format
	events        *prometheus.CounterVec // by cloud
	malformed     *prometheus.CounterVec // by format
	matchSeconds  prometheus.Counter
	findings      *prometheus.CounterVec // by rule, severity
	latency       prometheus.Histogram
	storeSeconds  *prometheus.HistogramVec // by operation
	queueBatches  prometheus.Gauge
	queueBytes    prometheus.Gauge
	held          prometheus.Gauge
	state         *prometheus.GaugeVec // by kind
	late          prometheus.Gauge
}

// NewMetrics registers serve's metrics, and Go's and the process's, in a
// new registry.
func NewMetrics() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_ingest_batches_total",
			Help: "Batches accepted (durably queued), by the format they were sent as (auto: detected per record)."}, []string{"format"}),
		acceptedBytes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_ingest_bytes_total",
			Help: "Bytes of records accepted, decompressed, by the format they were sent as."}, []string{"format"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_ingest_rejected_total",
			Help: "Batches refused, by reason (busy, auth, bad_request, unknown_format, too_large, unsupported)."}, []string{"reason"}),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_records_total",
			Help: "Provider records decoded, by format."}, []string{"format"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_events_total",
			Help: "Normalized events matched against the rules, by cloud."}, []string{"cloud"}),
		malformed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_malformed_total",
			Help: "Bad records, by format (unknown: in no known format; broken: a batch cut short)."}, []string{"format"}),
		matchSeconds: prometheus.NewCounter(prometheus.CounterOpts{Name: "snapwarden_rule_evaluation_seconds_total",
			Help: "Time spent decoding batches and evaluating the detection rules."}),
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_findings_total",
			Help: "Findings stored new or changed (a chain that grew counts again), by rule and severity."}, []string{"rule", "severity"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "snapwarden_ingest_to_finding_seconds",
			Help:    "Time from a batch's acceptance to a finding it made or changed being visible in the store.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, .75, 1, 2.5, 5, 10, 30}}),
		storeSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "snapwarden_store_seconds",
			Help:    "Store operation latency, by operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"op"}),
		queueBatches: prometheus.NewGauge(prometheus.GaugeOpts{Name: "snapwarden_queue_batches",
			Help: "Batches in the ingest queue (processed ones stay until a checkpoint covers them)."}),
		queueBytes: prometheus.NewGauge(prometheus.GaugeOpts{Name: "snapwarden_queue_bytes",
			Help: "Bytes in the ingest queue, as stored (compressed)."}),
		held: prometheus.NewGauge(prometheus.GaugeOpts{Name: "snapwarden_correlation_held",
			Help: "Events held to be fed to the chain and correlation rules in time order."}),
		late: prometheus.NewGauge(prometheus.GaugeOpts{Name: "snapwarden_correlation_late_events",
			Help: "Events fed to the chain and correlation rules behind newer ones since the start: they arrived later than serve.hold allows."}),
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "snapwarden_correlation_state",
			Help: "Correlation state size: resources, principals, open_chains, and the open windows of Sigma correlation rules."}, []string{"kind"}),
	}
	r.MustRegister(m.accepted, m.acceptedBytes, m.rejected, m.records, m.events, m.malformed, m.matchSeconds,
		m.findings, m.latency, m.storeSeconds, m.queueBatches, m.queueBytes, m.held, m.state, m.late,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Rejected counts a batch refused before it was queued.
func (m *Metrics) Rejected(reason string) { m.rejected.WithLabelValues(reason).Inc() }
