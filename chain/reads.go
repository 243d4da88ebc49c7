package chain

import (
	"context"
	"errors"
	"fmt"
	"sort"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// ErrNotFound is matched (errors.Is) when an object does not exist (or no longer does).
var ErrNotFound = errors.New("chain: not found")

// ErrUnexpectedType is matched when an object is not of the Walrus type asked for.
var ErrUnexpectedType = errors.New("chain: unexpected object type")

// objects reads the live versions of the given objects (their full BCS) in one call; a
// missing object is an error wrapping ErrNotFound that names it.
func (c *Client) objects(ctx context.Context, ids ...walrus.ID) ([]*sui.Object, error) {
	req := &v2.BatchGetObjectsRequest{ReadMask: &fieldmaskpb.FieldMask{Paths: []string{"bcs"}}}
	for _, id := range ids {
		req.Requests = append(req.Requests, &v2.GetObjectRequest{ObjectId: ptr(id.String())})
	}
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	resp, err := c.ledger.BatchGetObjects(cctx, req)
	if err != nil {
		return nil, fmt.Errorf("batch get objects: %w", err)
	}
	if len(resp.GetObjects()) != len(ids) {
		return nil, fmt.Errorf("batch get objects: %d results for %d objects", len(resp.GetObjects()), len(ids))
	}
	out := make([]*sui.Object, len(ids))
	for i, r := range resp.GetObjects() {
		if st := r.GetError(); st != nil {
			if codes.Code(st.GetCode()) == codes.NotFound {
				return nil, fmt.Errorf("object %s: %w", ids[i], ErrNotFound)
			}
			return nil, fmt.Errorf("object %s: %s", ids[i], st.GetMessage())
		}
		o, err := sui.DecodeObject(r.GetObject().GetBcs().GetValue())
		if err != nil {
			return nil, fmt.Errorf("object %s: %w", ids[i], err)
		}
		if got, ok := o.ID(); !ok || got != ids[i] {
			return nil, fmt.Errorf("object %s: the node returned object %s", ids[i], got)
		}
		out[i] = o
	}
	return out, nil
}

// object reads one object.
func (c *Client) object(ctx context.Context, id walrus.ID) (*sui.Object, error) {
	objs, err := c.objects(ctx, id)
	if err != nil {
		return nil, err
	}
	return objs[0], nil
}

// moveContents decodes o's contents into v after checking that o is the Walrus struct
// module::name (any package address: the caller knows which object it asked for).
func moveContents(o *sui.Object, module, name string, v bcs.Unmarshaler) error {
	if o.Data.Kind != sui.DataMove {
		return fmt.Errorf("%w: a package, not %s::%s", ErrUnexpectedType, module, name)
	}
	t := o.Data.Move.Type.StructTag()
	if t.Module != module || t.Name != name {
		return fmt.Errorf("%w: %s, not %s::%s", ErrUnexpectedType, t.String(), module, name)
	}
	if err := bcs.Unmarshal(o.Data.Move.Contents, v); err != nil {
		return fmt.Errorf("decode %s::%s: %w", module, name, err)
	}
	return nil
}

// walrusContents is moveContents that also checks the type's package is Walrus's.
func (c *Client) walrusContents(o *sui.Object, module, name string, v bcs.Unmarshaler) error {
	if o.Data.Kind == sui.DataMove {
		if addr := o.Data.Move.Type.StructTag().Address; addr != c.deploy.OriginalPackage {
			return fmt.Errorf("%w: %s is not a Walrus type", ErrUnexpectedType, o.Data.Move.Type.String())
		}
	}
	return moveContents(o, module, name, v)
}

// SystemState is the System object with its inner state.
type SystemState struct {
	System walrus.System
	Inner  walrus.SystemStateInnerV1
}

// SystemState reads the System object and its inner state (the dynamic field named by
// its version).
func (c *Client) SystemState(ctx context.Context) (*SystemState, error) {
	o, err := c.object(ctx, c.deploy.System)
	if err != nil {
		return nil, fmt.Errorf("read System: %w", err)
	}
	var s SystemState
	if err := c.walrusContents(o, "system", "System", &s.System); err != nil {
		return nil, fmt.Errorf("read System: %w", err)
	}
	f, err := c.object(ctx, walrus.InnerStateFieldID(c.deploy.System, s.System.Version))
	if err != nil {
		return nil, fmt.Errorf("read System inner state v%d: %w", s.System.Version, err)
	}
	var field walrus.SystemStateField
	if err := moveContents(f, "dynamic_field", "Field", &field); err != nil {
		return nil, fmt.Errorf("read System inner state: %w", err)
	}
	s.Inner = field.Value
	return &s, nil
}

// StakingState is the Staking object with its inner state.
type StakingState struct {
	Staking walrus.Staking
	Inner   walrus.StakingInnerV1
}

// StakingState reads the Staking object and its inner state.
func (c *Client) StakingState(ctx context.Context) (*StakingState, error) {
	o, err := c.object(ctx, c.deploy.Staking)
	if err != nil {
		return nil, fmt.Errorf("read Staking: %w", err)
	}
	var s StakingState
	if err := c.walrusContents(o, "staking", "Staking", &s.Staking); err != nil {
		return nil, fmt.Errorf("read Staking: %w", err)
	}
	f, err := c.object(ctx, walrus.InnerStateFieldID(c.deploy.Staking, s.Staking.Version))
	if err != nil {
		return nil, fmt.Errorf("read Staking inner state v%d: %w", s.Staking.Version, err)
	}
	var field walrus.StakingStateField
	if err := moveContents(f, "dynamic_field", "Field", &field); err != nil {
		return nil, fmt.Errorf("read Staking inner state: %w", err)
	}
	s.Inner = field.Value
	return &s, nil
}

// Epoch is the current Walrus epoch.
func (c *Client) Epoch(ctx context.Context) (uint32, error) {
	s, err := c.SystemState(ctx)
	if err != nil {
		return 0, err
	}
	return s.Inner.Epoch(), nil
}

// Prices are the storage and write prices, in FROST per storage unit (1 MiB).
type Prices struct {
	StoragePerUnitEpoch uint64
	WritePerUnit        uint64
}

// Capacity is the system's storage capacity, in bytes of encoded size.
type Capacity struct {
	Total, Used uint64
}

// Free is the capacity still available.
func (c Capacity) Free() uint64 {
	if c.Used > c.Total {
		return 0
	}
	return c.Total - c.Used
}

// Prices reads the current prices.
func (c *Client) Prices(ctx context.Context) (Prices, error) {
	s, err := c.SystemState(ctx)
	if err != nil {
		return Prices{}, err
	}
	return s.prices(), nil
}

func (s *SystemState) prices() Prices {
	return Prices{StoragePerUnitEpoch: s.Inner.StoragePricePerUnitSize, WritePerUnit: s.Inner.WritePricePerUnitSize}
}

// Capacity reads the total and used capacity.
func (c *Client) Capacity(ctx context.Context) (Capacity, error) {
	s, err := c.SystemState(ctx)
	if err != nil {
		return Capacity{}, err
	}
	return Capacity{Total: s.Inner.TotalCapacitySize, Used: s.Inner.UsedCapacitySize}, nil
}

// Committee reads the current committee: the System's BlsCommittee (order and epoch),
// the shards from Staking's committee, and each member's keys and address from its
// StakingPool.
func (c *Client) Committee(ctx context.Context) (*Committee, error) {
	sys, err := c.SystemState(ctx)
	if err != nil {
		return nil, err
	}
	st, err := c.StakingState(ctx)
	if err != nil {
		return nil, err
	}
	bls := &sys.Inner.Committee
	ids := make([]walrus.ID, len(bls.Members))
	for i, m := range bls.Members {
		ids[i] = m.NodeID
	}
	pools, err := c.Pools(ctx, ids...)
	if err != nil {
		return nil, fmt.Errorf("read committee: %w", err)
	}
	com := &Committee{Epoch: bls.Epoch, NShards: bls.NShards, Members: make([]CommitteeMember, len(ids))}
	for i, m := range bls.Members {
		shards, ok := st.Inner.Committee.ShardsOf(m.NodeID)
		if !ok && st.Inner.Epoch == bls.Epoch {
			return nil, fmt.Errorf("read committee: node %s is in the System's committee but not in Staking's", m.NodeID)
		}
		info := &pools[i].NodeInfo
		pk, err := keys.UncompressedG1ToG1(m.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("read committee: node %s: %w", m.NodeID, err)
		}
		cm := CommitteeMember{
			NodeID: m.NodeID, Name: info.Name, NetworkAddress: info.NetworkAddress,
			NetworkPublicKey: append([]byte(nil), info.NetworkPublicKey...),
			Shards:           append([]uint16(nil), shards...),
		}
		cm.PublicKey = pk
		sort.Slice(cm.Shards, func(a, b int) bool { return cm.Shards[a] < cm.Shards[b] })
		com.Members[i] = cm
	}
	return com, nil
}

// Pools reads the StakingPool objects of the given node IDs (a pool's object ID is its
// node ID).
func (c *Client) Pools(ctx context.Context, nodeIDs ...walrus.ID) ([]walrus.StakingPool, error) {
	if len(nodeIDs) == 0 {
		return nil, nil
	}
	objs, err := c.objects(ctx, nodeIDs...)
	if err != nil {
		return nil, err
	}
	out := make([]walrus.StakingPool, len(objs))
	for i, o := range objs {
		if err := c.walrusContents(o, "staking_pool", "StakingPool", &out[i]); err != nil {
			return nil, fmt.Errorf("pool %s: %w", nodeIDs[i], err)
		}
	}
	return out, nil
}

// Pool reads one node's StakingPool.
func (c *Client) Pool(ctx context.Context, nodeID walrus.ID) (*walrus.StakingPool, error) {
	p, err := c.Pools(ctx, nodeID)
	if err != nil {
		return nil, err
	}
	return &p[0], nil
}

// BlobObject is a Blob object with its owner and version.
type BlobObject struct {
	walrus.Blob
	Owner   sui.Owner
	Version uint64
}

// Blob reads the Blob object with the given object ID.
func (c *Client) Blob(ctx context.Context, objectID walrus.ID) (*BlobObject, error) {
	return readWalrus(ctx, c, objectID, blobType)
}

// ownedObjects lists the objects of the given type owned by owner (all pages).
func (c *Client) ownedObjects(ctx context.Context, owner walrus.Address, typ string, paths ...string) ([]*v2.Object, error) {
	var out []*v2.Object
	var token []byte
	for {
		cctx, cancel := c.callCtx(ctx)
		resp, err := c.state.ListOwnedObjects(cctx, &v2.ListOwnedObjectsRequest{
			Owner: ptr(owner.String()), ObjectType: ptr(typ), PageSize: ptr(uint32(1000)), PageToken: token,
			ReadMask: &fieldmaskpb.FieldMask{Paths: paths},
		})
		cancel()
		if err != nil {
			return nil, fmt.Errorf("list objects of type %s owned by %s: %w", typ, owner, err)
		}
		out = append(out, resp.GetObjects()...)
		if len(resp.GetNextPageToken()) == 0 {
			return out, nil
		}
		token = resp.GetNextPageToken()
	}
}

// BlobsOwnedBy lists the Blob objects owned by owner.
func (c *Client) BlobsOwnedBy(ctx context.Context, owner walrus.Address) ([]BlobObject, error) {
	return ownedWalrus(ctx, c, owner, blobType)
}

// BlobAttributes reads a Blob's attributes (its metadata dynamic field); a blob without
// attributes has none (nil, no error).
func (c *Client) BlobAttributes(ctx context.Context, blobObjectID walrus.ID) (walrus.StringMap, error) {
	id := walrus.DynamicFieldID(blobObjectID, walrus.TypeTagVectorU8, metadataNameBCS())
	o, err := c.object(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read attributes of Blob %s: %w", blobObjectID, err)
	}
	var f walrus.BlobMetadataField
	if err := moveContents(o, "dynamic_field", "Field", &f); err != nil {
		return nil, fmt.Errorf("read attributes of Blob %s: %w", blobObjectID, err)
	}
	return f.Value.Metadata, nil
}

// WALBalance is the total WAL owner holds.
func (c *Client) WALBalance(ctx context.Context, owner walrus.Address) (uint64, error) {
	return c.balance(ctx, owner, c.deploy.WAL.String())
}

// SUIBalance is the total SUI owner holds, in MIST.
func (c *Client) SUIBalance(ctx context.Context, owner walrus.Address) (uint64, error) {
	return c.balance(ctx, owner, sui.SUIType.String())
}

func (c *Client) balance(ctx context.Context, owner walrus.Address, coinType string) (uint64, error) {
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	resp, err := c.state.GetBalance(cctx, &v2.GetBalanceRequest{Owner: ptr(owner.String()), CoinType: ptr(coinType)})
	if err != nil {
		return 0, fmt.Errorf("balance of %s in %s: %w", owner, coinType, err)
	}
	return resp.GetBalance().GetBalance(), nil
}

// LatestCheckpoint is the sequence number of the latest checkpoint.
func (c *Client) LatestCheckpoint(ctx context.Context) (uint64, error) {
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	info, err := c.ledger.GetServiceInfo(cctx, &v2.GetServiceInfoRequest{})
	if err != nil {
		return 0, fmt.Errorf("service info: %w", err)
	}
	return info.GetCheckpointHeight(), nil
}

func metadataNameBCS() []byte { return bcs.Marshal(&walrus.MetadataFieldName) }
