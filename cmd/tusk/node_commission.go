package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/node/operator"
)

func newNodeCollectCommissionCmd(a *app) *cobra.Command {
	var cf capFlags
	var receiver, minAmount string
	cmd := &cobra.Command{
		Use:   "collect-commission [--node ID] [--cap ID] [--receiver ADDR] [--min WAL] [--json]",
		Short: "Collect the node's commission (staking::collect_commission)",
		Long: "collect-commission collects the node's commission that is not blocked (commission earned at an\n" +
			"epoch change is blocked until that epoch's voting_end) and sends it to --receiver (default the\n" +
			"client's address). With --min it collects nothing below that amount.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			nodeID, capID, err := cf.parse(cmd)
			if err != nil {
				return err
			}
			var to *walrus.Address
			if receiver != "" {
				if to, err = parseAddress("--receiver", receiver); err != nil {
					return &usageError{cmd: cmd, err: err}
				}
			}
			min, err := walFlag(cmd, "min", minAmount)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			s, k, closeFn, err := a.nodeCapSession(ctx, nodeID, capID)
			if err != nil {
				return err
			}
			defer closeFn()
			col, err := operator.NewCommissionCollector(s.c, operator.CommissionOptions{NodeID: k.NodeID, Cap: k.ID, MinAmount: min, Receiver: to}).Collect(ctx)
			if err != nil {
				return err
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), col)
			}
			out := cmd.OutOrStdout()
			if col.Skipped {
				fmt.Fprintf(out, "Nothing collected from node %s: %s collectable (minimum %s), %s blocked until the next voting_end\n",
					col.NodeID, wal(col.Collectable), wal(col.MinAmount), wal(col.Blocked))
				return nil
			}
			fmt.Fprintf(out, "Collected %s of node %s's commission into %s (coin %s)\n", wal(col.Amount), col.NodeID, col.Receiver, col.Coin)
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&receiver, "receiver", "", "address to send the WAL to (default the client's address)")
	cmd.Flags().StringVar(&minAmount, "min", "0", "collect nothing below this many WAL")
	return cmd
}

func newNodeSetCommissionCmd(a *app) *cobra.Command {
	var cf capFlags
	var rate string
	cmd := &cobra.Command{
		Use:   "set-commission --rate BPS [--node ID] [--cap ID] [--json]",
		Short: "Set the node's commission rate, effective two epochs later",
		Long: "set-commission sets the node's commission rate in basis points (100 = 1%, at most 10000) with its\n" +
			"StorageNodeCap (staking::set_next_commission); it takes effect two epochs from now.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			nodeID, capID, err := cf.parse(cmd)
			if err != nil {
				return err
			}
			if rate == "" {
				return &usageError{cmd: cmd, err: errors.New("--rate is required (basis points, 100 = 1%)")}
			}
			r, err := uintFlag(cmd, "rate", rate, 10_000)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			s, k, closeFn, err := a.nodeCapSession(ctx, nodeID, capID)
			if err != nil {
				return err
			}
			defer closeFn()
			d, err := s.c.SetNextCommission(ctx, k.ID, uint16(r))
			if err != nil {
				return fmt.Errorf("set commission: %w", err)
			}
			epoch, err := s.c.Epoch(ctx)
			if err != nil {
				return err
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]any{"nodeId": k.NodeID, "rate": r, "fromEpoch": epoch + 2, "digest": d})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Commission of node %s set to %s from epoch %d\n", k.NodeID, bps(uint16(r)), epoch+2)
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&rate, "rate", "", "commission rate in basis points, 0..10000 (100 = 1%)")
	return cmd
}
