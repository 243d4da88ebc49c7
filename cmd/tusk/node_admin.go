package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
)

// The operator commands of `tusk node` (node_setup.go, node_info.go, node_commission.go,
// node_vote.go): register a node, show it, collect and set its commission, vote. They
// sign with the client configuration's key, which holds the node's StorageNodeCap.

// capFlags pick the node and its StorageNodeCap: --cap, or the cap the client's address
// owns (for --node, if given).
type capFlags struct {
	node, cap string
	asJSON    bool
}

func (f *capFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.node, "node", "", "the node ID (default: the node of the StorageNodeCap the client owns)")
	cmd.Flags().StringVar(&f.cap, "cap", "", "the node's StorageNodeCap (default: the one the client owns)")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")
}

func (f *capFlags) parse(cmd *cobra.Command) (nodeID, capID walrus.ID, err error) {
	if nodeID, err = idFlag(cmd, "node", f.node, false); err != nil {
		return
	}
	capID, err = idFlag(cmd, "cap", f.cap, false)
	return
}

// nodeCapSession opens a signing session and finds the cap the flags pick.
func (a *app) nodeCapSession(ctx context.Context, nodeID, capID walrus.ID) (*chainSession, *chain.NodeCapObject, func(), error) {
	s, closeFn, err := a.openChain(ctx, true)
	if err != nil {
		return nil, nil, nil, err
	}
	k, err := s.nodeCap(ctx, nodeID, capID)
	if err != nil {
		closeFn()
		return nil, nil, nil, err
	}
	return s, k, closeFn, nil
}
