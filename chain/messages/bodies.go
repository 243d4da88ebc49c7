package messages

import (
	"fmt"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// BlobPersistence is walrus-core's BlobPersistenceType: Permanent (tag 0), or
// Deletable { object_id } (tag 1) naming the Blob object. ObjectID is zero for Permanent.
type BlobPersistence struct {
	Deletable bool
	ObjectID  [32]byte
}

// Permanent is the persistence of a permanent blob.
func Permanent() BlobPersistence { return BlobPersistence{} }

// Deletable is the persistence of the deletable Blob object objectID.
func Deletable(objectID [32]byte) BlobPersistence {
	return BlobPersistence{Deletable: true, ObjectID: objectID}
}

func (p BlobPersistence) String() string {
	if !p.Deletable {
		return "Permanent"
	}
	return fmt.Sprintf("Deletable(0x%x)", p.ObjectID)
}

func (p BlobPersistence) MarshalBCS(e *bcs.Encoder) {
	if !p.Deletable {
		e.U8(0)
		return
	}
	e.U8(1)
	e.Fixed(p.ObjectID[:])
}

func (p *BlobPersistence) UnmarshalBCS(d *bcs.Decoder) {
	*p = BlobPersistence{}
	switch tag(d, "BlobPersistenceType", 2) {
	case 0:
	case 1:
		if need(d, 32) {
			p.Deletable = true
			d.FixedInto(p.ObjectID[:])
		}
	}
}

// StorageConfirmation is the body of a BLOB_CERT message (StorageConfirmationBody): a
// node's statement that it stores its slivers of BlobID.
type StorageConfirmation struct {
	BlobID      encoding.BlobID
	Persistence BlobPersistence
}

func (c StorageConfirmation) MarshalBCS(e *bcs.Encoder) {
	e.Fixed(c.BlobID[:])
	c.Persistence.MarshalBCS(e)
}

func (c *StorageConfirmation) UnmarshalBCS(d *bcs.Decoder) {
	*c = StorageConfirmation{}
	if need(d, 32) {
		d.FixedInto(c.BlobID[:])
	}
	c.Persistence.UnmarshalBCS(d)
}

// NewStorageConfirmationMessage serializes a BLOB_CERT message.
func NewStorageConfirmationMessage(epoch uint32, c StorageConfirmation) []byte {
	return build(IntentBlobCert, epoch, c)
}

// ParseStorageConfirmation parses a BLOB_CERT message.
func ParseStorageConfirmation(b []byte) (Message[StorageConfirmation], error) {
	return parseMessage[StorageConfirmation](b, IntentBlobCert)
}

// InvalidBlobID is the body of an INVALID_BLOB_ID message: the blob ID alone.
type InvalidBlobID struct {
	BlobID encoding.BlobID
}

func (m InvalidBlobID) MarshalBCS(e *bcs.Encoder) { e.Fixed(m.BlobID[:]) }

func (m *InvalidBlobID) UnmarshalBCS(d *bcs.Decoder) {
	*m = InvalidBlobID{}
	if need(d, 32) {
		d.FixedInto(m.BlobID[:])
	}
}

// NewInvalidBlobIDMessage serializes an INVALID_BLOB_ID message.
func NewInvalidBlobIDMessage(epoch uint32, blobID encoding.BlobID) []byte {
	return build(IntentInvalidBlobID, epoch, InvalidBlobID{BlobID: blobID})
}

// ParseInvalidBlobID parses an INVALID_BLOB_ID message.
func ParseInvalidBlobID(b []byte) (Message[InvalidBlobID], error) {
	return parseMessage[InvalidBlobID](b, IntentInvalidBlobID)
}

// ProofOfPossession is the body of a PROOF_OF_POSSESSION message: the registering
// transaction's sender and the node's BLS public key (48 raw bytes, no length prefix, as
// Move's ProofOfPossessionMessage::to_bcs appends it). The message epoch is the current
// Walrus epoch.
type ProofOfPossession struct {
	SuiAddress   [32]byte
	BLSPublicKey [keys.BLSPublicKeySize]byte
}

func (m ProofOfPossession) MarshalBCS(e *bcs.Encoder) {
	e.Fixed(m.SuiAddress[:])
	e.Fixed(m.BLSPublicKey[:])
}

func (m *ProofOfPossession) UnmarshalBCS(d *bcs.Decoder) {
	*m = ProofOfPossession{}
	if need(d, 32+keys.BLSPublicKeySize) {
		d.FixedInto(m.SuiAddress[:])
		d.FixedInto(m.BLSPublicKey[:])
	}
}

// NewProofOfPossessionMessage serializes a PROOF_OF_POSSESSION message.
func NewProofOfPossessionMessage(epoch uint32, suiAddress [32]byte, blsPublicKey [keys.BLSPublicKeySize]byte) []byte {
	return build(IntentProofOfPossession, epoch, ProofOfPossession{SuiAddress: suiAddress, BLSPublicKey: blsPublicKey})
}

// ParseProofOfPossession parses a PROOF_OF_POSSESSION message.
func ParseProofOfPossession(b []byte) (Message[ProofOfPossession], error) {
	return parseMessage[ProofOfPossession](b, IntentProofOfPossession)
}

// SignProofOfPossession returns the 96-byte signature a node registers with
// (staking_pool.move new → messages::verify_proof_of_possession): the node's BLS key over
// the PROOF_OF_POSSESSION message for its own public key.
func SignProofOfPossession(key *keys.BLSKey, epoch uint32, suiAddress [32]byte) []byte {
	return key.Sign(NewProofOfPossessionMessage(epoch, suiAddress, key.PublicKey()))
}

// VerifyProofOfPossession checks a proof of possession as Move does.
func VerifyProofOfPossession(epoch uint32, suiAddress [32]byte, blsPublicKey [keys.BLSPublicKeySize]byte, signature []byte) error {
	return keys.VerifyBLS(blsPublicKey[:], NewProofOfPossessionMessage(epoch, suiAddress, blsPublicKey), signature)
}

// SliverType selects primary or secondary slivers (walrus-core SliverType, a BCS enum).
type SliverType uint8

const (
	SliverPrimary   SliverType = 0
	SliverSecondary SliverType = 1
)

func (t SliverType) String() string {
	switch t {
	case SliverPrimary:
		return "primary"
	case SliverSecondary:
		return "secondary"
	default:
		return fmt.Sprintf("SliverType(%d)", uint8(t))
	}
}

// SyncShardRequest is the body of a SYNC_SHARD message, enum SyncShardRequest with the
// single variant V1 (tag 0).
type SyncShardRequest struct {
	ShardIndex     uint16
	SliverType     SliverType
	StartingBlobID encoding.BlobID
	SliverCount    uint64
	// Epoch up to which blobs were certified (the previous epoch during an epoch change).
	Epoch uint32
}

func (r SyncShardRequest) MarshalBCS(e *bcs.Encoder) {
	e.U8(0) // V1
	e.U16(r.ShardIndex)
	e.U8(uint8(r.SliverType))
	e.Fixed(r.StartingBlobID[:])
	e.U64(r.SliverCount)
	e.U32(r.Epoch)
}

func (r *SyncShardRequest) UnmarshalBCS(d *bcs.Decoder) {
	*r = SyncShardRequest{}
	if tag(d, "SyncShardRequest", 1) != 0 {
		return
	}
	if need(d, 2) {
		r.ShardIndex = d.U16()
	}
	r.SliverType = SliverType(max(tag(d, "SliverType", 2), 0))
	if need(d, 32+8+4) {
		d.FixedInto(r.StartingBlobID[:])
		r.SliverCount = d.U64()
		r.Epoch = d.U32()
	}
}

// NewSyncShardRequestMessage serializes a SYNC_SHARD message.
func NewSyncShardRequestMessage(epoch uint32, r SyncShardRequest) []byte {
	return build(IntentSyncShard, epoch, r)
}

// ParseSyncShardRequest parses a SYNC_SHARD message.
func ParseSyncShardRequest(b []byte) (Message[SyncShardRequest], error) {
	return parseMessage[SyncShardRequest](b, IntentSyncShard)
}

func build(intent IntentType, epoch uint32, body bcs.Marshaler) []byte {
	var e bcs.Encoder
	e.Fixed(appendHeader(make([]byte, 0, HeaderSize), intent, epoch))
	body.MarshalBCS(&e)
	return e.Bytes()
}
