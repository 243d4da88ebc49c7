package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
)

// checkShared checks a newly created shared blob against the chain: the SharedBlob
// holds the certified Blob of the result, without funds, and the Blob is no longer an
// object of its own.
func checkShared(t *testing.T, n *testnet.Net, res *store.Result, blob []byte, deletable bool) *chain.SharedBlobObject {
	t.Helper()
	nc := res.NewlyCreated
	if nc == nil || nc.SharedBlobObject == nil {
		t.Fatalf("result %+v, want newlyCreated with a sharedBlobObject", res)
	}
	sb, err := n.Chain.SharedBlob(n.Ctx, *nc.SharedBlobObject)
	if err != nil {
		t.Fatal(err)
	}
	codec, _ := encoding.NewCodec(int(n.Committee.NShards))
	enc, err := codec.Encode(blob)
	if err != nil {
		t.Fatal(err)
	}
	b := &sb.Blob
	switch {
	case sb.Owner.Kind != sui.OwnerShared || sb.Funds != 0:
		t.Fatalf("SharedBlob owned by %s with %d FROST", sb.Owner.String(), sb.Funds)
	case b.ID != nc.BlobObject.ID || b.BlobID != enc.Metadata.BlobID() || res.BlobID() != b.BlobID:
		t.Fatalf("wrapped Blob %s of blob %s, result %s of %s", b.ID, b.BlobID, nc.BlobObject.ID, res.BlobID())
	case !b.IsCertified() || nc.BlobObject.CertifiedEpoch == nil || *nc.BlobObject.CertifiedEpoch != *b.CertifiedEpoch:
		t.Fatalf("certified epoch: chain %v, result %v", b.CertifiedEpoch, nc.BlobObject.CertifiedEpoch)
	case b.Deletable != deletable || nc.BlobObject.Deletable != deletable:
		t.Fatalf("deletable: chain %v, result %v, want %v", b.Deletable, nc.BlobObject.Deletable, deletable)
	case b.Storage.EndEpoch != nc.BlobObject.Storage.EndEpoch:
		t.Fatalf("end epoch: chain %d, result %d", b.Storage.EndEpoch, nc.BlobObject.Storage.EndEpoch)
	}
	if _, err := n.Chain.Blob(n.Ctx, b.ID); !errors.Is(err, chain.ErrNotFound) {
		t.Fatalf("the wrapped Blob read by its own ID: %v", err)
	}
	return sb
}

func TestStoreShare(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	w := newPatientWriter(n)

	// Permanent, with attributes: certified and shared in one transaction; only the
	// storage and write costs are paid.
	before, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	blob := randomBlob(3000)
	attrs := walrus.StringMap{{Key: "content-type", Value: "image/png"}}
	res, err := w.Store(n.Ctx, blob, store.Options{Epochs: 2, Permanent: true, Share: true, Attributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	sb := checkShared(t, n, res, blob, false)
	after, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	if before-after != res.NewlyCreated.Cost {
		t.Errorf("paid %d FROST, the result says %d", before-after, res.NewlyCreated.Cost)
	}
	if got, err := n.Chain.BlobAttributes(n.Ctx, sb.Blob.ID); err != nil || len(got) != 1 || got[0] != attrs[0] {
		t.Errorf("attributes of the wrapped Blob: %v, %v", got, err)
	}
	for i, fn := range n.Cluster.Nodes {
		if got, want := fn.HasSlivers(sb.Blob.BlobID), 2*n.Cluster.Weight(i); got != want {
			t.Errorf("node %d stores %d slivers, want %d", i, got, want)
		}
	}
	js, _ := res.MarshalJSON()
	if want := `,"sharedBlobObject":"` + sb.ID.String() + `"}}`; !strings.HasSuffix(string(js), want) {
		t.Errorf("JSON %s, want it to end with %s", js, want)
	}

	// Deletable (the default) blobs are shared too, as the Walrus publisher does.
	blob = randomBlob(100)
	res, err = w.Store(n.Ctx, blob, store.Options{Share: true})
	if err != nil {
		t.Fatal(err)
	}
	checkShared(t, n, res, blob, true)

	// Anyone can keep it alive from its funds.
	if _, err := n.Chain.FundSharedBlob(n.Ctx, *res.NewlyCreated.SharedBlobObject, 1_000_000); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Chain.ExtendSharedBlob(n.Ctx, *res.NewlyCreated.SharedBlobObject, 1); err != nil {
		t.Fatal(err)
	}
}

// plainChain hides the chain client's optional capabilities.
type plainChain struct{ store.Chain }

func TestStoreShareRefusals(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	before, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	self := n.Chain.Address()
	if _, err := newWriter(n).Store(n.Ctx, randomBlob(10), store.Options{Share: true, SendObjectTo: &self}); !errors.Is(err, store.ErrInvalidOptions) {
		t.Errorf("share and send to: %v, want ErrInvalidOptions", err)
	}
	w := store.NewWriter(plainChain{n.Chain}, n.Source, testConfig(), nil, nil)
	if _, err := w.Store(n.Ctx, randomBlob(10), store.Options{Share: true}); !errors.Is(err, store.ErrUnsupported) {
		t.Errorf("share without a BlobSharer: %v, want ErrUnsupported", err)
	}
	if after, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address()); after != before {
		t.Errorf("refused stores spent %d FROST", before-after)
	}
}

func TestStoreSharedResultJSON(t *testing.T) {
	ce := uint32(34)
	id, _ := encoding.ParseBlobID("M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk")
	oid := walrus.MustParseID("0xabc")
	shared := walrus.MustParseID("0x5b")
	r := store.Result{NewlyCreated: &store.NewlyCreated{
		BlobObject: store.BlobObject{ID: oid, RegisteredEpoch: 34, BlobID: id, Size: 17, EncodingType: encoding.RS2,
			CertifiedEpoch: &ce, Storage: store.StorageObject{ID: oid, StartEpoch: 34, EndEpoch: 35, StorageSize: 66034000}},
		ResourceOperation: store.ResourceOperation{RegisterFromScratch: &store.RegisterFromScratch{EncodedLength: 66034000, EpochsAhead: 1}},
		Cost:              132300,
		SharedBlobObject:  &shared,
	}}
	got, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	// walrus-sdk responses.rs BlobStoreResult::NewlyCreated: shared_blob_object, an
	// ObjectID displayed as 0x and 64 hex digits, after cost; absent when not shared.
	want := `{"newlyCreated":{"blobObject":{"id":"0x0000000000000000000000000000000000000000000000000000000000000abc","registeredEpoch":34,"blobId":"M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk","size":17,"encodingType":"RS2","certifiedEpoch":34,"storage":{"id":"0x0000000000000000000000000000000000000000000000000000000000000abc","startEpoch":34,"endEpoch":35,"storageSize":66034000},"deletable":false},"resourceOperation":{"registerFromScratch":{"encodedLength":66034000,"epochsAhead":1}},"cost":132300,"sharedBlobObject":"0x000000000000000000000000000000000000000000000000000000000000005b"}}`
	if string(got) != want {
		t.Fatalf("JSON\n got %s\nwant %s", got, want)
	}
}
