package merkle

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"testing"

	"github.com/tuskstore/tusk/internal/bcs"
	"golang.org/x/crypto/blake2b"
)

var testInput = []string{"foo", "bar", "fizz", "baz", "buzz", "fizz", "foobar", "walrus", "fizz"}

func mustHex(t testing.TB, s string) Digest {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != DigestSize {
		t.Fatalf("bad hex %q", s)
	}
	return Digest(b)
}

func testLeaves(k int) [][]byte {
	var out [][]byte
	for _, s := range testInput[:k] {
		out = append(out, []byte(s))
	}
	return out
}

// refLeaf and refRoot are straightforward transcriptions of the reference
// construction, using x/crypto directly.
func refLeaf(b []byte) Digest {
	return blake2b.Sum256(append([]byte{0}, b...))
}

func refInner(l, r Digest) Digest {
	return blake2b.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func refRoot(leaves []Digest) Digest {
	if len(leaves) == 0 {
		return Digest{}
	}
	level := append([]Digest(nil), leaves...)
	for len(level) > 1 {
		if len(level)%2 == 1 {
			level = append(level, Digest{})
		}
		next := make([]Digest, len(level)/2)
		for i := range next {
			next[i] = refInner(level[2*i], level[2*i+1])
		}
		level = next
	}
	return level[0]
}

func randDigests(r *rand.Rand, n int) []Digest {
	d := make([]Digest, n)
	for i := range d {
		r.Read(d[i][:])
	}
	return d
}

func TestVectors(t *testing.T) {
	vectors := map[int]string{
		0: "0000000000000000000000000000000000000000000000000000000000000000",
		1: "d49d71d62803f5c6b8c9ae0f1029a4e351a51eff62646fa1ea74d6b7279a3e5e",
		2: "61688bd85d568dae621f00a807645051f4e8b955b2c33d3b65dc5007021e8d7b",
		3: "d7e3452da926102fc8a21ac08e0b5678df4659a904179843843a803d09c421dd",
		5: "1a6135e02ade24f6130f24fa215cc0194ab7bc52a243a30e8f7172e4e5bc82b0",
		9: "8d010676de3d660877cc8c27a42dcff9c1159720361a8236d2d207b68b729b0c",
	}
	for k, want := range vectors {
		leaves := testLeaves(k)
		tree := BuildTree(leaves)
		if got := tree.Root(); got != mustHex(t, want) {
			t.Errorf("k=%d: tree root %s, want %s", k, got, want)
		}
		h := make([]Digest, k)
		for i, l := range leaves {
			h[i] = LeafHash(l)
		}
		if got := Root(h); got.String() != want {
			t.Errorf("k=%d: Root %s, want %s", k, got, want)
		}
		if got := refRoot(h); got.String() != want {
			t.Errorf("k=%d: reference root %s, want %s", k, got, want)
		}
	}
	if got := LeafHash([]byte("Test")); got.String() != "6ef5fbb3faab506502b680cd9ab8be827b955e1f9171b82b1c5b3914870bf982" {
		t.Errorf("leaf_hash(Test) = %s", got)
	}
	if got, want := BuildTree([][]byte{{}}).Root(), refLeaf(nil); got != want {
		t.Errorf("empty leaf root %s, want %s", got, want)
	}
	if !BuildTree(nil).RootNode().Empty {
		t.Error("root node of the empty tree is not Empty")
	}
}

func TestPathLengthNodeCount(t *testing.T) {
	pl := []int{0, 0, 1, 2, 2, 3, 3, 3, 3, 4}
	nc := []int{0, 1, 3, 7, 7, 13, 13, 15, 15, 23}
	for n := range pl {
		if got := PathLength(n); got != pl[n] {
			t.Errorf("PathLength(%d) = %d, want %d", n, got, pl[n])
		}
		if got := NodeCount(n); got != nc[n] {
			t.Errorf("NodeCount(%d) = %d, want %d", n, got, nc[n])
		}
	}
	for n := 1; n < 200; n++ {
		p, _ := NewTree(make([]Digest, n)).Proof(n - 1)
		if len(p) != PathLength(n) {
			t.Fatalf("n=%d: proof length %d, want %d", n, len(p), PathLength(n))
		}
	}
	if PathLength(1<<62+1) != 63 || PathLength(-1) != 0 || NodeCount(-3) != 0 {
		t.Error("edge cases")
	}
}

func TestInnerAndLeafHash(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	d := randDigests(r, 2)
	if InnerHash(d[0], d[1]) != refInner(d[0], d[1]) {
		t.Fatal("InnerHash")
	}
	for _, l := range []int{0, 1, 6, 127, 128, 302, 1000} {
		b := make([]byte, l)
		r.Read(b)
		if LeafHash(b) != refLeaf(b) {
			t.Fatalf("LeafHash len %d", l)
		}
	}
}

func TestProofs(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for n := 1; n <= 40; n++ {
		data := make([][]byte, n)
		for i := range data {
			data[i] = make([]byte, 1+r.Intn(40))
			r.Read(data[i])
		}
		tree := BuildTree(data)
		root := tree.Root()
		leafHashes := make([]Digest, n)
		for i := range data {
			leafHashes[i] = LeafHash(data[i])
		}
		if root != refRoot(leafHashes) {
			t.Fatalf("n=%d: root mismatch", n)
		}
		for i := 0; i < n; i++ {
			p, err := tree.Proof(i)
			if err != nil {
				t.Fatal(err)
			}
			lh := LeafHash(data[i])
			if err := p.Verify(root, lh, i); err != nil {
				t.Fatalf("n=%d i=%d: %v", n, i, err)
			}
			if err := p.VerifyLeafCount(root, n, lh, i); err != nil {
				t.Fatalf("n=%d i=%d: %v", n, i, err)
			}
			// Flip every bit of the leaf data.
			for b := 0; b < len(data[i])*8; b += 3 {
				mod := append([]byte(nil), data[i]...)
				mod[b/8] ^= 1 << (b % 8)
				if err := p.Verify(root, LeafHash(mod), i); !errors.Is(err, ErrProofInvalid) {
					t.Fatalf("n=%d i=%d: modified leaf accepted (%v)", n, i, err)
				}
			}
			// Change every byte of every sibling, and toggle Empty.
			for s := range p {
				for b := 0; b < DigestSize; b++ {
					q := append(Proof(nil), p...)
					q[s] = DigestNode(q[s].Bytes())
					q[s].Digest[b] ^= 0x80
					if err := q.Verify(root, lh, i); !errors.Is(err, ErrRootMismatch) {
						t.Fatalf("n=%d i=%d: modified sibling %d accepted", n, i, s)
					}
				}
				q := append(Proof(nil), p...)
				q[s] = Node{Empty: !q[s].Empty, Digest: q[s].Digest}
				if q[s].Bytes() != p[s].Bytes() {
					if q.Verify(root, lh, i) == nil {
						t.Fatalf("n=%d i=%d: toggled sibling %d accepted", n, i, s)
					}
				}
			}
			// Any other index fails.
			for j := -1; j <= n+1; j++ {
				if j != i && p.Verify(root, lh, j) == nil {
					t.Fatalf("n=%d: proof of %d accepted for %d", n, i, j)
				}
			}
			// Wrong root, proof too long, truncated proof.
			bad := root
			bad[0] ^= 1
			if err := p.Verify(bad, lh, i); !errors.Is(err, ErrRootMismatch) {
				t.Fatalf("wrong root: %v", err)
			}
			long := append(append(Proof(nil), p...), EmptyNode())
			if err := long.VerifyLeafCount(root, n, lh, i); !errors.Is(err, ErrPathTooLong) || !errors.Is(err, ErrProofInvalid) {
				t.Fatalf("long proof: %v", err)
			}
			if len(p) > 0 && p[:len(p)-1].Verify(root, lh, i) == nil {
				t.Fatalf("truncated proof accepted")
			}
			if err := p.VerifyLeafCount(root, i, lh, i); !errors.Is(err, ErrProofInvalid) {
				t.Fatalf("index >= leafCount accepted: %v", err)
			}
		}
		if _, err := tree.Proof(n); !errors.Is(err, ErrIndexOutOfRange) {
			t.Fatalf("Proof(n): %v", err)
		}
		if _, err := tree.Proof(-1); !errors.Is(err, ErrIndexOutOfRange) {
			t.Fatalf("Proof(-1): %v", err)
		}
	}
}

func TestProofEmptySibling(t *testing.T) {
	tree := BuildTree(testLeaves(3))
	p, err := tree.Proof(2)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 2 || !p[0].Empty || p[1].Empty {
		t.Fatalf("proof of leaf 2 of 3: %v", p)
	}
	if p[1].Digest != InnerHash(LeafHash([]byte("foo")), LeafHash([]byte("bar"))) {
		t.Fatal("wrong second sibling")
	}
	enc := bcs.Marshal(p)
	want := append([]byte{2, 0, 1}, p[1].Digest[:]...)
	if !bytes.Equal(enc, want) {
		t.Fatalf("BCS %x, want %x", enc, want)
	}
	// The single-leaf tree has an empty proof.
	p, _ = BuildTree(testLeaves(1)).Proof(0)
	if enc := bcs.Marshal(p); len(p) != 0 || !bytes.Equal(enc, []byte{0}) {
		t.Fatalf("single leaf proof %v %x", p, enc)
	}
	if p.Verify(LeafHash([]byte("foo")), LeafHash([]byte("foo")), 0) != nil {
		t.Fatal("single leaf proof rejected")
	}
	if p.Verify(LeafHash([]byte("foo")), LeafHash([]byte("foo")), 1) == nil {
		t.Fatal("single leaf proof accepted at index 1")
	}
}

func TestRoots(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	var trees [][]Digest
	for n := 0; n <= 70; n++ {
		trees = append(trees, randDigests(r, n))
	}
	for i := 0; i < 30; i++ {
		trees = append(trees, randDigests(r, r.Intn(300)))
	}
	r.Shuffle(len(trees), func(i, j int) { trees[i], trees[j] = trees[j], trees[i] })
	dst := make([]Digest, len(trees))
	Roots(dst, trees)
	for i, tr := range trees {
		want := refRoot(tr)
		if dst[i] != want {
			t.Fatalf("Roots tree %d (n=%d)", i, len(tr))
		}
		if Root(tr) != want {
			t.Fatalf("Root tree %d (n=%d)", i, len(tr))
		}
		if NewTree(tr).Root() != want {
			t.Fatalf("NewTree tree %d (n=%d)", i, len(tr))
		}
	}
}

func TestRootsStrided(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for _, dims := range [][2]int{{0, 0}, {1, 1}, {1, 5}, {5, 1}, {3, 7}, {9, 9}, {17, 6}, {33, 40}} {
		rows, cols := dims[0], dims[1]
		m := randDigests(r, rows*cols)
		rowRoots := make([]Digest, rows)
		colRoots := make([]Digest, cols)
		RootsStrided(rowRoots, m, cols, cols, 1)
		RootsStrided(colRoots, m, rows, 1, cols)
		for i := 0; i < rows; i++ {
			if rowRoots[i] != refRoot(m[i*cols:(i+1)*cols]) {
				t.Fatalf("%v row %d", dims, i)
			}
		}
		for j := 0; j < cols; j++ {
			col := make([]Digest, rows)
			for i := range col {
				col[i] = m[i*cols+j]
			}
			if colRoots[j] != refRoot(col) {
				t.Fatalf("%v col %d", dims, j)
			}
		}
	}
}

func TestLeafHashes(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for _, size := range []int{0, 1, 6, 32, 126, 127, 128, 302, 1000} {
		for _, n := range []int{0, 1, 2, 3, 4, 5, 9, 31} {
			data := make([]byte, n*size)
			r.Read(data)
			dst := make([]Digest, n)
			LeafHashes(dst, data, size)
			for i := range dst {
				if dst[i] != refLeaf(data[i*size:(i+1)*size]) {
					t.Fatalf("LeafHashes size %d n %d i %d", size, n, i)
				}
			}
			// Column 1 of a matrix with n rows of 3 symbols.
			if n == 0 {
				continue
			}
			mat := make([]byte, n*3*size)
			r.Read(mat)
			clear(dst)
			LeafHashesStrided(dst, mat[size:], size, 3*size)
			for i := range dst {
				o := i*3*size + size
				if dst[i] != refLeaf(mat[o:o+size]) {
					t.Fatalf("LeafHashesStrided size %d n %d i %d", size, n, i)
				}
			}
			clear(dst)
			LeafHashesFunc(dst, func(i int) []byte { return mat[i*3*size : i*3*size+size] })
			for i := range dst {
				if dst[i] != refLeaf(mat[i*3*size:i*3*size+size]) {
					t.Fatalf("LeafHashesFunc size %d n %d i %d", size, n, i)
				}
			}
		}
	}
}

func TestNodeBCS(t *testing.T) {
	d := mustHex(t, "d49d71d62803f5c6b8c9ae0f1029a4e351a51eff62646fa1ea74d6b7279a3e5e")
	for _, n := range []Node{EmptyNode(), DigestNode(d), DigestNode(Digest{})} {
		enc := bcs.Marshal(n)
		var back Node
		if err := bcs.Unmarshal(enc, &back); err != nil || back != n {
			t.Fatalf("round trip %v: %v %v", n, back, err)
		}
	}
	if enc := bcs.Marshal(EmptyNode()); !bytes.Equal(enc, []byte{0}) {
		t.Fatalf("Empty encodes as %x", enc)
	}
	if enc := bcs.Marshal(DigestNode(d)); enc[0] != 1 || len(enc) != 33 || Digest(enc[1:]) != d {
		t.Fatalf("Digest encodes as %x", enc)
	}
	for _, bad := range [][]byte{nil, {2}, {0x80, 0}, {0xff}, {1}, append([]byte{1}, make([]byte, 31)...), {0, 0}} {
		var n Node
		if err := bcs.Unmarshal(bad, &n); !errors.Is(err, bcs.ErrMalformed) {
			t.Errorf("Unmarshal(%x): %v", bad, err)
		}
	}
}

func TestProofBCS(t *testing.T) {
	tree := BuildTree(testLeaves(9))
	for i := 0; i < 9; i++ {
		p, _ := tree.Proof(i)
		enc := bcs.Marshal(p)
		if len(enc) != 1+len(p)+DigestSize*countDigests(p) || enc[0] != byte(len(p)) {
			t.Fatalf("encoding %x", enc)
		}
		var back Proof
		if err := bcs.Unmarshal(enc, &back); err != nil || !equalProofs(back, p) {
			t.Fatalf("round trip: %v %v", back, err)
		}
		for cut := 0; cut < len(enc); cut++ {
			var q Proof
			if err := bcs.Unmarshal(enc[:cut], &q); !errors.Is(err, bcs.ErrMalformed) {
				t.Fatalf("truncated at %d: %v", cut, err)
			}
		}
	}
	bad := map[string][]byte{
		"non-canonical length": {0x80, 0x00},
		"huge length":          {0xff, 0xff, 0xff, 0xff, 0x07},
		"u32 overflow":         {0xff, 0xff, 0xff, 0xff, 0x1f},
		"too many bytes":       {0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
		"65 nodes":             append([]byte{65}, make([]byte, 65)...),
		"bad tag":              {1, 2},
		"truncated digest":     {1, 1, 0, 0},
		"trailing":             {0, 0},
	}
	for name, b := range bad {
		var p Proof
		if err := bcs.Unmarshal(b, &p); !errors.Is(err, bcs.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	long := make(Proof, MaxPathLength)
	for i := range long {
		long[i] = EmptyNode()
	}
	var got Proof
	if err := bcs.Unmarshal(bcs.Marshal(long), &got); err != nil || len(got) != MaxPathLength {
		t.Fatalf("max length proof: %v", err)
	}
}

func countDigests(p Proof) int {
	n := 0
	for _, x := range p {
		if !x.Empty {
			n++
		}
	}
	return n
}

func equalProofs(a, b Proof) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func FuzzProofBCS(f *testing.F) {
	tree := BuildTree(testLeaves(9))
	for i := 0; i < 9; i += 4 {
		p, _ := tree.Proof(i)
		f.Add(bcs.Marshal(p))
	}
	f.Add([]byte{})
	f.Add([]byte{0x80, 0x00})
	f.Add([]byte{3, 0, 0, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Proof
		if err := bcs.Unmarshal(data, &p); err != nil {
			if !errors.Is(err, bcs.ErrMalformed) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if enc := bcs.Marshal(p); !bytes.Equal(enc, data) {
			t.Fatalf("round trip: %x != %x", enc, data)
		}
		// Verification of arbitrary proofs must not panic either.
		_ = p.Verify(Digest{}, Digest{}, len(data))
		_ = p.VerifyLeafCount(Digest{}, len(data), Digest{}, 0)
	})
}

func BenchmarkRoots_1000x1000(b *testing.B) {
	r := rand.New(rand.NewSource(6))
	all := randDigests(r, 1000*1000)
	trees := make([][]Digest, 1000)
	for i := range trees {
		trees[i] = all[i*1000 : (i+1)*1000]
	}
	dst := make([]Digest, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Roots(dst, trees)
	}
	b.ReportMetric(float64(1001*1000*b.N)/b.Elapsed().Seconds(), "inner/s")
}

func BenchmarkRootsStridedColumns_1000x1000(b *testing.B) {
	r := rand.New(rand.NewSource(6))
	all := randDigests(r, 1000*1000)
	dst := make([]Digest, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		RootsStrided(dst, all, 1000, 1, 1000)
	}
}

func benchLeafHashes(b *testing.B, size int) {
	const n = 1000 * 1000
	data := make([]byte, n*size)
	dst := make([]Digest, n)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		LeafHashes(dst, data, size)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "leaves/s")
}

func BenchmarkLeafHashes_1M_6B(b *testing.B)   { benchLeafHashes(b, 6) }
func BenchmarkLeafHashes_1M_302B(b *testing.B) { benchLeafHashes(b, 302) }

func BenchmarkNewTree_1000(b *testing.B) {
	leaves := randDigests(rand.New(rand.NewSource(7)), 1000)
	for i := 0; i < b.N; i++ {
		NewTree(leaves)
	}
}

func ExampleTree_Proof() {
	tree := BuildTree([][]byte{[]byte("foo"), []byte("bar"), []byte("fizz")})
	proof, _ := tree.Proof(2)
	fmt.Println(proof[0], proof.Verify(tree.Root(), LeafHash([]byte("fizz")), 2))
	// Output: Empty <nil>
}
