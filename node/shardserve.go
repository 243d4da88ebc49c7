package node

import (
	"context"
	"slices"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// SyncShard answers POST /v1/migrate/sync_shard, with the checks and errors of Walrus's
// StorageNodeInner::sync_shard and Storage::handle_sync_shard_request
// (crates/walrus-service/src/node.rs, node/storage.rs, node/errors.rs
// SyncShardServiceError), in that order: the requester must be a member of the
// node's committee (403 REQUEST_UNAUTHORIZED), its signature valid over a SYNC_SHARD
// message (400 MESSAGE_VERIFICATION_FAILED), for the node's epoch (400 INVALID_EPOCH),
// of a shard the committee assigns it (403 REQUEST_UNAUTHORIZED), asking for at most
// Sync.ShardServeMax slivers (400 SLIVER_COUNT_EXCEEDS_LIMIT), of a shard whose data the
// node holds (400 SHARD_NOT_ASSIGNED). The answer holds the stored slivers of the axis,
// in blob ID order from the starting blob (inclusive), of the blobs certified before
// the request's epoch and still live in it: up to the count asked, and fewer once
// Sync.ShardServeBytes of sliver data are in.
func (n *Node) SyncShard(_ context.Context, requester [keys.BLSPublicKeySize]byte, sm messages.SignedMessage) (api.SyncShardResponse, error) {
	resp, err := n.serveShard(requester, sm)
	result := "ok"
	if err != nil {
		result = api.ReasonOf(err)
		if result == "" {
			result = "internal"
		}
	}
	n.shardMetrics.requestsServed.WithLabelValues(result).Inc()
	return resp, err
}

func (n *Node) serveShard(requester [keys.BLSPublicKeySize]byte, sm messages.SignedMessage) (api.SyncShardResponse, error) {
	v := n.v()
	unauthorized := api.NewError(api.StatusPermissionDenied, api.ReasonRequestUnauthorized,
		"the client is not authorized to perform the sync shard operation as it is not a storage node in the current committee")
	member := memberWithKey(v.committee, requester)
	if member == nil {
		return nil, unauthorized
	}
	if err := sm.Verify(requester); err != nil {
		return nil, verificationFailed(err)
	}
	msg, err := messages.ParseSyncShardRequest(sm.SerializedMessage)
	if err != nil {
		return nil, verificationFailed(err)
	}
	req := msg.Body
	if msg.Epoch != req.Epoch {
		return nil, api.NewError(api.StatusInvalidArgument, api.ReasonMessageVerification,
			"verification of the request to start the sync failed: message of epoch %d for a request of epoch %d", msg.Epoch, req.Epoch)
	}
	if req.Epoch != v.epoch {
		return nil, api.NewError(api.StatusInvalidArgument, api.ReasonInvalidEpoch,
			"the request's epoch (%d) is invalid, server epoch %d", req.Epoch, v.epoch).
			With("request_epoch", req.Epoch).With("server_epoch", v.epoch)
	}
	if !slices.Contains(member.Shards, req.ShardIndex) {
		n.log.Warn("sync_shard refused: the requester is not assigned the shard",
			zap.Uint16("shard", req.ShardIndex), zap.Stringer("requester", member.NodeID))
		return nil, unauthorized
	}
	if req.SliverCount > uint64(n.cfg.Sync.ShardServeMax) {
		return nil, api.NewError(api.StatusInvalidArgument, api.ReasonSliverCountExceedsLimit,
			"the requested sliver count %d exceeds the limit of %d", req.SliverCount, n.cfg.Sync.ShardServeMax).
			With("requested", req.SliverCount).With("limit", n.cfg.Sync.ShardServeMax)
	}
	if !n.shards.holds(req.ShardIndex) {
		return nil, shardNotAssigned(int(req.ShardIndex), v.epoch)
	}
	axis := encoding.Axis(req.SliverType)
	keep := func(id encoding.BlobID) (bool, error) {
		in, err := n.store.BlobInfo(id)
		return in.CertifiedBefore(req.Epoch), err
	}
	slivers, err := n.store.ShardSlivers(req.ShardIndex, axis, req.StartingBlobID, keep, int(req.SliverCount), int(n.cfg.Sync.ShardServeBytes))
	if err != nil {
		return nil, err
	}
	resp := make(api.SyncShardResponse, len(slivers))
	for i := range slivers {
		resp[i] = api.BlobSliver{BlobID: slivers[i].BlobID, Sliver: slivers[i].Sliver}
	}
	n.shardMetrics.sliversServed.WithLabelValues(axis.String()).Add(float64(len(resp)))
	n.log.Debug("sync_shard served", zap.Uint16("shard", req.ShardIndex), zap.Stringer("axis", axis),
		zap.Stringer("requester", member.NodeID), zap.Stringer("from", req.StartingBlobID), zap.Int("slivers", len(resp)))
	return resp, nil
}

func verificationFailed(err error) *api.Error {
	return api.NewError(api.StatusInvalidArgument, api.ReasonMessageVerification,
		"verification of the request to start the sync failed: %v", err)
}

// memberWithKey returns the committee member with the BLS public key, or nil.
func memberWithKey(c *chain.Committee, pk [keys.BLSPublicKeySize]byte) *chain.CommitteeMember {
	for i := range c.Members {
		if c.Members[i].PublicKey == pk {
			return &c.Members[i]
		}
	}
	return nil
}
