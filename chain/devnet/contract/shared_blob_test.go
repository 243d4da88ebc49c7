package contract

import (
	"math"
	"reflect"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
)

// Tests of shared_blob.move. The Move package has no tests of its own for the module, so
// these check the Move code's behaviour directly: what new, new_funded and fund build,
// and that extend pays from the funds and aborts as system::extend_blob does.

// sharedDefaultBlob registers the default blob of blob_tests.move for epochs epochs,
// certifies it unless uncertified, and forgets the events.
func sharedDefaultBlob(t *testing.T, tx *txRecorder, s *SystemState, epochs uint32, certified bool) walrus.Blob {
	t.Helper()
	storage := getStorageResource(t, tx, s, moveSize, epochs)
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	if certified {
		certifyForTesting(t, tx, s, &blob)
	}
	tx.takeEvents()
	return blob
}

func TestSharedBlobNewAndNewFunded(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	blob := sharedDefaultBlob(t, tx, s, 3, true)

	created := tx.created
	sb := NewSharedBlob(tx.ctx, blob)
	if tx.created != created+1 || sb.ID != DeriveObjectID(tx.digest, created) {
		t.Fatalf("shared blob ID %s: want the transaction's next fresh ID", sb.ID)
	}
	if !reflect.DeepEqual(sb.Blob, blob) || sb.Funds != 0 || SharedBlobFunds(&sb) != 0 || !reflect.DeepEqual(*SharedBlobBlob(&sb), blob) {
		t.Fatalf("new: %+v", sb)
	}

	// Move does not look at the blob: an uncertified one is wrapped as well.
	raw := sharedDefaultBlob(t, tx, s, 3, false)
	funded := NewFundedSharedBlob(tx.ctx, raw, Coin{ID: walrus.MustParseID("0xc0"), Value: 1234})
	if funded.ID == sb.ID || funded.Funds != 1234 || funded.Blob.CertifiedEpoch != nil {
		t.Fatalf("new_funded: %+v", funded)
	}
	if evs := tx.takeEvents(); len(evs) != 0 {
		t.Fatalf("sharing emitted %d events", len(evs))
	}
}

func TestSharedBlobFund(t *testing.T) {
	sb := walrus.SharedBlob{Funds: 10}
	if err := FundSharedBlob(&sb, Coin{Value: 5}); err != nil || sb.Funds != 15 {
		t.Fatalf("fund: %v, funds %d", err, sb.Funds)
	}
	if err := FundSharedBlob(&sb, Coin{Value: 0}); err != nil || sb.Funds != 15 {
		t.Fatalf("fund 0: %v, funds %d", err, sb.Funds)
	}
	wantArithmetic(t, FundSharedBlob(&sb, Coin{Value: math.MaxUint64}))
	if sb.Funds != 15 {
		t.Fatalf("the failed fund changed the funds to %d", sb.Funds)
	}
}

func TestSharedBlobExtendPaysFromFunds(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	blob := sharedDefaultBlob(t, tx, s, 3, true)
	// 22 units at 5 FROST per epoch: 3 epochs cost 330; 7 FROST are left over.
	sb := NewFundedSharedBlob(tx.ctx, blob, Coin{Value: 3*22*5 + 7})

	created := tx.created
	coin, err := ExtendSharedBlob(tx.ctx, s, &sb, 3)
	if err != nil {
		t.Fatal(err)
	}
	if tx.created != created+1 || coin != DeriveObjectID(tx.digest, created) {
		t.Fatalf("transient coin %s: want one fresh ID", coin)
	}
	if sb.Funds != 7 || sb.Blob.Storage.EndEpoch != 6 {
		t.Fatalf("after extend: funds %d, end epoch %d", sb.Funds, sb.Blob.Storage.EndEpoch)
	}
	// The payment goes where extend_blob puts it: epochs 3, 4 and 5.
	for i := uint32(3); i < 6; i++ {
		if r, _ := s.RewardsAt(i); r != 110 {
			t.Fatalf("rewards of epoch %d: %d", i, r)
		}
	}
	wantEv := &walrus.BlobCertified{Epoch: 0, BlobID: blob.BlobID, EndEpoch: 6, ObjectID: blob.ID, IsExtension: true}
	if evs := tx.takeEvents(); len(evs) != 1 || !reflect.DeepEqual(evs[0], wantEv) {
		t.Fatalf("events %+v, want [%+v]", evs, wantEv)
	}

	// Exactly the funds: nothing is left.
	sb.Funds = 22 * 5
	if _, err := ExtendSharedBlob(tx.ctx, s, &sb, 1); err != nil || sb.Funds != 0 || sb.Blob.Storage.EndEpoch != 7 {
		t.Fatalf("extend with exact funds: %v, funds %d, end epoch %d", err, sb.Funds, sb.Blob.Storage.EndEpoch)
	}
}

func TestSharedBlobExtendAborts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(t *testing.T, tx *txRecorder, s *SystemState) walrus.SharedBlob
		epochs uint32
		want   *Abort
	}{
		{"not certified", func(t *testing.T, tx *txRecorder, s *SystemState) walrus.SharedBlob {
			return NewFundedSharedBlob(tx.ctx, sharedDefaultBlob(t, tx, s, 3, false), Coin{Value: moveNCoins})
		}, 1, ErrNotCertified},
		{"expired", func(t *testing.T, tx *txRecorder, s *SystemState) walrus.SharedBlob {
			sb := NewFundedSharedBlob(tx.ctx, sharedDefaultBlob(t, tx, s, 1, true), Coin{Value: moveNCoins})
			advanceTo(t, s, 1, epochParamsForTesting)
			return sb
		}, 1, ErrResourceBounds},
		{"no funds", func(t *testing.T, tx *txRecorder, s *SystemState) walrus.SharedBlob {
			return NewSharedBlob(tx.ctx, sharedDefaultBlob(t, tx, s, 3, true))
		}, 1, ErrNotEnough},
		{"funds one FROST short", func(t *testing.T, tx *txRecorder, s *SystemState) walrus.SharedBlob {
			return NewFundedSharedBlob(tx.ctx, sharedDefaultBlob(t, tx, s, 3, true), Coin{Value: 2*22*5 - 1})
		}, 2, ErrNotEnough},
		{"zero epochs", func(t *testing.T, tx *txRecorder, s *SystemState) walrus.SharedBlob {
			return NewFundedSharedBlob(tx.ctx, sharedDefaultBlob(t, tx, s, 3, true), Coin{Value: moveNCoins})
		}, 0, ErrInvalidEpochsAhead},
		{"too far ahead", func(t *testing.T, tx *txRecorder, s *SystemState) walrus.SharedBlob {
			return NewFundedSharedBlob(tx.ctx, sharedDefaultBlob(t, tx, s, 3, true), Coin{Value: moveNCoins})
		}, moveMaxEpochsAhead, ErrInvalidEpochsAhead},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := newTx(1)
			s := newSystemForTesting(t)
			sb := tc.setup(t, tx, s)
			tx.takeEvents()
			before := sb
			sn := takeSnapshot(s, nil, tx)
			_, err := ExtendSharedBlob(tx.ctx, s, &sb, tc.epochs)
			wantAbort(t, err, tc.want)
			sn.unchanged(t, s, nil, tx)
			if !reflect.DeepEqual(sb, before) {
				t.Fatalf("the failed extension changed the shared blob: %+v, was %+v", sb, before)
			}
		})
	}
}

func TestSharedBlobExtendWrongSystemVersion(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	sb := NewFundedSharedBlob(tx.ctx, sharedDefaultBlob(t, tx, s, 3, true), Coin{Value: moveNCoins})
	s.System.Version++
	_, err := ExtendSharedBlob(tx.ctx, s, &sb, 1)
	wantAbort(t, err, ErrSystemWrongVersion)
}
