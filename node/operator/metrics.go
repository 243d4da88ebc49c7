package operator

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tuskstore/tusk/internal/collectors"
)

// metrics are the operator's Prometheus metrics (namespace tusk, subsystem operator).
type metrics struct {
	syncDone *prometheus.CounterVec // by result

	commissionCollected      prometheus.Counter // FROST
	commissionLastAmount     prometheus.Gauge   // FROST
	commissionLastEpoch      prometheus.Gauge
	commissionCollections    prometheus.Counter
	commissionSkipped        prometheus.Counter
	commissionFailures       prometheus.Counter
	commissionAvailableFROST prometheus.Gauge
}

// newMetrics makes the metrics and registers them on reg; nil leaves them unregistered
// (they still count, for tests and for callers without a registry).
func newMetrics(reg prometheus.Registerer) *metrics {
	c := collectors.New(reg, "operator")
	return &metrics{
		syncDone: c.CounterVec("epoch_sync_done_total",
			"epoch_sync_done calls, by result: attested, already_done, epoch_moved_on, failed.", "result"),
		commissionCollected:      c.Counter("commission_collected_frost_total", "Commission collected, in FROST."),
		commissionLastAmount:     c.Gauge("commission_last_collected_frost", "Amount of the last commission collection, in FROST."),
		commissionLastEpoch:      c.Gauge("commission_last_collected_epoch", "Epoch of the last commission collection."),
		commissionCollections:    c.Counter("commission_collections_total", "Commission collections made."),
		commissionSkipped:        c.Counter("commission_skipped_total", "Scheduled collections skipped: the collectable commission was below the minimum."),
		commissionFailures:       c.Counter("commission_failures_total", "Scheduled collections that failed."),
		commissionAvailableFROST: c.Gauge("commission_collectable_frost", "Commission collectable at the last look, in FROST."),
	}
}
