package rpc

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// fakeLedger is an in-memory Ledger for the server tests: the real devnet ledger comes
// later. Objects keep every version; checkpoints are appended by publish.
type fakeLedger struct {
	mu          sync.Mutex
	chain       string
	versions    map[walrus.ID][]Object // ascending versions; the last one is live
	deleted     map[walrus.ID]bool
	checkpoints []Checkpoint
	notify      chan struct{}
	balances    map[balanceKey]Balance

	// fail, when set, is returned by every read (to test error mapping); panicOn makes
	// Object panic for that ID.
	fail    error
	panicOn *walrus.ID
}

type balanceKey struct {
	owner    walrus.Address
	coinType string
}

var genesisTime = time.UnixMilli(1_700_000_000_000)

func newFakeLedger() *fakeLedger {
	f := &fakeLedger{
		chain:    "localnet",
		versions: map[walrus.ID][]Object{},
		deleted:  map[walrus.ID]bool{},
		notify:   make(chan struct{}),
		balances: map[balanceKey]Balance{},
	}
	f.checkpoints = append(f.checkpoints, Checkpoint{
		SequenceNumber: 0,
		Digest:         digestOf("checkpoint", 0),
		Timestamp:      genesisTime,
		ContentDigest:  digestOf("contents", 0),
	})
	return f
}

func digestOf(kind string, n uint64) sui.Digest {
	return sui.Digest(blake2b.Sum256(append([]byte(kind), byte(n), byte(n>>8), byte(n>>16))))
}

// put stores a new version of an object.
func (f *fakeLedger) put(o Object) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.versions[o.ID] = append(f.versions[o.ID], o)
	delete(f.deleted, o.ID)
}

func (f *fakeLedger) remove(id walrus.ID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted[id] = true
}

func (f *fakeLedger) setBalance(owner walrus.Address, coinType string, b Balance) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.balances[balanceKey{owner, coinType}] = b
}

func (f *fakeLedger) setFail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

// publish appends a checkpoint with txs and wakes subscribers.
func (f *fakeLedger) publish(txs ...Transaction) Checkpoint {
	f.mu.Lock()
	defer f.mu.Unlock()
	prev := f.checkpoints[len(f.checkpoints)-1]
	seq := prev.SequenceNumber + 1
	cp := Checkpoint{
		SequenceNumber:           seq,
		Digest:                   digestOf("checkpoint", seq),
		Epoch:                    prev.Epoch,
		Timestamp:                prev.Timestamp.Add(250 * time.Millisecond),
		PreviousDigest:           &prev.Digest,
		ContentDigest:            digestOf("contents", seq),
		NetworkTotalTransactions: prev.NetworkTotalTransactions + uint64(len(txs)),
		Transactions:             txs,
	}
	f.checkpoints = append(f.checkpoints, cp)
	close(f.notify)
	f.notify = make(chan struct{})
	return cp
}

func (f *fakeLedger) ServiceInfo(ctx context.Context) (ServiceInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return ServiceInfo{}, f.fail
	}
	latest := f.checkpoints[len(f.checkpoints)-1]
	return ServiceInfo{
		ChainID:          f.checkpoints[0].Digest,
		Chain:            f.chain,
		Epoch:            latest.Epoch,
		CheckpointHeight: latest.SequenceNumber,
		Timestamp:        latest.Timestamp,
	}, nil
}

func (f *fakeLedger) Object(ctx context.Context, id walrus.ID, version *uint64) (Object, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return Object{}, f.fail
	}
	if f.panicOn != nil && *f.panicOn == id {
		panic("fake ledger: injected panic")
	}
	vs := f.versions[id]
	if version == nil {
		if len(vs) == 0 || f.deleted[id] {
			return Object{}, ErrNotFound
		}
		return vs[len(vs)-1], nil
	}
	for _, o := range vs {
		if o.Version == *version {
			return o, nil
		}
	}
	return Object{}, ErrNotFound
}

func (f *fakeLedger) Checkpoint(ctx context.Context, seq uint64) (Checkpoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return Checkpoint{}, f.fail
	}
	if seq >= uint64(len(f.checkpoints)) {
		return Checkpoint{}, ErrNotFound
	}
	return f.checkpoints[seq], nil
}

func (f *fakeLedger) CheckpointByDigest(ctx context.Context, d sui.Digest) (Checkpoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, cp := range f.checkpoints {
		if cp.Digest == d {
			return cp, nil
		}
	}
	return Checkpoint{}, ErrNotFound
}

func (f *fakeLedger) CheckpointNotify() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.notify
}

func (f *fakeLedger) Balance(ctx context.Context, owner walrus.Address, coinType string) (Balance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return Balance{}, f.fail
	}
	return f.balances[balanceKey{owner, coinType}], nil
}

// OwnedObjects orders by object ID; a cursor is the ID of the first object of the page.
func (f *fakeLedger) OwnedObjects(ctx context.Context, owner walrus.Address, typeFilter string, cursor []byte, limit int) ([]Object, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, nil, f.fail
	}
	if cursor != nil && len(cursor) != 32 {
		return nil, nil, ErrInvalidCursor
	}
	var owned []Object
	for id, vs := range f.versions {
		o := vs[len(vs)-1]
		if f.deleted[id] || (o.Owner.Kind != OwnerAddress && o.Owner.Kind != OwnerConsensusAddress) || o.Owner.Address != owner {
			continue
		}
		if !TypeMatches(typeFilter, o.Type) || bytes.Compare(o.ID[:], cursor) < 0 {
			continue
		}
		owned = append(owned, o)
	}
	slices.SortFunc(owned, func(a, b Object) int { return a.ID.Compare(b.ID) })
	if len(owned) <= limit {
		return owned, nil, nil
	}
	next := owned[limit].ID
	return owned[:limit], next[:], nil
}

var errFakeBroken = errors.New("fake ledger: disk on fire")
