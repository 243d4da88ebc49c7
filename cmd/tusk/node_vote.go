package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// parsePrice parses a price vote in FROST.
func parsePrice(s string) (uint64, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || s[0] == '+' {
		return 0, fmt.Errorf("want a non-negative integer of FROST, got %q", s)
	}
	return v, nil
}

func newNodeVoteCmd(a *app) *cobra.Command {
	var cf capFlags
	var storagePrice, writePrice, capacity string
	cmd := &cobra.Command{
		Use:   "vote [--storage-price FROST] [--write-price FROST] [--capacity BYTES] [--node ID] [--cap ID] [--json]",
		Short: "Vote the node's storage price, write price and capacity",
		Long: "vote sets the node's votes with its StorageNodeCap: --storage-price (FROST per MiB per epoch) and\n" +
			"--write-price (FROST per MiB), applied at once to the committee's quorum prices, and --capacity\n" +
			"(bytes, or with a unit such as 2TiB), counted at the next voting_end.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			nodeID, capID, err := cf.parse(cmd)
			if err != nil {
				return err
			}
			type sendVote = func(*chain.Client, context.Context, walrus.ID, uint64) (sui.Digest, error)
			type vote struct {
				name  string
				value uint64
				send  sendVote
			}
			var votes []vote
			for _, f := range []struct {
				name, raw string
				parse     func(string) (uint64, error)
				send      sendVote
			}{
				{"storage-price", storagePrice, parsePrice, (*chain.Client).SetStoragePriceVote},
				{"write-price", writePrice, parsePrice, (*chain.Client).SetWritePriceVote},
				{"capacity", capacity, parseBytes, (*chain.Client).SetNodeCapacityVote},
			} {
				if !cmd.Flags().Changed(f.name) {
					continue
				}
				v, err := f.parse(f.raw)
				if err != nil {
					return &usageError{cmd: cmd, err: fmt.Errorf("--%s: %v", f.name, err)}
				}
				votes = append(votes, vote{f.name, v, f.send})
			}
			if len(votes) == 0 {
				return &usageError{cmd: cmd, err: errors.New("give at least one of --storage-price, --write-price and --capacity")}
			}
			ctx := cmd.Context()
			s, k, closeFn, err := a.nodeCapSession(ctx, nodeID, capID)
			if err != nil {
				return err
			}
			defer closeFn()
			voted := map[string]uint64{}
			for _, v := range votes {
				if _, err := v.send(s.c, ctx, k.ID, v.value); err != nil {
					return fmt.Errorf("vote %s: %w", v.name, err)
				}
				voted[v.name] = v.value
			}
			prices, err := s.c.Prices(ctx)
			if err != nil {
				return err
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]any{"nodeId": k.NodeID, "votes": voted,
					"storagePrice": prices.StoragePerUnitEpoch, "writePrice": prices.WritePerUnit})
			}
			out := cmd.OutOrStdout()
			for _, v := range votes {
				fmt.Fprintf(out, "Voted %s %d for node %s\n", v.name, v.value, k.NodeID)
			}
			fmt.Fprintf(out, "Prices now: storage %d FROST/MiB/epoch (%s), write %d FROST/MiB (%s)\n",
				prices.StoragePerUnitEpoch, wal(prices.StoragePerUnitEpoch), prices.WritePerUnit, wal(prices.WritePerUnit))
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&storagePrice, "storage-price", "", "storage price vote, FROST per MiB per epoch")
	cmd.Flags().StringVar(&writePrice, "write-price", "", "write price vote, FROST per MiB")
	cmd.Flags().StringVar(&capacity, "capacity", "", "capacity vote: bytes, or with a unit (GiB, TiB)")
	return cmd
}
