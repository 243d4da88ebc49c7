package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/coordtest/fakenode"
	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

func testConfig() store.Config {
	c := store.DefaultConfig()
	c.RequestTimeout = 2 * time.Second
	c.NodeTimeout = 10 * time.Second
	c.RetryBackoff = time.Millisecond
	c.MaxRetryBackoff = 5 * time.Millisecond
	c.TailWait = 0
	return c
}

func randomBlob(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	return b
}

func newWriter(n *testnet.Net) *store.Writer {
	return store.NewWriter(n.Chain, n.Source, testConfig(), nil, nil)
}

// newPatientWriter waits for every node once a quorum confirmed (it returns as soon as all
// have answered), for tests that check what each healthy node stored.
func newPatientWriter(n *testnet.Net) *store.Writer {
	c := testConfig()
	c.TailWait = c.NodeTimeout
	return store.NewWriter(n.Chain, n.Source, c, nil, nil)
}

// byWeight returns the indices of the committee members ordered so that the first ones
// together hold at most maxWeight shards, as many as possible.
func nodesWithin(n *testnet.Net, maxWeight int) []int {
	var out []int
	w := 0
	for i := range n.Cluster.Nodes {
		if w+n.Cluster.Weight(i) <= maxWeight {
			out = append(out, i)
			w += n.Cluster.Weight(i)
		}
	}
	return out
}

func f(n *testnet.Net) int { return (int(n.Committee.NShards) - 1) / 3 }

func checkCertified(t *testing.T, n *testnet.Net, res *store.Result, blob []byte, deletable bool) *chain.BlobObject {
	t.Helper()
	if res.NewlyCreated == nil {
		t.Fatalf("result %s, want newlyCreated", res.Kind())
	}
	nc := res.NewlyCreated
	obj, err := n.Chain.Blob(n.Ctx, nc.BlobObject.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !obj.IsCertified() {
		t.Fatalf("Blob %s is not certified on chain", nc.BlobObject.ID)
	}
	if obj.Deletable != deletable || nc.BlobObject.Deletable != deletable {
		t.Fatalf("deletable: chain %v, result %v, want %v", obj.Deletable, nc.BlobObject.Deletable, deletable)
	}
	if obj.Size != uint64(len(blob)) || nc.BlobObject.Size != uint64(len(blob)) {
		t.Fatalf("size %d/%d, want %d", obj.Size, nc.BlobObject.Size, len(blob))
	}
	codec, _ := encoding.NewCodec(int(n.Committee.NShards))
	enc, err := codec.Encode(bytes.Clone(blob))
	if err != nil {
		t.Fatal(err)
	}
	if obj.BlobID != enc.Metadata.BlobID() || res.BlobID() != enc.Metadata.BlobID() {
		t.Fatalf("blob ID %s, want %s", obj.BlobID, enc.Metadata.BlobID())
	}
	if nc.BlobObject.CertifiedEpoch == nil || *nc.BlobObject.CertifiedEpoch != *obj.CertifiedEpoch {
		t.Fatalf("certified epoch %v, chain %v", nc.BlobObject.CertifiedEpoch, *obj.CertifiedEpoch)
	}
	return obj
}

func TestStoreSizesCertifiesAndPaysOnce(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	w := newPatientWriter(n)
	before, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	var paid uint64
	var phases []string
	for _, size := range []int{0, 1, 33, 4096, 100_000} {
		blob := randomBlob(size)
		res, err := w.Store(n.Ctx, blob, store.Options{Epochs: 2, Progress: func(p store.Progress) {
			if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
				phases = append(phases, p.Phase)
			}
		}})
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		obj := checkCertified(t, n, res, blob, true)
		if got := obj.Storage.EndEpoch - obj.RegisteredEpoch; got != 2 {
			t.Fatalf("stored for %d epochs, want 2", got)
		}
		rf := res.NewlyCreated.ResourceOperation.RegisterFromScratch
		if rf == nil || rf.EpochsAhead != 2 || rf.EncodedLength != obj.Storage.StorageSize {
			t.Fatalf("resource operation %+v, storage size %d", res.NewlyCreated.ResourceOperation, obj.Storage.StorageSize)
		}
		paid += res.NewlyCreated.Cost
		// Every node stores both slivers of each of its shards' pairs.
		for i, fn := range n.Cluster.Nodes {
			if got, want := fn.HasSlivers(obj.BlobID), 2*n.Cluster.Weight(i); got != want {
				t.Fatalf("size %d: node %d stores %d slivers, want %d", size, i, got, want)
			}
		}
	}
	after, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	if before-after != paid {
		t.Fatalf("WAL spent %d, results say %d", before-after, paid)
	}
	want := []string{store.PhaseEncode, store.PhaseStatus, store.PhaseRegister, store.PhaseUpload, store.PhaseCertify, store.PhaseDone}
	for i, p := range want {
		if i >= len(phases) || phases[i] != p {
			t.Fatalf("phases %v, want %v first", phases, want)
		}
	}
}

func TestStorePermanentAndAlreadyCertified(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	w := newWriter(n)
	blob := randomBlob(5000)
	res, err := w.Store(n.Ctx, blob, store.Options{Permanent: true})
	if err != nil {
		t.Fatal(err)
	}
	obj := checkCertified(t, n, res, blob, false)

	// The nodes report the permanent certified blob: a second permanent store is a no-op
	// that pays nothing.
	ev := api.EventID{EventSeq: 3}
	ev.TxDigest[0] = 9
	ice := *obj.CertifiedEpoch
	n.Cluster.SetStatus(obj.BlobID, api.BlobStatus{Kind: api.BlobPermanent, EndEpoch: obj.Storage.EndEpoch, IsCertified: true, Event: ev, InitialCertifiedEpoch: &ice})
	before, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	res, err = w.Store(n.Ctx, blob, store.Options{Permanent: true})
	if err != nil {
		t.Fatal(err)
	}
	ac := res.AlreadyCertified
	if ac == nil || ac.Event == nil || *ac.Event != ev || ac.EndEpoch != obj.Storage.EndEpoch || ac.BlobID != obj.BlobID {
		t.Fatalf("second store: %+v, want alreadyCertified with the status event", res)
	}
	// Asking for longer than it is stored needs a new registration.
	res, err = w.Store(n.Ctx, blob, store.Options{Permanent: true, Epochs: 5})
	if err != nil {
		t.Fatal(err)
	}
	checkCertified(t, n, res, blob, false)
	after, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	if before-after != res.NewlyCreated.Cost {
		t.Fatalf("spent %d, want only the third store's %d", before-after, res.NewlyCreated.Cost)
	}

	// A deletable blob the signer owns, certified, is found among its objects.
	blob2 := randomBlob(300)
	res, err = w.Store(n.Ctx, blob2, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := res.NewlyCreated.BlobObject.ID
	res, err = w.Store(n.Ctx, blob2, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ac := res.AlreadyCertified; ac == nil || ac.Object == nil || *ac.Object != first {
		t.Fatalf("deletable re-store: %+v, want alreadyCertified with object %s", res, first)
	}
	// Force stores again anyway.
	res, err = w.Store(n.Ctx, blob2, store.Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.NewlyCreated == nil || res.NewlyCreated.BlobObject.ID == first {
		t.Fatalf("forced store: %+v, want a new Blob object", res)
	}
}

func TestStoreMarkedInvalid(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	w := newWriter(n)
	blob := randomBlob(64)
	codec, _ := encoding.NewCodec(int(n.Committee.NShards))
	enc, _ := codec.Encode(bytes.Clone(blob))
	ev := api.EventID{EventSeq: 1}
	n.Cluster.SetStatus(enc.Metadata.BlobID(), api.BlobStatus{Kind: api.BlobInvalid, Event: ev})
	res, err := w.Store(n.Ctx, blob, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.MarkedInvalid == nil || res.MarkedInvalid.BlobID != enc.Metadata.BlobID() {
		t.Fatalf("got %+v, want markedInvalid", res)
	}
}

// Up to f shards' worth of nodes down, hanging or lying: the store still certifies, and a
// lying node's signature is never counted (the certificate verifies on chain).
func TestStoreToleratesFaultyNodes(t *testing.T) {
	for _, b := range []fakenode.Behaviour{fakenode.Down, fakenode.Hang, fakenode.BadSignature, fakenode.WrongMessage} {
		n := testnet.Start(t, testnet.Options{})
		w := newWriter(n)
		bad := nodesWithin(n, f(n))
		if len(bad) == 0 {
			t.Fatal("no node fits within f shards")
		}
		for _, i := range bad {
			n.Cluster.Nodes[i].SetBehaviour(b)
		}
		blob := randomBlob(20_000)
		res, err := w.Store(n.Ctx, blob, store.Options{})
		if err != nil {
			t.Fatalf("behaviour %d on nodes %v: %v", b, bad, err)
		}
		checkCertified(t, n, res, blob, true)
	}
}

// More than f shards' worth of nodes failing: a clear error, and no certification is
// attempted; once the nodes are back, the registration is reused without paying again.
func TestStoreNotEnoughConfirmations(t *testing.T) {
	for _, b := range []fakenode.Behaviour{fakenode.Down, fakenode.BadSignature} {
		n := testnet.Start(t, testnet.Options{})
		w := newWriter(n)
		// Two nodes hold more than f shards of the 10.
		n.Cluster.Nodes[0].SetBehaviour(b)
		n.Cluster.Nodes[1].SetBehaviour(b)
		if n.Cluster.Weight(0)+n.Cluster.Weight(1) <= f(n) {
			t.Fatal("test needs the two nodes to hold more than f shards")
		}
		blob := randomBlob(1000)
		_, err := w.Store(n.Ctx, blob, store.Options{})
		if !errors.Is(err, store.ErrNotEnoughConfirmations) {
			t.Fatalf("err %v, want ErrNotEnoughConfirmations", err)
		}
		owned, err := n.Chain.BlobsOwnedBy(n.Ctx, n.Chain.Address())
		if err != nil || len(owned) != 1 || owned[0].IsCertified() {
			t.Fatalf("owned %+v (%v): want one uncertified registration", owned, err)
		}
		n.Cluster.Nodes[0].SetBehaviour(fakenode.Honest)
		n.Cluster.Nodes[1].SetBehaviour(fakenode.Honest)
		before, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
		res, err := w.Store(n.Ctx, blob, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkCertified(t, n, res, blob, true)
		if res.NewlyCreated.ResourceOperation.ReuseRegistration == nil || res.NewlyCreated.BlobObject.ID != owned[0].ID {
			t.Fatalf("retry: %+v, want reuseRegistration of %s", res.NewlyCreated.ResourceOperation, owned[0].ID)
		}
		after, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
		if after != before || res.NewlyCreated.Cost != 0 {
			t.Fatalf("retry paid %d (cost %d)", before-after, res.NewlyCreated.Cost)
		}
	}
}

// A node that has not yet seen the registration answers NOT_REGISTERED; the uploads are
// retried until it has.
func TestStoreRetriesNotRegistered(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	w := newPatientWriter(n)
	for _, fn := range n.Cluster.Nodes {
		fn.NotRegisteredFor(3)
	}
	blob := randomBlob(2000)
	res, err := w.Store(n.Ctx, blob, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkCertified(t, n, res, blob, true)
	for i, fn := range n.Cluster.Nodes {
		if got, want := fn.HasSlivers(res.BlobID()), 2*n.Cluster.Weight(i); got != want {
			t.Fatalf("node %d has %d slivers, want %d", i, got, want)
		}
	}
}

func TestStoreOptions(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	w := newWriter(n)
	before, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	for name, o := range map[string]store.Options{
		"epochs and end epoch": {Epochs: 2, EndEpoch: 5},
		"too many epochs":      {Epochs: 10_000},
		"end epoch not ahead":  {EndEpoch: n.Committee.Epoch},
	} {
		if _, err := w.Store(n.Ctx, randomBlob(10), o); !errors.Is(err, store.ErrInvalidOptions) {
			t.Errorf("%s: err %v, want ErrInvalidOptions", name, err)
		}
	}
	to := walrus.MustParseID("0x1111111111111111111111111111111111111111111111111111111111111111")
	if _, err := w.Store(n.Ctx, randomBlob(10), store.Options{Share: true, SendObjectTo: &to}); !errors.Is(err, store.ErrInvalidOptions) {
		t.Errorf("share and send to: err %v, want ErrInvalidOptions", err)
	}
	if _, ok := any(n.Chain).(store.ObjectTransferrer); !ok {
		if _, err := w.Store(n.Ctx, randomBlob(10), store.Options{SendObjectTo: &to}); !errors.Is(err, store.ErrUnsupported) {
			t.Errorf("send to another address: err %v, want ErrUnsupported", err)
		}
	}
	after, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	if after != before {
		t.Fatalf("rejected stores spent %d FROST", before-after)
	}

	// End epoch and attributes.
	self := n.Chain.Address()
	attrs := walrus.StringMap{{Key: "content-type", Value: "text/plain"}}
	blob := randomBlob(77)
	res, err := w.Store(n.Ctx, blob, store.Options{EndEpoch: n.Committee.Epoch + 3, Attributes: attrs, SendObjectTo: &self})
	if err != nil {
		t.Fatal(err)
	}
	obj := checkCertified(t, n, res, blob, true)
	if obj.Storage.EndEpoch != n.Committee.Epoch+3 {
		t.Fatalf("end epoch %d, want %d", obj.Storage.EndEpoch, n.Committee.Epoch+3)
	}
	got, err := n.Chain.BlobAttributes(n.Ctx, obj.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := got.Get("content-type"); !ok || v != "text/plain" {
		t.Fatalf("attributes %v", got)
	}

	// Sent to another address: certified first, then handed over.
	other := walrus.MustParseID("0x2222222222222222222222222222222222222222222222222222222222222222")
	blob = randomBlob(55)
	res, err = w.Store(n.Ctx, blob, store.Options{Epochs: 1, SendObjectTo: &other})
	if err != nil {
		t.Fatal(err)
	}
	obj = checkCertified(t, n, res, blob, true)
	if obj.Owner != sui.AddressOwned(other) {
		t.Fatalf("Blob owner %s, want %s", obj.Owner.String(), other)
	}
}

func TestStoreResultJSON(t *testing.T) {
	ce := uint32(34)
	id, _ := encoding.ParseBlobID("M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk")
	oid := walrus.MustParseID("0x0000000000000000000000000000000000000000000000000000000000000abc")
	r := store.Result{NewlyCreated: &store.NewlyCreated{
		BlobObject: store.BlobObject{ID: oid, RegisteredEpoch: 34, BlobID: id, Size: 17, EncodingType: encoding.RS2,
			CertifiedEpoch: &ce, Storage: store.StorageObject{ID: oid, StartEpoch: 34, EndEpoch: 35, StorageSize: 66034000}},
		ResourceOperation: store.ResourceOperation{RegisterFromScratch: &store.RegisterFromScratch{EncodedLength: 66034000, EpochsAhead: 1}},
		Cost:              132300,
	}}
	got, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"newlyCreated":{"blobObject":{"id":"0x0000000000000000000000000000000000000000000000000000000000000abc","registeredEpoch":34,"blobId":"M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk","size":17,"encodingType":"RS2","certifiedEpoch":34,"storage":{"id":"0x0000000000000000000000000000000000000000000000000000000000000abc","startEpoch":34,"endEpoch":35,"storageSize":66034000},"deletable":false},"resourceOperation":{"registerFromScratch":{"encodedLength":66034000,"epochsAhead":1}},"cost":132300}}`
	if string(got) != want {
		t.Fatalf("JSON\n got %s\nwant %s", got, want)
	}
	ev := api.EventID{EventSeq: 0}
	r = store.Result{AlreadyCertified: &store.AlreadyCertified{BlobID: id, Event: &ev, EndEpoch: 35}}
	got, _ = r.MarshalJSON()
	want = `{"alreadyCertified":{"blobId":"M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk","event":{"txDigest":"11111111111111111111111111111111","eventSeq":"0"},"endEpoch":35}}`
	if string(got) != want {
		t.Fatalf("JSON\n got %s\nwant %s", got, want)
	}
	r = store.Result{Error: &store.ErrorResult{FailurePhase: "store", ErrorMsg: "x"}}
	got, _ = r.MarshalJSON()
	if want = `{"error":{"blobId":null,"failurePhase":"store","errorMsg":"x"}}`; string(got) != want {
		t.Fatalf("JSON\n got %s\nwant %s", got, want)
	}
}

// storageChain is the devnet's chain client plus the storage listing store.StorageLister
// asks for, kept from the ReserveSpace calls the test makes.
type storageChain struct {
	*chain.Client
	owned []walrus.Storage
}

func (c *storageChain) OwnedStorage(ctx context.Context, owner walrus.Address) ([]walrus.Storage, error) {
	return c.owned, nil
}

func TestStoreReusesOwnedStorage(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	sc := &storageChain{Client: n.Chain}
	w := store.NewWriter(sc, n.Source, testConfig(), nil, nil)
	blob := randomBlob(1000)
	p, _ := encoding.NewParams(int(n.Committee.NShards))
	enc, _ := p.EncodedLength(uint64(len(blob)))
	small, err := n.Chain.ReserveSpace(n.Ctx, enc/2, 3)
	if err != nil {
		t.Fatal(err)
	}
	fits, err := n.Chain.ReserveSpace(n.Ctx, enc, 3)
	if err != nil {
		t.Fatal(err)
	}
	e := n.Committee.Epoch
	sc.owned = []walrus.Storage{{ID: small, StartEpoch: e, EndEpoch: e + 3, StorageSize: enc / 2}, {ID: fits, StartEpoch: e, EndEpoch: e + 3, StorageSize: enc}}
	before, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	res, err := w.Store(n.Ctx, blob, store.Options{Epochs: 2, ReuseResources: true})
	if err != nil {
		t.Fatal(err)
	}
	obj := checkCertified(t, n, res, blob, true)
	if res.NewlyCreated.ResourceOperation.ReuseStorage == nil || obj.Storage.ID != fits {
		t.Fatalf("operation %+v, storage %s: want reuseStorage of %s", res.NewlyCreated.ResourceOperation, obj.Storage.ID, fits)
	}
	prices, _ := n.Chain.Prices(n.Ctx)
	after, _ := n.Chain.WALBalance(n.Ctx, n.Chain.Address())
	if before-after != prices.WriteCost(enc) || res.NewlyCreated.Cost != prices.WriteCost(enc) {
		t.Fatalf("paid %d (cost %d), want only the write cost %d", before-after, res.NewlyCreated.Cost, prices.WriteCost(enc))
	}
	// Without the option, storage is bought.
	res, err = w.Store(n.Ctx, randomBlob(1000), store.Options{Epochs: 2})
	if err != nil || res.NewlyCreated.ResourceOperation.RegisterFromScratch == nil {
		t.Fatalf("%+v %v", res, err)
	}
}

// TestStoreConcurrentThroughOneWriter stores blobs through one Writer, whose encodes
// share a pool of workspaces, each store starting as the one before it begins its
// upload (so that its encode may reuse memory while the other's slivers are being
// sent): every blob is certified and reads back as it was.
func TestStoreConcurrentThroughOneWriter(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	w := newWriter(n)
	r := read.NewReader(n.Source, read.DefaultConfig(), nil, nil)
	sizes := []int{250_000, 180_000, 100_000, 60_000, 4096, 7} // each fits the memory of the one before
	blobs := make([][]byte, len(sizes))
	results := make([]*store.Result, len(sizes))
	errs := make([]error, len(sizes))
	var wg sync.WaitGroup
	var start func(i int)
	start = func(i int) {
		blobs[i] = randomBlob(sizes[i])
		var next sync.Once
		startNext := func() {
			if i+1 < len(sizes) {
				next.Do(func() { start(i + 1) })
			}
		}
		wg.Go(func() {
			defer startNext() // also when the store fails before its upload
			results[i], errs[i] = w.Store(n.Ctx, blobs[i], store.Options{Epochs: 1, Progress: func(p store.Progress) {
				if p.Phase == store.PhaseUpload {
					startNext()
				}
			}})
		})
	}
	start(0)
	wg.Wait()
	for i, blob := range blobs {
		if errs[i] != nil {
			t.Fatalf("store of %d bytes: %v", len(blob), errs[i])
		}
		checkCertified(t, n, results[i], blob, true)
		got, err := r.Read(n.Ctx, results[i].BlobID(), encoding.CheckDefault)
		if err != nil {
			t.Fatalf("read of %d bytes: %v", len(blob), err)
		}
		if !bytes.Equal(got, blob) {
			t.Fatalf("blob of %d bytes reads back different", len(blob))
		}
	}
}

// epochChangingChain is the devnet's chain client that, before the first certification it
// is asked for, moves the devnet into the next epoch (and the fake nodes with it): the
// certificate collected in the epoch of the upload then reaches a chain in a new epoch.
type epochChangingChain struct {
	*chain.Client
	net     *testnet.Net
	errs    []error // of each certification, in order
	changed *chain.Committee
}

func (c *epochChangingChain) before() {
	if c.changed == nil {
		c.changed = c.net.NextEpoch()
	}
}

func (c *epochChangingChain) CertifyBlob(ctx context.Context, id walrus.ID, cert *messages.ConfirmationCertificate) (sui.Digest, error) {
	c.before()
	d, err := c.Client.CertifyBlob(ctx, id, cert)
	c.errs = append(c.errs, err)
	return d, err
}

func (c *epochChangingChain) ShareBlob(ctx context.Context, req chain.ShareBlobRequest) (*chain.SharedBlobCreated, error) {
	c.before()
	created, err := c.Client.ShareBlob(ctx, req)
	c.errs = append(c.errs, err)
	return created, err
}

// An epoch change between the upload and the certification: the chain refuses the
// certificate of the past epoch (EIncorrectEpoch), and the store uploads to the new
// committee and certifies with its confirmations — for a plain and a shared blob.
func TestStoreFollowsEpochChangeBeforeCertify(t *testing.T) {
	for _, share := range []bool{false, true} {
		t.Run(fmt.Sprintf("share=%v", share), func(t *testing.T) {
			n := testnet.Start(t, testnet.Options{EpochDuration: time.Second})
			first := n.Committee.Epoch
			ec := &epochChangingChain{Client: n.Chain, net: n}
			w := store.NewWriter(ec, n.Source, testConfig(), nil, nil)
			blob := randomBlob(10_000)
			res, err := w.Store(n.Ctx, blob, store.Options{Epochs: 3, Share: share})
			if err != nil {
				t.Fatal(err)
			}
			if ec.changed == nil || ec.changed.Epoch != first+1 {
				t.Fatalf("the epoch did not move on from %d", first)
			}
			if len(ec.errs) != 2 || !errors.Is(ec.errs[0], chain.ErrIncorrectEpoch) || ec.errs[1] != nil {
				t.Fatalf("certifications with errors %v, want EIncorrectEpoch then success", ec.errs)
			}
			var certified *uint32
			if share {
				certified = checkShared(t, n, res, blob, true).Blob.CertifiedEpoch
			} else {
				certified = checkCertified(t, n, res, blob, true).CertifiedEpoch
			}
			// checkCertified and checkShared compare the result's epoch with the chain's.
			if certified == nil || *certified != first+1 {
				t.Fatalf("certified in epoch %v, want %d", certified, first+1)
			}
		})
	}
}

// A blob stored for one epoch whose epoch ends between its upload and its certification
// cannot be certified any more: the store fails with ErrEpochChanged after the one
// refused certification, without uploading again.
func TestStoreEpochChangeEndsStorage(t *testing.T) {
	n := testnet.Start(t, testnet.Options{EpochDuration: time.Second})
	ec := &epochChangingChain{Client: n.Chain, net: n}
	w := store.NewWriter(ec, n.Source, testConfig(), nil, nil)
	puts := func() (c int64) {
		for _, fn := range n.Cluster.Nodes {
			c += fn.SliverPuts.Load()
		}
		return c
	}
	_, err := w.Store(n.Ctx, randomBlob(10_000), store.Options{Epochs: 1})
	if !errors.Is(err, store.ErrEpochChanged) || !errors.Is(err, chain.ErrIncorrectEpoch) {
		t.Fatalf("store across the end of its only epoch: %v, want ErrEpochChanged from EIncorrectEpoch", err)
	}
	if len(ec.errs) != 1 {
		t.Fatalf("%d certifications, want 1", len(ec.errs))
	}
	if got, most := puts(), int64(2*n.Committee.NShards); got == 0 || got > most {
		t.Fatalf("%d slivers sent, want one upload (at most %d)", got, most)
	}
}

// An epoch change as the upload begins: the nodes sign for the new epoch, which the
// writer does not count for the committee it read; it reads the committee again, uploads
// to the new one and certifies in the new epoch.
func TestStoreFollowsEpochChangeDuringUpload(t *testing.T) {
	n := testnet.Start(t, testnet.Options{EpochDuration: time.Second})
	first := n.Committee.Epoch
	w := newWriter(n)
	blob := randomBlob(10_000)
	changed := false
	res, err := w.Store(n.Ctx, blob, store.Options{Epochs: 3, Progress: func(p store.Progress) {
		if p.Phase == store.PhaseUpload && !changed {
			changed = true
			n.NextEpoch()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := checkCertified(t, n, res, blob, true).CertifiedEpoch; got == nil || *got != first+1 {
		t.Fatalf("certified in epoch %v, want %d", got, first+1)
	}
}
