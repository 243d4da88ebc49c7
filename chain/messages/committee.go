package messages

import (
	"fmt"
	"math"

	"github.com/tuskstore/tusk/chain/keys"
)

// Member is one committee member: its node (storage pool) ID, BLS public key and the
// number of shards it holds.
type Member struct {
	NodeID    [32]byte
	PublicKey [keys.BLSPublicKeySize]byte
	Weight    uint16
}

// Committee is the signing committee of an epoch, Move's BlsCommittee: members in
// on-chain order (sorted by node ID), whose index is the signer index in certificates.
type Committee struct {
	Epoch   uint32
	NShards uint16
	Members []Member
}

// RequiredWeight selects the weight a certificate needs (Move RequiredWeight).
type RequiredWeight int

const (
	// Quorum: 3·weight ≥ 2·n_shards + 1 (certify_blob).
	Quorum RequiredWeight = iota
	// OneCorrectNode: 3·weight ≥ n_shards + 1 (invalidate_blob_id).
	OneCorrectNode
)

func (r RequiredWeight) String() string {
	switch r {
	case Quorum:
		return "quorum"
	case OneCorrectNode:
		return "one correct node"
	default:
		return fmt.Sprintf("RequiredWeight(%d)", int(r))
	}
}

// IsQuorum reports 3·weight ≥ 2·n_shards + 1 (Move bls_aggregate::is_quorum).
func (c *Committee) IsQuorum(weight int) bool {
	return weight >= 0 && 3*uint64(weight) >= 2*uint64(c.NShards)+1
}

// IsOneCorrect reports 3·weight ≥ n_shards + 1 (Move includes_one_correct_node): the
// signers include at least one honest node.
func (c *Committee) IsOneCorrect(weight int) bool {
	return weight >= 0 && 3*uint64(weight) >= uint64(c.NShards)+1
}

func (c *Committee) meets(weight int, r RequiredWeight) (bool, error) {
	switch r {
	case Quorum:
		return c.IsQuorum(weight), nil
	case OneCorrectNode:
		return c.IsOneCorrect(weight), nil
	default:
		return false, fmt.Errorf("messages: unknown required weight %d", int(r))
	}
}

// Validate checks what Move's new_bls_committee guarantees: every weight is positive
// and the weights add up to NShards.
func (c *Committee) Validate() error {
	total := 0
	for i, m := range c.Members {
		if m.Weight == 0 {
			return fmt.Errorf("%w: member %d has weight 0", ErrInvalidCommittee, i)
		}
		total += int(m.Weight)
	}
	if total > math.MaxUint16 || total != int(c.NShards) {
		return fmt.Errorf("%w: member weights add up to %d, n_shards is %d", ErrInvalidCommittee, total, c.NShards)
	}
	return nil
}

// Weight is the total weight of the members at the given indices (distinct, in range).
func (c *Committee) Weight(signers []int) (int, error) {
	if _, err := SignersBitmap(signers, len(c.Members)); err != nil {
		return 0, err
	}
	w := 0
	for _, s := range signers {
		w += int(c.Members[s].Weight)
	}
	return w, nil
}

// VerifyCertificate checks a certificate as Move's verify_certificate_and_weight and
// new_certified_message do, in the same order, and returns the signers' weight:
//
//  1. the bitmap is at most ceil(members/8) bytes and has no bit set past the last
//     member (ErrInvalidBitmap);
//  2. the signers' weight meets required (ErrNotEnoughWeight);
//  3. the signature verifies under the signers' aggregate key (ErrInvalidSignature);
//  4. the message header has version 0 and app id 3 and its epoch is the committee's
//     (ErrTruncated, ErrWrongVersion, ErrWrongApp, ErrWrongEpoch).
//
// The intent type is not checked here (certify_blob and invalidate_blob_id check it
// afterwards); use ParseStorageConfirmation or ParseInvalidBlobID on message.
func (c *Committee) VerifyCertificate(signersBitmap, message []byte, signature [SignatureSize]byte, required RequiredWeight) (uint16, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	signers, err := SignersFromBitmap(signersBitmap, len(c.Members))
	if err != nil {
		return 0, err
	}
	weight := 0
	pubs := make([][]byte, len(signers))
	for i, s := range signers {
		weight += int(c.Members[s].Weight)
		pubs[i] = c.Members[s].PublicKey[:]
	}
	ok, err := c.meets(weight, required)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%w: signers hold %d of %d shards, not enough for %s", ErrNotEnoughWeight, weight, c.NShards, required)
	}
	aggPub, err := keys.AggregatePublicKeys(pubs)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrInvalidCommittee, err)
	}
	if err := keys.VerifyBLS(aggPub, message, signature[:]); err != nil {
		return 0, fmt.Errorf("messages: certificate signature: %w", err)
	}
	m, err := ParseProtocolMessage(message)
	if err != nil {
		return 0, fmt.Errorf("messages: certified message: %w", err)
	}
	if m.Epoch != c.Epoch {
		return 0, fmt.Errorf("%w: certified message of epoch %d, committee of epoch %d", ErrWrongEpoch, m.Epoch, c.Epoch)
	}
	return uint16(weight), nil
}

// VerifyConfirmationCertificate is VerifyCertificate for a certificate with signer
// indices (converted to the bitmap Move would receive; duplicate or out-of-range indices
// are ErrInvalidSigners).
func (c *Committee) VerifyConfirmationCertificate(cert ConfirmationCertificate, required RequiredWeight) (uint16, error) {
	bitmap, err := cert.Bitmap(len(c.Members))
	if err != nil {
		return 0, err
	}
	return c.VerifyCertificate(bitmap, cert.SerializedMessage, cert.Signature, required)
}
