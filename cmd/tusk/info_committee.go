package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
)

// committeeMember is one node of `tusk info committee`; Stake in FROST.
type committeeMember struct {
	NodeID         walrus.ID `json:"nodeId"`
	Name           string    `json:"name"`
	NetworkAddress string    `json:"networkAddress"`
	Shards         []uint16  `json:"shards"`
	Stake          uint64    `json:"stake"`
	CommissionRate uint16    `json:"commissionRate"`
}

// committeeView is a committee of `tusk info committee`.
type committeeView struct {
	Epoch   uint32            `json:"epoch"`
	NShards uint16            `json:"nShards"`
	Members []committeeMember `json:"members"`
}

// committees is the output of `tusk info committee`: the current committee, and the next
// one once voting_end selected it (null before).
type committees struct {
	EpochState string         `json:"epochState"`
	Current    committeeView  `json:"current"`
	Next       *committeeView `json:"next"`
}

// withSubcommands adds subcommands to cmd (for a command whose file registers none:
// `tusk info committee`).
func withSubcommands(cmd *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	cmd.AddCommand(subs...)
	return cmd
}

func newInfoCommitteeCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "committee [--json]",
		Short: "Show the committee: the shards, stake and commission of each node, and the next committee once selected",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, closeFn, err := a.openChain(ctx, false)
			if err != nil {
				return err
			}
			defer closeFn()
			out, err := s.committees(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), out)
			}
			w := cmd.OutOrStdout()
			printCommittee(w, "Committee of epoch", &out.Current)
			if out.Next == nil {
				fmt.Fprintf(w, "Next committee: not selected yet (%s)\n", out.EpochState)
			} else {
				printCommittee(w, "Next committee, epoch", out.Next)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (s *chainSession) committees(ctx context.Context) (*committees, error) {
	st, err := s.c.EpochState(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := s.c.Committee(ctx)
	if err != nil {
		return nil, err
	}
	out := &committees{EpochState: st.State.String()}
	if out.Current, err = s.committeeView(ctx, cur); err != nil {
		return nil, err
	}
	next, ok, err := s.c.NextCommittee(ctx)
	if err != nil {
		return nil, err
	}
	if ok {
		v, err := s.committeeView(ctx, next)
		if err != nil {
			return nil, err
		}
		out.Next = &v
	}
	return out, nil
}

func (s *chainSession) committeeView(ctx context.Context, com *chain.Committee) (committeeView, error) {
	v := committeeView{Epoch: com.Epoch, NShards: com.NShards, Members: make([]committeeMember, len(com.Members))}
	ids := make([]walrus.ID, len(com.Members))
	for i, m := range com.Members {
		ids[i] = m.NodeID
	}
	pools, err := s.c.Pools(ctx, ids...)
	if err != nil {
		return v, err
	}
	for i, m := range com.Members {
		v.Members[i] = committeeMember{NodeID: m.NodeID, Name: m.Name, NetworkAddress: m.NetworkAddress, Shards: sortedShards(m.Shards),
			Stake: pools[i].WalBalance, CommissionRate: pools[i].CommissionRate}
	}
	return v, nil
}

func printCommittee(w io.Writer, title string, v *committeeView) {
	fmt.Fprintf(w, "%s %d (%d nodes, %d shards):\n", title, v.Epoch, len(v.Members), v.NShards)
	for _, m := range v.Members {
		fmt.Fprintf(w, "  %-14s %3d shards  stake %-16s commission %-6s %s  %v\n", m.Name, len(m.Shards), wal(m.Stake),
			bps(m.CommissionRate), m.NodeID, m.Shards)
	}
}
