package encoding

import (
	"errors"
	"fmt"

	"github.com/tuskstore/tusk/encoding/merkle"
)

var (
	// ErrNotEnoughSlivers reports a decode with too few distinct slivers.
	ErrNotEnoughSlivers = errors.New("encoding: not enough slivers to decode")
	// ErrInconsistentBlob reports a blob whose slivers do not match its metadata.
	ErrInconsistentBlob = errors.New("encoding: blob is inconsistently encoded")
)

// ConsistencyCheck selects the check after decoding (Walrus ConsistencyCheckType).
type ConsistencyCheck int

const (
	// CheckDefault re-checks the hashes of the systematic primary slivers that were not
	// decoding inputs.
	CheckDefault ConsistencyCheck = iota
	// CheckStrict re-encodes the blob and compares the blob ID.
	CheckStrict
	// CheckSkip does neither.
	CheckSkip
)

// Decode reconstructs a blob from slivers of one axis: at least n-2f distinct primary
// slivers or n-f distinct secondary slivers. The slivers should have been verified with
// VerifySliver; the consistency check catches a blob that was encoded inconsistently.
func (c *Codec) Decode(m VerifiedMetadata, slivers []Sliver, check ConsistencyCheck) ([]byte, error) {
	if err := c.checkMetadata(m); err != nil {
		return nil, err
	}
	if len(slivers) == 0 {
		return nil, fmt.Errorf("%w: no slivers", ErrNotEnoughSlivers)
	}
	axis := slivers[0].Axis
	p := c.params
	n, k1, k2, s := p.NShards, p.PrimarySymbols(), p.SecondarySymbols(), m.SymbolSize()
	shards := make([][]byte, n)
	have := 0
	for _, sl := range slivers {
		if sl.Axis != axis {
			return nil, fmt.Errorf("%w: mixed %s and %s slivers", ErrInvalidSliver, axis, sl.Axis)
		}
		if err := m.CheckSliverShape(sl); err != nil {
			return nil, err
		}
		if shards[sl.Index] == nil {
			have++
		}
		shards[sl.Index] = sl.Data
	}
	need := k1
	if axis == Secondary {
		need = k2
	}
	if have < need {
		return nil, fmt.Errorf("%w: %d distinct %s slivers, need %d", ErrNotEnoughSlivers, have, axis, need)
	}
	given := make([]bool, n)
	for i := range shards {
		given[i] = shards[i] != nil
	}
	blob, err := c.reconstruct(axis, shards, s)
	if err != nil {
		return nil, err
	}
	length := int(m.UnencodedLength())

	switch check {
	case CheckStrict:
		again, err := c.ComputeMetadata(blob[:length])
		if err != nil {
			return nil, err
		}
		if again.BlobID() != m.BlobID() {
			return nil, fmt.Errorf("%w: blob %s re-encodes to %s", ErrInconsistentBlob, m.BlobID(), again.BlobID())
		}
	case CheckDefault:
		if err := c.checkRows(m, blob, func(r int) bool { return axis == Primary && given[r] }); err != nil {
			return nil, err
		}
	}
	return blob[:length], nil
}

// reconstruct decodes the message (k1 rows of k2 symbols, row-major) from the slivers of
// axis in shards (nil where missing), which it only reads. The codewords are
// independent, one per symbol position of the slivers: the positions are shared out
// between GOMAXPROCS goroutines, each decoding its part of the slivers.
func (c *Codec) reconstruct(axis Axis, shards [][]byte, s int) ([]byte, error) {
	p := c.params
	k1, k2 := p.PrimarySymbols(), p.SecondarySymbols()
	// Primary slivers: each column is a codeword of the primary code, the rows its
	// shards. Secondary slivers: each row is a codeword of the secondary code.
	code, symbols := c.cols, k2
	if axis == Secondary {
		code, symbols = c.rows, k1
	}
	parts := goroutinesFor(symbols)
	blob := make([]byte, k1*k2*s)
	errs := make([]error, parts)
	inParallel(parts, func(i int) {
		first, end := partRange(symbols, i, parts)
		part := make([][]byte, len(shards))
		for j, sh := range shards {
			switch {
			case sh != nil:
				part[j] = sh[first*s : end*s : end*s]
			case axis == Primary && j < k1:
				// Row j's symbols of this part are decoded where they go in the blob.
				part[j] = blob[(j*k2+first)*s : (j*k2+first)*s : (j*k2+end)*s]
			}
		}
		if err := code.Reconstruct(part, s); err != nil {
			errs[i] = fmt.Errorf("encoding: decode %s slivers: %w", axis, err)
			return
		}
		if axis == Primary {
			for r := 0; r < k1; r++ {
				if shards[r] != nil {
					copy(blob[(r*k2+first)*s:(r*k2+end)*s], part[r])
				}
			}
			return
		}
		for col := 0; col < k2; col++ {
			for r := first; r < end; r++ {
				copy(blob[(r*k2+col)*s:(r*k2+col+1)*s], part[col][(r-first)*s:])
			}
		}
	})
	return blob, firstError(errs)
}

// checkRows verifies the primary slivers of the decoded blob (k1 rows of k2 symbols)
// against the metadata, but those skip says are known good, on GOMAXPROCS goroutines.
func (c *Codec) checkRows(m VerifiedMetadata, blob []byte, skip func(r int) bool) error {
	k1, s := c.params.PrimarySymbols(), m.SymbolSize()
	rowBytes := c.params.SecondarySymbols() * s
	var rows []int
	for r := 0; r < k1; r++ {
		if !skip(r) {
			rows = append(rows, r)
		}
	}
	parts := goroutinesFor(len(rows))
	errs := make([]error, parts)
	inParallel(parts, func(i int) {
		lo, hi := partRange(len(rows), i, parts)
		for _, r := range rows[lo:hi] {
			row := Sliver{Axis: Primary, Index: uint16(r), SymbolSize: uint16(s), Data: blob[r*rowBytes : (r+1)*rowBytes]}
			if err := c.VerifySliver(m, row); err != nil {
				if errors.Is(err, ErrSliverHashMismatch) {
					err = fmt.Errorf("%w: decoded primary sliver %d of %s does not match the metadata", ErrInconsistentBlob, r, m.BlobID())
				} else {
					err = fmt.Errorf("encoding: check decoded primary sliver %d of %s: %w", r, m.BlobID(), err)
				}
				errs[i] = err
				return
			}
		}
	})
	return firstError(errs)
}

// RecoverySymbols computes, from sliver source, the symbols that help recover the slivers
// targets of the orthogonal axis, each with its proof against source's hash.
func (c *Codec) RecoverySymbols(source Sliver, targets []int) ([]GeneralRecoverySymbol, error) {
	n := c.params.NShards
	if int(source.Index) >= n {
		return nil, fmt.Errorf("%w: source index %d out of range", ErrInvalidSliver, source.Index)
	}
	if source.SymbolSize == 0 || source.SymbolSize%2 != 0 {
		return nil, fmt.Errorf("%w: symbol size %d", ErrInvalidSliver, source.SymbolSize)
	}
	expanded, err := c.expand(source)
	if err != nil {
		return nil, err
	}
	sz := int(source.SymbolSize)
	tree := merkle.NewTree(leafHashes(expanded, sz))
	out := make([]GeneralRecoverySymbol, 0, len(targets))
	for _, t := range targets {
		if t < 0 || t >= n {
			return nil, fmt.Errorf("%w: target index %d out of range for %d shards", ErrInvalidSliver, t, n)
		}
		proof, err := tree.Proof(t)
		if err != nil {
			return nil, fmt.Errorf("encoding: proof for symbol %d: %w", t, err)
		}
		out = append(out, GeneralRecoverySymbol{
			TargetAxis:  source.Axis.Orthogonal(),
			Symbol:      DecodingSymbol{Index: source.Index, Data: expanded[t*sz : (t+1)*sz]},
			TargetIndex: uint16(t),
			Proof:       proof,
		})
	}
	return out, nil
}

// VerifyRecoverySymbol checks a recovery symbol against the metadata: ranges, symbol
// size, and its proof against the source sliver's hash at the target's leaf.
func (m VerifiedMetadata) VerifyRecoverySymbol(g GeneralRecoverySymbol) error {
	n := m.params.NShards
	if int(g.Symbol.Index) >= n || int(g.TargetIndex) >= n || g.TargetAxis > Secondary {
		return fmt.Errorf("%w: index %d or target %d out of range for %d shards", ErrInvalidRecoverySymbol, g.Symbol.Index, g.TargetIndex, n)
	}
	if len(g.Symbol.Data) != m.SymbolSize() {
		return fmt.Errorf("%w: %d bytes, symbol size is %d", ErrInvalidRecoverySymbol, len(g.Symbol.Data), m.SymbolSize())
	}
	source := g.TargetAxis.Orthogonal()
	root := m.sliverHash(source, int(g.Symbol.Index))
	if err := g.Proof.Verify(root.Bytes(), merkle.LeafHash(g.Symbol.Data), int(g.TargetIndex)); err != nil {
		return fmt.Errorf("%w: symbol %d for %s sliver %d: %v", ErrInvalidRecoverySymbol, g.Symbol.Index, g.TargetAxis, g.TargetIndex, err)
	}
	return nil
}

// InconsistencyError is returned when recovered symbols, each valid, decode to a sliver
// that does not match the metadata: the blob was encoded inconsistently. Proof lets any
// third party check it.
type InconsistencyError struct{ Proof InconsistencyProof }

func (e *InconsistencyError) Error() string {
	return fmt.Sprintf("%v: recovered %s sliver %d does not match the metadata", ErrInconsistentBlob, e.Proof.Axis, e.Proof.TargetIndex)
}

func (e *InconsistencyError) Unwrap() error { return ErrInconsistentBlob }

// RecoverSliver rebuilds sliver target of axis from recovery symbols (n-f for a
// primary sliver, n-2f for a secondary one), each verified against the metadata. If the
// result does not match the metadata it returns an *InconsistencyError with the proof.
func (c *Codec) RecoverSliver(m VerifiedMetadata, axis Axis, target int, symbols []GeneralRecoverySymbol) (Sliver, error) {
	if err := c.checkMetadata(m); err != nil {
		return Sliver{}, err
	}
	if target < 0 || target >= c.params.NShards {
		return Sliver{}, fmt.Errorf("%w: target %d out of range", ErrInvalidSliver, target)
	}
	used := make([]RecoverySymbol, 0, len(symbols))
	for _, g := range symbols {
		if g.TargetAxis != axis || int(g.TargetIndex) != target {
			return Sliver{}, fmt.Errorf("%w: symbol for %s sliver %d used to recover %s sliver %d",
				ErrInvalidRecoverySymbol, g.TargetAxis, g.TargetIndex, axis, target)
		}
		if err := m.VerifyRecoverySymbol(g); err != nil {
			return Sliver{}, err
		}
		used = append(used, RecoverySymbol{Symbol: g.Symbol, Proof: g.Proof})
	}
	sliver, err := c.decodeSliver(m, axis, target, used)
	if err != nil {
		return Sliver{}, err
	}
	if err := c.VerifySliver(m, sliver); err != nil {
		if errors.Is(err, ErrSliverHashMismatch) {
			return Sliver{}, &InconsistencyError{Proof: InconsistencyProof{Axis: axis, TargetIndex: uint16(target), Symbols: used}}
		}
		return Sliver{}, err
	}
	return sliver, nil
}

// decodeSliver decodes one sliver from verified symbols of its codeword.
func (c *Codec) decodeSliver(m VerifiedMetadata, axis Axis, target int, symbols []RecoverySymbol) (Sliver, error) {
	code := c.rows // a primary sliver is a row: the secondary code
	if axis == Secondary {
		code = c.cols
	}
	s := m.SymbolSize()
	shards := make([][]byte, c.params.NShards)
	have := 0
	for _, sym := range symbols {
		if shards[sym.Symbol.Index] == nil {
			have++
		}
		shards[sym.Symbol.Index] = append([]byte(nil), sym.Symbol.Data...)
	}
	if have < code.K() {
		return Sliver{}, fmt.Errorf("%w: %d distinct symbols for %s sliver %d, need %d", ErrNotEnoughSlivers, have, axis, target, code.K())
	}
	if err := code.Reconstruct(shards, s); err != nil {
		return Sliver{}, fmt.Errorf("encoding: recover %s sliver %d: %w", axis, target, err)
	}
	data := make([]byte, 0, code.K()*s)
	for i := 0; i < code.K(); i++ {
		data = append(data, shards[i]...)
	}
	return Sliver{Axis: axis, Index: uint16(target), SymbolSize: uint16(s), Data: data}, nil
}

// ErrProofNotInconsistent reports an inconsistency proof whose symbols decode to a sliver
// that matches the metadata (so it proves nothing).
var ErrProofNotInconsistent = errors.New("encoding: inconsistency proof does not show an inconsistency")

// VerifyInconsistencyProof returns nil if the proof shows that the blob of m is
// inconsistently encoded: every symbol verifies against the metadata and together they
// decode to a sliver whose hash differs from the metadata's.
func (c *Codec) VerifyInconsistencyProof(m VerifiedMetadata, p InconsistencyProof) error {
	if err := c.checkMetadata(m); err != nil {
		return err
	}
	if int(p.TargetIndex) >= c.params.NShards {
		return fmt.Errorf("%w: target %d out of range", ErrInvalidRecoverySymbol, p.TargetIndex)
	}
	for _, s := range p.Symbols {
		g := GeneralRecoverySymbol{TargetAxis: p.Axis, Symbol: s.Symbol, TargetIndex: p.TargetIndex, Proof: s.Proof}
		if err := m.VerifyRecoverySymbol(g); err != nil {
			return err
		}
	}
	sliver, err := c.decodeSliver(m, p.Axis, int(p.TargetIndex), p.Symbols)
	if err != nil {
		return err
	}
	err = c.VerifySliver(m, sliver)
	switch {
	case err == nil:
		return ErrProofNotInconsistent
	case errors.Is(err, ErrSliverHashMismatch):
		return nil
	default:
		return err
	}
}
