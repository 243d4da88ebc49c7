package rpc

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// SubscribeCheckpoints streams, in order and without gaps, every checkpoint produced after
// the subscription starts. As on a full node the read_mask applies to the checkpoint and
// defaults to nothing (only cursor is then set); use e.g. "sequence_number,digest,
// transactions.events". Response headers are sent once the starting point is fixed, with
// x-sui-checkpoint-height set to the latest checkpoint, so a client that has seen them
// receives every later checkpoint. The stream ends with OK when the server stops and
// ends (releasing its slot) as soon as the client cancels or disconnects.
func (s *subscriptionService) SubscribeCheckpoints(req *v2.SubscribeCheckpointsRequest, stream grpc.ServerStreamingServer[v2.SubscribeCheckpointsResponse]) error {
	mask, err := parseReadMask(req.GetReadMask(), "", checkpointDesc)
	if err != nil {
		return invalidField("read_mask", "%v", err)
	}
	if s.subscriptions.Add(1) > int64(s.cfg.MaxSubscriptions) {
		s.subscriptions.Add(-1)
		return status.Error(codes.Unavailable, "too many existing subscriptions")
	}
	defer s.subscriptions.Add(-1)

	ctx := stream.Context()
	notify := s.ledger.CheckpointNotify()
	info, err := s.ledger.ServiceInfo(ctx)
	if err != nil {
		return s.streamEnd(ctx, s.ledgerError(ctx, "SubscribeCheckpoints", err, "latest checkpoint not found"))
	}
	next := info.CheckpointHeight + 1
	if err := stream.SendHeader(metadata.Pairs("x-sui-checkpoint-height", strconv.FormatUint(info.CheckpointHeight, 10))); err != nil {
		return s.streamEnd(ctx, err)
	}
	for {
		for ; next <= info.CheckpointHeight; next++ {
			cp, err := s.ledger.Checkpoint(ctx, next)
			if err != nil {
				return s.streamEnd(ctx, s.ledgerError(ctx, "SubscribeCheckpoints", err, fmt.Sprintf("Checkpoint %d not found", next)))
			}
			m := renderCheckpoint(&cp)
			mask.apply(m)
			if err := stream.Send(&v2.SubscribeCheckpointsResponse{Cursor: proto.Uint64(next), Checkpoint: m}); err != nil {
				return s.streamEnd(ctx, err)
			}
		}
		select {
		case <-ctx.Done():
			return s.streamEnd(ctx, ctx.Err())
		case <-notify:
		}
		notify = s.ledger.CheckpointNotify()
		if info, err = s.ledger.ServiceInfo(ctx); err != nil {
			return s.streamEnd(ctx, s.ledgerError(ctx, "SubscribeCheckpoints", err, "latest checkpoint not found"))
		}
	}
}

// streamEnd is the status a subscription ends with: OK when the server is stopping,
// the context's status when the client went away, err otherwise.
func (s *subscriptionService) streamEnd(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), errServerStopping) {
			return nil
		}
		return status.FromContextError(ctx.Err()).Err()
	}
	return err
}
