package rpc

import (
	"time"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tuskstore/tusk/chain/sui"
)

// The renderers build the complete message; read masks are applied afterwards. Names of
// Bcs values and the formats (canonical 0x+64-hex IDs, base58 digests, canonical struct
// tags) follow Sui's sui-rpc-api conversions.

func renderObject(o *Object) *v2.Object {
	m := &v2.Object{
		ObjectId:            proto.String(o.ID.String()),
		Version:             proto.Uint64(o.Version),
		Digest:              proto.String(o.Digest.String()),
		Owner:               renderOwner(o.Owner),
		ObjectType:          proto.String(o.Type),
		PreviousTransaction: proto.String(o.PreviousTransaction.String()),
		StorageRebate:       proto.Uint64(o.StorageRebate),
	}
	if o.BCS != nil {
		m.Bcs = &v2.Bcs{Name: proto.String("Object"), Value: o.BCS}
	}
	if o.Type != PackageType {
		m.HasPublicTransfer = proto.Bool(o.HasPublicTransfer)
		m.Contents = &v2.Bcs{Name: proto.String(o.Type), Value: nonNil(o.Contents)}
	}
	if o.Balance != nil {
		m.Balance = proto.Uint64(*o.Balance)
	}
	return m
}

func renderOwner(o Owner) *v2.Owner {
	kind := v2.Owner_OwnerKind(o.Kind)
	m := &v2.Owner{Kind: &kind}
	switch o.Kind {
	case OwnerAddress, OwnerObject:
		m.Address = proto.String(o.Address.String())
	case OwnerShared:
		m.Version = proto.Uint64(o.Version)
	case OwnerConsensusAddress:
		m.Address = proto.String(o.Address.String())
		m.Version = proto.Uint64(o.Version)
	}
	return m
}

func renderCheckpoint(c *Checkpoint) *v2.Checkpoint {
	summary := &v2.CheckpointSummary{
		Digest:                     proto.String(c.Digest.String()),
		Epoch:                      proto.Uint64(c.Epoch),
		SequenceNumber:             proto.Uint64(c.SequenceNumber),
		TotalNetworkTransactions:   proto.Uint64(c.NetworkTotalTransactions),
		ContentDigest:              proto.String(c.ContentDigest.String()),
		EpochRollingGasCostSummary: renderGasCost(c.EpochRollingGasCost),
		Timestamp:                  renderTime(c.Timestamp),
	}
	summary.PreviousDigest = digestString(c.PreviousDigest)
	if c.SummaryBCS != nil {
		summary.Bcs = &v2.Bcs{Name: proto.String("CheckpointSummary"), Value: c.SummaryBCS}
	}
	contents := &v2.CheckpointContents{
		Digest:  proto.String(c.ContentDigest.String()),
		Version: proto.Int32(1),
	}
	if c.ContentsBCS != nil {
		contents.Bcs = &v2.Bcs{Name: proto.String("CheckpointContents"), Value: c.ContentsBCS}
	}
	m := &v2.Checkpoint{
		SequenceNumber: proto.Uint64(c.SequenceNumber),
		Digest:         proto.String(c.Digest.String()),
		Summary:        summary,
		Contents:       contents,
	}
	for i := range c.Transactions {
		t := &c.Transactions[i]
		info := &v2.CheckpointedTransactionInfo{
			Transaction: proto.String(t.Digest.String()),
			Effects:     proto.String(t.Effects.Digest.String()),
		}
		for _, sig := range t.Signatures {
			info.Signatures = append(info.Signatures, renderSignature(sig))
		}
		contents.Transactions = append(contents.Transactions, info)
		m.Transactions = append(m.Transactions, renderTransaction(t, c.SequenceNumber, c.Timestamp))
	}
	return m
}

// renderTransaction renders a checkpoint's transaction, with the checkpoint's sequence
// number and timestamp.
func renderTransaction(t *Transaction, checkpoint uint64, ts time.Time) *v2.ExecutedTransaction {
	c := *t
	c.Checkpoint, c.Timestamp = &checkpoint, ts
	return renderExecutedTransaction(&c)
}

func renderEvent(e *Event) *v2.Event {
	return &v2.Event{
		PackageId: proto.String(e.PackageID.String()),
		Module:    proto.String(e.Module),
		Sender:    proto.String(e.Sender.String()),
		EventType: proto.String(e.Type),
		Contents:  &v2.Bcs{Name: proto.String(e.Type), Value: nonNil(e.Contents)},
	}
}

// Sizes of the simple signature schemes: flag, signature, public key.
var simpleSchemes = map[byte]struct{ sig, pk int }{
	0x00: {64, 32}, // ed25519
	0x01: {64, 33}, // secp256k1
	0x02: {64, 33}, // secp256r1
}

// renderSignature renders serialized user signature bytes; simple signatures are also
// broken up into scheme, signature and public key.
func renderSignature(b []byte) *v2.UserSignature {
	m := &v2.UserSignature{Bcs: &v2.Bcs{Name: proto.String("UserSignatureBytes"), Value: b}}
	if len(b) == 0 {
		return m
	}
	if b[0] > byte(v2.SignatureScheme_PASSKEY) {
		return m
	}
	scheme := v2.SignatureScheme(b[0])
	m.Scheme = &scheme
	if sz, ok := simpleSchemes[b[0]]; ok && len(b) == 1+sz.sig+sz.pk {
		m.Signature = &v2.UserSignature_Simple{Simple: &v2.SimpleSignature{
			Scheme:    &scheme,
			Signature: b[1 : 1+sz.sig],
			PublicKey: b[1+sz.sig:],
		}}
	}
	return m
}

func renderGasCost(g GasCost) *v2.GasCostSummary {
	return &v2.GasCostSummary{
		ComputationCost:         proto.Uint64(g.ComputationCost),
		StorageCost:             proto.Uint64(g.StorageCost),
		StorageRebate:           proto.Uint64(g.StorageRebate),
		NonRefundableStorageFee: proto.Uint64(g.NonRefundableStorageFee),
	}
}

// renderTime is a protobuf Timestamp at millisecond precision, as Sui's are.
func renderTime(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		t = time.UnixMilli(0)
	}
	return timestamppb.New(t.Truncate(time.Millisecond))
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// digestString is a helper for optional digests.
func digestString(d *sui.Digest) *string {
	if d == nil {
		return nil
	}
	return proto.String(d.String())
}
