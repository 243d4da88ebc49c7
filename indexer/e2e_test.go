package indexer_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/indexer"
	"github.com/tuskstore/tusk/indexer/feed"
	"github.com/tuskstore/tusk/internal/pgtest"
)

// TestDevnetEndToEnd runs the indexer against the embedded devnet through the real
// chain client: blobs stored, certified, given attributes and deleted by signed
// transactions are ingested from the gRPC checkpoint stream (types matched by the
// package ID the client discovers) and served by the API and the feed.
func TestDevnetEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a devnet")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	_, c, key := startDevnet(t, ctx)
	owner := walrus.Address(key.Address())

	// The indexer, over the same client.
	cfg := indexer.Default()
	cfg.DatabaseURL = pgtest.URL(t)
	cfg.MigrateOnStart = true
	cfg.FlushInterval = 10 * time.Millisecond
	ixLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pkg := c.Deployment().OriginalPackage
	ix, err := indexer.New(cfg, indexer.Deps{Source: c, Package: &pkg, Listener: ixLn, TipInterval: 20 * time.Millisecond,
		Logger: zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))})
	if err != nil {
		t.Fatal(err)
	}
	ictx, istop := context.WithCancel(ctx)
	idone := make(chan error, 1)
	go func() { idone <- ix.Run(ictx) }()
	defer func() {
		istop()
		if err := <-idone; err != nil {
			t.Errorf("indexer Run: %v", err)
		}
	}()
	<-ix.Ready()
	base := "http://" + ix.Addr().String()

	// Store: a permanent blob, certified, with attributes; a deletable one, deleted.
	codec, err := encoding.NewCodec(int(contract.DefaultNShards))
	if err != nil {
		t.Fatal(err)
	}
	register := func(n int, deletable bool, attrs walrus.StringMap) *chain.RegisteredBlob {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i * 7)
		}
		enc, err := codec.Encode(data)
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.RegisterBlob(ctx, chain.RegisterBlobRequest{BlobID: enc.Metadata.BlobID(), RootHash: enc.Metadata.RootHash(),
			Size: uint64(n), Epochs: 2, Deletable: deletable, Attributes: attrs})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	kept := register(10_000, false, walrus.StringMap{{Key: "content-type", Value: "text/plain"}})
	com, err := c.Committee(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byPub := map[[keys.BLSPublicKeySize]byte]*keys.BLSKey{}
	for i := range contract.DefaultNodes {
		k, _ := contract.DevnetNodeKeys(i)
		byPub[k.PublicKey()] = k
	}
	msg := messages.NewStorageConfirmationMessage(com.Epoch, messages.StorageConfirmation{BlobID: kept.Blob.BlobID, Persistence: messages.Permanent()})
	var confs []messages.SignedMessage
	var signers []int
	for i, m := range com.Members {
		confs, signers = append(confs, messages.Sign(byPub[m.PublicKey], msg)), append(signers, i)
	}
	cert, err := messages.Aggregate(confs, signers)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CertifyBlob(ctx, kept.ObjectID, &cert); err != nil {
		t.Fatal(err)
	}
	gone := register(20_000, true, nil)
	if _, err := c.DeleteBlob(ctx, gone.ObjectID); err != nil {
		t.Fatal(err)
	}

	// Wait until the indexer has everything up to the chain's tip.
	tip, err := c.LatestCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	getJSON := func(path string, into any) int {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	for deadline := time.Now().Add(60 * time.Second); ; {
		var sum struct {
			Watermark *struct{ Checkpoint uint64 } `json:"watermark"`
		}
		getJSON("/v1/summary", &sum)
		if sum.Watermark != nil && sum.Watermark.Checkpoint >= tip {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the indexer did not reach checkpoint %d", tip)
		}
		time.Sleep(20 * time.Millisecond)
	}

	var b map[string]any
	if st := getJSON("/v1/blob-objects/"+kept.ObjectID.String(), &b); st != 200 {
		t.Fatalf("kept blob: %d %v", st, b)
	}
	if b["status"] != "certified" || b["blob_id"] != kept.Blob.BlobID.String() || b["owner"] != owner.String() ||
		b["attributes"].(map[string]any)["content-type"] != "text/plain" || b["size"] != "10000" {
		t.Fatalf("kept blob = %v", b)
	}
	var names []string
	for _, e := range b["events"].([]any) {
		names = append(names, e.(map[string]any)["name"].(string))
	}
	if !slices.Equal(names, []string{"BlobRegistered", "BlobCertified"}) {
		t.Fatalf("kept blob events = %v", names)
	}
	if getJSON("/v1/blob-objects/"+gone.ObjectID.String(), &b); b["status"] != "deleted" {
		t.Fatalf("deleted blob = %v", b)
	}

	// The System inner state the registrations wrote gives the epoch's prices and capacity.
	var sum struct {
		BlobObjects int `json:"blob_objects"`
		Current     struct {
			Epoch        uint32 `json:"epoch"`
			StoragePrice string `json:"storage_price_per_unit"`
			Used         string `json:"used_capacity"`
		} `json:"current_epoch"`
	}
	getJSON("/v1/summary", &sum)
	if sum.BlobObjects != 2 || sum.Current.Epoch != com.Epoch || sum.Current.StoragePrice == "" || sum.Current.Used == "" || sum.Current.Used == "0" {
		t.Fatalf("summary = %+v", sum)
	}

	// The feed has the same Walrus events, decodable by chain/walrus.
	fc, err := feed.NewClient(base, nil, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	var certified *walrus.BlobCertified
	stop := errors.New("stop")
	fctx, fcancel := context.WithTimeout(ctx, 20*time.Second)
	defer fcancel()
	err = fc.Follow(fctx, nil, func(_ context.Context, e *feed.Event) error {
		if e.Derived() {
			return nil
		}
		ev, err := e.Walrus()
		if err != nil {
			return err
		}
		if bc, ok := ev.(*walrus.BlobCertified); ok {
			certified = bc
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || certified.ObjectID != kept.ObjectID || certified.BlobID != kept.Blob.BlobID {
		t.Fatalf("feed: %v, %+v", err, certified)
	}
}
