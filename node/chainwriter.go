package node

import (
	"context"

	"github.com/tuskstore/tusk/chain/messages"
)

// ChainWriter submits the node's own transactions, signed by the operator's Sui key with
// the node's StorageNodeCap (node/operator implements it over chain.Client). A node
// without one (Deps.Chain nil) follows the chain and serves data but submits nothing.
type ChainWriter interface {
	// EpochSyncDone calls staking::epoch_sync_done for epoch: the node holds every
	// shard the committee of that epoch assigns it. Calling it again for an epoch
	// already attested must not fail.
	EpochSyncDone(ctx context.Context, epoch uint32) error
	// InvalidateBlobID calls system::invalidate_blob_id with a certificate of
	// InvalidBlobIdAttestations of at least f+1 shards.
	InvalidateBlobID(ctx context.Context, cert *messages.ConfirmationCertificate) error
}
