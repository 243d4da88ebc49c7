package rewards

import (
	"errors"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// advance is staking_pool::advance_epoch as far as balances go (walrus
// staking_pool.move): a pending commission rate due now is applied first, then the
// commission is split off and the rest joins the rewards pool and the stake.
func advance(p walrus.StakingPool, epoch uint32, reward uint64) walrus.StakingPool {
	if rate := p.PendingCommissionRate.Get(epoch); rate != 0 {
		p.CommissionRate = uint16(rate)
		var keep walrus.PendingValues
		for _, v := range p.PendingCommissionRate {
			if v.Epoch > epoch {
				keep = append(keep, v)
			}
		}
		p.PendingCommissionRate = keep
	}
	commission := reward * uint64(p.CommissionRate) / 10_000
	p.Commission += commission
	p.RewardsPool += reward - commission
	p.WalBalance += reward - commission
	p.LatestEpoch = epoch
	return p
}

func pool(rate uint16) walrus.StakingPool {
	return walrus.StakingPool{
		ID:             walrus.MustParseID("0xabc"),
		LatestEpoch:    4,
		WalBalance:     1_000_000_000_000,
		NumShares:      1_000_000_000_000,
		CommissionRate: rate,
		RewardsPool:    77_000,
		Commission:     5_000,
	}
}

// TestDeriveFromConstructedPools proves that Derive recovers the reward and commission
// advance_epoch paid, for several rates and rewards, including a commission-rate change
// that takes effect at that epoch change.
func TestDeriveFromConstructedPools(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rate   uint16
		reward uint64
		next   uint16 // a pending rate due at the new epoch (0: none)
	}{
		{"no commission", 0, 123_456_789, 0},
		{"60 percent", 6000, 987_654_321, 0},
		{"all commission", 10_000, 5_000_000, 0},
		{"rounding down", 3333, 10_001, 0},
		{"zero reward", 2500, 0, 0},
		{"rate change applied first", 1000, 1_000_000, 9000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prev := pool(tc.rate)
			if tc.next != 0 {
				prev.PendingCommissionRate = walrus.PendingValues{{Epoch: 5, Value: uint64(tc.next)}, {Epoch: 9, Value: 1}}
			}
			next := advance(prev, 5, tc.reward)
			r, err := Derive(5, &prev, &next)
			if err != nil {
				t.Fatal(err)
			}
			rate := tc.rate
			if tc.next != 0 {
				rate = tc.next
			}
			wantCommission := tc.reward * uint64(rate) / 10_000
			if r.Reward != tc.reward || r.Commission != wantCommission || r.CommissionRate != rate {
				t.Fatalf("Derive = %+v, want reward %d, commission %d at %d bps", r, tc.reward, wantCommission, rate)
			}
			if r.Epoch != 4 || r.NodeID != prev.ID || r.StakeAfter != next.WalBalance {
				t.Fatalf("Derive = %+v: wrong epoch, node or stake", r)
			}
		})
	}
}

func TestDeriveRejects(t *testing.T) {
	prev := pool(6000)
	good := advance(prev, 5, 1_000_000)
	for name, tc := range map[string]struct {
		epoch uint32
		mut   func(p *walrus.StakingPool)
		want  error
	}{
		"not advanced":         {5, func(p *walrus.StakingPool) { p.LatestEpoch = prev.LatestEpoch }, ErrNotAdvanced},
		"other epoch":          {6, func(p *walrus.StakingPool) {}, ErrNotAdvanced},
		"epoch zero":           {0, func(p *walrus.StakingPool) {}, ErrMismatch},
		"other pool":           {5, func(p *walrus.StakingPool) { p.ID = walrus.MustParseID("0xdef") }, ErrMismatch},
		"commission went down": {5, func(p *walrus.StakingPool) { p.Commission = prev.Commission - 1 }, ErrMismatch},
		"rewards went down":    {5, func(p *walrus.StakingPool) { p.RewardsPool = prev.RewardsPool - 1 }, ErrMismatch},
		"commission off rate":  {5, func(p *walrus.StakingPool) { p.Commission++ }, ErrMismatch},
		"rate above 100%":      {5, func(p *walrus.StakingPool) { p.CommissionRate = 10_001 }, ErrMismatch},
	} {
		next := good
		tc.mut(&next)
		if _, err := Derive(tc.epoch, &prev, &next); !errors.Is(err, tc.want) {
			t.Errorf("%s: Derive = %v, want %v", name, err, tc.want)
		}
	}
}

func TestNodeRewardsBCS(t *testing.T) {
	ev := &NodeRewards{NodeID: walrus.MustParseID("0x1234"), Epoch: 7, Reward: 1 << 40, Commission: 99, CommissionRate: 6000, StakeAfter: 5}
	b := bcs.Marshal(ev)
	if len(b) != 32+4+8+8+2+8 {
		t.Fatalf("BCS is %d bytes", len(b))
	}
	got, err := DecodeNodeRewards(b)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *ev {
		t.Fatalf("round trip gave %+v", got)
	}
	if _, err := DecodeNodeRewards(b[:len(b)-1]); !errors.Is(err, bcs.ErrMalformed) {
		t.Fatalf("truncated BCS: %v", err)
	}
}
