// Package encodingtest builds what a dishonest writer would: a blob encoded
// inconsistently, for the tests of the nodes and flows that must detect it.
package encodingtest

import (
	"errors"
	"fmt"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/merkle"
)

// Inconsistent is enc with primary sliver target altered (one byte flipped) and the
// metadata rebuilt around it (its hash recomputed, so the blob ID changes): the other
// slivers still match the metadata, but recovering sliver target from them does not.
type Inconsistent struct {
	BlobID   encoding.BlobID
	Metadata encoding.Metadata
	// Target is the altered primary sliver's index (its pair); Sliver is it, altered.
	Target int
	Sliver encoding.Sliver
	// Proof is the inconsistency proof a node recovering sliver Target builds.
	Proof encoding.InconsistencyProof
}

// NewInconsistent alters enc's primary sliver target as Inconsistent describes, and
// checks that recovery from the secondary slivers exposes it.
func NewInconsistent(c *encoding.Codec, enc *encoding.EncodedBlob, target int) (*Inconsistent, error) {
	p := c.Params()
	if target < 0 || target >= p.NShards {
		return nil, fmt.Errorf("encodingtest: target %d out of range", target)
	}
	altered, _ := enc.SliverPair(target)
	altered.Data = append([]byte(nil), altered.Data...)
	altered.Data[3] ^= 0xff
	all := make([]int, p.NShards)
	for i := range all {
		all[i] = i
	}
	exp, err := c.RecoverySymbols(altered, all)
	if err != nil {
		return nil, err
	}
	leaves := make([][]byte, len(exp))
	for i, g := range exp {
		leaves[i] = g.Symbol.Data
	}
	meta := enc.Metadata.Metadata()
	meta.Hashes = append([]encoding.SliverPairMetadata(nil), meta.Hashes...)
	meta.Hashes[target].PrimaryHash = merkle.DigestNode(merkle.BuildTree(leaves).Root())
	pairLeaves := make([][]byte, len(meta.Hashes))
	for i, h := range meta.Hashes {
		pb, sb := h.PrimaryHash.Bytes(), h.SecondaryHash.Bytes()
		pairLeaves[i] = append(pb[:], sb[:]...)
	}
	id := encoding.ComputeBlobID(encoding.RS2, meta.UnencodedLength, merkle.BuildTree(pairLeaves).Root())
	vm, err := encoding.VerifyMetadata(p, id, meta)
	if err != nil {
		return nil, err
	}
	var syms []encoding.GeneralRecoverySymbol
	for j := 0; j < p.SecondarySymbols(); j++ {
		_, sec := enc.SliverPair(p.PairOfSliver(encoding.Secondary, j))
		g, err := c.RecoverySymbols(sec, []int{target})
		if err != nil {
			return nil, err
		}
		syms = append(syms, g...)
	}
	_, err = c.RecoverSliver(vm, encoding.Primary, target, syms)
	var ie *encoding.InconsistencyError
	if !errors.As(err, &ie) {
		return nil, fmt.Errorf("encodingtest: recovering the altered sliver gave %v, not an inconsistency", err)
	}
	return &Inconsistent{BlobID: id, Metadata: meta, Target: target, Sliver: altered, Proof: ie.Proof}, nil
}
