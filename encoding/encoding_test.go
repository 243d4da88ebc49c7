package encoding

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/tuskstore/tusk/encoding/merkle"
	"github.com/tuskstore/tusk/internal/bcs"
)

func TestParams(t *testing.T) {
	for _, v := range []struct{ n, f, primary, secondary int }{
		{4, 1, 2, 3}, {7, 2, 3, 5}, {9, 2, 5, 7}, {10, 3, 4, 7}, {31, 10, 11, 21}, {51, 16, 19, 35},
		{100, 33, 34, 67}, {101, 33, 35, 68}, {301, 100, 101, 201}, {1000, 333, 334, 667},
	} {
		p, err := NewParams(v.n)
		if err != nil {
			t.Fatal(err)
		}
		if p.F != v.f || p.PrimarySymbols() != v.primary || p.SecondarySymbols() != v.secondary {
			t.Errorf("n=%d: f=%d primary=%d secondary=%d", v.n, p.F, p.PrimarySymbols(), p.SecondarySymbols())
		}
	}
	for _, n := range []int{0, 3, 1001} {
		if _, err := NewParams(n); !errors.Is(err, ErrInvalidShards) {
			t.Errorf("n=%d accepted: %v", n, err)
		}
	}
	p10, _ := NewParams(10)
	p1000, _ := NewParams(1000)
	for _, v := range []struct {
		p    Params
		l    uint64
		want uint64
	}{
		{p10, 0, 10 * (2*(4+7) + 10*2*32 + 32)},
		{p10, 1, 10 * (2*(4+7) + 10*2*32 + 32)},
		{p1000, 1, 1000 * (2*(334+667) + 1000*2*32 + 32)},
		{p10, 28 * 100, 10 * ((4+7)*100 + 10*2*32 + 32)},
		{p1000, 334 * 667 * 100, 1000 * ((334+667)*100 + 1000*2*32 + 32)},
		{p1000, 17, 66034000},
	} {
		if got, err := v.p.EncodedLength(v.l); err != nil || got != v.want {
			t.Errorf("n=%d L=%d: encoded length %d (%v), want %d", v.p.NShards, v.l, got, err, v.want)
		}
	}
	if p1000.MaxBlobSize() != 14_599_533_452 {
		t.Errorf("max blob size %d", p1000.MaxBlobSize())
	}
	if _, err := p1000.SymbolSize(p1000.MaxBlobSize() + 1); !errors.Is(err, ErrBlobTooLarge) {
		t.Errorf("over-size blob accepted: %v", err)
	}
	if s, _ := p1000.SymbolSize(p1000.MaxBlobSize()); s != MaxSymbolSize {
		t.Errorf("symbol size at maximum = %d", s)
	}
	// sliver size test of config.rs: 3×5 source symbols (n=7), L = 0, 1, 30 → 10; 31 → 20.
	p7, _ := NewParams(7)
	for l, want := range map[uint64]int{0: 10, 1: 10, 30: 10, 31: 20} {
		if got, _ := p7.PrimarySliverSize(l); got != want {
			t.Errorf("n=7 L=%d: primary sliver %d, want %d", l, got, want)
		}
	}
	if p1000.MetadataLength() != 64032 {
		t.Errorf("metadata length %d", p1000.MetadataLength())
	}
}

func TestRotationVectors(t *testing.T) {
	idFromU64 := func(x uint64) BlobID {
		var id BlobID
		for i := 0; i < 8; i++ {
			id[31-i] = byte(x >> (8 * i))
		}
		return id
	}
	p7, _ := NewParams(7)
	for pair, shard := range map[int]int{0: 1, 5: 6, 6: 0} {
		if got := p7.ShardForPair(idFromU64(15), pair); got != shard {
			t.Errorf("blob 15 pair %d → shard %d, want %d", pair, got, shard)
		}
	}
	for shard, pair := range map[int]int{0: 5, 1: 6, 6: 4} {
		if got := p7.PairForShard(idFromU64(16), shard); got != pair {
			t.Errorf("blob 16 shard %d → pair %d, want %d", shard, got, pair)
		}
	}
}

func TestBlobIDText(t *testing.T) {
	id, err := ParseBlobID("RcU82Mwf-CFkv1LaI_2qcpANwpGUuG3TMwnVzZxD2kY")
	if err != nil {
		t.Fatal(err)
	}
	back, err := BlobIDFromU256(id.U256())
	if err != nil || back != id {
		t.Fatalf("u256 round trip: %v", err)
	}
	for _, bad := range []string{"", "abc", "RcU82Mwf-CFkv1LaI_2qcpANwpGUuG3TMwnVzZxD2k=", "RcU82Mwf+CFkv1LaI_2qcpANwpGUuG3TMwnVzZxD2kY", "RcU82Mwf-CFkv1LaI_2qcpANwpGUuG3TMwnVzZxD2kZ"} {
		if _, err := ParseBlobID(bad); !errors.Is(err, ErrInvalidBlobID) {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}

func randomBlob(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

func pick(rng *rand.Rand, all [][]byte, axis Axis, count, symbolSize int) []Sliver {
	var out []Sliver
	for _, i := range rng.Perm(len(all))[:count] {
		out = append(out, Sliver{Axis: axis, Index: uint16(i), SymbolSize: uint16(symbolSize), Data: all[i]})
	}
	return out
}

// TestDecodeRoundTrip decodes from random subsets of exactly n-2f primary and n-f
// secondary slivers, for low- and high-rate column codes, ragged and maximum symbol sizes.
func TestDecodeRoundTrip(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct{ n, length int }{
		{4, 2 * 3 * MaxSymbolSize}, // the maximum blob, symbol size 65534
		{7, 1000}, {10, 1}, {10, 12345}, {13, 4096}, {100, 100_000}, {1000, 300_000},
		{10, 4 * 7 * 128}, {100, 34 * 67 * 64}, // whole 64-byte chunks: decoded without repacking
	} {
		c := mustCodec(t, tc.n)
		blob := randomBlob(rng, tc.length)
		enc, err := c.Encode(blob)
		if err != nil {
			t.Fatal(err)
		}
		p := c.Params()
		for trial := 0; trial < 3; trial++ {
			// The codewords are shared out between GOMAXPROCS goroutines.
			runtime.GOMAXPROCS([]int{1, 3, 7}[trial])
			for _, axis := range []Axis{Primary, Secondary} {
				all, need := enc.Primary, p.PrimarySymbols()
				if axis == Secondary {
					all, need = enc.Secondary, p.SecondarySymbols()
				}
				slivers := pick(rng, all, axis, need, enc.SymbolSize)
				var given [][]byte
				for _, sl := range slivers {
					given = append(given, bytes.Clone(sl.Data))
				}
				for _, check := range []ConsistencyCheck{CheckDefault, CheckStrict} {
					if tc.n == 1000 && check == CheckStrict && trial > 0 {
						continue
					}
					got, err := c.Decode(enc.Metadata, slivers, check)
					if err != nil {
						t.Fatalf("n=%d L=%d %s: %v", tc.n, tc.length, axis, err)
					}
					if !bytes.Equal(got, blob) {
						t.Fatalf("n=%d L=%d %s check %d: decoded blob differs", tc.n, tc.length, axis, check)
					}
				}
				for i, sl := range slivers {
					if !bytes.Equal(sl.Data, given[i]) {
						t.Fatalf("n=%d L=%d %s: decoding modified input sliver %d", tc.n, tc.length, axis, sl.Index)
					}
				}
				if _, err := c.Decode(enc.Metadata, slivers[:need-1], CheckDefault); !errors.Is(err, ErrNotEnoughSlivers) {
					t.Fatalf("decode from %d slivers: %v", need-1, err)
				}
			}
		}
	}
}

func TestVerifySliverAndMetadata(t *testing.T) {
	c := mustCodec(t, 10)
	enc, err := c.Encode([]byte("a blob to verify, a blob to verify"))
	if err != nil {
		t.Fatal(err)
	}
	m := enc.Metadata
	meta := m.Metadata()
	if _, err := VerifyMetadata(c.Params(), m.BlobID(), meta); err != nil {
		t.Fatal(err)
	}
	// BCS round trip of the metadata with ID.
	withID := m.WithID()
	var back MetadataWithID
	if err := bcs.Unmarshal(bcs.Marshal(&withID), &back); err != nil || back.BlobID != m.BlobID() {
		t.Fatalf("metadata with ID round trip: %v", err)
	}
	if b := bcs.Marshal(&withID); b[33] != 1 {
		t.Fatalf("encoding type byte at offset 33 is %d", b[33])
	}

	other := m.BlobID()
	other[0] ^= 1
	if _, err := VerifyMetadata(c.Params(), other, meta); !errors.Is(err, ErrBlobIDMismatch) {
		t.Fatalf("wrong blob ID: %v", err)
	}
	short := meta
	short.Hashes = short.Hashes[:9]
	if _, err := VerifyMetadata(c.Params(), m.BlobID(), short); !errors.Is(err, ErrInvalidMetadata) {
		t.Fatalf("short hashes: %v", err)
	}
	long := meta
	long.UnencodedLength = c.Params().MaxBlobSize() + 1
	if _, err := VerifyMetadata(c.Params(), m.BlobID(), long); !errors.Is(err, ErrInvalidMetadata) {
		t.Fatalf("over-long: %v", err)
	}

	for pair := 0; pair < 10; pair++ {
		ps, ss := enc.SliverPair(pair)
		for _, s := range []Sliver{ps, ss} {
			if err := c.VerifySliver(m, s); err != nil {
				t.Fatalf("pair %d %s: %v", pair, s.Axis, err)
			}
			bad := s
			bad.Data = append([]byte(nil), s.Data...)
			bad.Data[len(bad.Data)-1] ^= 0x80
			if err := c.VerifySliver(m, bad); !errors.Is(err, ErrSliverHashMismatch) {
				t.Fatalf("corrupt sliver: %v", err)
			}
			wrongIndex := s
			wrongIndex.Index = (s.Index + 1) % 10
			if err := c.VerifySliver(m, wrongIndex); !errors.Is(err, ErrSliverHashMismatch) {
				t.Fatalf("wrong index: %v", err)
			}
			for _, shape := range []Sliver{
				{Axis: s.Axis, Index: 10, SymbolSize: s.SymbolSize, Data: s.Data},
				{Axis: s.Axis, Index: s.Index, SymbolSize: s.SymbolSize + 2, Data: s.Data},
				{Axis: s.Axis, Index: s.Index, SymbolSize: s.SymbolSize, Data: s.Data[1:]},
				{Axis: s.Axis.Orthogonal(), Index: s.Index, SymbolSize: s.SymbolSize, Data: s.Data},
			} {
				if err := c.VerifySliver(m, shape); !errors.Is(err, ErrInvalidSliver) {
					t.Fatalf("bad shape %+v accepted: %v", shape, err)
				}
			}
		}
	}
	if err := mustCodec(t, 7).VerifySliver(m, Sliver{}); !errors.Is(err, ErrInvalidMetadata) {
		t.Fatalf("codec/metadata shard mismatch: %v", err)
	}
}

// TestRecoverSlivers rebuilds slivers of both axes from other nodes' recovery symbols.
func TestRecoverSlivers(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{7, 10, 13, 100} {
		c := mustCodec(t, n)
		p := c.Params()
		enc, err := c.Encode(randomBlob(rng, 5000))
		if err != nil {
			t.Fatal(err)
		}
		for _, axis := range []Axis{Primary, Secondary} {
			target := rng.IntN(n)
			sources, need := enc.Secondary, p.SecondarySymbols() // a primary sliver needs n-f symbols from secondaries
			if axis == Secondary {
				sources, need = enc.Primary, p.PrimarySymbols()
			}
			var symbols []GeneralRecoverySymbol
			for _, i := range rng.Perm(n)[:need] {
				src := Sliver{Axis: axis.Orthogonal(), Index: uint16(i), SymbolSize: uint16(enc.SymbolSize), Data: sources[i]}
				got, err := c.RecoverySymbols(src, []int{target})
				if err != nil {
					t.Fatal(err)
				}
				if err := enc.Metadata.VerifyRecoverySymbol(got[0]); err != nil {
					t.Fatalf("n=%d: fresh symbol fails: %v", n, err)
				}
				var wire RecoverySymbolList = got
				var decoded RecoverySymbolList
				if err := bcs.Unmarshal(bcs.Marshal(&wire), &decoded); err != nil {
					t.Fatal(err)
				}
				symbols = append(symbols, decoded...)
			}
			rec, err := c.RecoverSliver(enc.Metadata, axis, target, symbols)
			if err != nil {
				t.Fatalf("n=%d recover %s %d: %v", n, axis, target, err)
			}
			want := enc.Primary[target]
			if axis == Secondary {
				want = enc.Secondary[target]
			}
			if !bytes.Equal(rec.Data, want) {
				t.Fatalf("n=%d: recovered %s sliver %d differs", n, axis, target)
			}
			// A tampered symbol is refused.
			bad := symbols[0]
			bad.Symbol.Data = append([]byte(nil), bad.Symbol.Data...)
			bad.Symbol.Data[0] ^= 1
			if err := enc.Metadata.VerifyRecoverySymbol(bad); !errors.Is(err, ErrInvalidRecoverySymbol) {
				t.Fatalf("tampered symbol: %v", err)
			}
			if _, err := c.RecoverSliver(enc.Metadata, axis, target, symbols[:need-1]); !errors.Is(err, ErrNotEnoughSlivers) {
				t.Fatalf("too few symbols: %v", err)
			}
		}
	}
}

// TestInconsistencyProof builds an inconsistently encoded blob (one primary sliver
// altered and its hash recomputed, so the metadata commits to it), recovers that sliver
// from the honest secondary slivers, and checks the proof as a third party would.
func TestInconsistencyProof(t *testing.T) {
	c := mustCodec(t, 10)
	p := c.Params()
	enc, err := c.Encode(randomBlob(rand.New(rand.NewPCG(1, 1)), 3000))
	if err != nil {
		t.Fatal(err)
	}
	const target = 2
	altered := append([]byte(nil), enc.Primary[target]...)
	altered[5] ^= 0xff
	expanded, err := c.expand(Sliver{Axis: Primary, Index: target, SymbolSize: uint16(enc.SymbolSize), Data: altered})
	if err != nil {
		t.Fatal(err)
	}
	meta := enc.Metadata.Metadata()
	meta.Hashes[target].PrimaryHash = nodeOf(rootOf(expanded, enc.SymbolSize))
	id := ComputeBlobID(RS2, meta.UnencodedLength, meta.rootHash())
	bad, err := VerifyMetadata(p, id, meta)
	if err != nil {
		t.Fatal(err)
	}
	var symbols []GeneralRecoverySymbol
	for j := 0; j < p.SecondarySymbols(); j++ {
		src := Sliver{Axis: Secondary, Index: uint16(j), SymbolSize: uint16(enc.SymbolSize), Data: enc.Secondary[j]}
		g, err := c.RecoverySymbols(src, []int{target})
		if err != nil {
			t.Fatal(err)
		}
		symbols = append(symbols, g...)
	}
	_, err = c.RecoverSliver(bad, Primary, target, symbols)
	var inc *InconsistencyError
	if !errors.As(err, &inc) || !errors.Is(err, ErrInconsistentBlob) {
		t.Fatalf("recovery of the altered sliver: %v", err)
	}
	// The proof travels as BCS and verifies for a third party.
	wire := bcs.Marshal(&inc.Proof)
	var proof InconsistencyProof
	if err := bcs.Unmarshal(wire, &proof); err != nil {
		t.Fatal(err)
	}
	proof.Axis = Primary
	if err := c.VerifyInconsistencyProof(bad, proof); err != nil {
		t.Fatalf("valid proof rejected: %v", err)
	}
	// Against the honest metadata the same symbols prove nothing.
	if err := c.VerifyInconsistencyProof(enc.Metadata, proof); err == nil {
		t.Fatal("proof accepted against consistent metadata")
	}
	// A proof with a tampered symbol is rejected.
	proof.Symbols[0].Symbol.Data = append([]byte(nil), proof.Symbols[0].Symbol.Data...)
	proof.Symbols[0].Symbol.Data[0] ^= 1
	if err := c.VerifyInconsistencyProof(bad, proof); !errors.Is(err, ErrInvalidRecoverySymbol) {
		t.Fatalf("tampered proof: %v", err)
	}
	// Reading the inconsistent blob fails the default consistency check when the
	// altered row is decoded rather than given.
	var slivers []Sliver
	for i := p.PrimarySymbols(); i < 10 && len(slivers) < p.PrimarySymbols(); i++ {
		slivers = append(slivers, Sliver{Axis: Primary, Index: uint16(i), SymbolSize: uint16(enc.SymbolSize), Data: enc.Primary[i]})
	}
	if _, err := c.Decode(bad, slivers, CheckDefault); !errors.Is(err, ErrInconsistentBlob) {
		t.Fatalf("default check on an inconsistent blob: %v", err)
	}
	if _, err := c.Decode(bad, slivers, CheckStrict); !errors.Is(err, ErrInconsistentBlob) {
		t.Fatalf("strict check on an inconsistent blob: %v", err)
	}
}

func nodeOf(d merkle.Digest) merkle.Node { return merkle.DigestNode(d) }

func rootOf(expanded []byte, symbolSize int) merkle.Digest {
	return merkle.Root(leafHashes(expanded, symbolSize))
}

func TestMalformedWire(t *testing.T) {
	enc, err := mustCodec(t, 10).Encode([]byte("wire"))
	if err != nil {
		t.Fatal(err)
	}
	meta := enc.Metadata.Metadata()
	good := bcs.Marshal(&meta)
	cases := map[string][]byte{
		"empty":               nil,
		"wrong variant":       append([]byte{1}, good[1:]...),
		"encoding type 0":     append([]byte{0, 0}, good[2:]...),
		"truncated":           good[:len(good)-1],
		"trailing":            append(append([]byte{}, good...), 0),
		"node tag 2":          append(append([]byte{}, good[:11]...), append([]byte{2}, good[12:]...)...),
		"hash count too long": append(append([]byte{}, good[:10]...), append([]byte{0xff, 0x7f}, good[11:]...)...),
	}
	for name, b := range cases {
		var m Metadata
		if err := bcs.Unmarshal(b, &m); !errors.Is(err, bcs.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestWorkspaceReuse encodes blobs of decreasing and increasing sizes through one
// workspace: every result must equal a fresh encode (no stale bytes from the last blob).
func TestWorkspaceReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	c := mustCodec(t, 10)
	var ws Workspace
	for _, size := range []int{5000, 30, 0, 2999, 57, 12000, 1} {
		blob := randomBlob(rng, size)
		want, err := c.Encode(blob)
		if err != nil {
			t.Fatal(err)
		}
		// Dirty the workspace so that stale bytes would show.
		for i := range ws.rows {
			ws.rows[i] = 0xa5
		}
		got, err := c.EncodeTo(&ws, blob)
		if err != nil {
			t.Fatal(err)
		}
		if got.Metadata.BlobID() != want.Metadata.BlobID() {
			t.Fatalf("size %d: blob ID %s through a reused workspace, %s fresh", size, got.Metadata.BlobID(), want.Metadata.BlobID())
		}
		for i := range want.Primary {
			if !bytes.Equal(got.Primary[i], want.Primary[i]) || !bytes.Equal(got.Secondary[i], want.Secondary[i]) {
				t.Fatalf("size %d: sliver pair %d differs", size, i)
			}
		}
		// The metadata alone through the same workspace, dirtied again.
		for i := range ws.secondary {
			ws.secondary[i] = 0x5a
		}
		meta, err := c.ComputeMetadataTo(&ws, blob)
		if err != nil {
			t.Fatal(err)
		}
		if !equalMetadata(meta, want.Metadata) {
			t.Fatalf("size %d: ComputeMetadata through a reused workspace differs from Encode", size)
		}
	}
}

// TestCodecsCache: one codec per shard count, shared by concurrent callers; a shard
// count out of range is an error and nothing is cached for it.
func TestCodecsCache(t *testing.T) {
	var cache Codecs
	got := make([]*Codec, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := cache.Get(10 + i%2*90)
			if err != nil {
				t.Error(err)
			}
			got[i] = c
		}()
	}
	wg.Wait()
	for i, c := range got {
		if c == nil || c != got[i%2] {
			t.Fatalf("caller %d got codec %p, want the one of caller %d (%p)", i, c, i%2, got[i%2])
		}
		if want := 10 + i%2*90; c.Params().NShards != want {
			t.Fatalf("caller %d: codec for %d shards, want %d", i, c.Params().NShards, want)
		}
	}
	if _, err := cache.Get(3); err == nil {
		t.Fatal("Get(3): no error for 3 shards")
	}
	if len(cache.m) != 2 {
		t.Fatalf("cache holds %d codecs, want 2", len(cache.m))
	}
}
