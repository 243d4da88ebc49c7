package read_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tuskstore/tusk/coordinator/committees"
	"github.com/tuskstore/tusk/coordinator/coordtest/fakenode"
	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
)

func randomBlob(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	return b
}

type fixture struct {
	*testnet.Net
	w *store.Writer
	r *read.Reader
}

func setup(t *testing.T) *fixture {
	n := testnet.Start(t, testnet.Options{})
	sc := store.DefaultConfig()
	sc.TailWait = time.Minute // the stores wait for every node: the faults come after
	rc := read.DefaultConfig()
	rc.RequestTimeout = time.Second
	rc.HedgeAfter = 50 * time.Millisecond
	return &fixture{Net: n, w: store.NewWriter(n.Chain, n.Source, sc, nil, nil), r: read.NewReader(n.Source, rc, nil, nil)}
}

func (f *fixture) store(t *testing.T, blob []byte) encoding.BlobID {
	t.Helper()
	res, err := f.w.Store(f.Ctx, blob, store.Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	return res.BlobID()
}

// within returns node indices holding together at most maxWeight shards.
func (f *fixture) within(maxWeight int) ([]int, int) {
	var out []int
	w := 0
	for i := range f.Cluster.Nodes {
		if w+f.Cluster.Weight(i) <= maxWeight {
			out = append(out, i)
			w += f.Cluster.Weight(i)
		}
	}
	return out, w
}

func (f *fixture) faultF() int { return (int(f.Committee.NShards) - 1) / 3 }

func TestReadRoundTripSizes(t *testing.T) {
	f := setup(t)
	p, _ := encoding.NewParams(int(f.Committee.NShards))
	for _, size := range []int{0, 1, 2, 57, 4096, 333_333, int(p.MaxBlobSize())} {
		blob := randomBlob(size)
		id := f.store(t, blob)
		for _, check := range []encoding.ConsistencyCheck{encoding.CheckDefault, encoding.CheckStrict, encoding.CheckSkip} {
			got, err := f.r.Read(f.Ctx, id, check)
			if err != nil {
				t.Fatalf("size %d check %d: %v", size, check, err)
			}
			if !bytes.Equal(got, blob) {
				t.Fatalf("size %d check %d: read back %d different bytes", size, check, len(got))
			}
		}
	}
}

// 2f shards' worth of nodes down, or serving corrupt slivers or metadata: reads still
// return the right bytes.
func TestReadToleratesTwoFFaults(t *testing.T) {
	for _, b := range []fakenode.Behaviour{fakenode.Down, fakenode.Hang, fakenode.CorruptSlivers, fakenode.CorruptMetadata} {
		f := setup(t)
		blob := randomBlob(50_000)
		id := f.store(t, blob)
		bad, w := f.within(2 * f.faultF())
		if w <= f.faultF() {
			t.Fatalf("faulty weight %d does not exceed f", w)
		}
		for _, i := range bad {
			f.Cluster.Nodes[i].SetBehaviour(b)
		}
		got, err := f.r.Read(f.Ctx, id, encoding.CheckDefault)
		if err != nil {
			t.Fatalf("behaviour %d on nodes %v (%d shards): %v", b, bad, w, err)
		}
		if !bytes.Equal(got, blob) {
			t.Fatalf("behaviour %d: wrong bytes", b)
		}
		rg, err := f.r.ReadRange(f.Ctx, id, 1000, 20_000)
		if err != nil {
			t.Fatalf("behaviour %d: range: %v", b, err)
		}
		if !bytes.Equal(rg.Data, blob[1000:21_000]) {
			t.Fatalf("behaviour %d: range: wrong bytes", b)
		}
	}
}

func TestReadErrors(t *testing.T) {
	f := setup(t)
	var missing encoding.BlobID
	missing[3] = 7
	if _, err := f.r.Read(f.Ctx, missing, encoding.CheckDefault); !errors.Is(err, read.ErrBlobNotFound) {
		t.Fatalf("missing blob: %v, want ErrBlobNotFound", err)
	}
	if _, err := f.r.Status(f.Ctx, missing); !errors.Is(err, read.ErrBlobNotFound) {
		t.Fatalf("missing blob status: %v, want ErrBlobNotFound", err)
	}
	blob := randomBlob(3000)
	id := f.store(t, blob)
	for _, tc := range []struct{ start, length uint64 }{{3000, 1}, {0, 0}, {5000, 10}} {
		if _, err := f.r.ReadRange(f.Ctx, id, tc.start, tc.length); !errors.Is(err, read.ErrInvalidRange) {
			t.Fatalf("range %+v: %v, want ErrInvalidRange", tc, err)
		}
	}
	// More than 2f shards down: unavailable (not "not found").
	for i := range f.Cluster.Nodes[:3] {
		f.Cluster.Nodes[i].SetBehaviour(fakenode.Down)
	}
	if _, err := f.r.Read(f.Ctx, id, encoding.CheckDefault); !errors.Is(err, read.ErrBlobUnavailable) {
		t.Fatalf("3 nodes down: %v, want ErrBlobUnavailable", err)
	}
	// Everyone serving corrupt slivers: unavailable too, never wrong bytes.
	for i := range f.Cluster.Nodes {
		f.Cluster.Nodes[i].SetBehaviour(fakenode.CorruptSlivers)
	}
	if _, err := f.r.Read(f.Ctx, id, encoding.CheckDefault); !errors.Is(err, read.ErrBlobUnavailable) {
		t.Fatalf("all corrupt: %v, want ErrBlobUnavailable", err)
	}
	if _, err := f.r.ReadRange(f.Ctx, id, 0, 10); !errors.Is(err, read.ErrBlobUnavailable) {
		t.Fatalf("all corrupt range: %v, want ErrBlobUnavailable", err)
	}
	// A size limit.
	for i := range f.Cluster.Nodes {
		f.Cluster.Nodes[i].SetBehaviour(fakenode.Honest)
	}
	small := read.NewReader(f.Source, read.Config{MaxConcurrentRequests: 4, MetadataParallelism: 1, RequestTimeout: time.Second, StatusTimeout: time.Second, MaxBlobSize: 100}, nil, nil)
	if _, err := small.Read(f.Ctx, id, encoding.CheckDefault); !errors.Is(err, read.ErrBlobTooLarge) {
		t.Fatalf("over the limit: %v, want ErrBlobTooLarge", err)
	}
}

// Byte ranges come from the systematic slivers only, and match the blob everywhere.
func TestReadRange(t *testing.T) {
	f := setup(t)
	blob := randomBlob(100_003)
	id := f.store(t, blob)
	vm, err := f.r.Metadata(f.Ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	row := uint64(vm.SliverSize(encoding.Primary))
	cases := []struct{ start, length uint64 }{
		{0, 1}, {0, row}, {row - 1, 2}, {row, row}, {5, 3 * row}, {100_000, 3}, {100_002, 1}, {99_000, 1 << 40}, {0, 100_003},
	}
	for i := 0; i < 20; i++ {
		s := rand.Uint64N(100_003)
		cases = append(cases, struct{ start, length uint64 }{s, 1 + rand.Uint64N(100_003-s)})
	}
	for _, c := range cases {
		for _, fn := range f.Cluster.Nodes {
			fn.SliverGets.Store(0)
		}
		rg, err := f.r.ReadRange(f.Ctx, id, c.start, c.length)
		if err != nil {
			t.Fatalf("range %+v: %v", c, err)
		}
		end := min(c.start+c.length, uint64(len(blob)))
		if rg.Start != c.start || rg.Size != uint64(len(blob)) || !bytes.Equal(rg.Data, blob[c.start:end]) {
			t.Fatalf("range %+v: got %d bytes from %d (size %d)", c, len(rg.Data), rg.Start, rg.Size)
		}
		var gets int64
		for _, fn := range f.Cluster.Nodes {
			gets += fn.SliverGets.Load()
		}
		if want := int64((end-1)/row - c.start/row + 1); gets != want {
			t.Fatalf("range %+v: %d sliver requests, want %d (only the rows it covers)", c, gets, want)
		}
	}
}

func TestReadCommitteeRule(t *testing.T) {
	write, prev := &nodes.Committee{Epoch: 5}, &nodes.Committee{Epoch: 4}
	st := &committees.State{Epoch: 5, Write: write}
	if st.ReadCommittee(nil) != write {
		t.Fatal("no epoch change: the current committee serves reads")
	}
	st.Previous = prev
	four, five := uint32(4), uint32(5)
	if st.ReadCommittee(&four) != prev || st.ReadCommittee(nil) != prev {
		t.Fatal("during an epoch change, blobs certified before it are read from the previous committee")
	}
	if st.ReadCommittee(&five) != write {
		t.Fatal("blobs certified in the new epoch are read from the current committee")
	}
}
