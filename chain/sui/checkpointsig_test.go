package sui

import (
	"encoding/binary"
	"errors"
	"testing"

	blst "github.com/supranational/blst/bindings/go"

	"github.com/tuskstore/tusk/internal/bcs"
)

// Sui validators sign checkpoints with BLS12-381 in the min-sig setting (signatures in
// G1, keys in G2), hashing to G1 with this domain separation tag (fastcrypto min_sig).
var suiCheckpointDST = []byte("BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_")

// The strongest check that CheckpointSummary encodes as Sui does: validators signed
// SigningMessage() of real checkpoints, and the quorum signatures verify. Checkpoint
// 16005062 (epoch 189) is signed by the committee that the last checkpoint of epoch 188
// (15918264) announces in its end-of-epoch data; checkpoint 1137 (epoch 0 of a recent
// network, with a checkpoint-artifacts commitment) by that network's genesis committee.
func TestCheckpointQuorumSignatures(t *testing.T) {
	prev := loadFullCheckpoint(t, 1)
	verifyQuorum(t, "16005062", &loadFullCheckpoint(t, 2).cert, prev.cert.Summary.EndOfEpochData.NextEpochCommittee)

	// ValidatorCommittee { epoch, members: Vec<{ public_key (byte vector), stake }> }.
	d := bcs.NewDecoder(readBinary(t, "committee-1137.bcs"))
	epoch := d.U64()
	committee := make([]CommitteeMember, d.Len(1+AuthorityPublicKeySize+8))
	for i := range committee {
		if d.Len(1) != AuthorityPublicKeySize {
			t.Fatal("key size")
		}
		d.FixedInto(committee[i].PublicKey[:])
		committee[i].Stake = d.U64()
	}
	if err := d.Finish(); err != nil || epoch != 0 || len(committee) != 4 {
		t.Fatalf("committee: %v", err)
	}
	verifyQuorum(t, "1137", &loadFullCheckpoint(t, 0).cert, committee)
}

func verifyQuorum(t *testing.T, name string, cert *CertifiedCheckpointSummary, committee []CommitteeMember) {
	t.Helper()
	s := &cert.Summary
	if cert.Signature.Epoch != s.Epoch {
		t.Fatalf("%s: epochs", name)
	}
	signers, err := roaringValues(cert.Signature.SignersMap)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var total, signed uint64
	for _, m := range committee {
		total += m.Stake
	}
	var keys []*blst.P2Affine
	for _, i := range signers {
		if int(i) >= len(committee) {
			t.Fatalf("%s: signer %d of %d", name, i, len(committee))
		}
		pk := new(blst.P2Affine).Uncompress(committee[i].PublicKey[:])
		if pk == nil || !pk.KeyValidate() {
			t.Fatalf("%s: key %d", name, i)
		}
		keys = append(keys, pk)
		signed += committee[i].Stake
	}
	if 3*signed <= 2*total {
		t.Fatalf("%s: %d of %d stake signed", name, signed, total)
	}
	sig := new(blst.P1Affine).Uncompress(cert.Signature.Signature[:])
	if sig == nil {
		t.Fatalf("%s: signature", name)
	}
	if !sig.FastAggregateVerify(true, keys, s.SigningMessage(), suiCheckpointDST) {
		t.Fatalf("%s: the quorum signature does not verify over SigningMessage()", name)
	}
	tampered := *s
	tampered.TimestampMs++
	if sig.FastAggregateVerify(true, keys, tampered.SigningMessage(), suiCheckpointDST) {
		t.Fatalf("%s: verifies over a tampered summary", name)
	}
}

// roaringValues decodes a serialized RoaringBitmap (the format Sui uses for signer sets):
// the cookie, container descriptions, offsets when present, then array, bitmap or run
// containers.
func roaringValues(b []byte) ([]uint32, error) {
	bad := errors.New("bad roaring bitmap")
	read := func(n int) ([]byte, bool) {
		if len(b) < n {
			return nil, false
		}
		out := b[:n]
		b = b[n:]
		return out, true
	}
	c, ok := read(4)
	if !ok {
		return nil, bad
	}
	cookie := binary.LittleEndian.Uint32(c)
	var size int
	var runs []byte
	hasOffsets := true
	switch {
	case cookie == 12346:
		s, ok := read(4)
		if !ok {
			return nil, bad
		}
		size = int(binary.LittleEndian.Uint32(s))
	case cookie&0xffff == 12347:
		size = int(cookie>>16) + 1
		if runs, ok = read((size + 7) / 8); !ok {
			return nil, bad
		}
		hasOffsets = size >= 4
	default:
		return nil, bad
	}
	if size > 1<<16 {
		return nil, bad
	}
	desc, ok := read(4 * size)
	if !ok {
		return nil, bad
	}
	if hasOffsets {
		if _, ok := read(4 * size); !ok {
			return nil, bad
		}
	}
	var out []uint32
	for i := 0; i < size; i++ {
		key := uint32(binary.LittleEndian.Uint16(desc[4*i:])) << 16
		card := int(binary.LittleEndian.Uint16(desc[4*i+2:])) + 1
		switch {
		case runs != nil && runs[i/8]&(1<<(i%8)) != 0:
			n, ok := read(2)
			if !ok {
				return nil, bad
			}
			pairs, ok := read(4 * int(binary.LittleEndian.Uint16(n)))
			if !ok {
				return nil, bad
			}
			for j := 0; j+4 <= len(pairs); j += 4 {
				start := uint32(binary.LittleEndian.Uint16(pairs[j:]))
				length := uint32(binary.LittleEndian.Uint16(pairs[j+2:]))
				for v := start; v <= start+length; v++ {
					out = append(out, key|v)
				}
			}
		case card <= 4096:
			vals, ok := read(2 * card)
			if !ok {
				return nil, bad
			}
			for j := 0; j < card; j++ {
				out = append(out, key|uint32(binary.LittleEndian.Uint16(vals[2*j:])))
			}
		default:
			words, ok := read(8192)
			if !ok {
				return nil, bad
			}
			for j := 0; j < 65536; j++ {
				if words[j/8]&(1<<(j%8)) != 0 {
					out = append(out, key|uint32(j))
				}
			}
		}
	}
	return out, nil
}
