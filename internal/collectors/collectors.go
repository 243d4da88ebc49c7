// Package collectors makes the Prometheus collectors of one tusk subsystem
// (tusk_<subsystem>_<name>) and registers them as it makes them.
package collectors

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Namespace prefixes every tusk metric.
const Namespace = "tusk"

// Factory makes the collectors of one subsystem. With a nil registerer they are made
// but not registered: they still count, for tests and callers without a registry.
type Factory struct {
	f         promauto.Factory
	subsystem string
}

// New returns the factory of subsystem, registering on reg (which may be nil).
func New(reg prometheus.Registerer, subsystem string) Factory {
	return Factory{f: promauto.With(reg), subsystem: subsystem}
}

func (f Factory) opts(name, help string) prometheus.Opts {
	return prometheus.Opts{Namespace: Namespace, Subsystem: f.subsystem, Name: name, Help: help}
}

// Counter makes a counter.
func (f Factory) Counter(name, help string) prometheus.Counter {
	return f.f.NewCounter(prometheus.CounterOpts(f.opts(name, help)))
}

// CounterVec makes a counter partitioned by labels.
func (f Factory) CounterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return f.f.NewCounterVec(prometheus.CounterOpts(f.opts(name, help)), labels)
}

// Gauge makes a gauge.
func (f Factory) Gauge(name, help string) prometheus.Gauge {
	return f.f.NewGauge(prometheus.GaugeOpts(f.opts(name, help)))
}

// GaugeVec makes a gauge partitioned by labels.
func (f Factory) GaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	return f.f.NewGaugeVec(prometheus.GaugeOpts(f.opts(name, help)), labels)
}
