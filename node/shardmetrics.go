package node

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tuskstore/tusk/internal/collectors"
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
	c := collectors.New(reg, "node")
	return &shardMetrics{
		shards: c.GaugeVec("shards",
			"Shards held, by state (ready, syncing, recovering, read-only).", "state"),
		requests: c.CounterVec("sync_shard_requests_total",
			"sync_shard requests made to previous shard owners, by result (ok, failed).", "result"),
		sliversTransferred: c.CounterVec("shard_slivers_transferred_total",
			"Slivers of gained shards received from their previous owner, verified and stored, by axis.", "axis"),
		sliversRejected: c.Counter("shard_slivers_rejected_total",
			"Slivers from previous shard owners that did not verify."),
		blobsToRecover: c.Counter("shard_blobs_queued_for_recovery_total",
			"Blobs of gained shards queued for blob sync (not transferred by the previous owner)."),
		requestsServed: c.CounterVec("sync_shard_requests_served_total",
			"sync_shard requests answered, by result (ok or the error reason).", "result"),
		sliversServed: c.CounterVec("sync_shard_slivers_served_total",
			"Slivers sent in answer to sync_shard requests, by axis.", "axis"),
		epochSyncDoneEpoch: c.Gauge("epoch_sync_done_epoch",
			"The last epoch for which epoch_sync_done was submitted."),
	}
}
