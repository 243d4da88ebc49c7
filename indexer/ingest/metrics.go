package ingest

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are a pipeline's Prometheus metrics, all labelled pipeline=<name>:
//
//	tusk_indexer_watermark_checkpoint       last committed checkpoint
//	tusk_indexer_received_checkpoint        last checkpoint received from the source
//	tusk_indexer_chain_checkpoint           latest checkpoint of the chain (SetChainTip)
//	tusk_indexer_checkpoint_lag             chain checkpoint - watermark
//	tusk_indexer_time_lag_seconds           now - timestamp of the watermark checkpoint
//	tusk_indexer_checkpoints_committed_total
//	tusk_indexer_rows_committed_total       rate() of it is rows/s
//	tusk_indexer_commit_seconds             histogram of commit transactions
//	tusk_indexer_commit_retries_total
type Metrics struct {
	Watermark   prometheus.Gauge
	Received    prometheus.Gauge
	ChainTip    prometheus.Gauge
	Lag         prometheus.Gauge
	TimeLag     prometheus.GaugeFunc
	Checkpoints prometheus.Counter
	Rows        prometheus.Counter
	CommitTime  prometheus.Histogram
	Retries     prometheus.Counter

	mu     sync.Mutex
	wm     Watermark
	hasWM  bool
	tip    uint64
	hasTip bool
}

// NewMetrics creates the metrics of the named pipeline and registers them with reg
// (nil: not registered).
func NewMetrics(reg prometheus.Registerer, pipeline string) *Metrics {
	labels := prometheus.Labels{"pipeline": pipeline}
	opts := func(name, help string) prometheus.Opts {
		return prometheus.Opts{Namespace: "tusk", Subsystem: "indexer", Name: name, Help: help, ConstLabels: labels}
	}
	m := &Metrics{
		Watermark:   prometheus.NewGauge(prometheus.GaugeOpts(opts("watermark_checkpoint", "Last committed checkpoint."))),
		Received:    prometheus.NewGauge(prometheus.GaugeOpts(opts("received_checkpoint", "Last checkpoint received from the source."))),
		ChainTip:    prometheus.NewGauge(prometheus.GaugeOpts(opts("chain_checkpoint", "Latest checkpoint of the chain."))),
		Lag:         prometheus.NewGauge(prometheus.GaugeOpts(opts("checkpoint_lag", "Checkpoints the chain is ahead of the watermark."))),
		Checkpoints: prometheus.NewCounter(prometheus.CounterOpts(opts("checkpoints_committed_total", "Checkpoints committed."))),
		Rows:        prometheus.NewCounter(prometheus.CounterOpts(opts("rows_committed_total", "Rows committed."))),
		CommitTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "tusk", Subsystem: "indexer", Name: "commit_seconds", Help: "Duration of commit transactions.",
			ConstLabels: labels, Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		Retries: prometheus.NewCounter(prometheus.CounterOpts(opts("commit_retries_total", "Commits retried after a transient failure."))),
	}
	m.TimeLag = prometheus.NewGaugeFunc(prometheus.GaugeOpts(opts("time_lag_seconds", "Age of the last committed checkpoint.")), m.timeLag)
	if reg != nil {
		reg.MustRegister(m.Watermark, m.Received, m.ChainTip, m.Lag, m.TimeLag, m.Checkpoints, m.Rows, m.CommitTime, m.Retries)
	}
	return m
}

func (m *Metrics) timeLag() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.hasWM {
		return 0
	}
	return time.Since(time.UnixMilli(int64(m.wm.TimestampMs))).Seconds()
}

func (m *Metrics) setWatermark(wm Watermark) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wm, m.hasWM = wm, true
	m.Watermark.Set(float64(wm.Checkpoint))
	m.updateLag()
}

func (m *Metrics) committed(wm Watermark, checkpoints, rows int, took time.Duration) {
	m.setWatermark(wm)
	m.Checkpoints.Add(float64(checkpoints))
	m.Rows.Add(float64(rows))
	m.CommitTime.Observe(took.Seconds())
}

// SetChainTip records the chain's latest checkpoint, for the lag.
func (m *Metrics) SetChainTip(seq uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tip, m.hasTip = seq, true
	m.ChainTip.Set(float64(seq))
	m.updateLag()
}

// Tip returns the chain's latest checkpoint, if SetChainTip was called.
func (m *Metrics) Tip() (uint64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tip, m.hasTip
}

// CheckpointLag returns the chain tip minus the watermark, if both are known.
func (m *Metrics) CheckpointLag() (uint64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.hasTip || !m.hasWM {
		return 0, false
	}
	if m.tip < m.wm.Checkpoint {
		return 0, true
	}
	return m.tip - m.wm.Checkpoint, true
}

func (m *Metrics) updateLag() {
	if m.hasTip && m.hasWM {
		lag := 0.0
		if m.tip > m.wm.Checkpoint {
			lag = float64(m.tip - m.wm.Checkpoint)
		}
		m.Lag.Set(lag)
	}
}
