package exec

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/tuskstore/tusk/chain/devnet/rpc"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// ErrNotFound is returned (possibly wrapped) by a Store for an object that does not
// exist, no longer exists or is wrapped. It is the gRPC server's rpc.ErrNotFound, so a
// ledger built on a Store can pass it through.
var ErrNotFound = rpc.ErrNotFound

// Store is what the executor needs from the ledger: the live objects and an atomic commit
// of one transaction's results. Implementations must be safe for concurrent use; the
// Executor serialises its own calls to Apply.
type Store interface {
	// Object returns the live version of an object and its reference (ID, version,
	// digest), or an error wrapping ErrNotFound.
	Object(ctx context.Context, id walrus.ID) (*sui.Object, sui.ObjectRef, error)
	// Apply commits c atomically: every object of c.Written becomes the live version,
	// every ID of c.Deleted and c.Wrapped stops being live, and the transaction, its
	// effects and events are recorded. Apply must not keep references into c's objects
	// that it later modifies, nor modify them.
	Apply(ctx context.Context, c *Changes) error
}

// ExecutedStore is a Store that remembers executed transactions. When the store
// implements it, executing a transaction again returns its committed results instead of
// failing on its now-stale inputs, as a full node does.
type ExecutedStore interface {
	// Executed returns the committed changes of a transaction, or an error wrapping
	// ErrNotFound.
	Executed(ctx context.Context, digest sui.Digest) (*Changes, error)
}

// Changes is what executing one transaction commits.
type Changes struct {
	Digest      sui.Digest
	Transaction []byte   // the TransactionData BCS
	Signatures  [][]byte // the user signatures (nil for a simulation)
	Effects     sui.TransactionEffects
	Events      sui.TransactionEvents
	// Written are the objects created, mutated or unwrapped, at their new version (the
	// effects' lamport version), in object-ID order.
	Written []*sui.Object
	// Deleted are the IDs deleted (including unwrapped and then deleted); Wrapped the
	// objects put inside other objects. Both in object-ID order.
	Deleted []walrus.ID
	Wrapped []walrus.ID
}

// MemStore is an in-memory Store that keeps every version of every object, the
// executed transactions, and answers the reads the gRPC ledger needs (objects by ID and
// version, objects owned by an address filtered by type, coin balances).
type MemStore struct {
	mu       sync.RWMutex
	versions map[walrus.ID][]*sui.Object // ascending versions
	live     map[walrus.ID]bool
	txs      map[sui.Digest]*Changes
	order    []sui.Digest
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{
		versions: make(map[walrus.ID][]*sui.Object),
		live:     make(map[walrus.ID]bool),
		txs:      make(map[sui.Digest]*Changes),
	}
}

// Insert adds objects as they are, for genesis. An object must have a valid ID and must
// not exist yet.
func (s *MemStore) Insert(objs ...*sui.Object) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range objs {
		id, ok := o.ID()
		if !ok {
			return fmt.Errorf("exec: genesis object with contents shorter than an ID")
		}
		if _, dup := s.versions[id]; dup {
			return fmt.Errorf("exec: genesis object %s already exists", id)
		}
	}
	for _, o := range objs {
		id, _ := o.ID()
		s.versions[id] = []*sui.Object{cloneObject(o)}
		s.live[id] = true
	}
	return nil
}

// Object returns the live version of an object.
func (s *MemStore) Object(ctx context.Context, id walrus.ID) (*sui.Object, sui.ObjectRef, error) {
	if err := ctx.Err(); err != nil {
		return nil, sui.ObjectRef{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	vs := s.versions[id]
	if !s.live[id] || len(vs) == 0 {
		return nil, sui.ObjectRef{}, fmt.Errorf("object %s: %w", id, ErrNotFound)
	}
	o := cloneObject(vs[len(vs)-1])
	ref, _ := o.Ref()
	return o, ref, nil
}

// ObjectAt returns an object at exactly the given version, live or not.
func (s *MemStore) ObjectAt(ctx context.Context, id walrus.ID, version uint64) (*sui.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	vs := s.versions[id]
	i, found := slices.BinarySearchFunc(vs, version, func(o *sui.Object, v uint64) int {
		switch ov := o.Version(); {
		case ov < v:
			return -1
		case ov > v:
			return 1
		}
		return 0
	})
	if !found {
		return nil, fmt.Errorf("object %s version %d: %w", id, version, ErrNotFound)
	}
	return cloneObject(vs[i]), nil
}

// Apply commits c. It checks that every object it writes or removes is newer than the
// live version, so that a stale commit fails and changes nothing.
func (s *MemStore) Apply(ctx context.Context, c *Changes) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.txs[c.Digest]; dup {
		return fmt.Errorf("exec: transaction %s already committed", c.Digest)
	}
	var lamport uint64
	if v2 := c.Effects.V2; v2 != nil {
		lamport = v2.LamportVersion
	}
	check := func(id walrus.ID) error {
		if vs := s.versions[id]; len(vs) > 0 && vs[len(vs)-1].Version() >= lamport {
			return fmt.Errorf("exec: commit of %s: object %s is at version %d, not below %d", c.Digest, id, vs[len(vs)-1].Version(), lamport)
		}
		return nil
	}
	for _, o := range c.Written {
		id, ok := o.ID()
		if !ok {
			return fmt.Errorf("exec: commit of %s writes an object without ID", c.Digest)
		}
		if o.Version() != lamport {
			return fmt.Errorf("exec: commit of %s writes %s at version %d, want %d", c.Digest, id, o.Version(), lamport)
		}
		if err := check(id); err != nil {
			return err
		}
	}
	for _, id := range append(slices.Clone(c.Deleted), c.Wrapped...) {
		if err := check(id); err != nil {
			return err
		}
	}
	for _, o := range c.Written {
		id, _ := o.ID()
		s.versions[id] = append(s.versions[id], cloneObject(o))
		s.live[id] = true
	}
	for _, id := range c.Deleted {
		delete(s.live, id)
	}
	for _, id := range c.Wrapped {
		delete(s.live, id)
	}
	s.txs[c.Digest] = cloneChanges(c)
	s.order = append(s.order, c.Digest)
	return nil
}

// Executed returns the committed changes of a transaction.
func (s *MemStore) Executed(ctx context.Context, digest sui.Digest) (*Changes, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.txs[digest]
	if !ok {
		return nil, fmt.Errorf("transaction %s: %w", digest, ErrNotFound)
	}
	return cloneChanges(c), nil
}

// Transactions lists the committed transaction digests in commit order.
func (s *MemStore) Transactions() []sui.Digest {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.order)
}

// OwnedObjects lists the live objects owned by owner (AddressOwner or
// ConsensusAddressOwner) whose type passes typeFilter (rpc.TypeMatches: "" for all, a
// canonical struct tag, or one without type parameters for every instantiation), in
// object-ID order, at most limit of them (limit ≤ 0 means no limit) starting at cursor
// (nil for the first page). next is nil on the last page, otherwise the cursor of the
// following page; a cursor not made here is rpc.ErrInvalidCursor.
func (s *MemStore) OwnedObjects(ctx context.Context, owner walrus.Address, typeFilter string, cursor []byte, limit int) (objs []*sui.Object, next []byte, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if cursor != nil && len(cursor) != 32 {
		return nil, nil, rpc.ErrInvalidCursor
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ids []walrus.ID
	for id := range s.live {
		if cursor != nil && bytes.Compare(id[:], cursor) < 0 {
			continue
		}
		vs := s.versions[id]
		o := vs[len(vs)-1]
		if !ownedBy(o, owner) || o.Data.Kind != sui.DataMove {
			continue
		}
		if typeFilter != "" && !rpc.TypeMatches(typeFilter, o.Data.Move.Type.String()) {
			continue
		}
		ids = append(ids, id)
	}
	slices.SortFunc(ids, walrus.ID.Compare)
	if limit > 0 && len(ids) > limit {
		n := ids[limit]
		next = n[:]
		ids = ids[:limit]
	}
	for _, id := range ids {
		vs := s.versions[id]
		objs = append(objs, cloneObject(vs[len(vs)-1]))
	}
	return objs, next, nil
}

// CoinBalance is the sum of the live Coin<coinType> objects owned by owner.
func (s *MemStore) CoinBalance(ctx context.Context, owner walrus.Address, coinType sui.TypeTag) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var total uint64
	for id := range s.live {
		vs := s.versions[id]
		o := vs[len(vs)-1]
		if !ownedBy(o, owner) || o.Data.Kind != sui.DataMove {
			continue
		}
		if p := o.Data.Move.Type.CoinParam(); p != nil && p.Equal(&coinType) {
			if v, ok := CoinValue(o); ok {
				total = addSat(total, v)
			}
		}
	}
	return total, nil
}

func ownedBy(o *sui.Object, owner walrus.Address) bool {
	return (o.Owner.Kind == sui.OwnerAddress || o.Owner.Kind == sui.OwnerConsensusAddress) && o.Owner.Address == owner
}

// cloneObject deep-copies an object through its BCS, so that stored objects never alias
// what callers hold.
func cloneObject(o *sui.Object) *sui.Object {
	c := new(sui.Object)
	if err := bcs.Unmarshal(o.Bytes(), c); err != nil {
		// Objects built by this package always round-trip; keep a shallow copy otherwise.
		*c = *o
		c.Data.Move.Contents = slices.Clone(o.Data.Move.Contents)
	}
	return c
}

func cloneChanges(c *Changes) *Changes {
	out := *c
	out.Transaction = slices.Clone(c.Transaction)
	out.Signatures = make([][]byte, len(c.Signatures))
	for i, s := range c.Signatures {
		out.Signatures[i] = slices.Clone(s)
	}
	if c.Signatures == nil {
		out.Signatures = nil
	}
	if eff, err := sui.DecodeEffects(c.Effects.Bytes()); err == nil {
		out.Effects = *eff
	}
	if evs, err := sui.DecodeEvents(c.Events.Bytes()); err == nil {
		out.Events = evs
	}
	out.Written = make([]*sui.Object, len(c.Written))
	for i, o := range c.Written {
		out.Written[i] = cloneObject(o)
	}
	out.Deleted = slices.Clone(c.Deleted)
	out.Wrapped = slices.Clone(c.Wrapped)
	return &out
}

// RPCObject converts an object to the gRPC server's rpc.Object (with its BCS, and the
// coin balance for a Coin<T>).
func RPCObject(o *sui.Object) rpc.Object {
	ref, _ := o.Ref()
	out := rpc.Object{
		ID:                  ref.ObjectID,
		Version:             ref.Version,
		Digest:              ref.Digest,
		BCS:                 o.Bytes(),
		PreviousTransaction: o.PreviousTransaction,
		StorageRebate:       o.StorageRebate,
	}
	if o.IsPackage() {
		out.Type = rpc.PackageType
	} else {
		out.Type = o.Data.Move.Type.String()
		out.Contents = slices.Clone(o.Data.Move.Contents)
		out.HasPublicTransfer = o.Data.Move.HasPublicTransfer
		if v, ok := CoinValue(o); ok {
			out.Balance = &v
		}
	}
	switch o.Owner.Kind {
	case sui.OwnerAddress:
		out.Owner = rpc.Owner{Kind: rpc.OwnerAddress, Address: o.Owner.Address}
	case sui.OwnerObject:
		out.Owner = rpc.Owner{Kind: rpc.OwnerObject, Address: o.Owner.Address}
	case sui.OwnerShared:
		out.Owner = rpc.Owner{Kind: rpc.OwnerShared, Version: o.Owner.Version}
	case sui.OwnerImmutable:
		out.Owner = rpc.Owner{Kind: rpc.OwnerImmutable}
	case sui.OwnerConsensusAddress:
		out.Owner = rpc.Owner{Kind: rpc.OwnerConsensusAddress, Address: o.Owner.Address, Version: o.Owner.Version}
	}
	return out
}
