package node

import (
	"github.com/prometheus/client_golang/prometheus"
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
	f := func(c prometheus.Collector) prometheus.Collector { reg.MustRegister(c); return c }
	const ns, sub = "tusk", "node"
	m := &metrics{
		sliversStored: f(prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "slivers_stored_total", Help: "Slivers durably stored, by axis."}, []string{"axis"})).(*prometheus.CounterVec),
		sliverBytesStored: f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "sliver_bytes_stored_total", Help: "Bytes of sliver data durably stored."})).(prometheus.Counter),
		metadataStored: f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "metadata_stored_total", Help: "Blob metadata durably stored."})).(prometheus.Counter),
		confirmationsSigned: f(prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "confirmations_signed_total", Help: "Storage confirmations signed, by persistence."}, []string{"persistence"})).(*prometheus.CounterVec),
		attestationsSigned: f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "invalid_blob_attestations_signed_total", Help: "InvalidBlobId attestations signed for verified inconsistency proofs."})).(prometheus.Counter),
		pendingBytes: f(prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "pending_bytes", Help: "Bytes buffered for blobs awaiting registration."})).(prometheus.Gauge),
		pendingEntries: f(prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "pending_entries", Help: "Uploads buffered for blobs awaiting registration."})).(prometheus.Gauge),
		eventsApplied: f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "events_applied_total", Help: "Walrus events applied."})).(prometheus.Counter),
		cursorCheckpoint: f(prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "event_cursor_checkpoint", Help: "Next checkpoint of the event cursor."})).(prometheus.Gauge),
		eventLag: f(prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "event_lag_seconds", Help: "Age of the checkpoint of the last events applied (how far the node is behind the chain)."})).(prometheus.Gauge),
		epoch: f(prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "epoch", Help: "The node's current committee epoch."})).(prometheus.Gauge),
		syncQueued: f(prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "blob_sync_queued", Help: "Blob syncs queued (persisted jobs)."})).(prometheus.Gauge),
		syncInFlight: f(prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "blob_sync_in_flight", Help: "Blob syncs running."})).(prometheus.Gauge),
		syncCompleted: f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "blob_sync_completed_total", Help: "Blob syncs completed."})).(prometheus.Counter),
		syncFailed: f(prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "blob_sync_failed_total", Help: "Blob sync attempts that failed, by reason."}, []string{"reason"})).(*prometheus.CounterVec),
		sliversRecovered: f(prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "slivers_recovered_total", Help: "Slivers recovered from recovery symbols, by axis."}, []string{"axis"})).(*prometheus.CounterVec),
		blobsCollected: f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "blobs_garbage_collected_total", Help: "Blobs whose data was deleted (deleted, invalid or expired)."})).(prometheus.Counter),
		blobsInvalidated: f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "blobs_invalidated_total", Help: "Inconsistent blobs this node invalidated on chain (invalidate_blob_id)."})).(prometheus.Counter),
	}
	return m
}
