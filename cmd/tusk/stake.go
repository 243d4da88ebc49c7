package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

func newStakeCmd(a *app) *cobra.Command {
	var asJSON bool
	var node, amount string
	cmd := &cobra.Command{
		Use:   "stake --node ID --amount WAL [--json]",
		Short: "Stake WAL with a storage node",
		Long: "stake stakes --amount WAL (decimals allowed, e.g. 1.5; at least 1 WAL) of the client's WAL with the\n" +
			"storage node --node and prints the new StakedWal object. The stake counts from the next epoch, or the\n" +
			"one after if the next committee is already selected (after the epoch's voting_end).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			nodeID, err := idFlag(cmd, "node", node, true)
			if err != nil {
				return err
			}
			if amount == "" {
				return &usageError{cmd: cmd, err: errors.New("--amount is required (WAL, e.g. 1.5)")}
			}
			amt, err := walFlag(cmd, "amount", amount)
			if err != nil {
				return err
			}
			if amt.FROST() < chain.MinStake {
				return &usageError{cmd: cmd, err: fmt.Errorf("--amount: a stake is at least %s, got %s", wal(chain.MinStake), wal(amt.FROST()))}
			}
			ctx := cmd.Context()
			s, closeFn, err := a.openChain(ctx, true)
			if err != nil {
				return err
			}
			defer closeFn()
			pool, err := s.pool(ctx, nodeID)
			if err != nil {
				return err
			}
			bal, err := s.c.WALBalance(ctx, s.address())
			if err != nil {
				return err
			}
			if bal < amt.FROST() {
				return fmt.Errorf("stake: %s holds %s, less than the %s to stake", s.address(), wal(bal), wal(amt.FROST()))
			}
			id, err := s.c.StakeWithPool(ctx, nodeID, amt.FROST())
			if err != nil {
				return fmt.Errorf("stake: %w", err)
			}
			sw, err := s.c.StakedWal(ctx, id)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]any{
					"stakedWal": id, "nodeId": nodeID, "nodeName": pool.NodeInfo.Name,
					"principal": sw.Principal, "activationEpoch": sw.ActivationEpoch,
				})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Staked %s with node %s (%s): StakedWal %s, active from epoch %d\n",
				wal(sw.Principal), pool.NodeInfo.Name, nodeID, id, sw.ActivationEpoch)
			return nil
		},
	}
	cmd.Flags().StringVar(&node, "node", "", "the storage node (its node ID, the ID of its staking pool)")
	cmd.Flags().StringVar(&amount, "amount", "", "WAL to stake, with up to 9 decimals (1 WAL = 10^9 FROST)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// pool reads the node's staking pool; an ID that is not one is a clear error.
func (s *chainSession) pool(ctx context.Context, nodeID walrus.ID) (*walrus.StakingPool, error) {
	p, err := s.c.Pool(ctx, nodeID)
	if errors.Is(err, chain.ErrNotFound) || errors.Is(err, chain.ErrUnexpectedType) {
		return nil, fmt.Errorf("node %s: no such storage node (no staking pool with that ID)", nodeID)
	}
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", nodeID, err)
	}
	return p, nil
}

// withdrawal is the outcome of `tusk withdraw`.
type withdrawal struct {
	StakedWal walrus.ID `json:"stakedWal"`
	NodeID    walrus.ID `json:"nodeId"`
	// State is "withdrawn", or "withdrawing" while the withdraw epoch is not reached.
	State         string `json:"state"`
	WithdrawEpoch uint32 `json:"withdrawEpoch,omitempty"`
	Epoch         uint32 `json:"epoch"`
	// Principal, Rewards and Amount (their sum, the coin's value) are in FROST.
	Principal uint64     `json:"principal"`
	Rewards   uint64     `json:"rewards"`
	Amount    uint64     `json:"amount"`
	Coin      walrus.ID  `json:"coin,omitzero"`
	Digest    sui.Digest `json:"digest,omitzero"`
}

func newWithdrawCmd(a *app) *cobra.Command {
	var asJSON, wait bool
	var stakedWal string
	cmd := &cobra.Command{
		Use:   "withdraw --staked-wal ID [--wait] [--json]",
		Short: "Withdraw a stake: its principal and rewards",
		Long: "withdraw requests the withdrawal of the StakedWal --staked-wal (owned by the client) and withdraws it\n" +
			"as soon as the pool allows: at once for stake that is not active yet, otherwise from the withdraw\n" +
			"epoch (the next epoch, or the one after if the node is in the selected next committee). Until\n" +
			"then it says when; run it again then, or pass --wait to wait for that epoch. It prints the\n" +
			"principal and the rewards paid.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idFlag(cmd, "staked-wal", stakedWal, true)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			s, closeFn, err := a.openChain(ctx, true)
			if err != nil {
				return err
			}
			defer closeFn()
			w, err := s.withdraw(ctx, id, wait)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), w)
			}
			out := cmd.OutOrStdout()
			if w.State == "withdrawing" {
				fmt.Fprintf(out, "Withdrawal of StakedWal %s (%s with node %s) requested: it can be withdrawn from epoch %d (now %d).\n"+
					"Run `tusk withdraw --staked-wal %s` again then (or with --wait).\n", id, wal(w.Principal), w.NodeID, w.WithdrawEpoch, w.Epoch, id)
				return nil
			}
			fmt.Fprintf(out, "Withdrew StakedWal %s from node %s: principal %s + rewards %s = %s (coin %s)\n",
				id, w.NodeID, wal(w.Principal), wal(w.Rewards), wal(w.Amount), w.Coin)
			return nil
		},
	}
	cmd.Flags().StringVar(&stakedWal, "staked-wal", "", "the StakedWal object to withdraw")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the withdraw epoch instead of returning")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// withdraw requests the withdrawal of the signer's StakedWal id if needed, and withdraws
// it if (or, with wait, once) its withdraw epoch is reached.
func (s *chainSession) withdraw(ctx context.Context, id walrus.ID, wait bool) (*withdrawal, error) {
	sw, err := s.c.StakedWal(ctx, id)
	if errors.Is(err, chain.ErrNotFound) || errors.Is(err, chain.ErrUnexpectedType) {
		return nil, fmt.Errorf("withdraw: %s is not a StakedWal object (withdrawn already?)", id)
	}
	if err != nil {
		return nil, fmt.Errorf("withdraw: %w", err)
	}
	if sw.Owner != sui.AddressOwned(walrus.ID(s.address())) {
		return nil, fmt.Errorf("withdraw: StakedWal %s is owned by %s, not by the client's address %s", id, sw.Owner.String(), s.address())
	}
	out := &withdrawal{StakedWal: id, NodeID: sw.NodeID, Principal: sw.Principal}
	if !sw.IsWithdrawing() {
		_, err := s.c.RequestWithdrawStake(ctx, id)
		switch {
		case chain.IsAbort(err, chain.ErrWithdrawDirectly):
			return s.withdrawNow(ctx, out) // not active yet: no request needed
		case err != nil:
			return nil, fmt.Errorf("withdraw: %w", err)
		}
		if sw, err = s.c.StakedWal(ctx, id); err != nil {
			return nil, fmt.Errorf("withdraw: %w", err)
		}
	}
	out.WithdrawEpoch = sw.State.WithdrawEpoch
	for {
		st, err := s.c.EpochState(ctx)
		if err != nil {
			return nil, fmt.Errorf("withdraw: %w", err)
		}
		out.Epoch = st.Epoch
		if st.Epoch >= out.WithdrawEpoch {
			return s.withdrawNow(ctx, out)
		}
		if !wait {
			out.State = "withdrawing"
			return out, nil
		}
		poll := min(max(st.EpochDuration/20, 200*time.Millisecond), 30*time.Second)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}

func (s *chainSession) withdrawNow(ctx context.Context, out *withdrawal) (*withdrawal, error) {
	w, err := s.c.WithdrawStake(ctx, out.StakedWal)
	if err != nil {
		return nil, fmt.Errorf("withdraw: %w", err)
	}
	if e, err := s.c.Epoch(ctx); err == nil {
		out.Epoch = e
	}
	out.State, out.Amount, out.Coin, out.Digest = "withdrawn", w.Amount, w.Coin, w.Digest
	if w.Amount > out.Principal {
		out.Rewards = w.Amount - out.Principal
	}
	return out, nil
}
