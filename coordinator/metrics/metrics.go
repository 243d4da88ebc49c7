// Package metrics holds the coordinator's Prometheus metrics. A nil *Metrics is valid and
// records nothing, so that components can be built without a registry (tests, the CLI).
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the coordinator's collectors.
type Metrics struct {
	stage       *prometheus.HistogramVec
	nodeReqs    *prometheus.CounterVec
	bytes       *prometheus.CounterVec
	results     *prometheus.CounterVec
	httpReqs    *prometheus.CounterVec
	httpSeconds *prometheus.HistogramVec
	inFlight    *prometheus.GaugeVec
	rejected    *prometheus.CounterVec
}

// New creates the collectors and registers them with reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		stage: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "tusk", Subsystem: "coordinator", Name: "stage_seconds",
			Help:    "Time spent in each stage of the store and read flows.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 18),
		}, []string{"flow", "stage"}),
		nodeReqs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "tusk", Subsystem: "coordinator", Name: "node_requests_total",
			Help: "Requests to storage nodes by operation and outcome (ok, error, invalid: data or signature that failed verification).",
		}, []string{"op", "outcome"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "tusk", Subsystem: "coordinator", Name: "blob_bytes_total",
			Help: "Unencoded bytes stored and read.",
		}, []string{"flow"}),
		results: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "tusk", Subsystem: "coordinator", Name: "results_total",
			Help: "Outcomes of store and read flows.",
		}, []string{"flow", "result"}),
		httpReqs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "tusk", Subsystem: "coordinator", Name: "http_requests_total",
			Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		httpSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "tusk", Subsystem: "coordinator", Name: "http_request_seconds",
			Help:    "HTTP request latency by route.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 18),
		}, []string{"route"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "tusk", Subsystem: "coordinator", Name: "http_in_flight",
			Help: "HTTP requests being served, by service (publisher, aggregator).",
		}, []string{"service"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "tusk", Subsystem: "coordinator", Name: "http_rejected_total",
			Help: "HTTP requests rejected before any work, by reason (overloaded, too_large, unauthorized).",
		}, []string{"reason"}),
	}
	if reg != nil {
		reg.MustRegister(m.stage, m.nodeReqs, m.bytes, m.results, m.httpReqs, m.httpSeconds, m.inFlight, m.rejected)
	}
	return m
}

// Stage records the duration of a stage of a flow.
func (m *Metrics) Stage(flow, stage string, d time.Duration) {
	if m != nil {
		m.stage.WithLabelValues(flow, stage).Observe(d.Seconds())
	}
}

// NodeRequest counts one request to a storage node.
func (m *Metrics) NodeRequest(op, outcome string) {
	if m != nil {
		m.nodeReqs.WithLabelValues(op, outcome).Inc()
	}
}

// Bytes counts blob bytes of a flow.
func (m *Metrics) Bytes(flow string, n int) {
	if m != nil {
		m.bytes.WithLabelValues(flow).Add(float64(n))
	}
}

// Result counts the outcome of a flow.
func (m *Metrics) Result(flow, result string) {
	if m != nil {
		m.results.WithLabelValues(flow, result).Inc()
	}
}

// HTTP records a served request.
func (m *Metrics) HTTP(route string, code int, d time.Duration) {
	if m != nil {
		m.httpReqs.WithLabelValues(route, itoa(code)).Inc()
		m.httpSeconds.WithLabelValues(route).Observe(d.Seconds())
	}
}

// InFlight adds delta to the in-flight gauge of a service.
func (m *Metrics) InFlight(service string, delta float64) {
	if m != nil {
		m.inFlight.WithLabelValues(service).Add(delta)
	}
}

// Rejected counts a request turned away.
func (m *Metrics) Rejected(reason string) {
	if m != nil {
		m.rejected.WithLabelValues(reason).Inc()
	}
}

func itoa(c int) string {
	var b [4]byte
	i := len(b)
	if c <= 0 {
		return "0"
	}
	for c > 0 && i > 0 {
		i--
		b[i] = byte('0' + c%10)
		c /= 10
	}
	return string(b[i:])
}
