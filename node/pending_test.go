package node_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/events"
)

// TestPendingBounds: the pending buffer refuses what exceeds its bounds
// (CACHE_SATURATED: too many entries, a sliver too large) and drops entries older than
// its TTL, which frees room; a registration after the expiry does not bring them back.
func TestPendingBounds(t *testing.T) {
	net := newNet(t, 7, [][]uint16{{0, 1, 2, 3, 4}, {5, 6}}, func(c *node.Config) {
		c.Pending.MaxMetadata = 1
		c.Pending.MaxSliverBytes = 600
		c.Pending.TTL = 300 * time.Millisecond
	})
	ctx := context.Background()
	a := net.nodes[0]
	small, big := net.blob(50, 800), net.blob(52, 20000)
	p := net.codec.Params()

	if out, err := a.client.StoreMetadata(ctx, big.id, &big.meta, true); err != nil || out != api.Buffered {
		t.Fatalf("first metadata: %v %v", out, err)
	}
	_, err := a.client.StoreMetadata(ctx, small.id, &small.meta, true)
	wantReason(t, err, http.StatusBadRequest, api.ReasonCacheSaturated)
	pair := uint16(p.PairForShard(big.id, int(a.shards[0])))
	s := big.sliver(int(pair), encoding.Primary)
	_, err = a.client.StoreSliver(ctx, big.id, pair, &s, true)
	wantReason(t, err, http.StatusBadRequest, api.ReasonCacheSaturated)

	waitFor(t, "the buffered metadata expires", func() bool {
		st, err := a.client.MetadataStatus(ctx, big.id)
		return err == nil && st == api.StatusNonexistent
	})
	if out, err := a.client.StoreMetadata(ctx, small.id, &small.meta, true); err != nil || out != api.Buffered {
		t.Fatalf("after expiry: %v %v", out, err)
	}
	pair = uint16(p.PairForShard(small.id, int(a.shards[0])))
	s = small.sliver(int(pair), encoding.Primary)
	if out, err := a.client.StoreSliver(ctx, small.id, pair, &s, true); err != nil || out != api.Buffered {
		t.Fatalf("small sliver: %v %v", out, err)
	}
	net.publish(big.registered(false, 5))
	if st, _ := a.client.MetadataStatus(ctx, big.id); st != api.StatusNonexistent {
		t.Fatalf("expired metadata came back: %v", st)
	}
	if v := metric(t, a.n.Metrics(), "tusk_node_pending_entries"); v != 2 {
		t.Fatalf("pending entries gauge %v", v)
	}
}

// metric sums every series of a metric family.
func metric(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}

// TestPendingUploadsRaceRegistration uploads blobs with pending=true while their
// registrations arrive: whichever comes first, every upload ends up stored and the
// confirmation (waiting for the registration) is signed.
func TestPendingUploadsRaceRegistration(t *testing.T) {
	net := newNet(t, 7, [][]uint16{{0, 1, 2, 3, 4, 5, 6}})
	ctx := context.Background()
	a := net.nodes[0]
	p := net.codec.Params()
	for i := range 40 {
		b := net.blob(uint64(100+i), 3000)
		done := make(chan error, 1)
		go func() {
			if _, err := a.client.StoreMetadata(ctx, b.id, &b.meta, true); err != nil {
				done <- err
				return
			}
			for _, sh := range a.shards {
				pair := p.PairForShard(b.id, int(sh))
				for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
					s := b.sliver(pair, axis)
					if _, err := a.client.StoreSliver(ctx, b.id, uint16(pair), &s, true); err != nil {
						done <- err
						return
					}
				}
			}
			done <- nil
		}()
		if i%2 == 1 {
			time.Sleep(time.Duration(i) * 50 * time.Microsecond) // vary which side goes first
		}
		if err := net.feed.Publish(events.Checkpoint(net.feed.Len(), testPkg, []walrus.Event{b.registered(false, 5)})); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatalf("blob %d: upload: %v", i, err)
		}
		if _, err := a.client.PermanentConfirmation(ctx, b.id, api.ConfirmationWait{ForRegistration: true}); err != nil {
			t.Fatalf("blob %d: confirmation: %v", i, err)
		}
	}
	if v := metric(t, a.n.Metrics(), "tusk_node_pending_entries"); v != 0 {
		t.Fatalf("%v uploads left in the pending buffer", v)
	}
}
