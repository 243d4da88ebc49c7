package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/encoding"
)

// ErrInvalidConfirmation marks a confirmation that did not verify (wrong signer, epoch
// or contents); it is never counted.
var ErrInvalidConfirmation = errors.New("store: invalid storage confirmation")

type nodeOutcome struct {
	member int
	conf   *messages.SignedMessage
	err    error
}

// upload sends the metadata and slivers to every node, collects verified confirmations
// until they cover n-f shards, and returns their aggregate.
func (w *Writer) upload(ctx context.Context, com *nodes.Committee, enc *encoding.EncodedBlob, p messages.BlobPersistence, rep *reporter) (*messages.ConfirmationCertificate, error) {
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel: every goroutine ends
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := com.NShards()
	need := com.MinCorrect()
	rep.set(func(pr *Progress) {
		pr.Phase, pr.Done, pr.Total, pr.Confirmed, pr.Needed = PhaseUpload, 0, 2*n, 0, need
	})

	sem := make(chan struct{}, w.cfg.MaxConcurrentRequests)
	results := make(chan nodeOutcome, len(com.Members))
	for i := range com.Members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conf, err := w.storeOnNode(ctx, sem, com, i, enc, p, rep)
			results <- nodeOutcome{member: i, conf: conf, err: err}
		}()
	}

	var (
		confs   []messages.SignedMessage
		signers []int
		weight  int
		failed  []error
		tail    <-chan time.Time
	)
	remaining := len(com.Members)
collect:
	for remaining > 0 {
		select {
		case r := <-results:
			remaining--
			m := &com.Members[r.member]
			if r.err != nil {
				failed = append(failed, &nodes.NodeError{Node: m.Label(), Op: "store", Err: r.err})
				w.log.Debug("node failed", zap.String("node", m.Label()), zap.Int("shards", len(m.Shards)), zap.Error(r.err))
				continue
			}
			confs = append(confs, *r.conf)
			signers = append(signers, r.member)
			weight += len(m.Shards)
			rep.set(func(pr *Progress) { pr.Confirmed = weight })
			if weight >= need && tail == nil {
				if w.cfg.TailWait == 0 || remaining == 0 {
					break collect
				}
				t := time.NewTimer(w.cfg.TailWait)
				defer t.Stop()
				tail = t.C
			}
		case <-tail:
			break collect
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	cancel()
	if weight < need {
		return nil, fmt.Errorf("%w: %d of the %d shards needed (n=%d): %w", ErrNotEnoughConfirmations, weight, need, n, errors.Join(failed...))
	}
	cert, err := messages.Aggregate(confs, signers)
	if err != nil {
		return nil, fmt.Errorf("store: aggregate confirmations: %w", err)
	}
	if _, err := com.Signing().VerifyConfirmationCertificate(cert, messages.Quorum); err != nil {
		return nil, fmt.Errorf("store: aggregated certificate does not verify: %w", err)
	}
	return &cert, nil
}

// storeOnNode sends metadata and the node's slivers, then asks for its confirmation and
// verifies it.
func (w *Writer) storeOnNode(ctx context.Context, sem chan struct{}, com *nodes.Committee, i int, enc *encoding.EncodedBlob, p messages.BlobPersistence, rep *reporter) (*messages.SignedMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.NodeTimeout)
	defer cancel()
	m := &com.Members[i]
	id := enc.Metadata.BlobID()
	policy := nodes.RetryPolicy{Attempts: w.cfg.Attempts, Timeout: w.cfg.RequestTimeout, Backoff: w.cfg.RetryBackoff, MaxBackoff: w.cfg.MaxRetryBackoff}
	call := func(op string, f func(ctx context.Context) error) error {
		err := policy.Do(ctx, func(ctx context.Context) error {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			defer func() { <-sem }()
			return f(ctx)
		})
		if err != nil {
			w.metrics.NodeRequest(op, "error")
		} else {
			w.metrics.NodeRequest(op, "ok")
		}
		return err
	}

	meta := enc.Metadata.Metadata()
	if err := call("put_metadata", func(ctx context.Context) error { return m.Node.PutMetadata(ctx, id, &meta) }); err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}

	type job struct {
		pair uint16
		s    encoding.Sliver
	}
	var jobs []job
	for _, pair := range com.PairsOf(id, i) {
		prim, sec := enc.SliverPair(int(pair))
		jobs = append(jobs, job{pair, prim}, job{pair, sec})
	}
	jobCh := make(chan job)
	errCh := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for range min(w.cfg.MaxRequestsPerNode, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobCh {
				err := call("put_sliver", func(ctx context.Context) error { return m.Node.PutSliver(ctx, id, j.pair, &j.s) })
				if err != nil {
					errCh <- fmt.Errorf("sliver %d/%s: %w", j.pair, j.s.Axis, err)
					continue
				}
				rep.set(func(pr *Progress) { pr.Done++ })
			}
		}()
	}
	sctx, scancel := context.WithCancel(ctx)
feed:
	for _, j := range jobs {
		select {
		case jobCh <- j:
		case err := <-errCh:
			errCh <- err
			break feed
		case <-sctx.Done():
			break feed
		}
	}
	close(jobCh)
	wg.Wait()
	scancel()
	close(errCh)
	if err := <-errCh; err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	var conf *messages.SignedMessage
	err := call("confirmation", func(ctx context.Context) error {
		c, err := m.Node.Confirmation(ctx, id, p)
		conf = c
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("confirmation: %w", err)
	}
	want := messages.StorageConfirmation{BlobID: id, Persistence: p}
	if err := conf.VerifyStorageConfirmation(m.PublicKey, com.Epoch, want); err != nil {
		w.metrics.NodeRequest("confirmation", "invalid")
		w.log.Warn("invalid storage confirmation", zap.String("node", m.Label()), zap.Stringer("blob_id", id), zap.Error(err))
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfirmation, err)
	}
	return conf, nil
}
