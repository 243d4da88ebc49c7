package node

import (
	"github.com/prometheus/client_golang/prometheus"
)

// shardMetrics are the metrics of epoch change and shard migration.
type shardMetrics struct {
	shards             *prometheus.GaugeVec
	requests           *prometheus.CounterVec
	sliversTransferred *prometheus.CounterVec
	sliversRejected    prometheus.Counter
	blobsToRecover     prometheus.Counter
	requestsServed     *prometheus.CounterVec
	sliversServed      *prometheus.CounterVec
	epochSyncDoneEpoch prometheus.Gauge
}

func newShardMetrics(reg prometheus.Registerer) *shardMetrics {
	f := func(c prometheus.Collector) prometheus.Collector { reg.MustRegister(c); return c }
	const ns, sub = "tusk", "node"
	return &shardMetrics{
		shards: f(prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "shards", Help: "Shards held, by state (ready, syncing, recovering, read-only)."}, []string{"state"})).(*prometheus.GaugeVec),
		requests: f(prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "sync_shard_requests_total", Help: "sync_shard requests made to previous shard owners, by result (ok, failed)."}, []string{"result"})).(*prometheus.CounterVec),
		sliversTransferred: f(prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "shard_slivers_transferred_total", Help: "Slivers of gained shards received from their previous owner, verified and stored, by axis."}, []string{"axis"})).(*prometheus.CounterVec),
		sliversRejected: f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "shard_slivers_rejected_total", Help: "Slivers from previous shard owners that did not verify."})).(prometheus.Counter),
		blobsToRecover: f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "shard_blobs_queued_for_recovery_total", Help: "Blobs of gained shards queued for blob sync (not transferred by the previous owner)."})).(prometheus.Counter),
		requestsServed: f(prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "sync_shard_requests_served_total", Help: "sync_shard requests answered, by result (ok or the error reason)."}, []string{"result"})).(*prometheus.CounterVec),
		sliversServed: f(prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "sync_shard_slivers_served_total", Help: "Slivers sent in answer to sync_shard requests, by axis."}, []string{"axis"})).(*prometheus.CounterVec),
		epochSyncDoneEpoch: f(prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "epoch_sync_done_epoch", Help: "The last epoch for which epoch_sync_done was submitted."})).(prometheus.Gauge),
	}
}
