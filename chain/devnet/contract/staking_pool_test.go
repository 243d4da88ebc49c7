package contract

import (
	"errors"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
)

// Ports of contracts/walrus/tests/staking/staking_pool/*.move: a pool driven directly
// through its functions, epoch by epoch (test_utils::context_runner).

const wal = FrostPerWAL

type runner struct {
	epoch    uint32
	selected bool
	ids      uint64
}

func (r *runner) wctx() walrusContext {
	return walrusContext{epoch: r.epoch, committeeSelected: r.selected}
}

// nextEpoch is context_runner::next_epoch.
func (r *runner) nextEpoch() walrusContext {
	r.epoch++
	r.selected = false
	return r.wctx()
}

// selectCommittee is context_runner::select_committee.
func (r *runner) selectCommittee() walrusContext {
	r.selected = true
	return r.wctx()
}

func (r *runner) ctx() *TxContext {
	return &TxContext{Sender: testID(0xaa), NewID: func() walrus.ID { r.ids++; return testID(byte(r.ids)) }}
}

func testID(b byte) walrus.ID {
	var id walrus.ID
	id[31] = b
	id[0] = 0x77
	return id
}

// testPool is test_utils::pool().commission_rate(rate).build(wctx).
func testPool(r *runner, rate uint16) *Pool {
	p := &Pool{
		StakingPool: walrus.StakingPool{
			ID: testID(0xee), State: walrus.PoolState{Kind: walrus.PoolActive},
			ActivationEpoch: r.epoch, LatestEpoch: r.epoch, CommissionRate: rate,
			CommissionReceiver: walrus.Authorized{Kind: walrus.AuthorizedAddress, ID: testID(0xaa)},
		},
		Rates: MemRates{r.epoch: flatRate},
	}
	return p
}

// must returns v, panicking (which fails the test) on an error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

// assertEmpty is staking_pool::destroy_empty's check.
func assertEmpty(t *testing.T, p *Pool) {
	t.Helper()
	pending, _ := pvValueAt(p.PendingStake, ^uint32(0))
	if p.RewardsPool != 0 || p.NumShares != 0 || p.Commission != 0 || p.WalBalance != 0 || pending != 0 {
		t.Fatalf("pool not empty: rewards %d shares %d commission %d balance %d pending %d", p.RewardsPool, p.NumShares, p.Commission, p.WalBalance, pending)
	}
}

// staking_pool_tests::stake_and_receive_rewards
func TestPoolStakeAndReceiveRewards(t *testing.T) {
	r := &runner{}
	p := testPool(r, 0)
	a := must(p.stake(r.ctx(), 1000*wal, r.wctx()))
	eq(t, "wal_balance", p.WalBalance, 0)

	ok(t, p.advanceEpoch(0, r.nextEpoch()))
	eq(t, "wal_balance", p.WalBalance, 1000*wal)

	ok(t, p.advanceEpoch(1000*wal, r.nextEpoch()))
	ok(t, p.requestWithdrawStake(&a, true, false, r.wctx()))
	eq(t, "wal_balance", p.WalBalance, 2000*wal)
	eq(t, "withdrawing", a.IsWithdrawing(), true)

	ok(t, p.advanceEpoch(0, r.nextEpoch()))
	eq(t, "withdrawn", must(p.withdrawStake(a, true, false, r.wctx())), 2000*wal)
	eq(t, "wal_balance", p.WalBalance, 0)
	assertEmpty(t, p)
}

// staking_pool_tests::stake_maintain_ratio
func TestPoolStakeMaintainRatio(t *testing.T) {
	r := &runner{}
	p := testPool(r, 0)
	a := must(p.stake(r.ctx(), 1000*wal, r.wctx()))

	ok(t, p.advanceEpoch(0, r.nextEpoch()))
	b := must(p.stake(r.ctx(), 2000*wal, r.wctx()))

	ok(t, p.advanceEpoch(1000*wal, r.nextEpoch()))
	ok(t, p.requestWithdrawStake(&a, true, false, r.wctx()))

	ok(t, p.advanceEpoch(1000*wal, r.nextEpoch()))
	ok(t, p.requestWithdrawStake(&b, true, false, r.wctx()))
	eq(t, "alice", must(p.withdrawStake(a, true, false, r.wctx())), 2500*wal)

	ok(t, p.advanceEpoch(0, r.nextEpoch()))
	eq(t, "bob", must(p.withdrawStake(b, true, false, r.wctx())), 2500*wal)
	assertEmpty(t, p)
}

// staking_pool_tests::stake_split_stake
func TestPoolSplitStake(t *testing.T) {
	r := &runner{}
	p := testPool(r, 0)
	a := must(p.stake(r.ctx(), 1000*wal, r.wctx()))

	ok(t, p.advanceEpoch(0, r.nextEpoch()))
	b := must(SplitStakedWal(r.ctx(), &a, 500*wal))

	ok(t, p.advanceEpoch(1000*wal, r.nextEpoch()))
	ok(t, p.requestWithdrawStake(&a, true, false, r.wctx()))

	ok(t, p.advanceEpoch(1000*wal, r.nextEpoch()))
	ok(t, p.requestWithdrawStake(&b, true, false, r.wctx()))
	eq(t, "a", must(p.withdrawStake(a, true, false, r.wctx())), 1500*wal)

	ok(t, p.advanceEpoch(0, r.nextEpoch()))
	eq(t, "b", must(p.withdrawStake(b, true, false, r.wctx())), 1500*wal)
	assertEmpty(t, p)
}

// pool_commission_tests::collect_commission_with_rewards
func TestPoolCollectCommissionWithRewards(t *testing.T) {
	r := &runner{}
	p := testPool(r, 1000)
	sw := must(p.stake(r.ctx(), 1000*wal, r.wctx()))

	ok(t, p.advanceEpoch(0, r.nextEpoch()))
	ok(t, p.requestWithdrawStake(&sw, true, false, r.wctx()))

	ok(t, p.advanceEpoch(10_000*wal, r.nextEpoch()))
	eq(t, "withdrawn", must(p.withdrawStake(sw, true, false, r.wctx())), 10_000*wal)
	eq(t, "commission", p.Commission, 1000*wal)

	sender := Authenticated{ID: testID(0xaa)}
	eq(t, "blocked collect", must(p.collectCommission(sender)), 0)
	p.clearBlockedCommission()
	eq(t, "collect", must(p.collectCommission(sender)), 1000*wal)
	if _, err := p.collectCommission(AuthenticateWithObject(testID(1))); !errors.Is(err, ErrAuthorizationFailure) {
		t.Fatalf("collect by another: %v", err)
	}
	eq(t, "bag size", p.ExtraFields.Size, 0)
	assertEmpty(t, p)
}

// pool_early_withdraw_tests::withdraw_processing_at_different_epochs
func TestPoolEarlyWithdrawals(t *testing.T) {
	r := &runner{}
	p := testPool(r, 0)

	alice := must(p.stake(r.ctx(), 1000*wal, r.wctx()))
	eq(t, "alice activation", alice.ActivationEpoch, 1)
	eq(t, "balance at E1", must(p.walBalanceAtEpoch(1)), 1000*wal)
	eq(t, "alice", must(p.withdrawStake(alice, true, false, r.wctx())), 1000*wal)
	eq(t, "balance at E1", must(p.walBalanceAtEpoch(1)), 0)

	bob := must(p.stake(r.ctx(), 1000*wal, r.wctx()))
	r.selectCommittee()
	ok(t, p.requestWithdrawStake(&bob, true, true, r.wctx()))
	eq(t, "balance at E1", must(p.walBalanceAtEpoch(1)), 1000*wal)
	eq(t, "bob withdraw epoch", bob.State.WithdrawEpoch, 2)

	charlie := must(p.stake(r.ctx(), 1000*wal, r.wctx()))
	eq(t, "charlie activation", charlie.ActivationEpoch, 2)
	dave := must(p.stake(r.ctx(), 1000*wal, r.wctx()))

	ok(t, p.advanceEpoch(0, r.nextEpoch()))
	eq(t, "charlie", must(p.withdrawStake(charlie, true, false, r.wctx())), 1000*wal)

	r.selectCommittee()
	ok(t, p.requestWithdrawStake(&dave, true, true, r.wctx()))
	eq(t, "dave withdraw epoch", dave.State.WithdrawEpoch, 3)

	ok(t, p.advanceEpoch(1000*wal, r.nextEpoch()))
	eq(t, "bob", must(p.withdrawStake(bob, true, false, r.wctx())), 2000*wal)

	ok(t, p.advanceEpoch(1000*wal, r.nextEpoch()))
	eq(t, "dave", must(p.withdrawStake(dave, true, false, r.wctx())), 2000*wal)
	eq(t, "wal_balance", p.WalBalance, 0)
	assertEmpty(t, p)
}

func TestPoolAborts(t *testing.T) {
	r := &runner{}
	p := testPool(r, 0)
	if _, err := p.stake(r.ctx(), 0, r.wctx()); !errors.Is(err, ErrZeroStake) {
		t.Fatalf("stake 0: %v", err)
	}
	if _, err := p.stake(r.ctx(), wal-1, r.wctx()); !errors.Is(err, ErrStakeBelowThreshold) {
		t.Fatalf("stake below 1 WAL: %v", err)
	}
	sw := must(p.stake(r.ctx(), 5*wal, r.wctx()))
	// Before the committee selection, stake activating in E+1 is withdrawn directly.
	if err := p.requestWithdrawStake(&sw, true, false, r.wctx()); !errors.Is(err, ErrWithdrawDirectly) {
		t.Fatalf("request for early stake: %v", err)
	}
	ok(t, p.advanceEpoch(0, r.nextEpoch()))
	if _, err := p.withdrawStake(sw, true, false, r.wctx()); !errors.Is(err, ErrNotWithdrawing) {
		t.Fatalf("withdraw without request: %v", err)
	}
	ok(t, p.requestWithdrawStake(&sw, true, false, r.wctx()))
	if err := p.requestWithdrawStake(&sw, true, false, r.wctx()); !errors.Is(err, ErrNotStaked) {
		t.Fatalf("second request: %v", err)
	}
	if _, err := p.withdrawStake(sw, true, false, r.wctx()); !errors.Is(err, ErrWithdrawEpochNotReached) {
		t.Fatalf("withdraw too early: %v", err)
	}
	if err := p.advanceEpoch(0, r.wctx()); !errors.Is(err, ErrPoolAlreadyUpdated) {
		t.Fatalf("advance twice: %v", err)
	}
	if err := p.setNextCommission(10_001, r.wctx()); !errors.Is(err, ErrIncorrectCommissionRate) {
		t.Fatalf("commission: %v", err)
	}
	other := sw
	other.NodeID = testID(1)
	if _, err := p.withdrawStake(other, true, false, r.wctx()); !errors.Is(err, ErrIncorrectPoolID) {
		t.Fatalf("other pool: %v", err)
	}
}

// The commission rate set with set_next_commission applies at E+2.
func TestPoolCommissionRateChange(t *testing.T) {
	r := &runner{}
	p := testPool(r, 0)
	must(p.stake(r.ctx(), 1000*wal, r.wctx()))
	ok(t, p.setNextCommission(5000, r.wctx())) // for E2
	ok(t, p.advanceEpoch(0, r.nextEpoch()))
	eq(t, "rate at E1", p.CommissionRate, 0)
	// The rewards of E1, distributed at the change to E2, pay the old rate.
	ok(t, p.advanceEpoch(100*wal, r.nextEpoch()))
	eq(t, "rate at E2", p.CommissionRate, 5000)
	eq(t, "commission", p.Commission, 0)
	ok(t, p.advanceEpoch(100*wal, r.nextEpoch()))
	eq(t, "commission", p.Commission, 50*wal)
	eq(t, "blocked", *p.BlockedCommission, 50*wal)
	eq(t, "rewards pool", p.RewardsPool, 150*wal)
}

func TestQuorums(t *testing.T) {
	votes := func(values, weights []uint64) []WeightedVote {
		var out []WeightedVote
		for i := range values {
			out = append(out, WeightedVote{values[i], weights[i]})
		}
		return out
	}
	ten := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	// staking_inner.move test_quorum_above, test_quorum_above_all_above, _one_value
	eq(t, "above", must(QuorumAbove(votes(ten, []uint64{5, 5, 4, 6, 3, 7, 2, 8, 1, 9}), 50)), 4)
	eq(t, "above all", must(QuorumAbove(votes(ten, []uint64{17, 1, 1, 1, 3, 7, 2, 8, 1, 9}), 50)), 1)
	eq(t, "above one", must(QuorumAbove(votes([]uint64{1}, []uint64{50}), 50)), 1)
	// test_quorum_below, test_quorum_below_all_below, _one_value
	eq(t, "below", must(QuorumBelow(votes(ten, []uint64{5, 5, 4, 6, 3, 7, 4, 6, 1, 9}), 50)), 7)
	eq(t, "below all", must(QuorumBelow(votes(ten, []uint64{5, 5, 4, 6, 3, 7, 1, 1, 1, 17}), 50)), 10)
	eq(t, "below one", must(QuorumBelow(votes([]uint64{1}, []uint64{50}), 50)), 1)
}

func TestPendingValues(t *testing.T) {
	var p walrus.PendingValues
	ok(t, pvInsertOrAdd(&p, 3, 10))
	ok(t, pvInsertOrAdd(&p, 1, 5))
	ok(t, pvInsertOrAdd(&p, 3, 1))
	eq(t, "value_at 2", must(pvValueAt(p, 2)), 5)
	eq(t, "value_at 3", must(pvValueAt(p, 3)), 16)
	v, found := pvLatestValueAt(p, 2)
	eq(t, "latest_value_at 2", v, 5)
	eq(t, "found", found, true)
	if err := pvReduce(&p, 2, 1); !errors.Is(err, ErrMissingEpochValue) {
		t.Fatal(err)
	}
	if err := pvReduce(&p, 1, 6); !errors.Is(err, ErrReduceValueTooLarge) {
		t.Fatal(err)
	}
	eq(t, "flush 1", must(pvFlush(&p, 1)), 5)
	eq(t, "left", len(p), 1)
	eq(t, "left epoch", p[0].Epoch, 3)
}
