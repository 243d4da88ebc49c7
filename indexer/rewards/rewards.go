// Package rewards derives what each storage node earned in an epoch from the state of
// its staking pool before and after the epoch change that paid it, and defines
// NodeRewards, the event the indexer adds to its feed for each such payment.
//
// At an epoch change the Walrus contract calls staking_pool::advance_epoch on every
// pool of the old committee with the pool's reward R (walrus staking_pool.move): it
// first applies a pending commission rate due for the new epoch, then moves
// commission = R * commission_rate / 10000 into the pool's commission balance and the
// rest into its rewards_pool (and wal_balance). Nothing else in that transaction touches
// those two balances, so from the pool just before and just after:
//
//	commission = after.commission   - before.commission
//	reward     = commission + (after.rewards_pool - before.rewards_pool)
//
// and commission must equal reward * after.commission_rate / 10000, which Derive checks.
package rewards

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Errors of Derive.
var (
	// ErrNotAdvanced: the pool's latest epoch did not move forward between the two
	// states, so they do not bracket an epoch change.
	ErrNotAdvanced = errors.New("rewards: pool did not advance an epoch")
	// ErrMismatch: the two states are not those of one pool just before and after
	// advance_epoch (different pools, balances that went down, or a commission that
	// does not follow from the rate).
	ErrMismatch = errors.New("rewards: pool states do not bracket one advance_epoch")
)

// basisPoints is 100%, the denominator of commission rates.
const basisPoints = 10_000

// Reward is what one node earned in one epoch.
type Reward struct {
	NodeID walrus.ID
	// Epoch is the epoch the reward was earned in; it was paid at the change to Epoch+1.
	Epoch uint32
	// Reward is the pool's whole reward, commission included (FROST).
	Reward uint64
	// Commission is the part that went to the node's commission balance.
	Commission uint64
	// CommissionRate is the rate applied, in basis points.
	CommissionRate uint16
	// StakeAfter is the pool's wal_balance after the change (stake plus rewards).
	StakeAfter uint64
}

// Derive returns the reward paid to the pool at the change to epoch newEpoch, from
// the pool's state before (prev) and after (next) the transaction that changed the epoch.
func Derive(newEpoch uint32, prev, next *walrus.StakingPool) (Reward, error) {
	if prev.ID != next.ID {
		return Reward{}, fmt.Errorf("%w: pool %s vs %s", ErrMismatch, prev.ID, next.ID)
	}
	if newEpoch == 0 {
		return Reward{}, fmt.Errorf("%w: no epoch before epoch 0", ErrMismatch)
	}
	if next.LatestEpoch <= prev.LatestEpoch || next.LatestEpoch != newEpoch {
		return Reward{}, fmt.Errorf("%w: pool %s latest epoch %d -> %d at the change to %d",
			ErrNotAdvanced, next.ID, prev.LatestEpoch, next.LatestEpoch, newEpoch)
	}
	if next.Commission < prev.Commission || next.RewardsPool < prev.RewardsPool {
		return Reward{}, fmt.Errorf("%w: pool %s: commission %d -> %d, rewards pool %d -> %d",
			ErrMismatch, next.ID, prev.Commission, next.Commission, prev.RewardsPool, next.RewardsPool)
	}
	commission := next.Commission - prev.Commission
	rest := next.RewardsPool - prev.RewardsPool
	total := commission + rest
	if total < commission {
		return Reward{}, fmt.Errorf("%w: pool %s: reward overflows u64", ErrMismatch, next.ID)
	}
	if next.CommissionRate > basisPoints {
		return Reward{}, fmt.Errorf("%w: pool %s: commission rate %d bps", ErrMismatch, next.ID, next.CommissionRate)
	}
	// total * rate / 10000 as Move computes it (u64; Move aborts on overflow, so a
	// product that does not fit cannot have happened).
	want := new(big.Int).Mul(new(big.Int).SetUint64(total), big.NewInt(int64(next.CommissionRate)))
	if !want.IsUint64() {
		return Reward{}, fmt.Errorf("%w: pool %s: reward %d times rate %d overflows u64", ErrMismatch, next.ID, total, next.CommissionRate)
	}
	if w := want.Uint64() / basisPoints; w != commission {
		return Reward{}, fmt.Errorf("%w: pool %s: commission %d, but %d * %d bps is %d",
			ErrMismatch, next.ID, commission, total, next.CommissionRate, w)
	}
	return Reward{
		NodeID:         next.ID,
		Epoch:          newEpoch - 1,
		Reward:         total,
		Commission:     commission,
		CommissionRate: next.CommissionRate,
		StakeAfter:     next.WalBalance,
	}, nil
}

// EventName is the struct name of the derived NodeRewards event, and EventType its
// type in the event feed. The type is not a Move type: no package emits it.
const (
	EventName = "NodeRewards"
	EventType = "tusk::rewards::NodeRewards"
)

// NodeRewards is the event the indexer derives for each node paid at an epoch change.
// Its BCS is the fields in order: node_id (32 bytes), epoch (u32), reward (u64),
// commission (u64), commission_rate (u16), stake_after (u64).
type NodeRewards struct {
	NodeID         walrus.ID
	Epoch          uint32
	Reward         uint64
	Commission     uint64
	CommissionRate uint16
	StakeAfter     uint64
}

// Event returns the NodeRewards event of r.
func (r Reward) Event() *NodeRewards {
	return &NodeRewards{NodeID: r.NodeID, Epoch: r.Epoch, Reward: r.Reward, Commission: r.Commission,
		CommissionRate: r.CommissionRate, StakeAfter: r.StakeAfter}
}

func (ev *NodeRewards) MarshalBCS(e *bcs.Encoder) {
	ev.NodeID.MarshalBCS(e)
	e.U32(ev.Epoch)
	e.U64(ev.Reward)
	e.U64(ev.Commission)
	e.U16(ev.CommissionRate)
	e.U64(ev.StakeAfter)
}

func (ev *NodeRewards) UnmarshalBCS(d *bcs.Decoder) {
	ev.NodeID.UnmarshalBCS(d)
	ev.Epoch = d.U32()
	ev.Reward = d.U64()
	ev.Commission = d.U64()
	ev.CommissionRate = d.U16()
	ev.StakeAfter = d.U64()
}

// DecodeNodeRewards decodes the BCS of a NodeRewards event; errors wrap bcs.ErrMalformed.
func DecodeNodeRewards(b []byte) (*NodeRewards, error) {
	ev := new(NodeRewards)
	if err := bcs.Unmarshal(b, ev); err != nil {
		return nil, err
	}
	return ev, nil
}
