package chain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// certificateFor is a quorum certificate of the current committee for the registered
// blob.
func (n *testNet) certificateFor(r *chain.RegisteredBlob) *messages.ConfirmationCertificate {
	n.t.Helper()
	com := n.committee()
	p := messages.Permanent()
	if r.Blob.Deletable {
		p = messages.Deletable(r.ObjectID)
	}
	msg := messages.NewStorageConfirmationMessage(com.Epoch, messages.StorageConfirmation{BlobID: r.Blob.BlobID, Persistence: p})
	return n.certificate(com, all(com), msg)
}

func (n *testNet) sharedBlob(c *chain.Client, id walrus.ID) *chain.SharedBlobObject {
	n.t.Helper()
	sb, err := c.SharedBlob(n.ctx, id)
	if err != nil {
		n.t.Fatal(err)
	}
	return sb
}

// TestSharedBlobCertifyShareFundExtend certifies and shares a funded blob in one
// transaction, lets someone without WAL extend it from its funds, and tops the funds up.
func TestSharedBlobCertifyShareFundExtend(t *testing.T) {
	n := newTestNet(t)
	prices, _ := n.c.Prices(n.ctx)
	r := n.register(n.blob(3000), 2, false)
	size := r.Blob.Storage.StorageSize
	funds := prices.StorageCost(size, 2) + 5

	before := n.wal(n.key)
	created, err := n.c.ShareBlob(n.ctx, chain.ShareBlobRequest{BlobObjectID: r.ObjectID, Certificate: n.certificateFor(r), Funds: funds})
	if err != nil {
		t.Fatal(err)
	}
	com := n.committee()
	if !created.Blob.IsCertified() || *created.Blob.CertifiedEpoch != com.Epoch || created.Blob.ID != r.ObjectID || created.Funds != funds {
		t.Fatalf("created %+v", created.SharedBlob)
	}
	if created.Owner.Kind != sui.OwnerShared || created.Owner.Version != created.Version {
		t.Fatalf("owner %s at version %d, want shared at its creation", created.Owner.String(), created.Version)
	}
	if paid := before - n.wal(n.key); paid != funds {
		t.Errorf("paid %d FROST, want the funds %d", paid, funds)
	}
	// The Blob lives inside the SharedBlob now.
	if _, err := n.c.Blob(n.ctx, r.ObjectID); !errors.Is(err, chain.ErrNotFound) {
		t.Errorf("read the wrapped Blob: %v", err)
	}
	if b, err := n.c.BlobByObjectID(n.ctx, created.ID); err != nil || b.ID != r.ObjectID || b.BlobID != r.Blob.BlobID || b.Owner.Kind != sui.OwnerShared {
		t.Errorf("Blob by the SharedBlob's ID: %+v, %v", b, err)
	}
	if sb := n.sharedBlob(n.c, created.ID); sb.Funds != funds || sb.Blob.EndEpoch() != r.Blob.EndEpoch() {
		t.Errorf("read back %+v", sb.SharedBlob)
	}

	// Anyone may extend it; the funds pay.
	bobKey := n.fundedKey(0, 10*oneSUI)
	bob := n.dial(bobKey)
	if _, err := bob.ExtendSharedBlob(n.ctx, created.ID, 2); err != nil {
		t.Fatal(err)
	}
	sb := n.sharedBlob(bob, created.ID)
	if sb.Funds != 5 || sb.Blob.EndEpoch() != r.Blob.EndEpoch()+2 || n.wal(bobKey) != 0 {
		t.Fatalf("after extend: funds %d, end %d, bob's WAL %d", sb.Funds, sb.Blob.EndEpoch(), n.wal(bobKey))
	}
	// The funds left do not pay for one more epoch: balance::split aborts.
	_, err = bob.ExtendSharedBlob(n.ctx, created.ID, 1)
	wantAbortErr(t, "extend beyond the funds", err, chain.ErrInsufficientBalance)
	// Funding needs WAL of one's own.
	if _, err := bob.FundSharedBlob(n.ctx, created.ID, 1); !errors.Is(err, chain.ErrInsufficientWAL) {
		t.Errorf("fund without WAL: %v", err)
	}
	one := prices.StorageCost(size, 1)
	if _, err := n.c.FundSharedBlob(n.ctx, created.ID, one); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.ExtendSharedBlob(n.ctx, created.ID, 1); err != nil {
		t.Fatal(err)
	}
	if sb := n.sharedBlob(n.c, created.ID); sb.Funds != 5 || sb.Blob.EndEpoch() != r.Blob.EndEpoch()+3 {
		t.Errorf("after fund and extend: funds %d, end %d", sb.Funds, sb.Blob.EndEpoch())
	}

	// Requests that cannot be valid, and system_state_inner's bound.
	if _, err := n.c.FundSharedBlob(n.ctx, created.ID, 0); !errors.Is(err, chain.ErrInvalidRequest) {
		t.Errorf("fund 0: %v", err)
	}
	if _, err := n.c.ExtendSharedBlob(n.ctx, created.ID, 0); !errors.Is(err, chain.ErrInvalidRequest) {
		t.Errorf("extend by 0: %v", err)
	}
	_, err = n.c.ExtendSharedBlob(n.ctx, created.ID, 10_000)
	wantAbortErr(t, "extend too far", err, chain.ErrInvalidEpochsAhead)
}

// TestSharedBlobShareRefusals covers sharing in a separate transaction, a deletable
// blob, and what ShareBlob and the chain refuse.
func TestSharedBlobShareRefusals(t *testing.T) {
	n := newTestNet(t)

	// Not certified, and no certificate: refused before any transaction.
	r := n.register(n.blob(1000), 2, false)
	before := n.wal(n.key)
	_, err := n.c.ShareBlob(n.ctx, chain.ShareBlobRequest{BlobObjectID: r.ObjectID, Funds: 10})
	if !errors.Is(err, chain.ErrNotCertified) || !errors.Is(err, chain.ErrInvalidRequest) {
		t.Errorf("share an uncertified blob: %v", err)
	}
	if b, err := n.c.Blob(n.ctx, r.ObjectID); err != nil || b.Owner != sui.AddressOwned(n.c.Address()) || n.wal(n.key) != before {
		t.Errorf("the refused share changed something: %+v, %v", b, err)
	}

	// A certificate below quorum aborts the whole transaction: the Blob stays owned and
	// uncertified.
	com := n.committee()
	msg := messages.NewStorageConfirmationMessage(com.Epoch, messages.StorageConfirmation{BlobID: r.Blob.BlobID, Persistence: messages.Permanent()})
	_, err = n.c.ShareBlob(n.ctx, chain.ShareBlobRequest{BlobObjectID: r.ObjectID, Certificate: n.certificate(com, []int{0}, msg)})
	wantAbortErr(t, "certificate below quorum", err, chain.ErrNotEnoughStake)
	if b, err := n.c.Blob(n.ctx, r.ObjectID); err != nil || b.IsCertified() {
		t.Errorf("after the failed share: %+v, %v", b, err)
	}

	// Certified first, shared in a transaction of its own, without funds.
	n.certify(r)
	created, err := n.c.ShareBlob(n.ctx, chain.ShareBlobRequest{BlobObjectID: r.ObjectID})
	if err != nil {
		t.Fatal(err)
	}
	if created.Funds != 0 || !created.Blob.IsCertified() || n.wal(n.key) != before {
		t.Errorf("unfunded share: %+v, paid %d", created.SharedBlob, before-n.wal(n.key))
	}
	_, err = n.c.ExtendSharedBlob(n.ctx, created.ID, 1)
	wantAbortErr(t, "extend without funds", err, chain.ErrInsufficientBalance)
	// A wrapped Blob is no longer the signer's to share again.
	if _, err := n.c.ShareBlob(n.ctx, chain.ShareBlobRequest{BlobObjectID: r.ObjectID}); !errors.Is(err, chain.ErrNotFound) {
		t.Errorf("share a wrapped Blob: %v", err)
	}

	// A deletable blob, certified and shared in one transaction (Move allows it).
	del := n.register(n.blob(500), 1, true)
	created, err = n.c.ShareBlob(n.ctx, chain.ShareBlobRequest{BlobObjectID: del.ObjectID, Certificate: n.certificateFor(del), Funds: 1})
	if err != nil || !created.Blob.Deletable || !created.Blob.IsCertified() || created.Funds != 1 {
		t.Fatalf("share a deletable blob: %+v, %v", created, err)
	}

	// Someone else's Blob.
	other := n.register(n.blob(700), 1, false)
	n.certify(other)
	mallory := n.dial(n.fundedKey(10*oneWAL, 10*oneSUI))
	if _, err := mallory.ShareBlob(n.ctx, chain.ShareBlobRequest{BlobObjectID: other.ObjectID}); err == nil {
		t.Error("shared someone else's Blob")
	}
	// More funds than the signer's WAL.
	if _, err := n.c.ShareBlob(n.ctx, chain.ShareBlobRequest{BlobObjectID: other.ObjectID, Funds: 1_000_000 * oneWAL}); !errors.Is(err, chain.ErrInsufficientWAL) {
		t.Errorf("funds beyond the balance: %v", err)
	}
	if b, err := n.c.Blob(n.ctx, other.ObjectID); err != nil || b.Owner != sui.AddressOwned(n.c.Address()) {
		t.Errorf("after the refused shares: %+v, %v", b, err)
	}

	// Reads of what is not a SharedBlob.
	if _, err := n.c.SharedBlob(n.ctx, other.ObjectID); !errors.Is(err, chain.ErrUnexpectedType) {
		t.Errorf("SharedBlob of a Blob: %v", err)
	}
	if _, err := n.c.SharedBlob(n.ctx, walrus.MustParseID("0x5ab1e")); !errors.Is(err, chain.ErrNotFound) {
		t.Errorf("SharedBlob of nothing: %v", err)
	}
	if _, err := n.c.BlobByObjectID(n.ctx, n.c.Deployment().System); !errors.Is(err, chain.ErrUnexpectedType) {
		t.Errorf("BlobByObjectID of the System: %v", err)
	}
	if b, err := n.c.BlobByObjectID(n.ctx, other.ObjectID); err != nil || b.ID != other.ObjectID || b.Owner != sui.AddressOwned(n.c.Address()) {
		t.Errorf("BlobByObjectID of a Blob: %+v, %v", b, err)
	}
}

// TestSharedBlobExpired lets the epoch change under a shared blob and an owned one
// stored for one epoch: the shared one cannot be extended any more, the owned one is
// not shared.
func TestSharedBlobExpired(t *testing.T) {
	s := newStakingNet(t, 2*time.Second)
	r := s.register(s.blob(100), 1, false)
	created, err := s.c.ShareBlob(s.ctx, chain.ShareBlobRequest{BlobObjectID: r.ObjectID, Certificate: s.certificateFor(r), Funds: oneWAL})
	if err != nil {
		t.Fatal(err)
	}
	owned := s.register(s.blob(200), 1, false)
	s.certify(owned)
	drv, err := chain.NewEpochDriver(s.c, chain.EpochDriverConfig{Treasury: s.d.IDs().Treasury, MaxWait: 200 * time.Millisecond, Retry: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s.step(drv, chain.EpochVotingEnded)
	s.step(drv, chain.EpochChangeStarted)

	_, err = s.c.ExtendSharedBlob(s.ctx, created.ID, 1)
	wantAbortErr(t, "extend an expired shared blob", err, chain.ErrResourceBounds)
	if sb := s.sharedBlob(s.c, created.ID); sb.Funds != oneWAL {
		t.Errorf("the failed extension spent %d FROST", oneWAL-sb.Funds)
	}
	_, err = s.c.ShareBlob(s.ctx, chain.ShareBlobRequest{BlobObjectID: owned.ObjectID})
	if !errors.Is(err, chain.ErrResourceBounds) || !errors.Is(err, chain.ErrInvalidRequest) {
		t.Errorf("share an expired blob: %v", err)
	}
}
