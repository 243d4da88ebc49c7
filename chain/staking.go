package chain

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// The staking and epoch calls of the Walrus Move API (staking.move): node registration,
// stake and withdrawal, commission, votes and the epoch change. Each is one transaction
// signed by the client's key; a Move abort is an *AbortError matching the Err* aborts
// (errors.Is).

// MinStake is staked_wal.move MIN_STAKING_THRESHOLD: a stake is at least 1 WAL.
const MinStake = 1_000_000_000

// clockID is the shared Clock, 0x6, at initial shared version 1.
var clockID = walrus.MustParseID("0x6")

func (b *builder) staking(mutable bool) sui.Argument {
	return b.Object(sui.SharedObjectArg(b.c.deploy.Staking, b.c.deploy.StakingVersion, mutable))
}

func (b *builder) clock() sui.Argument {
	return b.Object(sui.SharedObjectArg(clockID, 1, false))
}

// RegisterCandidateRequest are the arguments of staking::register_candidate.
type RegisterCandidateRequest struct {
	Name           string // at most 100 bytes
	NetworkAddress string // host:port of the storage-node API, at most 259 bytes
	// ImageURL, ProjectURL and Description are the node's metadata (node_metadata::new).
	ImageURL, ProjectURL, Description string
	// BLSKey is the node's protocol key: its public key is registered with a proof of
	// possession signed for the current epoch and the client's address.
	BLSKey *keys.BLSKey
	// PublicKey and ProofOfPossession are used when BLSKey is nil: the compressed key and
	// messages.SignProofOfPossession(key, current epoch, the client's address), signed
	// elsewhere.
	PublicKey         [keys.BLSPublicKeySize]byte
	ProofOfPossession []byte
	// NetworkPublicKey is the node's TLS key (33-byte compressed P-256).
	NetworkPublicKey []byte
	CommissionRate   uint16 // basis points, at most 10000
	StoragePrice     uint64 // vote, FROST per MiB per epoch
	WritePrice       uint64 // vote, FROST per MiB
	NodeCapacity     uint64 // vote, bytes
	// CapOwner receives the StorageNodeCap (default the signer).
	CapOwner *walrus.Address
}

// RegisteredCandidate is the outcome of RegisterCandidate.
type RegisteredCandidate struct {
	Digest sui.Digest
	// NodeID is the new node's ID, its staking pool's object ID.
	NodeID walrus.ID
	// CapID is the StorageNodeCap's object ID; the cap is the commission receiver.
	CapID walrus.ID
}

// RegisterCandidate registers a storage node (staking::register_candidate): a staking
// pool whose ID is the node ID, and a StorageNodeCap for req.CapOwner. The node joins
// the committee once stake makes it win shards at a voting_end.
//
// Aborts: ErrInvalidProofOfPossession (also when an epoch change happens between reading
// the epoch and executing), ErrInvalidNameLength, ErrInvalidNetworkAddressLen,
// ErrIncorrectCommissionRate, ErrInvalidNetworkPublicKey.
func (c *Client) RegisterCandidate(ctx context.Context, req RegisterCandidateRequest) (*RegisteredCandidate, error) {
	pk, pop := req.PublicKey, req.ProofOfPossession
	if req.BLSKey != nil {
		st, err := c.StakingState(ctx)
		if err != nil {
			return nil, fmt.Errorf("register candidate: %w", err)
		}
		pk = req.BLSKey.PublicKey()
		pop = messages.SignProofOfPossession(req.BLSKey, st.Inner.Epoch, c.Address())
	} else if len(pop) == 0 {
		return nil, fmt.Errorf("register candidate: %w: no BLS key and no proof of possession", ErrInvalidRequest)
	}
	owner := c.Address()
	if req.CapOwner != nil {
		owner = *req.CapOwner
	}
	res, err := c.execute(ctx, fmt.Sprintf("register candidate %q", req.Name), func(b *builder) error {
		md := b.call("node_metadata", "new", b.Pure(req.ImageURL), b.Pure(req.ProjectURL), b.Pure(req.Description))
		cap := b.call("staking", "register_candidate", b.staking(true), b.Pure(req.Name), b.Pure(req.NetworkAddress), md,
			b.Pure(pk[:]), b.Pure(req.NetworkPublicKey), b.Pure(pop), b.Pure(req.CommissionRate),
			b.Pure(req.StoragePrice), b.Pure(req.WritePrice), b.Pure(req.NodeCapacity))
		b.TransferObjects([]sui.Argument{cap}, b.Pure(owner))
		return nil
	})
	if err != nil {
		return nil, err
	}
	capID, err := c.createdOne(res, "storage_node", "StorageNodeCap")
	if err != nil {
		return nil, fmt.Errorf("register candidate: %w", err)
	}
	out := &RegisteredCandidate{Digest: res.Digest, CapID: capID}
	for _, o := range res.Objects {
		if id, _ := o.ID(); id == capID {
			var cap walrus.StorageNodeCap
			if err := c.walrusContents(o, "storage_node", "StorageNodeCap", &cap); err != nil {
				return nil, fmt.Errorf("register candidate: %w", err)
			}
			out.NodeID = cap.NodeID
		}
	}
	return out, nil
}

// createdOne is the ID of the one Walrus object module::name the transaction created.
func (c *Client) createdOne(res *TxResult, module, name string) (walrus.ID, error) {
	ids := res.Created(c.deploy.OriginalPackage, module, name)
	if len(ids) != 1 {
		return walrus.ID{}, fmt.Errorf("transaction %s created %d %s objects", res.Digest, len(ids), name)
	}
	return ids[0], nil
}

// StakeWithPool stakes amount FROST of the signer's WAL with the node
// (staking::stake_with_pool) and returns the new StakedWal's ID, owned by the signer. The
// stake activates at the next epoch, or the one after if the next committee is already
// selected.
//
// Aborts: ErrFieldDoesNotExist for an unknown node, ErrStakeBelowThreshold for less than
// MinStake, ErrPoolIsNotActive.
func (c *Client) StakeWithPool(ctx context.Context, nodeID walrus.ID, amount uint64) (walrus.ID, error) {
	what := fmt.Sprintf("stake %d FROST with %s", amount, nodeID)
	res, err := c.execute(ctx, what, func(b *builder) error {
		pay, _, err := b.walPayment(ctx, amount)
		if err != nil {
			return err
		}
		sw := b.call("staking", "stake_with_pool", b.staking(true), pay, b.Pure(nodeID))
		b.TransferObjects([]sui.Argument{sw}, b.Pure(c.Address()))
		return nil
	})
	if err != nil {
		return walrus.ID{}, err
	}
	id, err := c.createdOne(res, "staked_wal", "StakedWal")
	if err != nil {
		return walrus.ID{}, fmt.Errorf("%s: %w", what, err)
	}
	return id, nil
}

// RequestWithdrawStake marks the StakedWal as withdrawing (staking::request_withdraw_stake);
// WithdrawStake pays it out from its withdraw epoch on. Stake that is not active yet and
// not counted for a selected committee is withdrawn directly with WithdrawStake instead
// (ErrWithdrawDirectly).
func (c *Client) RequestWithdrawStake(ctx context.Context, stakedWal walrus.ID) (sui.Digest, error) {
	res, err := c.execute(ctx, fmt.Sprintf("request withdrawal of StakedWal %s", stakedWal), func(b *builder) error {
		sw, _, err := b.ownedArg(ctx, stakedWal)
		if err != nil {
			return fmt.Errorf("StakedWal: %w", err)
		}
		b.call("staking", "request_withdraw_stake", b.staking(true), sw)
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// Withdrawal is the outcome of WithdrawStake.
type Withdrawal struct {
	Digest sui.Digest
	// Coin is the Coin<WAL> received, holding Amount FROST: the principal and the rewards.
	Coin   walrus.ID
	Amount uint64
}

// WithdrawStake withdraws a StakedWal (staking::withdraw_stake): the principal and its
// rewards (through the pool's exchange rates) as a new Coin<WAL> for the signer.
//
// Aborts: ErrNotWithdrawing (active stake without a request), ErrWithdrawEpochNotReached,
// ErrActivationEpochNotReached.
func (c *Client) WithdrawStake(ctx context.Context, stakedWal walrus.ID) (*Withdrawal, error) {
	what := fmt.Sprintf("withdraw StakedWal %s", stakedWal)
	res, err := c.execute(ctx, what, func(b *builder) error {
		sw, _, err := b.ownedArg(ctx, stakedWal)
		if err != nil {
			return fmt.Errorf("StakedWal: %w", err)
		}
		coin := b.call("staking", "withdraw_stake", b.staking(true), sw)
		b.TransferObjects([]sui.Argument{coin}, b.Pure(c.Address()))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.receivedCoin(res, what)
}

// receivedCoin finds the one Coin<WAL> a transaction created.
func (c *Client) receivedCoin(res *TxResult, what string) (*Withdrawal, error) {
	walCoin := sui.CoinType(sui.TypeTag{Kind: sui.TypeStruct, Struct: &c.deploy.WAL})
	for _, ch := range res.Effects.ObjectChanges() {
		if ch.Kind != sui.ChangeCreated {
			continue
		}
		for _, o := range res.Objects {
			id, _ := o.ID()
			if id != ch.ID || o.Data.Kind != sui.DataMove {
				continue
			}
			if t := o.Data.Move.Type.StructTag(); t.Equal(walCoin.Struct) {
				v, ok := coinValue(o)
				if !ok {
					return nil, fmt.Errorf("%s: coin %s has no balance", what, id)
				}
				return &Withdrawal{Digest: res.Digest, Coin: id, Amount: v}, nil
			}
		}
	}
	return nil, fmt.Errorf("%s: transaction %s created no Coin<WAL>", what, res.Digest)
}

func coinValue(o *sui.Object) (uint64, bool) {
	b := o.Data.Move.Contents
	if len(b) != 40 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b[32:]), true
}

// SetNextCommission sets the node's commission rate (basis points) from two epochs on
// (staking::set_next_commission), with its StorageNodeCap.
func (c *Client) SetNextCommission(ctx context.Context, cap walrus.ID, rate uint16) (sui.Digest, error) {
	return c.capCall(ctx, fmt.Sprintf("set next commission %d", rate), cap, "set_next_commission", func(b *builder) []sui.Argument {
		return []sui.Argument{b.Pure(rate)}
	})
}

// capCall runs staking::fn(&mut Staking, &StorageNodeCap, args...).
func (c *Client) capCall(ctx context.Context, what string, cap walrus.ID, fn string, args func(b *builder) []sui.Argument, after ...func(b *builder, staking sui.Argument)) (sui.Digest, error) {
	res, err := c.execute(ctx, what, func(b *builder) error {
		capArg, _, err := b.ownedArg(ctx, cap)
		if err != nil {
			return fmt.Errorf("StorageNodeCap: %w", err)
		}
		stk := b.staking(true)
		b.call("staking", fn, append([]sui.Argument{stk, capArg}, args(b)...)...)
		for _, f := range after {
			f(b, stk)
		}
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// CommissionAuth says who claims a node's commission: the holder of its StorageNodeCap
// (Cap set), or the signer's address (Cap nil), which must be the pool's commission
// receiver (register_candidate makes the cap the receiver; SetCommissionReceiver changes
// it).
type CommissionAuth struct {
	Cap *walrus.ID
}

// authArg adds auth::authenticate_with_object(&cap) or auth::authenticate_sender().
func (b *builder) authArg(ctx context.Context, auth CommissionAuth) (sui.Argument, error) {
	if auth.Cap == nil {
		return b.call("auth", "authenticate_sender"), nil
	}
	capArg, o, err := b.ownedArg(ctx, *auth.Cap)
	if err != nil {
		return sui.Argument{}, fmt.Errorf("StorageNodeCap: %w", err)
	}
	t := o.Data.Move.Type.StructTag()
	return b.MoveCall(b.c.deploy.Package, "auth", "authenticate_with_object", []sui.TypeTag{{Kind: sui.TypeStruct, Struct: &t}}, capArg), nil
}

// CollectCommission collects the node's commission that is not blocked
// (staking::collect_commission; commission added at an epoch change is blocked until the
// next voting_end) and sends the coin to receiver (default the signer). It returns the
// coin and the amount, which may be 0.
//
// Aborts: ErrAuthorizationFailure unless auth is the commission receiver.
func (c *Client) CollectCommission(ctx context.Context, nodeID walrus.ID, auth CommissionAuth, receiver *walrus.Address) (*Withdrawal, error) {
	to := c.Address()
	if receiver != nil {
		to = *receiver
	}
	what := fmt.Sprintf("collect commission of %s", nodeID)
	res, err := c.execute(ctx, what, func(b *builder) error {
		a, err := b.authArg(ctx, auth)
		if err != nil {
			return err
		}
		coin := b.call("staking", "collect_commission", b.staking(true), b.Pure(nodeID), a)
		b.TransferObjects([]sui.Argument{coin}, b.Pure(to))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.receivedCoin(res, what)
}

// SetCommissionReceiver makes receiver (an address or an object, walrus.Authorized) the
// node's commission receiver (staking::set_commission_receiver); auth must be the current
// receiver (ErrAuthorizationFailure).
func (c *Client) SetCommissionReceiver(ctx context.Context, nodeID walrus.ID, auth CommissionAuth, receiver walrus.Authorized) (sui.Digest, error) {
	res, err := c.execute(ctx, fmt.Sprintf("set commission receiver of %s", nodeID), func(b *builder) error {
		a, err := b.authArg(ctx, auth)
		if err != nil {
			return err
		}
		fn := "authorized_address"
		if receiver.Kind == walrus.AuthorizedObjectID {
			fn = "authorized_object"
		}
		r := b.call("auth", fn, b.Pure(receiver.ID))
		b.call("staking", "set_commission_receiver", b.staking(true), b.Pure(nodeID), a, r)
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// SetStoragePriceVote sets the node's storage price vote (FROST per MiB per epoch) and
// applies the committee's quorum price at once (staking::set_storage_price_vote then
// update_prices, which emits PricesUpdated, in one transaction).
func (c *Client) SetStoragePriceVote(ctx context.Context, cap walrus.ID, price uint64) (sui.Digest, error) {
	return c.capCall(ctx, fmt.Sprintf("vote storage price %d", price), cap, "set_storage_price_vote",
		func(b *builder) []sui.Argument { return []sui.Argument{b.Pure(price)} }, updatePrices)
}

// SetWritePriceVote sets the node's write price vote (FROST per MiB) and applies the
// quorum price (set_write_price_vote then update_prices).
func (c *Client) SetWritePriceVote(ctx context.Context, cap walrus.ID, price uint64) (sui.Digest, error) {
	return c.capCall(ctx, fmt.Sprintf("vote write price %d", price), cap, "set_write_price_vote",
		func(b *builder) []sui.Argument { return []sui.Argument{b.Pure(price)} }, updatePrices)
}

// SetNodeCapacityVote sets the node's capacity vote in bytes
// (staking::set_node_capacity_vote); the total capacity follows the committee's votes at
// the next voting_end.
func (c *Client) SetNodeCapacityVote(ctx context.Context, cap walrus.ID, capacity uint64) (sui.Digest, error) {
	return c.capCall(ctx, fmt.Sprintf("vote node capacity %d", capacity), cap, "set_node_capacity_vote",
		func(b *builder) []sui.Argument { return []sui.Argument{b.Pure(capacity)} })
}

// updatePrices adds staking::update_prices (in the same PTB as a price vote, as Walrus
// does).
func updatePrices(b *builder, staking sui.Argument) {
	b.call("staking", "update_prices", staking, b.system(true))
}

// TryJoinActiveSet puts the node's stake into the active set
// (staking::try_join_active_set), for a node left out while the set was full.
func (c *Client) TryJoinActiveSet(ctx context.Context, cap walrus.ID) (sui.Digest, error) {
	return c.capCall(ctx, "try join active set", cap, "try_join_active_set", func(*builder) []sui.Argument { return nil })
}

// VotingEnd ends the voting of the current epoch (staking::voting_end): it selects the
// next committee and capacity and emits EpochParametersSelected. Anyone may call it once
// the time has come (EpochState.VotingEndAt).
//
// Aborts: ErrWrongEpochState when it is too early, or when it is done already (another
// caller) or an epoch change is in progress.
func (c *Client) VotingEnd(ctx context.Context) (sui.Digest, error) {
	res, err := c.execute(ctx, "voting end", func(b *builder) error {
		b.call("staking", "voting_end", b.staking(true), b.clock())
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// InitiateEpochChange starts the epoch change (staking::initiate_epoch_change_v2): 3% of
// the ending epoch's rewards are burned through treasury (the shared
// wal::wal::ProtectedTreasury), the rest is distributed to the committee's pools, the
// selected committee takes over and EpochChangeStart and PricesUpdated are emitted.
// Anyone may call it once the time has come (EpochState.EpochChangeAt).
//
// Aborts: ErrNextCommitteeIsEmpty before voting_end or once the change is done (another
// caller); ErrWrongEpochState when it is too early.
func (c *Client) InitiateEpochChange(ctx context.Context, treasury walrus.ID) (sui.Digest, error) {
	tv, err := c.sharedVersion(ctx, treasury)
	if err != nil {
		return sui.Digest{}, fmt.Errorf("initiate epoch change: treasury: %w", err)
	}
	res, err := c.execute(ctx, "initiate epoch change", func(b *builder) error {
		b.call("staking", "initiate_epoch_change_v2", b.staking(true), b.system(true),
			b.Object(sui.SharedObjectArg(treasury, tv, true)), b.clock())
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// sharedVersion reads the initial shared version of a shared object.
func (c *Client) sharedVersion(ctx context.Context, id walrus.ID) (uint64, error) {
	o, err := c.object(ctx, id)
	if err != nil {
		return 0, err
	}
	if o.Owner.Kind != sui.OwnerShared {
		return 0, fmt.Errorf("%s is not a shared object (owner %s)", id, o.Owner.String())
	}
	return o.Owner.Version, nil
}

// EpochSyncDone attests, with the node's StorageNodeCap, that the node holds all its
// shards for epoch (staking::epoch_sync_done): ShardsReceived is emitted, and
// EpochChangeDone once the attesting nodes hold a quorum of shards.
//
// Aborts: ErrInvalidSyncEpoch (not the current epoch), ErrDuplicateSyncDone (attested
// already), ErrNotInCommittee.
func (c *Client) EpochSyncDone(ctx context.Context, cap walrus.ID, epoch uint32) (sui.Digest, error) {
	res, err := c.execute(ctx, fmt.Sprintf("epoch sync done %d", epoch), func(b *builder) error {
		capArg, _, err := b.ownedArg(ctx, cap)
		if err != nil {
			return fmt.Errorf("StorageNodeCap: %w", err)
		}
		b.call("staking", "epoch_sync_done", b.staking(true), capArg, b.Pure(epoch), b.clock())
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// IsAbort reports whether err is a transaction that aborted with one of the aborts.
func IsAbort(err error, aborts ...*Abort) bool {
	var ae *AbortError
	if !errors.As(err, &ae) {
		return false
	}
	for _, a := range aborts {
		if errors.Is(err, a) {
			return true
		}
	}
	return false
}
