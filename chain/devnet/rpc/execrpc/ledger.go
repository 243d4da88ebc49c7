package execrpc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/devnet/rpc"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// LedgerConfig tunes NewExecLedger. Zero fields take defaults.
type LedgerConfig struct {
	// Chain is the chain name GetServiceInfo reports; default "localnet".
	Chain string
	// GenesisTime is the timestamp of checkpoint 0; default the time of NewExecLedger.
	GenesisTime time.Time
	// ReferenceGasPrice is the gas price GetEpoch reports.
	ReferenceGasPrice uint64
	// Now gives the timestamps of new checkpoints (never earlier than the previous
	// one's); default time.Now.
	Now func() time.Time
}

// Ledger serves the gRPC ledger reads from an exec.MemStore. Its sequencer is trivial:
// checkpoint 0 is genesis (no transactions; the genesis objects simply exist), and every
// transaction the store commits gets a checkpoint of its own, in commit order, with the
// epoch its effects were executed in, real CheckpointSummary and CheckpointContents BCS
// (unsigned) and the epoch's rolling gas cost. A transaction is sequenced when it is
// committed through Store() or, when it was committed to the MemStore directly, at the
// next read (Sync does it explicitly).
type Ledger struct {
	store *exec.MemStore
	cfg   LedgerConfig

	mu          sync.Mutex
	checkpoints []rpc.Checkpoint
	byDigest    map[sui.Digest]uint64 // checkpoint digest → sequence number
	txCheckpt   map[sui.Digest]uint64 // transaction digest → sequence number
	notify      chan struct{}
}

// NewExecLedger returns a ledger over store, with the genesis checkpoint.
func NewExecLedger(store *exec.MemStore, cfg LedgerConfig) *Ledger {
	if cfg.Chain == "" {
		cfg.Chain = "localnet"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.GenesisTime.IsZero() {
		cfg.GenesisTime = cfg.Now()
	}
	l := &Ledger{
		store:     store,
		cfg:       cfg,
		byDigest:  make(map[sui.Digest]uint64),
		txCheckpt: make(map[sui.Digest]uint64),
		notify:    make(chan struct{}),
	}
	contents, _ := sui.NewCheckpointContents(nil, nil)
	summary := sui.CheckpointSummary{
		ContentDigest: contents.Digest(),
		TimestampMs:   uint64(cfg.GenesisTime.UnixMilli()),
	}
	l.appendCheckpoint(summary, contents, nil)
	return l
}

var (
	_ rpc.Ledger                = (*Ledger)(nil)
	_ rpc.TransactionStore      = (*Ledger)(nil)
	_ rpc.CheckpointDigestIndex = (*Ledger)(nil)
)

// Store is the exec.Store (and exec.ExecutedStore) to give the executor: the MemStore,
// with every commit sequenced into a checkpoint at once (which wakes checkpoint
// subscribers).
func (l *Ledger) Store() exec.Store { return ledgerStore{l} }

type ledgerStore struct{ l *Ledger }

func (s ledgerStore) Object(ctx context.Context, id walrus.ID) (*sui.Object, sui.ObjectRef, error) {
	return s.l.store.Object(ctx, id)
}

func (s ledgerStore) Apply(ctx context.Context, c *exec.Changes) error {
	if err := s.l.store.Apply(ctx, c); err != nil {
		return err
	}
	// The commit is done; sequencing must not fail it (it is retried at the next read).
	_ = s.l.Sync(context.WithoutCancel(ctx))
	return nil
}

func (s ledgerStore) Executed(ctx context.Context, digest sui.Digest) (*exec.Changes, error) {
	return s.l.store.Executed(ctx, digest)
}

// Sync sequences the transactions committed to the store since the last checkpoint.
func (l *Ledger) Sync(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.syncLocked(ctx)
}

func (l *Ledger) syncLocked(ctx context.Context) error {
	txs := l.store.Transactions()
	sequenced := len(l.checkpoints) - 1 // checkpoint 0 has no transactions
	for _, d := range txs[min(sequenced, len(txs)):] {
		c, err := l.store.Executed(ctx, d)
		if err != nil {
			return fmt.Errorf("execrpc: sequencing %s: %w", d, err)
		}
		t, err := l.transaction(ctx, c)
		if err != nil {
			return fmt.Errorf("execrpc: sequencing %s: %w", d, err)
		}
		prev := l.checkpoints[len(l.checkpoints)-1]
		seq := prev.SequenceNumber + 1
		contents, err := sui.NewCheckpointContents(
			[]sui.ExecutionDigests{{Transaction: d, Effects: c.Effects.Digest()}},
			[][][]byte{c.Signatures})
		if err != nil {
			return err
		}
		epoch := c.Effects.ExecutedEpoch()
		rolling := sui.GasCostSummary{}
		if epoch == prev.Epoch {
			rolling = sui.GasCostSummary(prev.EpochRollingGasCost)
		}
		g := c.Effects.GasUsed()
		rolling.ComputationCost += g.ComputationCost
		rolling.StorageCost += g.StorageCost
		rolling.StorageRebate += g.StorageRebate
		rolling.NonRefundableStorageFee += g.NonRefundableStorageFee
		ts := l.cfg.Now()
		if ts.Before(prev.Timestamp) {
			ts = prev.Timestamp
		}
		prevDigest := prev.Digest
		summary := sui.CheckpointSummary{
			Epoch:                      epoch,
			SequenceNumber:             seq,
			NetworkTotalTransactions:   prev.NetworkTotalTransactions + 1,
			ContentDigest:              contents.Digest(),
			PreviousDigest:             &prevDigest,
			EpochRollingGasCostSummary: rolling,
			TimestampMs:                uint64(ts.UnixMilli()),
		}
		l.appendCheckpoint(summary, contents, []rpc.Transaction{t})
		l.txCheckpt[d] = seq
	}
	return nil
}

// appendCheckpoint records a checkpoint and wakes subscribers.
func (l *Ledger) appendCheckpoint(s sui.CheckpointSummary, c sui.CheckpointContents, txs []rpc.Transaction) {
	cp := rpc.Checkpoint{
		SequenceNumber:           s.SequenceNumber,
		Digest:                   s.Digest(),
		Epoch:                    s.Epoch,
		Timestamp:                time.UnixMilli(int64(s.TimestampMs)),
		PreviousDigest:           s.PreviousDigest,
		ContentDigest:            s.ContentDigest,
		NetworkTotalTransactions: s.NetworkTotalTransactions,
		EpochRollingGasCost:      rpc.GasCost(s.EpochRollingGasCostSummary),
		SummaryBCS:               s.Bytes(),
		ContentsBCS:              c.Bytes(),
		Transactions:             txs,
	}
	l.checkpoints = append(l.checkpoints, cp)
	l.byDigest[cp.Digest] = cp.SequenceNumber
	close(l.notify)
	l.notify = make(chan struct{})
}

// transaction builds the rpc view of committed changes, reading the inputs back from the
// store's history.
func (l *Ledger) transaction(ctx context.Context, c *exec.Changes) (rpc.Transaction, error) {
	return rpc.NewTransaction(rpc.TransactionParts{
		TransactionBCS: c.Transaction,
		Signatures:     c.Signatures,
		Effects:        &c.Effects,
		Events:         c.Events,
		Inputs:         historicInputs(ctx, l.store, c),
		Outputs:        c.Written,
	})
}

// ServiceInfo describes the chain as of the latest checkpoint; the chain ID is the
// digest of checkpoint 0.
func (l *Ledger) ServiceInfo(ctx context.Context) (rpc.ServiceInfo, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.syncLocked(ctx); err != nil {
		return rpc.ServiceInfo{}, err
	}
	latest := l.checkpoints[len(l.checkpoints)-1]
	return rpc.ServiceInfo{
		ChainID:           l.checkpoints[0].Digest,
		Chain:             l.cfg.Chain,
		Epoch:             latest.Epoch,
		CheckpointHeight:  latest.SequenceNumber,
		Timestamp:         latest.Timestamp,
		ReferenceGasPrice: l.cfg.ReferenceGasPrice,
		EpochStart:        l.cfg.GenesisTime,
	}, nil
}

// ChainID is the digest of checkpoint 0, which ValidDuring expirations name.
func (l *Ledger) ChainID() sui.Digest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.checkpoints[0].Digest
}

// Object reads the live version, or exactly version.
func (l *Ledger) Object(ctx context.Context, id walrus.ID, version *uint64) (rpc.Object, error) {
	var (
		o   *sui.Object
		err error
	)
	if version == nil {
		o, _, err = l.store.Object(ctx, id)
	} else {
		o, err = l.store.ObjectAt(ctx, id, *version)
	}
	if err != nil {
		return rpc.Object{}, err
	}
	return exec.RPCObject(o), nil
}

// Checkpoint returns checkpoint seq.
func (l *Ledger) Checkpoint(ctx context.Context, seq uint64) (rpc.Checkpoint, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.syncLocked(ctx); err != nil {
		return rpc.Checkpoint{}, err
	}
	if seq >= uint64(len(l.checkpoints)) {
		return rpc.Checkpoint{}, fmt.Errorf("checkpoint %d: %w", seq, rpc.ErrNotFound)
	}
	return l.checkpoints[seq], nil
}

// CheckpointByDigest returns the checkpoint with the given digest.
func (l *Ledger) CheckpointByDigest(ctx context.Context, d sui.Digest) (rpc.Checkpoint, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.syncLocked(ctx); err != nil {
		return rpc.Checkpoint{}, err
	}
	seq, ok := l.byDigest[d]
	if !ok {
		return rpc.Checkpoint{}, fmt.Errorf("checkpoint %s: %w", d, rpc.ErrNotFound)
	}
	return l.checkpoints[seq], nil
}

// CheckpointNotify is closed when a newer checkpoint exists. Transactions committed
// through Store() are sequenced at once; ones committed to the MemStore directly only at
// the next read or Sync.
func (l *Ledger) CheckpointNotify() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.notify
}

// Balance is the owner's coin balance of coinType (no address balances on the devnet).
func (l *Ledger) Balance(ctx context.Context, owner walrus.Address, coinType string) (rpc.Balance, error) {
	t, err := sui.ParseTypeTag(coinType)
	if err != nil {
		return rpc.Balance{}, fmt.Errorf("execrpc: coin type %q: %w", coinType, err)
	}
	v, err := l.store.CoinBalance(ctx, owner, t)
	if err != nil {
		return rpc.Balance{}, err
	}
	return rpc.Balance{CoinBalance: v}, nil
}

// OwnedObjects lists the live objects owned by owner.
func (l *Ledger) OwnedObjects(ctx context.Context, owner walrus.Address, typeFilter string, cursor []byte, limit int) ([]rpc.Object, []byte, error) {
	objs, next, err := l.store.OwnedObjects(ctx, owner, typeFilter, cursor, limit)
	if err != nil {
		return nil, nil, err
	}
	out := make([]rpc.Object, len(objs))
	for i, o := range objs {
		out[i] = exec.RPCObject(o)
	}
	return out, next, nil
}

// Transaction returns a committed transaction with its checkpoint; rpc.ErrNotFound when
// the store has not committed it.
func (l *Ledger) Transaction(ctx context.Context, digest sui.Digest) (rpc.Transaction, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.syncLocked(ctx); err != nil {
		return rpc.Transaction{}, err
	}
	seq, ok := l.txCheckpt[digest]
	if !ok {
		if _, err := l.store.Executed(ctx, digest); err != nil {
			if errors.Is(err, exec.ErrNotFound) {
				return rpc.Transaction{}, fmt.Errorf("transaction %s: %w", digest, rpc.ErrNotFound)
			}
			return rpc.Transaction{}, err
		}
		return rpc.Transaction{}, fmt.Errorf("execrpc: transaction %s committed but not sequenced", digest)
	}
	cp := l.checkpoints[seq]
	t := cp.Transactions[0]
	t.Checkpoint = &cp.SequenceNumber
	t.Timestamp = cp.Timestamp
	return t, nil
}
