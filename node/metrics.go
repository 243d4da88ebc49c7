package node

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tuskstore/tusk/internal/collectors"
)

// metrics are the node's Prometheus metrics, registered on the node's own registry.
type metrics struct {
	sliversStored       *prometheus.CounterVec
	sliverBytesStored   prometheus.Counter
	metadataStored      prometheus.Counter
	confirmationsSigned *prometheus.CounterVec
	attestationsSigned  prometheus.Counter
	pendingBytes        prometheus.Gauge
	pendingEntries      prometheus.Gauge
	eventsApplied       prometheus.Counter
	cursorCheckpoint    prometheus.Gauge
	eventLag            prometheus.Gauge
	epoch               prometheus.Gauge
	syncQueued          prometheus.Gauge
	syncInFlight        prometheus.Gauge
	syncCompleted       prometheus.Counter
	syncFailed          *prometheus.CounterVec
	sliversRecovered    *prometheus.CounterVec
	blobsCollected      prometheus.Counter
	blobsInvalidated    prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	c := collectors.New(reg, "node")
	m := &metrics{
		sliversStored: c.CounterVec("slivers_stored_total",
			"Slivers durably stored, by axis.", "axis"),
		sliverBytesStored: c.Counter("sliver_bytes_stored_total",
			"Bytes of sliver data durably stored."),
		metadataStored: c.Counter("metadata_stored_total",
			"Blob metadata durably stored."),
		confirmationsSigned: c.CounterVec("confirmations_signed_total",
			"Storage confirmations signed, by persistence.", "persistence"),
		attestationsSigned: c.Counter("invalid_blob_attestations_signed_total",
			"InvalidBlobId attestations signed for verified inconsistency proofs."),
		pendingBytes: c.Gauge("pending_bytes",
			"Bytes buffered for blobs awaiting registration."),
		pendingEntries: c.Gauge("pending_entries",
			"Uploads buffered for blobs awaiting registration."),
		eventsApplied: c.Counter("events_applied_total",
			"Walrus events applied."),
		cursorCheckpoint: c.Gauge("event_cursor_checkpoint",
			"Next checkpoint of the event cursor."),
		eventLag: c.Gauge("event_lag_seconds",
			"Age of the checkpoint of the last events applied (how far the node is behind the chain)."),
		epoch: c.Gauge("epoch",
			"The node's current committee epoch."),
		syncQueued: c.Gauge("blob_sync_queued",
			"Blob syncs queued (persisted jobs)."),
		syncInFlight: c.Gauge("blob_sync_in_flight",
			"Blob syncs running."),
		syncCompleted: c.Counter("blob_sync_completed_total",
			"Blob syncs completed."),
		syncFailed: c.CounterVec("blob_sync_failed_total",
			"Blob sync attempts that failed, by reason.", "reason"),
		sliversRecovered: c.CounterVec("slivers_recovered_total",
			"Slivers recovered from recovery symbols, by axis.", "axis"),
		blobsCollected: c.Counter("blobs_garbage_collected_total",
			"Blobs whose data was deleted (deleted, invalid or expired)."),
		blobsInvalidated: c.Counter("blobs_invalidated_total",
			"Inconsistent blobs this node invalidated on chain (invalidate_blob_id)."),
	}
	return m
}
