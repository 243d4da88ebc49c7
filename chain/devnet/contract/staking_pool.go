package contract

import (
	"math/big"

	"github.com/tuskstore/tusk/chain/walrus"
)

// MinStakingThreshold is staked_wal.move MIN_STAKING_THRESHOLD: a StakedWal holds at
// least 1 WAL.
const MinStakingThreshold uint64 = 1_000_000_000

// Authenticated is auth.move Authenticated: the sender of the transaction
// (authenticate_sender) or an object the sender passed (authenticate_with_object).
type Authenticated struct {
	Object bool      // Object(ID) rather than Sender(address)
	ID     walrus.ID // the sender's address or the object's ID
}

// AuthenticateSender is auth::authenticate_sender.
func AuthenticateSender(ctx *TxContext) Authenticated { return Authenticated{ID: ctx.Sender} }

// AuthenticateWithObject is auth::authenticate_with_object.
func AuthenticateWithObject(id walrus.ID) Authenticated { return Authenticated{Object: true, ID: id} }

// matches is auth::matches.
func (a Authenticated) matches(w walrus.Authorized) bool {
	if a.Object {
		return w.Kind == walrus.AuthorizedObjectID && w.ID == a.ID
	}
	return w.Kind == walrus.AuthorizedAddress && w.ID == a.ID
}

// canWithdrawEarly is staked_wal::can_withdraw_early: stake that is not withdrawing and
// activates in E+2, or in E+1 for a node not in the next committee (or before it is
// selected), can be withdrawn at once.
func canWithdrawEarly(sw *walrus.StakedWal, inNextCommittee bool, wctx walrusContext) bool {
	if sw.IsWithdrawing() {
		return false
	}
	return sw.ActivationEpoch == wctx.epoch+2 || (sw.ActivationEpoch == wctx.epoch+1 && !inNextCommittee)
}

// setWithdrawing is staked_wal::set_withdrawing.
func setWithdrawing(sw *walrus.StakedWal, withdrawEpoch uint32) error {
	if sw.State.Kind != walrus.StakedWalStaked {
		return ErrAlreadyWithdrawing.in("set_withdrawing", "StakedWal %s is already withdrawing", sw.ID)
	}
	sw.State = walrus.StakedWalState{Kind: walrus.StakedWalWithdrawing, WithdrawEpoch: withdrawEpoch}
	return nil
}

func (p *Pool) isActive() bool { return p.State.Kind == walrus.PoolActive }

// stake is staking_pool::stake: a new StakedWal of amount, activating in E+1, or E+2 once
// the next committee is selected, counted in the pending stake of that epoch.
func (p *Pool) stake(ctx *TxContext, amount uint64, wctx walrusContext) (walrus.StakedWal, error) {
	if !p.isActive() {
		return walrus.StakedWal{}, ErrPoolIsNotActive.in("stake", "pool %s is %s", p.ID, p.State.Kind)
	}
	if amount == 0 {
		return walrus.StakedWal{}, ErrZeroStake.in("stake", "staking 0 FROST")
	}
	activation := wctx.epoch + 1
	if wctx.committeeSelected {
		activation = wctx.epoch + 2
	}
	if amount < MinStakingThreshold { // staked_wal::mint
		return walrus.StakedWal{}, ErrStakeBelowThreshold.in("mint", "staking %d FROST, at least %d", amount, MinStakingThreshold)
	}
	pending := cloneValues(p.PendingStake)
	if err := pvInsertOrAdd(&pending, activation, amount); err != nil {
		return walrus.StakedWal{}, err
	}
	p.PendingStake = pending
	return walrus.StakedWal{
		ID:              ctx.newID(),
		State:           walrus.StakedWalState{Kind: walrus.StakedWalStaked},
		NodeID:          p.ID,
		Principal:       amount,
		ActivationEpoch: activation,
	}, nil
}

// requestWithdrawStake is staking_pool::request_withdraw_stake: sw becomes withdrawing,
// in activation + 1 for stake that is not active yet but counts for the selected next
// committee, else in E+2 for a node in the next committee and E+1 for one only in the
// current committee; its shares are set aside for that epoch.
func (p *Pool) requestWithdrawStake(sw *walrus.StakedWal, inCurrent, inNext bool, wctx walrusContext) error {
	const fn = "request_withdraw_stake"
	if sw.Principal == 0 {
		return ErrZeroStake.in(fn, "StakedWal %s holds nothing", sw.ID)
	}
	if sw.NodeID != p.ID {
		return ErrIncorrectPoolID.in(fn, "StakedWal %s is staked with %s, not %s", sw.ID, sw.NodeID, p.ID)
	}
	if sw.State.Kind != walrus.StakedWalStaked {
		return ErrNotStaked.in(fn, "StakedWal %s is already withdrawing", sw.ID)
	}
	if canWithdrawEarly(sw, inNext, wctx) {
		return ErrWithdrawDirectly.in(fn, "StakedWal %s can be withdrawn directly", sw.ID)
	}
	// Early withdrawal request: the stake is not active yet but counts for the selected
	// next committee; it is withdrawn after one epoch of activity.
	if sw.ActivationEpoch == wctx.epoch+1 {
		withdrawEpoch := sw.ActivationEpoch + 1
		pending := cloneValues(p.PreActiveWithdrawals)
		if err := pvInsertOrAdd(&pending, withdrawEpoch, sw.Principal); err != nil {
			return err
		}
		if err := setWithdrawing(sw, withdrawEpoch); err != nil {
			return err
		}
		p.PreActiveWithdrawals = pending
		return nil
	}
	if sw.ActivationEpoch > wctx.epoch {
		return ErrActivationEpochNotReached.in(fn, "StakedWal %s activates in epoch %d", sw.ID, sw.ActivationEpoch)
	}
	var withdrawEpoch uint32
	switch {
	case inNext:
		withdrawEpoch = wctx.epoch + 2
	case inCurrent:
		withdrawEpoch = wctx.epoch + 1
	default:
		return ErrWithdrawDirectly.in(fn, "node %s is in no committee", p.ID)
	}
	rate, err := p.exchangeRateAtEpoch(sw.ActivationEpoch)
	if err != nil {
		return err
	}
	shares, err := ConvertToShareAmount(rate, sw.Principal)
	if err != nil {
		return err
	}
	if shares == 0 {
		return ErrZeroShares.in(fn, "StakedWal %s is worth no shares", sw.ID)
	}
	pending := cloneValues(p.PendingSharesWithdraw)
	if err := pvInsertOrAdd(&pending, withdrawEpoch, shares); err != nil {
		return err
	}
	if err := setWithdrawing(sw, withdrawEpoch); err != nil {
		return err
	}
	p.PendingSharesWithdraw = pending
	return nil
}

// withdrawStake is staking_pool::withdraw_stake: the principal of sw and its rewards
// (principal converted to shares at the activation epoch's rate and back at the withdraw
// epoch's, less the principal, at most what the rewards pool holds), in FROST.
func (p *Pool) withdrawStake(sw walrus.StakedWal, inCurrent, inNext bool, wctx walrusContext) (uint64, error) {
	const fn = "withdraw_stake"
	if sw.Principal == 0 {
		return 0, ErrZeroStake.in(fn, "StakedWal %s holds nothing", sw.ID)
	}
	if sw.NodeID != p.ID {
		return 0, ErrIncorrectPoolID.in(fn, "StakedWal %s is staked with %s, not %s", sw.ID, sw.NodeID, p.ID)
	}
	activation := sw.ActivationEpoch
	// One step: stake whose committee has not been selected yet.
	if canWithdrawEarly(&sw, inNext, wctx) {
		pending := cloneValues(p.PendingStake)
		if err := pvReduce(&pending, activation, sw.Principal); err != nil {
			return 0, err
		}
		p.PendingStake = pending
		return sw.Principal, nil
	}
	var rewards uint64
	if !inCurrent && !inNext && sw.State.Kind == walrus.StakedWalStaked {
		// One step withdrawal for a node in no committee.
		if activation > wctx.epoch {
			pending := cloneValues(p.PendingStake)
			if err := pvReduce(&pending, activation, sw.Principal); err != nil {
				return 0, err
			}
			p.PendingStake = pending
		} else {
			rate, err := p.exchangeRateAtEpoch(activation)
			if err != nil {
				return 0, err
			}
			shares, err := ConvertToShareAmount(rate, sw.Principal)
			if err != nil {
				return 0, err
			}
			pending := cloneValues(p.PendingSharesWithdraw)
			if err := pvInsertOrAdd(&pending, wctx.epoch, shares); err != nil {
				return 0, err
			}
			if rewards, err = p.calculateRewards(sw.Principal, activation, wctx.epoch); err != nil {
				return 0, err
			}
			p.PendingSharesWithdraw = pending
		}
	} else {
		// Normal two-step withdrawal.
		if sw.State.Kind != walrus.StakedWalWithdrawing {
			return 0, ErrNotWithdrawing.in(fn, "StakedWal %s has no withdrawal requested", sw.ID)
		}
		if sw.State.WithdrawEpoch > wctx.epoch {
			return 0, ErrWithdrawEpochNotReached.in(fn, "StakedWal %s can be withdrawn from epoch %d", sw.ID, sw.State.WithdrawEpoch)
		}
		if activation > wctx.epoch {
			return 0, ErrActivationEpochNotReached.in(fn, "StakedWal %s activates in epoch %d", sw.ID, activation)
		}
		var err error
		if rewards, err = p.calculateRewards(sw.Principal, activation, sw.State.WithdrawEpoch); err != nil {
			return 0, err
		}
	}
	// Rounding may make the rewards exceed the rewards pool: take what there is.
	rewards = min(rewards, p.RewardsPool)
	p.RewardsPool -= rewards
	return addU64("sui::balance::join", rewards, sw.Principal)
}

// advanceEpoch is staking_pool::advance_epoch: the commission (rewards · commission_rate
// / 10000) goes to the commission balance, blocked until voting_end; a pending commission
// rate whose epoch has come applies; the rest of the rewards goes to the rewards pool and
// the WAL balance (raising the exchange rate); the next public key takes over; then the
// pending stake and withdrawals are processed.
func (p *Pool) advanceEpoch(rewards uint64, wctx walrusContext) error {
	const fn = "advance_epoch"
	current := wctx.epoch
	if current <= p.LatestEpoch {
		return ErrPoolAlreadyUpdated.in(fn, "pool %s is at epoch %d", p.ID, p.LatestEpoch)
	}
	if rewards != 0 && p.WalBalance == 0 {
		return ErrIncorrectEpochAdvance.in(fn, "rewards for pool %s, which has no stake", p.ID)
	}
	commission := new(big.Int).Mul(new(big.Int).SetUint64(rewards), big.NewInt(int64(p.CommissionRate)))
	commission.Quo(commission, big.NewInt(NBasisPoints))
	if err := balanceSplit(&rewards, commission.Uint64()); err != nil {
		return err
	}
	if err := p.addCommission(commission.Uint64(), true); err != nil {
		return err
	}
	if rate, ok := pvLatestValueAt(p.PendingCommissionRate, current); ok {
		p.CommissionRate = uint16(rate)
	}
	pending := cloneValues(p.PendingCommissionRate)
	if _, err := pvFlush(&pending, current); err != nil {
		return err
	}
	p.PendingCommissionRate = pending
	if err := balanceJoin(&p.RewardsPool, rewards); err != nil {
		return err
	}
	var err error
	if p.WalBalance, err = addU64("walrus::staking_pool::advance_epoch", p.WalBalance, rewards); err != nil {
		return err
	}
	p.LatestEpoch = current
	// storage_node::rotate_public_key
	if p.NodeInfo.NextEpochPublicKey != nil {
		p.NodeInfo.PublicKey = *p.NodeInfo.NextEpochPublicKey
		p.NodeInfo.NextEpochPublicKey = nil
	}
	return p.processPendingStake(wctx)
}

// addCommission is staking_pool::add_commission; block also adds amount to the commission
// blocked until voting_end (increase_blocked_commission, which creates the bag entry even
// for 0).
func (p *Pool) addCommission(amount uint64, block bool) error {
	if err := balanceJoin(&p.Commission, amount); err != nil {
		return err
	}
	if !block {
		return nil
	}
	if p.BlockedCommission == nil {
		v := amount
		p.BlockedCommission = &v
		p.ExtraFields.Size++
		return nil
	}
	v, err := addU64("walrus::staking_pool::increase_blocked_commission", *p.BlockedCommission, amount)
	if err != nil {
		return err
	}
	*p.BlockedCommission = v
	return nil
}

// clearBlockedCommission is staking_pool::clear_blocked_commission.
func (p *Pool) clearBlockedCommission() {
	if p.BlockedCommission != nil {
		p.BlockedCommission = nil
		p.ExtraFields.Size--
	}
}

// collectCommission is staking_pool::collect_commission: the commission that is not
// blocked, if auth is the commission receiver (ErrAuthorizationFailure otherwise).
func (p *Pool) collectCommission(auth Authenticated) (uint64, error) {
	if !auth.matches(p.CommissionReceiver) {
		return 0, ErrAuthorizationFailure.in("collect_commission", "not the commission receiver of pool %s", p.ID)
	}
	var blocked uint64
	if p.BlockedCommission != nil {
		blocked = *p.BlockedCommission
	}
	if p.Commission <= blocked {
		return 0, nil
	}
	amount := p.Commission - blocked
	p.Commission -= amount
	return amount, nil
}

// processPendingStake is staking_pool::process_pending_stake: the exchange rate of the
// current epoch is recorded from the balance and shares before the changes, the pending
// stake of the epochs up to now is added, and the withdrawals due are converted to WAL at
// that rate and taken out; the shares are recounted at the rate.
func (p *Pool) processPendingStake(wctx walrusContext) error {
	const fn = "process_pending_stake"
	current := wctx.epoch
	rate, err := NewExchangeRate(p.WalBalance, p.NumShares)
	if err != nil {
		return err
	}
	if err := p.Rates.Add(current, rate); err != nil {
		return err
	}
	p.ExchangeRates.Size++

	pending := cloneValues(p.PendingStake)
	added, err := pvFlush(&pending, current)
	if err != nil {
		return err
	}
	p.PendingStake = pending
	if p.WalBalance, err = addU64("walrus::staking_pool::process_pending_stake", p.WalBalance, added); err != nil {
		return err
	}

	// Each pre-active withdrawal holds principal that was active for exactly one epoch:
	// convert it at the rate of its activation epoch.
	var preActiveShares uint64
	for _, v := range p.PreActiveWithdrawals {
		if v.Epoch > current {
			continue
		}
		r, err := p.exchangeRateAtEpoch(v.Epoch - 1)
		if err != nil {
			return err
		}
		shares, err := ConvertToShareAmount(r, v.Value)
		if err != nil {
			return err
		}
		if preActiveShares, err = addU64("walrus::staking_pool::process_pending_stake", preActiveShares, shares); err != nil {
			return err
		}
	}
	pre := cloneValues(p.PreActiveWithdrawals)
	if _, err := pvFlush(&pre, current); err != nil {
		return err
	}
	p.PreActiveWithdrawals = pre

	withdraw := cloneValues(p.PendingSharesWithdraw)
	sharesWithdraw, err := pvFlush(&withdraw, current)
	if err != nil {
		return err
	}
	p.PendingSharesWithdraw = withdraw
	total, err := addU64("walrus::staking_pool::process_pending_stake", sharesWithdraw, preActiveShares)
	if err != nil {
		return err
	}
	pendingWithdrawal, err := ConvertToWalAmount(rate, total)
	if err != nil {
		return err
	}
	if p.WalBalance < pendingWithdrawal {
		return ErrCalculationError.in(fn, "pool %s withdraws %d of a balance of %d", p.ID, pendingWithdrawal, p.WalBalance)
	}
	p.WalBalance -= pendingWithdrawal
	p.NumShares, err = ConvertToShareAmount(rate, p.WalBalance)
	return err
}

// setNextCommission is staking_pool::set_next_commission: the rate applies from E+2.
func (p *Pool) setNextCommission(rate uint16, wctx walrusContext) error {
	if rate > NBasisPoints {
		return ErrIncorrectCommissionRate.in("set_next_commission", "commission rate %d, at most %d", rate, NBasisPoints)
	}
	pending := cloneValues(p.PendingCommissionRate)
	pvInsertOrReplace(&pending, wctx.epoch+2, uint64(rate))
	p.PendingCommissionRate = pending
	return nil
}

// exchangeRateAtEpoch is staking_pool::exchange_rate_at_epoch: the rate of epoch, or of
// the latest epoch before it that has one, down to the activation epoch; Flat if none.
func (p *Pool) exchangeRateAtEpoch(epoch uint32) (walrus.PoolExchangeRate, error) {
	for epoch >= p.ActivationEpoch {
		r, ok, err := p.Rates.Lookup(epoch)
		if err != nil || ok {
			return r, err
		}
		if epoch == 0 {
			return walrus.PoolExchangeRate{}, arithmetic("walrus::staking_pool::exchange_rate_at_epoch", "epoch underflows u32")
		}
		epoch--
	}
	return flatRate, nil
}

// walBalanceAtEpoch is staking_pool::wal_balance_at_epoch: the pool's stake expected at a
// current or future epoch, with the pending stake and withdrawals up to it.
func (p *Pool) walBalanceAtEpoch(epoch uint32) (uint64, error) {
	const where = "walrus::staking_pool::wal_balance_at_epoch"
	rate, err := NewExchangeRate(p.WalBalance, p.NumShares)
	if err != nil {
		return 0, err
	}
	var preActiveShares uint64
	for _, v := range p.PreActiveWithdrawals {
		if v.Epoch > epoch {
			continue
		}
		r, err := p.exchangeRateAtEpoch(v.Epoch - 1)
		if err != nil {
			return 0, err
		}
		shares, err := ConvertToShareAmount(r, v.Value)
		if err != nil {
			return 0, err
		}
		if preActiveShares, err = addU64(where, preActiveShares, shares); err != nil {
			return 0, err
		}
	}
	sharesWithdraw, err := pvValueAt(p.PendingSharesWithdraw, epoch)
	if err != nil {
		return 0, err
	}
	total, err := addU64(where, sharesWithdraw, preActiveShares)
	if err != nil {
		return 0, err
	}
	pendingWithdrawal, err := ConvertToWalAmount(rate, total)
	if err != nil {
		return 0, err
	}
	pendingStake, err := pvValueAt(p.PendingStake, epoch)
	if err != nil {
		return 0, err
	}
	sum, err := addU64(where, p.WalBalance, pendingStake)
	if err != nil {
		return 0, err
	}
	return subU64(where, sum, pendingWithdrawal)
}

// calculateRewards is staking_pool::calculate_rewards: principal converted to shares at
// the activation epoch's rate and back to WAL at the withdraw epoch's, less the
// principal (0 if that is less).
func (p *Pool) calculateRewards(principal uint64, activation, withdraw uint32) (uint64, error) {
	r, err := p.exchangeRateAtEpoch(activation)
	if err != nil {
		return 0, err
	}
	shares, err := ConvertToShareAmount(r, principal)
	if err != nil {
		return 0, err
	}
	if r, err = p.exchangeRateAtEpoch(withdraw); err != nil {
		return 0, err
	}
	wal, err := ConvertToWalAmount(r, shares)
	if err != nil {
		return 0, err
	}
	if wal >= principal {
		return wal - principal, nil
	}
	return 0, nil
}

func cloneValues(p walrus.PendingValues) walrus.PendingValues {
	return append(walrus.PendingValues(nil), p...)
}
