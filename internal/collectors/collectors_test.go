package collectors

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestFactoryRegistersUnderSubsystem(t *testing.T) {
	reg := prometheus.NewRegistry()
	f := New(reg, "node")
	c := f.Counter("things_total", "Things.")
	cv := f.CounterVec("slivers_total", "Slivers, by axis.", "axis")
	g := f.Gauge("epoch", "Epoch.")
	gv := f.GaugeVec("shards", "Shards, by state.", "state")
	c.Add(2)
	cv.WithLabelValues("primary").Inc()
	g.Set(7)
	gv.WithLabelValues("ready").Set(3)

	want := `
# HELP tusk_node_epoch Epoch.
# TYPE tusk_node_epoch gauge
tusk_node_epoch 7
# HELP tusk_node_shards Shards, by state.
# TYPE tusk_node_shards gauge
tusk_node_shards{state="ready"} 3
# HELP tusk_node_slivers_total Slivers, by axis.
# TYPE tusk_node_slivers_total counter
tusk_node_slivers_total{axis="primary"} 1
# HELP tusk_node_things_total Things.
# TYPE tusk_node_things_total counter
tusk_node_things_total 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}

	// A second collector of the same name is a programming error, caught at once.
	defer func() {
		if recover() == nil {
			t.Fatal("registering tusk_node_epoch twice did not panic")
		}
	}()
	f.Gauge("epoch", "Epoch again.")
}

func TestFactoryWithoutRegistryStillCounts(t *testing.T) {
	f := New(nil, "operator")
	c := f.Counter("collections_total", "Collections.")
	c.Inc()
	if got := testutil.ToFloat64(c); got != 1 {
		t.Fatalf("counter = %v, want 1", got)
	}
}
