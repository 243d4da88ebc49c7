package operator

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/frost"
	"github.com/tuskstore/tusk/internal/stakingtest"
)

func syncDoneCount(w *Writer, result string) float64 {
	return metricValue(w.metrics.syncDone.WithLabelValues(result))
}

func TestEpochSyncDone(t *testing.T) {
	n := stakingtest.Start(t, stakingtest.Options{})
	ctx := n.Ctx
	w := NewWriter(n.OwnerChains[0], n.Caps[0], nil)

	// The genesis committee has attested epoch 1: attesting again is success.
	if err := w.EpochSyncDone(ctx, 1); err != nil {
		t.Fatalf("repeat at genesis: %v", err)
	}
	if syncDoneCount(w, "already_done") != 1 {
		t.Fatal("the repeat is not counted as already done")
	}
	// An epoch the chain has not reached is an error.
	if err := w.EpochSyncDone(ctx, 2); !chain.IsAbort(err, chain.ErrInvalidSyncEpoch) {
		t.Fatalf("future epoch: %v", err)
	}

	// Epoch change to 2: the node attests, then attests again.
	n.StepUntil(chain.EpochVotingEnded)
	n.StepUntil(chain.EpochChangeStarted)
	if s := n.EpochState(); s.Epoch != 2 || s.State != walrus.EpochStateChangeSync {
		t.Fatalf("after the epoch change: %+v", s)
	}
	if err := w.EpochSyncDone(ctx, 2); err != nil {
		t.Fatalf("attest epoch 2: %v", err)
	}
	k, err := n.Chain.NodeCap(ctx, n.Caps[0])
	if err != nil || k.LastEpochSyncDone != 2 {
		t.Fatalf("cap after the attestation: %+v, %v", k, err)
	}
	if s := n.EpochState(); s.State != walrus.EpochStateChangeSync || s.SyncWeight == 0 {
		t.Fatalf("sync weight after one attestation: %+v", s)
	}
	if err := w.EpochSyncDone(ctx, 2); err != nil {
		t.Fatalf("repeat for epoch 2: %v", err)
	}
	if syncDoneCount(w, "attested") != 1 || syncDoneCount(w, "already_done") != 2 {
		t.Fatal("metrics do not count one attestation and two repeats")
	}
	n.SyncAll()

	// The chain moves to epoch 3: a late attestation of epoch 2 is success.
	if e := n.NextEpoch(); e != 3 {
		t.Fatalf("epoch %d", e)
	}
	if err := w.EpochSyncDone(ctx, 2); err != nil {
		t.Fatalf("late attestation: %v", err)
	}
	if syncDoneCount(w, "epoch_moved_on") != 1 {
		t.Fatal("the late attestation is not counted as moved on")
	}

	// A node outside the committee cannot attest.
	bob := n.FundedKey(0, 10*stakingtest.OneSUI)
	bc := n.Dial(bob)
	x := registerCandidate(t, n, bc)
	err = NewWriter(bc, x.CapID, nil).EpochSyncDone(ctx, 3)
	if !chain.IsAbort(err, chain.ErrNotInCommittee) {
		t.Fatalf("non-member: %v", err)
	}
}

func registerCandidate(t *testing.T, n *stakingtest.Net, c *chain.Client) *chain.RegisteredCandidate {
	t.Helper()
	bls, err := keys.GenerateBLSKey()
	if err != nil {
		t.Fatal(err)
	}
	nk, err := keys.GenerateNetworkKey()
	if err != nil {
		t.Fatal(err)
	}
	npk := nk.CompressedPublicKey()
	x, err := c.RegisterCandidate(n.Ctx, chain.RegisterCandidateRequest{Name: "x", NetworkAddress: "127.0.0.1:1", BLSKey: bls,
		NetworkPublicKey: npk[:], CommissionRate: 100, StoragePrice: 1, WritePrice: 1, NodeCapacity: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestCommissionCollection(t *testing.T) {
	n := stakingtest.Start(t, stakingtest.Options{})
	ctx := n.Ctx
	n.RegisterBlob(1000, 3) // rewards for epochs 1 to 3
	if e := n.NextEpoch(); e != 2 {
		t.Fatalf("epoch %d", e)
	}
	recvKey, _ := keys.Generate()
	recv := walrus.Address(recvKey.Address())
	collector := func(i int, min frost.Amount, to *walrus.Address) *CommissionCollector {
		return NewCommissionCollector(n.OwnerChains[i], CommissionOptions{NodeID: n.NodeIDs[i], Cap: n.Caps[i], MinAmount: min, Receiver: to})
	}

	// The commission of epoch 1 is blocked until the voting_end of epoch 2.
	k := collector(0, 0, &recv)
	col, err := k.Collect(ctx)
	if err != nil || !col.Skipped || col.Collectable != 0 || col.Blocked == 0 {
		t.Fatalf("before voting_end: %+v, %v", col, err)
	}
	n.StepUntil(chain.EpochVotingEnded)
	pc, err := n.Chain.PoolCommission(ctx, n.NodeIDs[0])
	if err != nil || pc.Collectable() == 0 {
		t.Fatalf("after voting_end: %+v, %v", pc, err)
	}
	avail := pc.Collectable()

	// Below the minimum: skipped, nothing moves.
	high := collector(0, frost.Amount(avail+1), &recv)
	col, err = high.Collect(ctx)
	if err != nil || !col.Skipped || col.Collectable != avail || col.Amount != 0 {
		t.Fatalf("below the minimum: %+v, %v", col, err)
	}
	if metricValue(high.metrics.commissionSkipped) != 1 || metricValue(high.metrics.commissionCollections) != 0 {
		t.Fatal("the skip is not counted")
	}
	if bal, _ := n.Chain.WALBalance(ctx, recv); bal != 0 {
		t.Fatalf("a skipped collection paid %d", bal)
	}

	// At the minimum: collected to the receiver.
	atMin := collector(0, frost.Amount(avail), &recv)
	col, err = atMin.Collect(ctx)
	if err != nil || col.Skipped || col.Amount != avail || col.Receiver != recv || col.Epoch != 2 {
		t.Fatalf("at the minimum: %+v, %v", col, err)
	}
	if bal, err := n.Chain.WALBalance(ctx, recv); err != nil || bal != avail {
		t.Fatalf("receiver holds %d, want %d (%v)", bal, avail, err)
	}
	m := atMin.metrics
	if metricValue(m.commissionCollected) != float64(avail) || metricValue(m.commissionLastAmount) != float64(avail) ||
		metricValue(m.commissionLastEpoch) != 2 || metricValue(m.commissionCollections) != 1 {
		t.Fatal("metrics of the collection are wrong")
	}
	// Nothing is left: the next run skips.
	if col, err := atMin.Collect(ctx); err != nil || !col.Skipped {
		t.Fatalf("second collection: %+v, %v", col, err)
	}

	// The default receiver is the operator.
	owner1 := walrus.Address(n.Owners[1].Address())
	before, _ := n.Chain.WALBalance(ctx, owner1)
	col, err = collector(1, 0, nil).Collect(ctx)
	if err != nil || col.Skipped || col.Amount == 0 || col.Receiver != owner1 {
		t.Fatalf("node 1: %+v, %v", col, err)
	}
	if after, _ := n.Chain.WALBalance(ctx, owner1); after != before+col.Amount {
		t.Fatalf("operator 1 has %d, want %d", after, before+col.Amount)
	}

	// Node 2's commission through node 3's operator: not its receiver.
	wrong := NewCommissionCollector(n.OwnerChains[3], CommissionOptions{NodeID: n.NodeIDs[2], Cap: n.Caps[3]})
	if _, err := wrong.Collect(ctx); !errors.Is(err, ErrNotCommissionReceiver) {
		t.Fatalf("wrong operator: %v", err)
	}
	if metricValue(wrong.metrics.commissionFailures) != 1 {
		t.Fatal("the failure is not counted")
	}
}

// TestEpochDriversRace races the epoch drivers of the four operators: at every due time
// exactly one call succeeds and the others find it done; then, running on their own,
// they move the chain one epoch change per epoch.
func TestEpochDriversRace(t *testing.T) {
	n := stakingtest.Start(t, stakingtest.Options{EpochDuration: 3 * time.Second})
	ctx := n.Ctx
	var drivers []*EpochDriver
	for i := range n.OwnerChains {
		d, err := NewEpochDriver(n.OwnerChains[i], EpochsConfig{Drive: true, WALTreasury: n.Treasury.String(), Retry: 50 * time.Millisecond}, nil)
		if err != nil {
			t.Fatal(err)
		}
		drivers = append(drivers, d)
	}
	race := func(want chain.EpochAction) {
		t.Helper()
		wins := 0
		for wins == 0 {
			s := n.EpochState()
			due := s.VotingEndAt
			if want == chain.EpochChangeStarted {
				due = s.EpochChangeAt
			}
			stakingtest.SleepUntil(ctx, due)
			actions := make([]chain.EpochAction, len(drivers))
			errs := make([]error, len(drivers))
			var wg sync.WaitGroup
			for i, d := range drivers {
				wg.Go(func() { actions[i], _, errs[i] = d.Step(ctx) })
			}
			wg.Wait()
			for i := range drivers {
				switch {
				case errs[i] != nil:
					t.Fatalf("driver %d: %v", i, errs[i])
				case actions[i] == want:
					wins++
				case actions[i] != chain.EpochDoneByOther && actions[i] != chain.EpochWait:
					t.Fatalf("driver %d did %s while racing for %s", i, actions[i], want)
				}
			}
			if wins > 1 {
				t.Fatalf("%d drivers succeeded at %s", wins, want)
			}
		}
	}
	for range 2 {
		race(chain.EpochVotingEnded)
		race(chain.EpochChangeStarted)
		n.SyncAll()
	}
	if s := n.EpochState(); s.Epoch != 3 || s.State != walrus.EpochStateChangeDone {
		t.Fatalf("after two raced epoch changes: %+v", s)
	}

	// On their own (Run), with the nodes' attestations made here.
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, d := range drivers {
		wg.Go(func() {
			if err := d.Run(runCtx); err != nil {
				t.Errorf("driver Run: %v", err)
			}
		})
	}
	for {
		s := n.EpochState()
		if s.Epoch >= 5 && s.State == walrus.EpochStateChangeDone {
			break
		}
		if s.State == walrus.EpochStateChangeSync {
			n.SyncAll()
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("the drivers did not reach epoch 5")
		}
	}
	cancel()
	wg.Wait()

	// Exactly one voting_end and one epoch change per epoch, over the whole run.
	selected, started := map[uint32]int{}, map[uint32]int{}
	latest, err := n.Chain.LatestCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for seq := uint64(0); seq <= latest; seq++ {
		cp, err := n.Chain.Checkpoint(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := cp.WalrusEvents(n.Chain.WalrusPackage())
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			switch e := ev.Event.(type) {
			case *walrus.EpochParametersSelected:
				selected[e.NextEpoch]++
			case *walrus.EpochChangeStart:
				started[e.Epoch]++
			}
		}
	}
	for e := uint32(2); e <= 5; e++ {
		if selected[e] != 1 || started[e] != 1 {
			t.Errorf("epoch %d: %d EpochParametersSelected and %d EpochChangeStart, want one each", e, selected[e], started[e])
		}
	}
}

func TestOperatorNew(t *testing.T) {
	n := stakingtest.Start(t, stakingtest.Options{})
	ctx := n.Ctx
	cfg := Default()
	cfg.PrivateKey = n.Owners[0].ExportSuiPrivateKey()
	cfg.Epochs.WALTreasury = n.Treasury.String()
	reg := prometheus.NewRegistry()
	op, err := New(ctx, cfg, Deps{Chain: n.OwnerChains[0], NodeID: n.NodeIDs[0], Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	if op.NodeCap().ID != n.Caps[0] || op.EpochDriver() == nil || op.Commission() == nil {
		t.Fatalf("operator: cap %s, driver %v, commission %v", op.NodeCap().ID, op.EpochDriver(), op.Commission())
	}
	if err := op.Writer().EpochSyncDone(ctx, 1); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, mf := range mfs {
		names[mf.GetName()] = true
	}
	for _, want := range []string{"tusk_operator_commission_collected_frost_total", "tusk_operator_commission_last_collected_frost",
		"tusk_operator_commission_last_collected_epoch", "tusk_operator_commission_failures_total", "tusk_operator_epoch_sync_done_total"} {
		if !names[want] {
			t.Errorf("metric %s not registered", want)
		}
	}

	// Run stops when its context ends.
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- op.Run(runCtx) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}

	// The cap must be the node's and the operator's.
	bad := cfg
	bad.NodeCapID = n.Caps[1].String()
	if _, err := New(ctx, bad, Deps{Chain: n.OwnerChains[0], NodeID: n.NodeIDs[0]}); !errors.Is(err, ErrWrongNodeCap) {
		t.Fatalf("another node's cap: %v", err)
	}
	bad.NodeCapID = n.Caps[0].String()
	if _, err := New(ctx, bad, Deps{Chain: n.OwnerChains[1], NodeID: n.NodeIDs[0]}); !errors.Is(err, ErrWrongNodeCap) {
		t.Fatalf("a cap the key does not own: %v", err)
	}
	stranger := n.Dial(n.FundedKey(0, stakingtest.OneSUI))
	if _, err := New(ctx, cfg, Deps{Chain: stranger, NodeID: n.NodeIDs[0]}); !errors.Is(err, ErrNoNodeCap) {
		t.Fatalf("a key without a cap: %v", err)
	}
	if _, err := New(ctx, cfg, Deps{Chain: n.Dial(nil), NodeID: n.NodeIDs[0]}); !errors.Is(err, chain.ErrNoSigner) {
		t.Fatalf("a read-only client: %v", err)
	}
	invalid := cfg
	invalid.Commission.Schedule = "whenever"
	if _, err := New(ctx, invalid, Deps{Chain: n.OwnerChains[0], NodeID: n.NodeIDs[0]}); err == nil {
		t.Fatal("an invalid config was accepted")
	}
}
