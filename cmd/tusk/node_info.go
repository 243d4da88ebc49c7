package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
)

type pendingValue struct {
	Epoch uint32 `json:"epoch"`
	Value uint64 `json:"value"`
}

func pendingValues(p walrus.PendingValues) []pendingValue {
	out := make([]pendingValue, len(p))
	for i, v := range p {
		out[i] = pendingValue(v)
	}
	return out
}

// nodeInfo is what `tusk node info` shows; amounts in FROST.
type nodeInfo struct {
	NodeID          walrus.ID `json:"nodeId"`
	Name            string    `json:"name"`
	NetworkAddress  string    `json:"networkAddress"`
	PublicKey       string    `json:"publicKey"`
	State           string    `json:"state"`
	ActivationEpoch uint32    `json:"activationEpoch"`
	Epoch           uint32    `json:"epoch"`
	EpochState      string    `json:"epochState"`
	// Stake is the pool's active WAL (stake and its rewards); PendingStake what activates
	// at later epochs.
	Stake        uint64         `json:"stake"`
	PendingStake []pendingValue `json:"pendingStake"`
	// Shards are the node's shards in the current committee; NextShards in the next one,
	// null until voting_end selects it.
	Shards     []uint16  `json:"shards"`
	NextShards *[]uint16 `json:"nextShards"`
	// CommissionRate is in basis points; PendingCommissionRates take effect at their epoch.
	CommissionRate         uint16         `json:"commissionRate"`
	PendingCommissionRates []pendingValue `json:"pendingCommissionRates"`
	Commission             uint64         `json:"commission"`
	CommissionCollectable  uint64         `json:"commissionCollectable"`
	CommissionBlocked      uint64         `json:"commissionBlocked"`
	CommissionReceiver     string         `json:"commissionReceiver"`
	StoragePriceVote       uint64         `json:"storagePriceVote"`
	WritePriceVote         uint64         `json:"writePriceVote"`
	CapacityVote           uint64         `json:"capacityVote"`
	// NodeCap and LastEpochSyncDone are known when the cap is (--cap, or owned by the
	// client when no --node is given).
	NodeCap           *walrus.ID `json:"nodeCap,omitempty"`
	LastEpochSyncDone *uint32    `json:"lastEpochSyncDone,omitempty"`
}

func newNodeInfoCmd(a *app) *cobra.Command {
	var cf capFlags
	cmd := &cobra.Command{
		Use:   "info [--node ID | --cap ID] [--json]",
		Short: "Show a storage node on chain: pool, stake, shards now and next, commission, votes",
		Long: "info shows the storage node --node (or the node of --cap, or of the StorageNodeCap the client owns):\n" +
			"its pool state, stake, shards in the current committee and in the next one once selected,\n" +
			"commission, votes and, when its cap is known, the last epoch it attested (epoch_sync_done).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			nodeID, capID, err := cf.parse(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			needKey := nodeID.IsZero() && capID.IsZero()
			s, closeFn, err := a.openChain(ctx, needKey)
			if err != nil {
				return err
			}
			defer closeFn()
			var k *chain.NodeCapObject
			switch {
			case needKey:
				if k, err = s.nodeCap(ctx, walrus.ID{}, walrus.ID{}); err != nil {
					return err
				}
			case !capID.IsZero():
				if k, err = s.c.NodeCap(ctx, capID); err != nil {
					return fmt.Errorf("--cap: %w", err)
				}
				if !nodeID.IsZero() && k.NodeID != nodeID {
					return fmt.Errorf("--cap %s is node %s's StorageNodeCap, not node %s's", capID, k.NodeID, nodeID)
				}
			}
			if k != nil {
				nodeID = k.NodeID
			}
			info, err := s.nodeInfo(ctx, nodeID, k)
			if err != nil {
				return err
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), info)
			}
			printNodeInfo(cmd.OutOrStdout(), info)
			return nil
		},
	}
	cf.register(cmd)
	return cmd
}

func (s *chainSession) nodeInfo(ctx context.Context, nodeID walrus.ID, k *chain.NodeCapObject) (*nodeInfo, error) {
	pool, err := s.pool(ctx, nodeID)
	if err != nil {
		return nil, err
	}
	st, err := s.c.StakingState(ctx)
	if err != nil {
		return nil, err
	}
	pc, err := s.c.PoolCommission(ctx, nodeID)
	if err != nil {
		return nil, err
	}
	in := &nodeInfo{
		NodeID: nodeID, Name: pool.NodeInfo.Name, NetworkAddress: pool.NodeInfo.NetworkAddress,
		State: pool.State.Kind.String(), ActivationEpoch: pool.ActivationEpoch,
		Epoch: st.Inner.Epoch, EpochState: st.Inner.EpochState.Kind.String(),
		Stake: pool.WalBalance, PendingStake: pendingValues(pool.PendingStake),
		Shards:         []uint16{},
		CommissionRate: pool.CommissionRate, PendingCommissionRates: pendingValues(pool.PendingCommissionRate),
		Commission: pc.Total, CommissionCollectable: pc.Collectable(), CommissionBlocked: pc.Blocked,
		CommissionReceiver: authorizedString(pool.CommissionReceiver),
		StoragePriceVote:   pool.VotingParams.StoragePrice, WritePriceVote: pool.VotingParams.WritePrice, CapacityVote: pool.VotingParams.NodeCapacity,
	}
	if pk, err := keys.UncompressedG1ToG1(pool.NodeInfo.PublicKey); err == nil {
		in.PublicKey = base64.StdEncoding.EncodeToString(pk[:])
	}
	if sh, ok := st.Inner.Committee.ShardsOf(nodeID); ok {
		in.Shards = sortedShards(sh)
	}
	if next := st.Inner.NextCommittee; next != nil {
		sh, _ := next.ShardsOf(nodeID)
		ns := sortedShards(sh)
		in.NextShards = &ns
	}
	if k != nil {
		in.NodeCap, in.LastEpochSyncDone = &k.ID, &k.LastEpochSyncDone
	}
	return in, nil
}

func sortedShards(sh []uint16) []uint16 {
	out := append([]uint16{}, sh...)
	slices.Sort(out)
	return out
}

func authorizedString(a walrus.Authorized) string {
	if a.Kind == walrus.AuthorizedObjectID {
		return "object " + a.ID.String()
	}
	return "address " + a.ID.String()
}

func printNodeInfo(w io.Writer, in *nodeInfo) {
	fmt.Fprintf(w, "Storage node %q (node ID %s)\n", in.Name, in.NodeID)
	fmt.Fprintf(w, "  network address:  %s\n  public key:       %s\n", in.NetworkAddress, in.PublicKey)
	fmt.Fprintf(w, "  pool:             %s since epoch %d (chain at epoch %d, %s)\n", in.State, in.ActivationEpoch, in.Epoch, in.EpochState)
	fmt.Fprintf(w, "  stake:            %s", wal(in.Stake))
	for _, p := range in.PendingStake {
		fmt.Fprintf(w, "; %s more from epoch %d", wal(p.Value), p.Epoch)
	}
	fmt.Fprintf(w, "\n  shards now:       %s\n", shardList(in.Shards))
	if in.NextShards == nil {
		fmt.Fprintf(w, "  shards next:      (next committee not selected yet)\n")
	} else {
		fmt.Fprintf(w, "  shards next:      %s\n", shardList(*in.NextShards))
	}
	fmt.Fprintf(w, "  commission rate:  %s", bps(in.CommissionRate))
	for _, p := range in.PendingCommissionRates {
		fmt.Fprintf(w, "; %s from epoch %d", bps(uint16(p.Value)), p.Epoch)
	}
	fmt.Fprintf(w, "\n  commission:       %s collectable, %s blocked until the next voting_end (receiver %s)\n",
		wal(in.CommissionCollectable), wal(in.CommissionBlocked), in.CommissionReceiver)
	fmt.Fprintf(w, "  votes:            storage %d FROST/MiB/epoch, write %d FROST/MiB, capacity %d bytes\n",
		in.StoragePriceVote, in.WritePriceVote, in.CapacityVote)
	if in.NodeCap != nil {
		fmt.Fprintf(w, "  StorageNodeCap:   %s, last epoch_sync_done: epoch %d\n", *in.NodeCap, *in.LastEpochSyncDone)
	}
}

func shardList(sh []uint16) string {
	if len(sh) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d %v", len(sh), sh)
}

// bps formats basis points as a percentage.
func bps(v uint16) string {
	return strconv.FormatFloat(float64(v)/100, 'f', -1, 64) + "%"
}
