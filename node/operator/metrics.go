package operator

import (
	"github.com/prometheus/client_golang/prometheus"
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
	const ns, sub = "tusk", "operator"
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help})
	}
	gauge := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help})
	}
	m := &metrics{
		syncDone: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "epoch_sync_done_total",
			Help: "epoch_sync_done calls, by result: attested, already_done, epoch_moved_on, failed."}, []string{"result"}),
		commissionCollected:      counter("commission_collected_frost_total", "Commission collected, in FROST."),
		commissionLastAmount:     gauge("commission_last_collected_frost", "Amount of the last commission collection, in FROST."),
		commissionLastEpoch:      gauge("commission_last_collected_epoch", "Epoch of the last commission collection."),
		commissionCollections:    counter("commission_collections_total", "Commission collections made."),
		commissionSkipped:        counter("commission_skipped_total", "Scheduled collections skipped: the collectable commission was below the minimum."),
		commissionFailures:       counter("commission_failures_total", "Scheduled collections that failed."),
		commissionAvailableFROST: gauge("commission_collectable_frost", "Commission collectable at the last look, in FROST."),
	}
	if reg != nil {
		reg.MustRegister(m.syncDone, m.commissionCollected, m.commissionLastAmount, m.commissionLastEpoch,
			m.commissionCollections, m.commissionSkipped, m.commissionFailures, m.commissionAvailableFROST)
	}
	return m
}
