package chain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"go.uber.org/zap"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// ErrCheckpointPruned is returned by Checkpoints when the full node no longer serves the
// checkpoint the stream has to start from.
var ErrCheckpointPruned = errors.New("chain: checkpoint pruned by the full node")

// checkpointMask asks for what Checkpoint holds.
var checkpointMask = &fieldmaskpb.FieldMask{Paths: []string{
	"sequence_number", "digest", "summary.epoch", "summary.timestamp",
	"transactions.digest", "transactions.transaction.sender",
	"transactions.effects.bcs", "transactions.events.bcs", "transactions.objects.objects.bcs",
}}

// handlerError marks an error returned by the caller's handler, which ends the stream.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }

// Checkpoints calls handle for every checkpoint from sequence number from on, in order
// and without gaps, until ctx ends (it then returns ctx's error) or handle returns an
// error (returned as is). It opens the live subscription first, backfills from `from`
// with GetCheckpoint until it meets the subscription, and fills any gap the
// subscription leaves. After a disconnect or any other RPC failure it reconnects with
// backoff and resumes with the next checkpoint handle has not seen.
func (c *Client) Checkpoints(ctx context.Context, from uint64, handle func(context.Context, *Checkpoint) error) error {
	next := from
	backoff := 100 * time.Millisecond
	for {
		before := next
		err := c.followOnce(ctx, &next, handle)
		var he *handlerError
		switch {
		case errors.As(err, &he):
			return he.err
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrCheckpointPruned):
			return err
		}
		if next > before {
			backoff = 100 * time.Millisecond
		}
		c.log.Warn("checkpoint stream interrupted; reconnecting", zap.Uint64("next", next), zap.Duration("backoff", backoff), zap.Error(err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// followOnce runs one subscription: backfill, then live checkpoints, advancing *next.
func (c *Client) followOnce(ctx context.Context, next *uint64, handle func(context.Context, *Checkpoint) error) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.subs.SubscribeCheckpoints(sctx, &v2.SubscribeCheckpointsRequest{ReadMask: checkpointMask})
	if err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	// The headers arrive once the server has fixed the stream's start: every later
	// checkpoint will come through the stream, the earlier ones by backfill.
	if _, err := stream.Header(); err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	deliver := func(m *v2.Checkpoint) error {
		cp, err := decodeCheckpoint(m)
		if err != nil {
			return fmt.Errorf("checkpoint %d: %w", m.GetSequenceNumber(), err)
		}
		if err := handle(ctx, cp); err != nil {
			return &handlerError{err}
		}
		*next = cp.Sequence + 1
		return nil
	}
	backfill := func(upTo uint64) error { // checkpoints [*next, upTo)
		for *next < upTo {
			m, err := c.checkpoint(ctx, *next)
			if err != nil {
				return err
			}
			if err := deliver(m); err != nil {
				return err
			}
		}
		return nil
	}
	info, err := c.serviceInfo(ctx)
	if err != nil {
		return err
	}
	if *next < info.GetLowestAvailableCheckpoint() {
		return fmt.Errorf("%w: checkpoint %d wanted, the lowest available is %d", ErrCheckpointPruned, *next, info.GetLowestAvailableCheckpoint())
	}
	if err := backfill(info.GetCheckpointHeight() + 1); err != nil {
		return err
	}
	for {
		resp, err := stream.Recv()
		if err == io.EOF {
			return errors.New("the full node ended the subscription")
		}
		if err != nil {
			return fmt.Errorf("receive: %w", err)
		}
		seq := resp.GetCursor()
		if resp.Checkpoint != nil && resp.Checkpoint.SequenceNumber != nil {
			seq = resp.GetCheckpoint().GetSequenceNumber()
		}
		if seq < *next {
			continue // already delivered by the backfill
		}
		if err := backfill(seq); err != nil {
			return err
		}
		if err := deliver(resp.GetCheckpoint()); err != nil {
			return err
		}
	}
}

func (c *Client) serviceInfo(ctx context.Context) (*v2.GetServiceInfoResponse, error) {
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	info, err := c.ledger.GetServiceInfo(cctx, &v2.GetServiceInfoRequest{})
	if err != nil {
		return nil, fmt.Errorf("service info: %w", err)
	}
	return info, nil
}

func (c *Client) checkpoint(ctx context.Context, seq uint64) (*v2.Checkpoint, error) {
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	resp, err := c.ledger.GetCheckpoint(cctx, &v2.GetCheckpointRequest{
		CheckpointId: &v2.GetCheckpointRequest_SequenceNumber{SequenceNumber: seq},
		ReadMask:     checkpointMask,
	})
	if err != nil {
		return nil, fmt.Errorf("get checkpoint %d: %w", seq, err)
	}
	if got := resp.GetCheckpoint().GetSequenceNumber(); got != seq {
		return nil, fmt.Errorf("get checkpoint %d: the node returned checkpoint %d", seq, got)
	}
	return resp.GetCheckpoint(), nil
}

// Checkpoint reads one checkpoint.
func (c *Client) Checkpoint(ctx context.Context, seq uint64) (*Checkpoint, error) {
	m, err := c.checkpoint(ctx, seq)
	if err != nil {
		return nil, err
	}
	return decodeCheckpoint(m)
}

func decodeCheckpoint(m *v2.Checkpoint) (*Checkpoint, error) {
	if m == nil || m.SequenceNumber == nil {
		return nil, errors.New("no checkpoint in the response")
	}
	cp := &Checkpoint{
		Sequence:    m.GetSequenceNumber(),
		Epoch:       m.GetSummary().GetEpoch(),
		TimestampMs: uint64(m.GetSummary().GetTimestamp().AsTime().UnixMilli()),
	}
	var err error
	if cp.Digest, err = sui.ParseDigest(m.GetDigest()); err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	cp.Transactions = make([]Transaction, len(m.GetTransactions()))
	for i, t := range m.GetTransactions() {
		tx := &cp.Transactions[i]
		if tx.Effects, tx.Events, tx.Objects, tx.Inputs, err = decodeTransactionObjects(t); err != nil {
			return nil, fmt.Errorf("transaction %d: %w", i, err)
		}
		tx.Digest = tx.Effects.TransactionDigest()
		if t.Digest != nil && t.GetDigest() != tx.Digest.String() {
			return nil, fmt.Errorf("transaction %d: digest %s, its effects are of %s", i, t.GetDigest(), tx.Digest)
		}
		if s := t.GetTransaction().GetSender(); s != "" {
			if tx.Sender, err = walrus.ParseID(s); err != nil {
				return nil, fmt.Errorf("transaction %s: sender: %w", tx.Digest, err)
			}
		}
	}
	return cp, nil
}
