package operator

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// WriterChain is what the Writer calls (chain.Client, signing with the operator's key).
type WriterChain interface {
	EpochSyncDone(ctx context.Context, cap walrus.ID, epoch uint32) (sui.Digest, error)
	InvalidateBlobID(ctx context.Context, cert *messages.ConfirmationCertificate) (sui.Digest, error)
	Epoch(ctx context.Context) (uint32, error)
}

// Writer submits a storage node's own transactions with its StorageNodeCap: it is the
// node's node.ChainWriter.
type Writer struct {
	c       WriterChain
	cap     walrus.ID
	log     *zap.Logger
	metrics *metrics
}

// NewWriter returns the writer of the node whose StorageNodeCap is cap; log may be nil.
// (Operator.Writer is the same with its metrics registered.)
func NewWriter(c WriterChain, cap walrus.ID, log *zap.Logger) *Writer {
	return newWriter(c, cap, log, newMetrics(nil))
}

func newWriter(c WriterChain, cap walrus.ID, log *zap.Logger, m *metrics) *Writer {
	if log == nil {
		log = zap.NewNop()
	}
	return &Writer{c: c, cap: cap, log: log.Named("chain-writer"), metrics: m}
}

// EpochSyncDone calls staking::epoch_sync_done for epoch. The outcomes that mean the
// attestation is not needed are success: the node attested this epoch already
// (EDuplicateSyncDone), or the chain has moved past epoch (EInvalidSyncEpoch with a
// later current epoch). Attesting an epoch the chain has not reached, or as a node
// outside the committee (ENotInCommittee), is an error.
func (w *Writer) EpochSyncDone(ctx context.Context, epoch uint32) error {
	d, err := w.c.EpochSyncDone(ctx, w.cap, epoch)
	switch {
	case err == nil:
		w.metrics.syncDone.WithLabelValues("attested").Inc()
		w.log.Info("epoch sync done", zap.Uint32("epoch", epoch), zap.Stringer("digest", d))
		return nil
	case chain.IsAbort(err, chain.ErrDuplicateSyncDone):
		w.metrics.syncDone.WithLabelValues("already_done").Inc()
		w.log.Info("epoch sync done: already attested", zap.Uint32("epoch", epoch))
		return nil
	case chain.IsAbort(err, chain.ErrInvalidSyncEpoch):
		cur, rerr := w.c.Epoch(ctx)
		if rerr != nil {
			err = errors.Join(err, rerr)
			break
		}
		if cur > epoch {
			w.metrics.syncDone.WithLabelValues("epoch_moved_on").Inc()
			w.log.Info("epoch sync done: the chain has moved on", zap.Uint32("epoch", epoch), zap.Uint32("current_epoch", cur))
			return nil
		}
		err = fmt.Errorf("%w (the chain is at epoch %d)", err, cur)
	}
	w.metrics.syncDone.WithLabelValues("failed").Inc()
	return fmt.Errorf("operator: epoch sync done for epoch %d with StorageNodeCap %s: %w", epoch, w.cap, err)
}

// InvalidateBlobID calls system::invalidate_blob_id with cert.
func (w *Writer) InvalidateBlobID(ctx context.Context, cert *messages.ConfirmationCertificate) error {
	d, err := w.c.InvalidateBlobID(ctx, cert)
	if err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	w.log.Info("blob ID invalidated", zap.Stringer("digest", d))
	return nil
}
