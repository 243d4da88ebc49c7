package encoding

import (
	"bytes"
	"errors"
	"math/bits"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/tuskstore/tusk/internal/bcs"
)

// The fuzz targets decode hostile bytes into the wire types and feed whatever decodes to
// the checks a storage node or client runs on it. Nothing may panic, decoding may only
// fail with bcs.ErrMalformed, and the checks may only fail with the package's typed
// errors. Where the input is checked against the metadata of a consistently encoded
// blob, success is allowed only for the genuine data.

const fuzzShards = 10

// fuzzBlob is a blob encoded with fuzzShards shards, with what the targets compare to.
type fuzzBlob struct {
	enc *EncodedBlob
	// genuine holds, for each axis, the BCS form of every genuine sliver.
	genuine [2]map[string]bool
	// matrix[r] is row r of the expanded n×n symbol matrix (primary sliver r expanded).
	matrix [][]byte
}

func (b *fuzzBlob) sliver(axis Axis, i int) Sliver {
	data := b.enc.Primary[i]
	if axis == Secondary {
		data = b.enc.Secondary[i]
	}
	return Sliver{Axis: axis, Index: uint16(i), SymbolSize: uint16(b.enc.SymbolSize), Data: data}
}

// symbol is what a genuine recovery symbol for sliver target of axis, from source
// sliver source of the orthogonal axis, carries.
func (b *fuzzBlob) symbol(axis Axis, target, source int) []byte {
	r, c := target, source // a primary sliver is a row
	if axis == Secondary {
		r, c = source, target
	}
	s := b.enc.SymbolSize
	return b.matrix[r][c*s : (c+1)*s]
}

type fuzzFixture struct {
	codec *Codec
	blobs []*fuzzBlob // consistently encoded
	// bad is the metadata of an inconsistently encoded blob (a primary sliver of blobs[2]
	// altered and its hash recomputed); badProof is a valid inconsistency proof for it.
	bad      VerifiedMetadata
	badProof InconsistencyProof
	// codecs for FuzzDecode, by shard count.
	codecs map[int]*Codec
}

var fuzzDecodeShards = [...]int{4, 7, 10, 13}

var loadFuzzFixture = sync.OnceValues(func() (*fuzzFixture, error) {
	c, err := NewCodec(fuzzShards)
	if err != nil {
		return nil, err
	}
	fx := &fuzzFixture{codec: c, codecs: map[int]*Codec{}}
	for _, n := range fuzzDecodeShards {
		if fx.codecs[n], err = NewCodec(n); err != nil {
			return nil, err
		}
	}
	rng := rand.New(rand.NewPCG(42, 43))
	for _, blob := range [][]byte{nil, []byte("walrus blob id v1 regression test"), randomBlob(rng, 3000)} {
		enc, err := c.Encode(blob)
		if err != nil {
			return nil, err
		}
		b := &fuzzBlob{enc: enc, genuine: [2]map[string]bool{{}, {}}}
		for _, axis := range []Axis{Primary, Secondary} {
			for i := 0; i < fuzzShards; i++ {
				s := b.sliver(axis, i)
				b.genuine[axis][string(bcs.Marshal(&s))] = true
			}
		}
		for r := 0; r < fuzzShards; r++ {
			row, err := c.expand(b.sliver(Primary, r))
			if err != nil {
				return nil, err
			}
			b.matrix = append(b.matrix, row)
		}
		fx.blobs = append(fx.blobs, b)
	}

	// The inconsistent blob, as in TestInconsistencyProof.
	src := fx.blobs[2]
	const target = 2
	altered := src.sliver(Primary, target)
	altered.Data = append([]byte(nil), altered.Data...)
	altered.Data[5] ^= 0xff
	expanded, err := c.expand(altered)
	if err != nil {
		return nil, err
	}
	meta := src.enc.Metadata.Metadata()
	meta.Hashes[target].PrimaryHash = nodeOf(rootOf(expanded, src.enc.SymbolSize))
	if fx.bad, err = VerifyMetadata(c.Params(), ComputeBlobID(RS2, meta.UnencodedLength, meta.rootHash()), meta); err != nil {
		return nil, err
	}
	var symbols []GeneralRecoverySymbol
	for j := 0; j < c.Params().SecondarySymbols(); j++ {
		g, err := c.RecoverySymbols(src.sliver(Secondary, j), []int{target})
		if err != nil {
			return nil, err
		}
		symbols = append(symbols, g...)
	}
	_, err = c.RecoverSliver(fx.bad, Primary, target, symbols)
	var inc *InconsistencyError
	if !errors.As(err, &inc) {
		return nil, errors.New("the altered sliver did not yield an inconsistency proof")
	}
	fx.badProof = inc.Proof
	return fx, nil
})

func fuzzFix(tb testing.TB) *fuzzFixture {
	tb.Helper()
	fx, err := loadFuzzFixture()
	if err != nil {
		tb.Fatal(err)
	}
	return fx
}

// requireTyped fails unless err is nil or wraps one of allowed.
func requireTyped(t *testing.T, what string, err error, allowed ...error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, a := range allowed {
		if errors.Is(err, a) {
			return
		}
	}
	t.Fatalf("%s: error %q wraps none of %v", what, err, allowed)
}

// decodeRoundTrip decodes data into v and reports whether it decoded; what decodes must
// re-encode to data, and what does not must fail with bcs.ErrMalformed.
func decodeRoundTrip(t *testing.T, what string, data []byte, v interface {
	bcs.Marshaler
	bcs.Unmarshaler
}) bool {
	t.Helper()
	if err := bcs.Unmarshal(data, v); err != nil {
		if !errors.Is(err, bcs.ErrMalformed) {
			t.Fatalf("%s: decode error %q does not wrap bcs.ErrMalformed", what, err)
		}
		return false
	}
	if got := bcs.Marshal(v); !bytes.Equal(got, data) {
		t.Fatalf("%s: round trip\n in  %x\n out %x", what, data, got)
	}
	return true
}

func pickBlob(fx *fuzzFixture, which uint8) *fuzzBlob { return fx.blobs[int(which)%len(fx.blobs)] }

func FuzzMetadataBCS(f *testing.F) {
	fx := fuzzFix(f)
	for _, b := range fx.blobs {
		meta := b.enc.Metadata.Metadata()
		withID := b.enc.Metadata.WithID()
		f.Add(bcs.Marshal(&meta))
		f.Add(bcs.Marshal(&withID))
	}
	badMeta := fx.bad.Metadata()
	f.Add(bcs.Marshal(&badMeta))
	f.Add([]byte{})
	f.Add([]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0})

	f.Fuzz(func(t *testing.T, data []byte) {
		p := fx.codec.Params()
		var m Metadata
		if decodeRoundTrip(t, "Metadata", data, &m) {
			// Against the ID of a real blob, only that blob's metadata verifies.
			for _, b := range fx.blobs {
				_, err := VerifyMetadata(p, b.enc.Metadata.BlobID(), m)
				requireTyped(t, "VerifyMetadata", err, ErrInvalidMetadata, ErrBlobIDMismatch)
				want := b.enc.Metadata.Metadata()
				if err == nil && !bytes.Equal(data, bcs.Marshal(&want)) {
					t.Fatalf("metadata %x verified against the ID of another blob", data)
				}
			}
			// Against its own ID, any metadata of the right shape verifies: use it.
			vm, err := VerifyMetadata(p, ComputeBlobID(m.EncodingType, m.UnencodedLength, m.rootHash()), m)
			requireTyped(t, "VerifyMetadata (own ID)", err, ErrInvalidMetadata)
			if err == nil {
				exerciseMetadata(t, fx.codec, vm)
			}
		}

		var w MetadataWithID
		if decodeRoundTrip(t, "MetadataWithID", data, &w) {
			vm, err := VerifyMetadata(p, w.BlobID, w.Metadata)
			requireTyped(t, "VerifyMetadata (with ID)", err, ErrInvalidMetadata, ErrBlobIDMismatch)
			if err == nil {
				if vm.BlobID() != w.BlobID {
					t.Fatalf("verified ID %s, claimed %s", vm.BlobID(), w.BlobID)
				}
				back := vm.WithID()
				if got := bcs.Marshal(&back); !bytes.Equal(got, data) {
					t.Fatalf("WithID re-encodes to %x, want %x", got, data)
				}
			}
		}
	})
}

// exerciseMetadata runs the sliver checks and a decode from secondary slivers (so the
// default check re-hashes every primary sliver) against metadata that verified, with
// all-zero slivers (genuine only for a blob of zeros).
func exerciseMetadata(t *testing.T, c *Codec, vm VerifiedMetadata) {
	t.Helper()
	s := vm.SymbolSize()
	if s <= 0 || s%2 != 0 || s > MaxSymbolSize {
		t.Fatalf("symbol size %d for length %d", s, vm.UnencodedLength())
	}
	if want, _ := vm.Params().EncodedLength(vm.UnencodedLength()); vm.EncodedLength() != want {
		t.Fatalf("encoded length %d, want %d", vm.EncodedLength(), want)
	}
	if s > 1024 {
		return // keep iterations fast
	}
	p := vm.Params()
	var slivers []Sliver
	for _, axis := range []Axis{Primary, Secondary} {
		zero := make([]byte, vm.SliverSize(axis))
		for i := 0; i < p.NShards; i++ {
			sl := Sliver{Axis: axis, Index: uint16(i), SymbolSize: uint16(s), Data: zero}
			requireTyped(t, "VerifySliver (zero)", c.VerifySliver(vm, sl), ErrSliverHashMismatch)
			if axis == Secondary && i < p.SecondarySymbols() {
				slivers = append(slivers, sl)
			}
		}
	}
	out, err := c.Decode(vm, slivers, CheckDefault)
	requireTyped(t, "Decode (zero)", err, ErrInconsistentBlob)
	if err == nil && (uint64(len(out)) != vm.UnencodedLength() || !bytes.Equal(out, make([]byte, len(out)))) {
		t.Fatalf("decode of zero slivers gave %d bytes, not %d zeros", len(out), vm.UnencodedLength())
	}
}

func FuzzSliverBCS(f *testing.F) {
	fx := fuzzFix(f)
	for w, b := range fx.blobs {
		for _, axis := range []Axis{Primary, Secondary} {
			for _, i := range []int{0, 3, fuzzShards - 1} {
				s := b.sliver(axis, i)
				ts := TaggedSliver{s}
				f.Add(bcs.Marshal(&s), uint8(w))
				f.Add(bcs.Marshal(&ts), uint8(w))
			}
		}
	}
	f.Add([]byte{}, uint8(0))
	f.Add([]byte{0, 2, 0, 0, 0}, uint8(0))

	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		b := pickBlob(fx, which)
		verify := func(what string, s Sliver) {
			for _, axis := range []Axis{Primary, Secondary} {
				s.Axis = axis
				err := fx.codec.VerifySliver(b.enc.Metadata, s)
				requireTyped(t, what, err, ErrInvalidSliver, ErrSliverHashMismatch)
				if err == nil && !b.genuine[axis][string(bcs.Marshal(&s))] {
					t.Fatalf("%s: %s sliver %d (%d bytes, symbol size %d) verified but is not genuine",
						what, axis, s.Index, len(s.Data), s.SymbolSize)
				}
			}
		}
		var s Sliver
		if decodeRoundTrip(t, "Sliver", data, &s) {
			verify("VerifySliver", s)
		}
		var ts TaggedSliver
		if decodeRoundTrip(t, "TaggedSliver", data, &ts) {
			if ts.Axis > Secondary {
				t.Fatalf("decoded axis %d", ts.Axis)
			}
			verify("VerifySliver (tagged)", ts.Sliver)
		}
	})
}

// genuineSymbols returns the BCS form of count recovery symbols, from distinct sources
// starting at first, for sliver target of axis.
func genuineSymbols(tb testing.TB, c *Codec, b *fuzzBlob, axis Axis, target, first, count int) RecoverySymbolList {
	tb.Helper()
	var out RecoverySymbolList
	for k := 0; k < count; k++ {
		src := b.sliver(axis.Orthogonal(), (first+k)%fuzzShards)
		g, err := c.RecoverySymbols(src, []int{target})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, g...)
	}
	return out
}

func FuzzRecoverySymbolsBCS(f *testing.F) {
	fx := fuzzFix(f)
	p := fx.codec.Params()
	for w, b := range fx.blobs {
		for _, axis := range []Axis{Primary, Secondary} {
			need := p.SecondarySymbols()
			if axis == Secondary {
				need = p.PrimarySymbols()
			}
			for _, count := range []int{need, need - 1, fuzzShards} {
				target := (w + count) % fuzzShards
				l := genuineSymbols(f, fx.codec, b, axis, target, w, count)
				f.Add(bcs.Marshal(&l), uint8(w), uint8(axis), uint8(target))
			}
		}
	}
	f.Add([]byte{0}, uint8(0), uint8(0), uint8(0))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0}, uint8(1), uint8(1), uint8(20))

	f.Fuzz(func(t *testing.T, data []byte, which, axisBit, targetByte uint8) {
		b := pickBlob(fx, which)
		meta := b.enc.Metadata
		var l RecoverySymbolList
		if !decodeRoundTrip(t, "RecoverySymbolList", data, &l) {
			return
		}
		for _, g := range l {
			err := meta.VerifyRecoverySymbol(g)
			requireTyped(t, "VerifyRecoverySymbol", err, ErrInvalidRecoverySymbol)
			if err == nil && !bytes.Equal(g.Symbol.Data, b.symbol(g.TargetAxis, int(g.TargetIndex), int(g.Symbol.Index))) {
				t.Fatalf("symbol %d for %s sliver %d verified but is not genuine", g.Symbol.Index, g.TargetAxis, g.TargetIndex)
			}
		}
		tryRecover := func(axis Axis, target int) {
			got, err := fx.codec.RecoverSliver(meta, axis, target, l)
			// The metadata is consistent: verified symbols cannot prove otherwise.
			requireTyped(t, "RecoverSliver", err, ErrInvalidSliver, ErrInvalidRecoverySymbol, ErrNotEnoughSlivers)
			if err == nil {
				if want := b.sliver(axis, target); got.Axis != axis || got.Index != want.Index ||
					got.SymbolSize != want.SymbolSize || !bytes.Equal(got.Data, want.Data) {
					t.Fatalf("recovered %s sliver %d differs from the genuine one", axis, target)
				}
			}
		}
		if len(l) > 0 {
			tryRecover(l[0].TargetAxis, int(l[0].TargetIndex))
		}
		tryRecover(Axis(axisBit&1), int(targetByte%16)-2) // also out of range: -2..13
	})
}

func FuzzInconsistencyProofBCS(f *testing.F) {
	fx := fuzzFix(f)
	p := fx.codec.Params()
	for w, b := range fx.blobs {
		for _, axis := range []Axis{Primary, Secondary} {
			need := p.SecondarySymbols()
			if axis == Secondary {
				need = p.PrimarySymbols()
			}
			for _, count := range []int{need, need - 1} {
				target := (3*w + count) % fuzzShards
				var proof InconsistencyProof
				proof.TargetIndex = uint16(target)
				for _, g := range genuineSymbols(f, fx.codec, b, axis, target, w, count) {
					proof.Symbols = append(proof.Symbols, RecoverySymbol{Symbol: g.Symbol, Proof: g.Proof})
				}
				f.Add(bcs.Marshal(&proof), uint8(w))
			}
		}
	}
	// A real proof, valid against the inconsistent metadata (which = len(blobs)).
	f.Add(bcs.Marshal(&fx.badProof), uint8(len(fx.blobs)))
	f.Add([]byte{0, 0, 0}, uint8(0))

	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		var proof InconsistencyProof
		if !decodeRoundTrip(t, "InconsistencyProof", data, &proof) {
			return
		}
		w := int(which) % (len(fx.blobs) + 1)
		meta, consistent := fx.bad, false
		if w < len(fx.blobs) {
			meta, consistent = fx.blobs[w].enc.Metadata, true
		}
		for _, axis := range []Axis{Primary, Secondary} {
			proof.Axis = axis
			err := fx.codec.VerifyInconsistencyProof(meta, proof)
			requireTyped(t, "VerifyInconsistencyProof", err, ErrInvalidRecoverySymbol, ErrNotEnoughSlivers, ErrProofNotInconsistent)
			if err == nil && consistent {
				t.Fatalf("%s proof for sliver %d accepted against consistent metadata", axis, proof.TargetIndex)
			}
		}
	})
}

// FuzzDecode encodes a blob and decodes it from the slivers of one axis that mask
// selects (bits 16..31 of mask repeat a selected sliver, bit 32 reverses the order).
func FuzzDecode(f *testing.F) {
	fx := fuzzFix(f)
	rng := rand.New(rand.NewPCG(5, 6))
	for i, blob := range [][]byte{{}, []byte("x"), []byte("walrus blob id v1 regression test"), randomBlob(rng, 1000), randomBlob(rng, 5000)} {
		for sel := uint8(0); sel < 8; sel++ {
			f.Add(blob, sel+uint8(i)*8, uint64(0xffff)>>(sel+uint8(i)))
		}
	}
	f.Add([]byte("abc"), uint8(2), uint64(0))
	f.Add([]byte("abc"), uint8(1), uint64(0x1_0003_0007))

	f.Fuzz(func(t *testing.T, blob []byte, sel uint8, mask uint64) {
		const maxBlob = 1 << 12
		if len(blob) > maxBlob {
			blob = blob[:maxBlob]
		}
		n := fuzzDecodeShards[sel%4]
		axis := Axis(sel >> 2 & 1)
		check := CheckDefault
		if sel&8 != 0 {
			check = CheckStrict
		}
		c := fx.codecs[n]
		want := append([]byte(nil), blob...)
		enc, err := c.Encode(blob)
		if err != nil {
			t.Fatal(err)
		}
		var slivers []Sliver
		for i := 0; i < n; i++ {
			if mask>>i&1 == 0 {
				continue
			}
			primary, secondary := enc.Primary[i], enc.Secondary[i]
			data := primary
			if axis == Secondary {
				data = secondary
			}
			s := Sliver{Axis: axis, Index: uint16(i), SymbolSize: uint16(enc.SymbolSize), Data: data}
			slivers = append(slivers, s)
			if mask>>(16+i)&1 != 0 {
				slivers = append(slivers, s)
			}
		}
		if mask>>32&1 != 0 {
			for i, j := 0, len(slivers)-1; i < j; i, j = i+1, j-1 {
				slivers[i], slivers[j] = slivers[j], slivers[i]
			}
		}
		distinct := bits.OnesCount64(mask & (1<<n - 1))
		need := c.Params().PrimarySymbols()
		if axis == Secondary {
			need = c.Params().SecondarySymbols()
		}
		got, err := c.Decode(enc.Metadata, slivers, check)
		if distinct < need {
			if !errors.Is(err, ErrNotEnoughSlivers) {
				t.Fatalf("n=%d %s: %d of %d slivers: err %v, want ErrNotEnoughSlivers", n, axis, distinct, need, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("n=%d %s: decode from %d slivers (mask %#x): %v", n, axis, distinct, mask, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("n=%d %s: decode from %d slivers (mask %#x) differs from the %d-byte blob", n, axis, distinct, mask, len(want))
		}
		if !bytes.Equal(blob, want) {
			t.Fatal("Decode modified the blob")
		}
	})
}

// TestFuzzFixture checks that the seeds of the fuzz targets reach the success paths, so
// the targets' "only genuine data passes" checks are not vacuous.
func TestFuzzFixture(t *testing.T) {
	fx := fuzzFix(t)
	c := fx.codec
	p := c.Params()
	for w, b := range fx.blobs {
		meta := b.enc.Metadata
		for _, axis := range []Axis{Primary, Secondary} {
			s := b.sliver(axis, 3)
			var decoded Sliver
			if err := bcs.Unmarshal(bcs.Marshal(&s), &decoded); err != nil {
				t.Fatal(err)
			}
			decoded.Axis = axis
			if err := c.VerifySliver(meta, decoded); err != nil {
				t.Fatalf("blob %d: genuine %s sliver: %v", w, axis, err)
			}
			need := p.SecondarySymbols()
			if axis == Secondary {
				need = p.PrimarySymbols()
			}
			l := genuineSymbols(t, c, b, axis, 4, w, need)
			for _, g := range l {
				if !bytes.Equal(g.Symbol.Data, b.symbol(axis, 4, int(g.Symbol.Index))) {
					t.Fatalf("blob %d: symbol oracle disagrees for %s sliver 4", w, axis)
				}
			}
			if _, err := c.RecoverSliver(meta, axis, 4, l); err != nil {
				t.Fatalf("blob %d: recover %s sliver 4: %v", w, axis, err)
			}
			var proof InconsistencyProof
			proof.Axis, proof.TargetIndex = axis, 4
			for _, g := range l {
				proof.Symbols = append(proof.Symbols, RecoverySymbol{Symbol: g.Symbol, Proof: g.Proof})
			}
			if err := c.VerifyInconsistencyProof(meta, proof); !errors.Is(err, ErrProofNotInconsistent) {
				t.Fatalf("blob %d: %s proof against consistent metadata: %v", w, axis, err)
			}
		}
	}
	if err := c.VerifyInconsistencyProof(fx.bad, fx.badProof); err != nil {
		t.Fatalf("real inconsistency proof: %v", err)
	}
}
