package contract

import (
	"encoding/binary"
	"errors"
	"fmt"

	blst "github.com/supranational/blst/bindings/go"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

// This file is bls_aggregate.move (the BLS committee and certificate verification) and
// the parts of messages.move that read certified messages.

// UncompressedG1Size is keys.UncompressedG1Size.
const UncompressedG1Size = keys.UncompressedG1Size

// G1ToUncompressedG1 is sui::bls12381::g1_to_uncompressed_g1 (keys.G1ToUncompressedG1).
func G1ToUncompressedG1(compressed [keys.BLSPublicKeySize]byte) ([]byte, error) {
	return keys.G1ToUncompressedG1(compressed)
}

// UncompressedG1ToG1 is sui::bls12381::uncompressed_g1_to_g1 (keys.UncompressedG1ToG1).
func UncompressedG1ToG1(uncompressed []byte) ([keys.BLSPublicKeySize]byte, error) {
	return keys.UncompressedG1ToG1(uncompressed)
}

// uncompressedG1Sum is sui::bls12381::uncompressed_g1_sum followed by
// uncompressed_g1_to_g1: the compressed sum of the points (the identity, 0xc0 and zeros,
// for none).
func uncompressedG1Sum(points [][]byte) ([]byte, error) {
	var sum blst.P1 // the point at infinity
	for i, b := range points {
		if len(b) != UncompressedG1Size {
			return nil, fmt.Errorf("%w: member %d key of %d bytes, want %d", keys.ErrInvalidKey, i, len(b), UncompressedG1Size)
		}
		p := new(blst.P1Affine).Deserialize(b)
		if p == nil {
			return nil, fmt.Errorf("%w: member %d key is not an uncompressed G1 point", keys.ErrInvalidKey, i)
		}
		sum.AddAssign(p)
	}
	return sum.Compress(), nil
}

// NewBlsCommittee is bls_aggregate::new_bls_committee: the committee of epoch with the
// given members (in on-chain order), n_shards the sum of their weights and
// total_aggregated_key the sum of their keys (compressed).
//
// Errors: ErrBlsIncorrectCommittee for a member of weight 0; ErrArithmetic if the
// weights add up past u16; an error matching keys.ErrInvalidKey for a public key that is
// not a 96-byte uncompressed G1 point (which Move's Element type rules out).
func NewBlsCommittee(epoch uint32, members []walrus.BlsCommitteeMember) (walrus.BlsCommittee, error) {
	var nShards uint32
	pks := make([][]byte, len(members))
	for i, m := range members {
		if m.Weight == 0 {
			return walrus.BlsCommittee{}, ErrBlsIncorrectCommittee.with("member %d (%s) has weight 0", i, m.NodeID)
		}
		nShards += uint32(m.Weight)
		if nShards > 0xffff {
			return walrus.BlsCommittee{}, arithmetic("walrus::bls_aggregate::new_bls_committee", "the weights add up past u16")
		}
		pks[i] = m.PublicKey
	}
	total, err := uncompressedG1Sum(pks)
	if err != nil {
		return walrus.BlsCommittee{}, err
	}
	out := make([]walrus.BlsCommitteeMember, len(members))
	for i, m := range members {
		out[i] = m
		out[i].PublicKey = append([]byte(nil), m.PublicKey...)
	}
	if len(out) == 0 {
		out = nil
	}
	return walrus.BlsCommittee{Members: out, NShards: uint16(nShards), Epoch: epoch, TotalAggregatedKey: total}, nil
}

// MessagesCommittee converts the on-chain committee to the chain/messages form, whose
// keys are 48-byte compressed (the on-chain keys are 96-byte uncompressed).
func MessagesCommittee(c *walrus.BlsCommittee) (messages.Committee, error) {
	mc := messages.Committee{Epoch: c.Epoch, NShards: c.NShards, Members: make([]messages.Member, len(c.Members))}
	for i, m := range c.Members {
		pk, err := UncompressedG1ToG1(m.PublicKey)
		if err != nil {
			return messages.Committee{}, fmt.Errorf("contract: committee member %d (%s): %w", i, m.NodeID, err)
		}
		mc.Members[i] = messages.Member{NodeID: m.NodeID, PublicKey: pk, Weight: m.Weight}
	}
	return mc, nil
}

// CertifiedMessage is messages.move CertifiedMessage: a message certified by signers
// holding StakeSupport shards, split after its header.
type CertifiedMessage struct {
	IntentType    uint8
	IntentVersion uint8
	CertEpoch     uint32
	Message       []byte // the body, after the 7-byte header
	StakeSupport  uint16
}

// VerifyQuorumInEpoch is bls_aggregate::verify_quorum_in_epoch: the certificate must be
// signed by a quorum (3·weight ≥ 2·n_shards + 1) of c and be for c's epoch.
func VerifyQuorumInEpoch(c *walrus.BlsCommittee, signature, signersBitmap, message []byte) (CertifiedMessage, error) {
	weight, err := verifyCertificateAndWeight(c, signature, signersBitmap, message, messages.Quorum)
	if err != nil {
		return CertifiedMessage{}, err
	}
	return newCertifiedMessage(message, c.Epoch, weight)
}

// VerifyOneCorrectNodeInEpoch is bls_aggregate::verify_one_correct_node_in_epoch: as
// VerifyQuorumInEpoch with the weight of one correct node (3·weight ≥ n_shards + 1).
func VerifyOneCorrectNodeInEpoch(c *walrus.BlsCommittee, signature, signersBitmap, message []byte) (CertifiedMessage, error) {
	weight, err := verifyCertificateAndWeight(c, signature, signersBitmap, message, messages.OneCorrectNode)
	if err != nil {
		return CertifiedMessage{}, err
	}
	return newCertifiedMessage(message, c.Epoch, weight)
}

// verifyCertificateAndWeight is bls_aggregate::verify_certificate_and_weight, checked
// with messages.Committee.VerifyCertificate and its errors mapped to Move's aborts, in
// Move's order: the bitmap (EInvalidBitmap), the weight (ENotEnoughStake), the signature
// (ESigVerification; a signature of another length than 96 bytes, which
// bls12381_min_pk_verify rejects, too). It returns the signers' weight.
//
// VerifyCertificate goes on to check the message header; when that fails, the signature
// has been verified and the header's abort is left to newCertifiedMessage, which reads
// the header as Move does.
//
// Move computes the signers' key as total_aggregated_key minus the non-signers' keys,
// VerifyCertificate as the sum of the signers' keys: the same point, as long as
// total_aggregated_key is the sum of the members' keys, which NewBlsCommittee
// guarantees.
func verifyCertificateAndWeight(c *walrus.BlsCommittee, signature, signersBitmap, message []byte, required messages.RequiredWeight) (uint16, error) {
	mc, err := MessagesCommittee(c)
	if err != nil {
		return 0, err
	}
	var sig [messages.SignatureSize]byte
	if len(signature) == len(sig) {
		copy(sig[:], signature)
	} // else all zeros: no compressed G2 point, so it fails as ESigVerification after the weight check
	weight, err := mc.VerifyCertificate(signersBitmap, message, sig, required)
	switch {
	case err == nil:
		return weight, nil
	case errors.Is(err, messages.ErrInvalidBitmap):
		return 0, ErrInvalidBitmap.with("%v", err)
	case errors.Is(err, messages.ErrNotEnoughWeight):
		return 0, ErrNotEnoughStake.with("%v", err)
	case errors.Is(err, messages.ErrInvalidCommittee):
		// Weights of 0 or not adding up to n_shards, or a member key that is no public
		// key: a committee Move cannot have built.
		return 0, fmt.Errorf("contract: the on-chain committee of epoch %d is malformed: %w", c.Epoch, err)
	case errors.Is(err, keys.ErrInvalidSignature), errors.Is(err, keys.ErrInvalidKey), errors.Is(err, keys.ErrSignatureLength):
		if len(signature) != len(sig) {
			return 0, ErrSigVerification.with("signature of %d bytes, want %d", len(signature), len(sig))
		}
		return 0, ErrSigVerification.with("%v", err)
	case errors.Is(err, messages.ErrTruncated), errors.Is(err, messages.ErrWrongVersion),
		errors.Is(err, messages.ErrWrongApp), errors.Is(err, messages.ErrWrongEpoch):
		// The signature verified; the header is wrong.
		signers, berr := messages.SignersFromBitmap(signersBitmap, len(mc.Members))
		if berr != nil {
			return 0, ErrInvalidBitmap.with("%v", berr)
		}
		var w uint16
		for _, s := range signers {
			w += mc.Members[s].Weight
		}
		if _, herr := newCertifiedMessage(message, c.Epoch, w); herr != nil {
			return 0, herr
		}
		return 0, fmt.Errorf("contract: certificate rejected by chain/messages but its header passes Move's checks: %w", err)
	default:
		return 0, fmt.Errorf("contract: verifying a certificate: %w", err)
	}
}

// moveBCS is sui::bcs's BCS reader, with its aborts (EOutOfRange).
type moveBCS struct{ b []byte }

func (r *moveBCS) peel(n int, what string) ([]byte, error) {
	if len(r.b) < n {
		return nil, ErrBCSOutOfRange.with("peeling %s (%d bytes) from %d bytes", what, n, len(r.b))
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out, nil
}

func (r *moveBCS) peelU8() (uint8, error) {
	b, err := r.peel(1, "u8")
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (r *moveBCS) peelU32() (uint32, error) {
	b, err := r.peel(4, "u32")
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

// peelU256 returns the u256's 32 little-endian bytes.
func (r *moveBCS) peelU256() ([32]byte, error) {
	var out [32]byte
	b, err := r.peel(32, "u256")
	if err == nil {
		copy(out[:], b)
	}
	return out, err
}

func (r *moveBCS) peelAddress() (walrus.ID, error) {
	var out walrus.ID
	b, err := r.peel(32, "address")
	if err == nil {
		copy(out[:], b)
	}
	return out, err
}

// Constants of messages.move.
const (
	moveAppID          uint8 = 3
	moveIntentVersion  uint8 = 0
	msgTypeBlobCert    uint8 = 1
	msgTypeInvalidBlob uint8 = 2
)

// newCertifiedMessage is messages::new_certified_message: it reads the header, checking
// the intent version (EIncorrectIntentVersion), the app ID (EIncorrectAppId) and the
// epoch (EIncorrectEpoch), each right after reading it; a message too short for a field
// aborts with sui::bcs EOutOfRange when that field is read.
func newCertifiedMessage(messageBytes []byte, committeeEpoch uint32, stakeSupport uint16) (CertifiedMessage, error) {
	r := moveBCS{b: messageBytes}
	intentType, err := r.peelU8()
	if err != nil {
		return CertifiedMessage{}, err
	}
	intentVersion, err := r.peelU8()
	if err != nil {
		return CertifiedMessage{}, err
	}
	if intentVersion != moveIntentVersion {
		return CertifiedMessage{}, ErrIncorrectIntentVersion.with("intent version %d", intentVersion)
	}
	intentApp, err := r.peelU8()
	if err != nil {
		return CertifiedMessage{}, err
	}
	if intentApp != moveAppID {
		return CertifiedMessage{}, ErrIncorrectAppID.with("app ID %d", intentApp)
	}
	certEpoch, err := r.peelU32()
	if err != nil {
		return CertifiedMessage{}, err
	}
	if certEpoch != committeeEpoch {
		return CertifiedMessage{}, ErrIncorrectEpoch.with("message of epoch %d, committee of epoch %d", certEpoch, committeeEpoch)
	}
	return CertifiedMessage{
		IntentType:    intentType,
		IntentVersion: intentVersion,
		CertEpoch:     certEpoch,
		Message:       append([]byte(nil), r.b...),
		StakeSupport:  stakeSupport,
	}, nil
}

// CertifiedBlobMessage is messages.move CertifiedBlobMessage.
type CertifiedBlobMessage struct {
	BlobID      encoding.BlobID // u256
	Persistence messages.BlobPersistence
}

// CertifyBlobMessage is messages::certify_blob_message: the message must be a BLOB_CERT
// (EInvalidMsgType); its body is a u256 blob ID and a BlobPersistenceType (tag 0
// Permanent, tag 1 Deletable with an object ID, any other EInvalidBlobPersistenceType).
// Bytes after them are ignored, on purpose in Move (extensibility).
func (m CertifiedMessage) CertifyBlobMessage() (CertifiedBlobMessage, error) {
	if m.IntentType != msgTypeBlobCert {
		return CertifiedBlobMessage{}, ErrInvalidMsgType.with("intent %d, want BLOB_CERT (%d)", m.IntentType, msgTypeBlobCert)
	}
	r := moveBCS{b: m.Message}
	blobID, err := r.peelU256()
	if err != nil {
		return CertifiedBlobMessage{}, err
	}
	// peel_blob_persistence_type
	typeID, err := r.peelU8()
	if err != nil {
		return CertifiedBlobMessage{}, err
	}
	switch typeID {
	case 0:
		return CertifiedBlobMessage{BlobID: blobID, Persistence: messages.Permanent()}, nil
	case 1:
		objectID, err := r.peelAddress()
		if err != nil {
			return CertifiedBlobMessage{}, err
		}
		return CertifiedBlobMessage{BlobID: blobID, Persistence: messages.Deletable(objectID)}, nil
	default:
		return CertifiedBlobMessage{}, ErrMsgInvalidBlobPersistenceType.with("persistence tag %d", typeID)
	}
}

// InvalidBlobIDMessage is messages::invalid_blob_id_message: the message must be an
// INVALID_BLOB_ID (EInvalidMsgType) and starts with the u256 blob ID.
func (m CertifiedMessage) InvalidBlobIDMessage() (encoding.BlobID, error) {
	if m.IntentType != msgTypeInvalidBlob {
		return encoding.BlobID{}, ErrInvalidMsgType.with("intent %d, want INVALID_BLOB_ID (%d)", m.IntentType, msgTypeInvalidBlob)
	}
	r := moveBCS{b: m.Message}
	id, err := r.peelU256()
	return encoding.BlobID(id), err
}

// blobPersistenceObjectID is messages::BlobPersistenceType::object_id: ENotDeletable for
// a permanent blob.
func blobPersistenceObjectID(p messages.BlobPersistence) (walrus.ID, error) {
	if !p.Deletable {
		return walrus.ID{}, ErrNotDeletable
	}
	return p.ObjectID, nil
}
