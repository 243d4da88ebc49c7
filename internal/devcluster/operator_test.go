package devcluster

import (
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
)

// TestClusterDrivesEpochs: the nodes' operators drive the epochs of a cluster with short
// epochs, and the cluster resumes with its operators' genesis grants.
func TestClusterDrivesEpochs(t *testing.T) {
	ctx := testCtx(t)
	dir := t.TempDir()
	cl := startCluster(t, ctx, dir, func(c *Config) { c.EpochDuration = 2 * time.Second })
	c, err := chain.Dial(ctx, cl.ChainConfig(), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range cl.Nodes() {
		k, err := c.NodeCap(ctx, cl.Devnet().Genesis().NodeCaps[i])
		if err != nil || k.NodeID != cl.NodeID(i) {
			t.Fatalf("node %d's cap: %+v, %v", i, k, err)
		}
		if got := cl.OperatorConfig(i).NodeCapID; got != k.ID.String() {
			t.Fatalf("node %d's operator config names cap %s", i, got)
		}
	}
	// Genesis is epoch 1: the operators end its voting and start epoch 2 by themselves.
	var s *chain.EpochState
	for {
		if s, err = c.EpochState(ctx); err != nil {
			t.Fatal(err)
		}
		if s.Epoch >= 2 {
			break
		}
		select {
		case err := <-cl.Errors():
			t.Fatal(err)
		case <-ctx.Done():
			t.Fatalf("no epoch change: still %+v", s)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Logf("epoch %d, %s", s.Epoch, s.State)
	if s.State == walrus.EpochStateChangeDone {
		t.Logf("the nodes attested epoch %d", s.Epoch)
	}
	if err := cl.Close(); err != nil {
		t.Fatal(err)
	}

	// The cluster resumes (the grants are part of its genesis), and keeps driving.
	cl = startCluster(t, ctx, dir)
	defer cl.Close()
	c2, err := chain.Dial(ctx, cl.ChainConfig(), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	for i := range cl.Nodes() {
		bal, err := c2.SUIBalance(ctx, walrus.ID(cl.Genesis().Nodes[i].Owner))
		if err != nil || bal == 0 || bal > operatorGrant {
			t.Fatalf("operator %d holds %d MIST (%v)", i, bal, err)
		}
	}
	if r := cl.Devnet().Records(); r == 0 {
		t.Fatal("the resumed devnet replayed nothing")
	}
}
