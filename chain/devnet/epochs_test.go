package devnet

import (
	"context"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
)

// A devnet with DriveEpochs ends the voting and starts the epoch change on its own when
// they are due, by its Clock, which follows wall time; without nodes the change then
// waits for their epoch_sync_done.
func TestDriveEpochs(t *testing.T) {
	ctx := testCtx(t)
	cfg := testConfig()
	cfg.GenesisTime = time.Time{} // now
	cfg.Genesis.EpochDuration = 2 * time.Second
	cfg.DriveEpochs = true
	d := open(t, t.TempDir(), cfg)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		mustClose(t, d)
	}()
	c, err := chain.Dial(ctx, d.ClientConfig("", walrus.Address{}).Config, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	var st *chain.EpochState
	for {
		if st, err = c.EpochState(ctx); err != nil {
			t.Fatal(err)
		}
		if st.Epoch == 2 {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("no epoch change: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st.State != walrus.EpochStateChangeSync {
		t.Fatalf("epoch 2 state %+v", st)
	}
	// The change happened an epoch after genesis, not before (the Clock is wall time).
	if el := time.Since(d.GenesisTime()); el < cfg.Genesis.EpochDuration {
		t.Fatalf("epoch 2 after %v", el)
	}
	sys, err := c.SystemState(ctx)
	if err != nil || sys.Inner.Committee.Epoch != 2 {
		t.Fatalf("System at epoch %d (%v)", sys.Inner.Committee.Epoch, err)
	}
}
