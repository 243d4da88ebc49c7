package sui

import (
	"fmt"

	"github.com/tuskstore/tusk/internal/bcs"
)

// CheckpointCommitmentKind is the variant of a CheckpointCommitment.
type CheckpointCommitmentKind uint8

// CheckpointCommitment variants.
const (
	// ECMHLiveObjectSetDigest: the elliptic-curve multiset hash of the live object set
	// (ECMHLiveObjectSetDigest { digest }), in end-of-epoch data.
	CommitmentECMHLiveObjectSet CheckpointCommitmentKind = 0
	// CheckpointArtifactsDigest: the root over the checkpoint's artifacts (the states of
	// the objects it modified).
	CommitmentCheckpointArtifacts CheckpointCommitmentKind = 1
)

// CheckpointCommitment is a digest a checkpoint commits to; both variants carry one Digest.
type CheckpointCommitment struct {
	Kind   CheckpointCommitmentKind
	Digest Digest
}

func (c *CheckpointCommitment) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(c.Kind))
	c.Digest.MarshalBCS(e)
}

func (c *CheckpointCommitment) UnmarshalBCS(d *bcs.Decoder) {
	c.Kind = CheckpointCommitmentKind(d.Tag(2))
	c.Digest.UnmarshalBCS(d)
}

func putCommitments(e *bcs.Encoder, cs []CheckpointCommitment) {
	e.ULEB128(uint64(len(cs)))
	for i := range cs {
		cs[i].MarshalBCS(e)
	}
}

func getCommitments(d *bcs.Decoder) []CheckpointCommitment {
	n := d.Len(2 + DigestSize)
	if d.Err() != nil || n == 0 {
		return nil
	}
	cs := make([]CheckpointCommitment, n)
	for i := range cs {
		if cs[i].UnmarshalBCS(d); d.Err() != nil {
			return nil
		}
	}
	return cs
}

// AuthorityPublicKeySize is the size of a validator's BLS12-381 (min-sig, G2) public key.
const AuthorityPublicKeySize = 96

// CommitteeMember is a validator of the next epoch's committee: its protocol public key
// (AuthorityPublicKeyBytes, on the wire a byte vector that must hold 96 bytes; the point is
// not validated, as in Sui) and its voting power.
type CommitteeMember struct {
	PublicKey [AuthorityPublicKeySize]byte
	Stake     uint64
}

// EndOfEpochData is present in the last checkpoint of an epoch.
type EndOfEpochData struct {
	NextEpochCommittee       []CommitteeMember
	NextEpochProtocolVersion uint64
	EpochCommitments         []CheckpointCommitment
}

func (x *EndOfEpochData) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(len(x.NextEpochCommittee)))
	for i := range x.NextEpochCommittee {
		m := &x.NextEpochCommittee[i]
		e.ByteVec(m.PublicKey[:])
		e.U64(m.Stake)
	}
	e.U64(x.NextEpochProtocolVersion)
	putCommitments(e, x.EpochCommitments)
}

func (x *EndOfEpochData) UnmarshalBCS(d *bcs.Decoder) {
	*x = EndOfEpochData{}
	if n := d.Len(1 + AuthorityPublicKeySize + 8); n > 0 {
		x.NextEpochCommittee = make([]CommitteeMember, n)
		for i := range x.NextEpochCommittee {
			m := &x.NextEpochCommittee[i]
			if k := d.Len(1); d.Err() == nil && k != AuthorityPublicKeySize {
				d.Failf("authority public key of %d bytes, want %d", k, AuthorityPublicKeySize)
			}
			d.FixedInto(m.PublicKey[:])
			m.Stake = d.U64()
			if d.Err() != nil {
				return
			}
		}
	}
	x.NextEpochProtocolVersion = d.U64()
	x.EpochCommitments = getCommitments(d)
}

// CheckpointSummary is a checkpoint's header (sui_types::messages_checkpoint::
// CheckpointSummary), what validators sign. VersionSpecificData is kept as bytes (Sui
// parses it by protocol version: BCS CheckpointVersionSpecificData, randomness rounds).
type CheckpointSummary struct {
	Epoch                      uint64
	SequenceNumber             uint64
	NetworkTotalTransactions   uint64 // since genesis, including this checkpoint's
	ContentDigest              Digest // CheckpointContents.Digest()
	PreviousDigest             *Digest
	EpochRollingGasCostSummary GasCostSummary
	TimestampMs                uint64
	CheckpointCommitments      []CheckpointCommitment
	EndOfEpochData             *EndOfEpochData
	VersionSpecificData        []byte
}

func (s *CheckpointSummary) MarshalBCS(e *bcs.Encoder) {
	e.U64(s.Epoch)
	e.U64(s.SequenceNumber)
	e.U64(s.NetworkTotalTransactions)
	s.ContentDigest.MarshalBCS(e)
	putOptDigest(e, s.PreviousDigest)
	s.EpochRollingGasCostSummary.MarshalBCS(e)
	e.U64(s.TimestampMs)
	putCommitments(e, s.CheckpointCommitments)
	if s.EndOfEpochData == nil {
		e.U8(0)
	} else {
		e.U8(1)
		s.EndOfEpochData.MarshalBCS(e)
	}
	e.ByteVec(s.VersionSpecificData)
}

func (s *CheckpointSummary) UnmarshalBCS(d *bcs.Decoder) {
	*s = CheckpointSummary{}
	s.Epoch = d.U64()
	s.SequenceNumber = d.U64()
	s.NetworkTotalTransactions = d.U64()
	s.ContentDigest.UnmarshalBCS(d)
	s.PreviousDigest = getOptDigest(d)
	s.EpochRollingGasCostSummary.UnmarshalBCS(d)
	s.TimestampMs = d.U64()
	s.CheckpointCommitments = getCommitments(d)
	if getOption(d) {
		s.EndOfEpochData = new(EndOfEpochData)
		s.EndOfEpochData.UnmarshalBCS(d)
	}
	s.VersionSpecificData = getBytes(d)
}

// DecodeCheckpointSummary decodes the BCS of a CheckpointSummary; errors wrap
// bcs.ErrMalformed.
func DecodeCheckpointSummary(b []byte) (*CheckpointSummary, error) {
	s := new(CheckpointSummary)
	if err := bcs.Unmarshal(b, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Bytes is the BCS of the summary.
func (s *CheckpointSummary) Bytes() []byte { return bcs.Marshal(s) }

// Digest is the checkpoint digest: BLAKE2b-256("CheckpointSummary::" ‖ BCS). The next
// checkpoint's PreviousDigest is this, and the genesis checkpoint's is the chain identifier.
func (s *CheckpointSummary) Digest() Digest { return saltedDigest("CheckpointSummary::", s.Bytes()) }

// SigningMessage is what validators sign with BLS: the intent [2, 0, 0], the summary's BCS
// and the epoch (u64), as Sui's AuthoritySignInfo does for checkpoints.
func (s *CheckpointSummary) SigningMessage() []byte {
	in := Intent(IntentCheckpointSummary)
	var e bcs.Encoder
	e.Fixed(in[:])
	s.MarshalBCS(&e)
	e.U64(s.Epoch)
	return e.Bytes()
}

// AggregateSignatureSize is the size of an aggregated BLS12-381 (min-sig, G1) signature.
const AggregateSignatureSize = 48

// AuthorityQuorumSignInfo is a quorum certificate on a checkpoint: the epoch, the
// aggregated BLS signature (48 raw bytes) and the signers as a serialized Roaring bitmap.
// Decoding keeps both opaque; a real node also checks that the signature decodes to a
// curve point and that the bitmap parses.
type AuthorityQuorumSignInfo struct {
	Epoch      uint64
	Signature  [AggregateSignatureSize]byte
	SignersMap []byte
}

func (a *AuthorityQuorumSignInfo) MarshalBCS(e *bcs.Encoder) {
	e.U64(a.Epoch)
	e.Fixed(a.Signature[:])
	e.ByteVec(a.SignersMap)
}

func (a *AuthorityQuorumSignInfo) UnmarshalBCS(d *bcs.Decoder) {
	a.Epoch = d.U64()
	d.FixedInto(a.Signature[:])
	a.SignersMap = getBytes(d)
}

// CertifiedCheckpointSummary is a summary with its quorum certificate
// (Envelope<CheckpointSummary, AuthorityStrongQuorumSignInfo>).
type CertifiedCheckpointSummary struct {
	Summary   CheckpointSummary
	Signature AuthorityQuorumSignInfo
}

func (c *CertifiedCheckpointSummary) MarshalBCS(e *bcs.Encoder) {
	c.Summary.MarshalBCS(e)
	c.Signature.MarshalBCS(e)
}

func (c *CertifiedCheckpointSummary) UnmarshalBCS(d *bcs.Decoder) {
	c.Summary.UnmarshalBCS(d)
	c.Signature.UnmarshalBCS(d)
}

// ExecutionDigests names an executed transaction: its digest and its effects' digest.
type ExecutionDigests struct {
	Transaction Digest
	Effects     Digest
}

func (x *ExecutionDigests) MarshalBCS(e *bcs.Encoder) {
	x.Transaction.MarshalBCS(e)
	x.Effects.MarshalBCS(e)
}

func (x *ExecutionDigests) UnmarshalBCS(d *bcs.Decoder) {
	x.Transaction.UnmarshalBCS(d)
	x.Effects.UnmarshalBCS(d)
}

// CheckpointContents lists a checkpoint's transactions in execution order with the user
// signatures that authorized them: V1 (tag 0) or V2 (tag 1, which pairs each signature with
// the version of the address-alias object it was checked against). Exactly one of V1 and
// V2 is set after decoding; when encoding, V2 is written if set, otherwise V1.
//
// Signatures are GenericSignature bytes (flag first, as in SignedTransaction), kept
// opaque: a real node also parses them while deserializing.
type CheckpointContents struct {
	V1 *CheckpointContentsV1
	V2 *CheckpointContentsV2
}

// CheckpointContentsV1 holds the transactions and, per transaction, its signatures. Sui
// builds both lists with the same length but does not check it when deserializing.
type CheckpointContentsV1 struct {
	Transactions   []ExecutionDigests
	UserSignatures [][][]byte
}

// CheckpointContentsV2 holds, per transaction, its digests and signatures.
type CheckpointContentsV2 struct {
	Transactions []CheckpointTransactionContents
}

// CheckpointTransactionContents is one transaction of V2 contents.
type CheckpointTransactionContents struct {
	Digests        ExecutionDigests
	UserSignatures []AliasedSignature
}

// AliasedSignature is a user signature and the version of the AddressAliases object used
// to verify it, if any.
type AliasedSignature struct {
	Signature             []byte
	AddressAliasesVersion *uint64
}

// NewCheckpointContents builds V1 contents: one signature list per transaction (system
// transactions have none).
func NewCheckpointContents(digests []ExecutionDigests, signatures [][][]byte) (CheckpointContents, error) {
	if len(digests) != len(signatures) {
		return CheckpointContents{}, fmt.Errorf("sui: %d transactions but %d signature lists", len(digests), len(signatures))
	}
	return CheckpointContents{V1: &CheckpointContentsV1{Transactions: digests, UserSignatures: signatures}}, nil
}

const executionDigestsSize = 2 * (1 + DigestSize)

func (c *CheckpointContents) MarshalBCS(e *bcs.Encoder) {
	if c.V2 != nil {
		e.ULEB128(1)
		e.ULEB128(uint64(len(c.V2.Transactions)))
		for i := range c.V2.Transactions {
			t := &c.V2.Transactions[i]
			t.Digests.MarshalBCS(e)
			e.ULEB128(uint64(len(t.UserSignatures)))
			for _, s := range t.UserSignatures {
				e.ByteVec(s.Signature)
				putOptU64(e, s.AddressAliasesVersion)
			}
		}
		return
	}
	e.ULEB128(0)
	v1 := c.V1
	if v1 == nil {
		v1 = &CheckpointContentsV1{}
	}
	e.ULEB128(uint64(len(v1.Transactions)))
	for i := range v1.Transactions {
		v1.Transactions[i].MarshalBCS(e)
	}
	e.ULEB128(uint64(len(v1.UserSignatures)))
	for _, sigs := range v1.UserSignatures {
		e.ULEB128(uint64(len(sigs)))
		for _, s := range sigs {
			e.ByteVec(s)
		}
	}
}

func (c *CheckpointContents) UnmarshalBCS(d *bcs.Decoder) {
	*c = CheckpointContents{}
	tag := d.Tag(2)
	if d.Err() != nil {
		return
	}
	if tag == 1 {
		v2 := new(CheckpointContentsV2)
		if n := d.Len(executionDigestsSize + 1); n > 0 {
			v2.Transactions = make([]CheckpointTransactionContents, n)
			for i := range v2.Transactions {
				t := &v2.Transactions[i]
				t.Digests.UnmarshalBCS(d)
				m := d.Len(2)
				if d.Err() != nil {
					return
				}
				if m > 0 {
					t.UserSignatures = make([]AliasedSignature, m)
				}
				for j := range t.UserSignatures {
					t.UserSignatures[j].Signature = getBytes(d)
					t.UserSignatures[j].AddressAliasesVersion = getOptU64(d)
					if d.Err() != nil {
						return
					}
				}
			}
		}
		if d.Err() == nil {
			c.V2 = v2
		}
		return
	}
	v1 := new(CheckpointContentsV1)
	if n := d.Len(executionDigestsSize); n > 0 {
		v1.Transactions = make([]ExecutionDigests, n)
		for i := range v1.Transactions {
			v1.Transactions[i].UnmarshalBCS(d)
		}
	}
	if n := d.Len(1); n > 0 {
		v1.UserSignatures = make([][][]byte, n)
		for i := range v1.UserSignatures {
			m := d.Len(1)
			if d.Err() != nil {
				return
			}
			if m > 0 {
				v1.UserSignatures[i] = make([][]byte, m)
			}
			for j := range v1.UserSignatures[i] {
				if v1.UserSignatures[i][j] = getBytes(d); d.Err() != nil {
					return
				}
			}
		}
	}
	if d.Err() == nil {
		c.V1 = v1
	}
}

// DecodeCheckpointContents decodes the BCS of CheckpointContents; errors wrap
// bcs.ErrMalformed.
func DecodeCheckpointContents(b []byte) (*CheckpointContents, error) {
	c := new(CheckpointContents)
	if err := bcs.Unmarshal(b, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Bytes is the BCS of the contents.
func (c *CheckpointContents) Bytes() []byte { return bcs.Marshal(c) }

// Digest is the contents digest the summary commits to: BLAKE2b-256(
// "CheckpointContents::" ‖ BCS).
func (c *CheckpointContents) Digest() Digest { return saltedDigest("CheckpointContents::", c.Bytes()) }

// Len is the number of transactions.
func (c *CheckpointContents) Len() int {
	if c.V2 != nil {
		return len(c.V2.Transactions)
	}
	if c.V1 != nil {
		return len(c.V1.Transactions)
	}
	return 0
}

// Transactions returns the transactions' digests in order.
func (c *CheckpointContents) Transactions() []ExecutionDigests {
	if c.V2 != nil {
		out := make([]ExecutionDigests, len(c.V2.Transactions))
		for i := range c.V2.Transactions {
			out[i] = c.V2.Transactions[i].Digests
		}
		return out
	}
	if c.V1 != nil {
		return c.V1.Transactions
	}
	return nil
}

// Signatures returns the user signatures of transaction i (nil when out of range).
func (c *CheckpointContents) Signatures(i int) [][]byte {
	if i < 0 {
		return nil
	}
	if c.V2 != nil {
		if i >= len(c.V2.Transactions) {
			return nil
		}
		sigs := c.V2.Transactions[i].UserSignatures
		out := make([][]byte, len(sigs))
		for j := range sigs {
			out[j] = sigs[j].Signature
		}
		return out
	}
	if c.V1 != nil && i < len(c.V1.UserSignatures) {
		return c.V1.UserSignatures[i]
	}
	return nil
}
