package exec

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// GenesisMarker is the previous transaction of objects that exist from genesis: Sui's
// TransactionDigest::genesis_marker (32 zero bytes), which effects leave out of
// dependencies.
var GenesisMarker sui.Digest

// GenesisVersion is the version of genesis objects (Sui's OBJECT_START_VERSION).
const GenesisVersion uint64 = 1

// ClockID is the shared Clock object, 0x6; ClockInitialSharedVersion its initial shared
// version, as on every Sui network.
var ClockID = walrus.MustParseID("0x6")

// ClockInitialSharedVersion is SUI_CLOCK_OBJECT_SHARED_VERSION.
const ClockInitialSharedVersion uint64 = 1

// ClockType is 0x2::clock::Clock; ClockTypeTag the same as a TypeTag (for Param{Ref,
// ClockTypeTag}).
var (
	ClockType    = sui.StructTag{Address: addr2, Module: "clock", Name: "Clock"}
	ClockTypeTag = sui.TypeTag{Kind: sui.TypeStruct, Struct: &ClockType}
)

// DeriveObjectID is Sui's ObjectID::derive_id: the ID of the creationIndex-th object
// a transaction creates, BLAKE2b-256(0xf1 ‖ tx digest ‖ creationIndex as u64 LE).
func DeriveObjectID(txDigest sui.Digest, creationIndex uint64) walrus.ID {
	var buf [1 + 32 + 8]byte
	buf[0] = 0xf1 // HashingIntentScope::RegularObjectId
	copy(buf[1:33], txDigest[:])
	binary.LittleEndian.PutUint64(buf[33:], creationIndex)
	return walrus.ID(blake2b.Sum256(buf[:]))
}

// CoinContents is the BCS of 0x2::coin::Coin<T> { id: UID, balance: Balance<T> }.
func CoinContents(id walrus.ID, balance uint64) []byte {
	b := make([]byte, 40)
	copy(b, id[:])
	binary.LittleEndian.PutUint64(b[32:], balance)
	return b
}

// CoinValue returns the balance of a Coin<T> object (any T).
func CoinValue(o *sui.Object) (uint64, bool) {
	if o.Data.Kind != sui.DataMove || o.Data.Move.Type.CoinParam() == nil || len(o.Data.Move.Contents) != 40 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(o.Data.Move.Contents[32:]), true
}

// NewObject builds a Move object as genesis (or a test) would create it: at version,
// written by prevTx, with Sui's compact type form and the storage rebate its storage cost
// at the default storage price.
func NewObject(typ sui.StructTag, hasPublicTransfer bool, contents []byte, owner sui.Owner, version uint64, prevTx sui.Digest) *sui.Object {
	o := &sui.Object{
		Data: sui.ObjectData{Kind: sui.DataMove, Move: sui.MoveObject{
			Type:              sui.NewMoveObjectType(typ),
			HasPublicTransfer: hasPublicTransfer,
			Version:           version,
			Contents:          append([]byte(nil), contents...),
		}},
		Owner:               owner,
		PreviousTransaction: prevTx,
	}
	o.StorageRebate = StorageCost(o, DefaultStorageGasPrice)
	return o
}

// NewCoin is a genesis Coin<coinType> with the given ID and balance owned by owner.
func NewCoin(id walrus.ID, coinType sui.TypeTag, owner walrus.Address, balance uint64) *sui.Object {
	return NewObject(*sui.CoinType(coinType).Struct, true, CoinContents(id, balance), sui.AddressOwned(owner), GenesisVersion, GenesisMarker)
}

// NewGasCoin is a genesis 0x2::coin::Coin<0x2::sui::SUI>.
func NewGasCoin(id walrus.ID, owner walrus.Address, balance uint64) *sui.Object {
	return NewCoin(id, sui.SUIType, owner, balance)
}

// NewClock is the genesis Clock object 0x6 (Clock { id: UID, timestamp_ms: u64 }),
// shared at version 1.
func NewClock(timestampMs uint64) *sui.Object {
	b := make([]byte, 40)
	copy(b, ClockID[:])
	binary.LittleEndian.PutUint64(b[32:], timestampMs)
	return NewObject(ClockType, false, b, sui.SharedOwner(ClockInitialSharedVersion), ClockInitialSharedVersion, GenesisMarker)
}

// ClockTimestamp reads timestamp_ms from a Clock object.
func ClockTimestamp(o *sui.Object) (uint64, error) {
	if o.Data.Kind != sui.DataMove || len(o.Data.Move.Contents) != 40 {
		return 0, fmt.Errorf("exec: not a Clock object")
	}
	s := o.Data.Move.Type.StructTag()
	if !s.Equal(&ClockType) {
		return 0, fmt.Errorf("exec: object of type %s is not a Clock", s.String())
	}
	return binary.LittleEndian.Uint64(o.Data.Move.Contents[32:]), nil
}

// Genesis collects genesis objects with deterministic IDs (DeriveObjectID of
// GenesisMarker and a counter). Insert the result with MemStore.Insert.
type Genesis struct {
	next    uint64
	Objects []*sui.Object
}

// NewID returns the next genesis object ID.
func (g *Genesis) NewID() walrus.ID {
	id := DeriveObjectID(GenesisMarker, g.next)
	g.next++
	return id
}

// Coin adds a Coin<coinType> owned by owner and returns its ID.
func (g *Genesis) Coin(coinType sui.TypeTag, owner walrus.Address, balance uint64) walrus.ID {
	id := g.NewID()
	g.Objects = append(g.Objects, NewCoin(id, coinType, owner, balance))
	return id
}

// GasCoin adds a SUI coin owned by owner and returns its ID.
func (g *Genesis) GasCoin(owner walrus.Address, balance uint64) walrus.ID {
	return g.Coin(sui.SUIType, owner, balance)
}

// Clock adds the Clock object 0x6.
func (g *Genesis) Clock(timestampMs uint64) {
	g.Objects = append(g.Objects, NewClock(timestampMs))
}

// Object adds a Move object whose contents start with a fresh genesis ID: fields is the
// BCS of the struct's fields after its UID. Shared objects get initial shared version
// GenesisVersion whatever owner.Version says.
func (g *Genesis) Object(typ sui.StructTag, hasPublicTransfer bool, fields []byte, owner sui.Owner) walrus.ID {
	id := g.NewID()
	if owner.Kind == sui.OwnerShared {
		owner.Version = GenesisVersion
	}
	contents := append(id[:len(id):len(id)], fields...)
	g.Objects = append(g.Objects, NewObject(typ, hasPublicTransfer, contents, owner, GenesisVersion, GenesisMarker))
	return id
}
