package rpc

import (
	"strings"
	"testing"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func TestExecuteReadMaskRoots(t *testing.T) {
	full := func() *v2.ExecuteTransactionResponse {
		return &v2.ExecuteTransactionResponse{Transaction: &v2.ExecutedTransaction{
			Digest:      proto.String("d"),
			Checkpoint:  proto.Uint64(3),
			Effects:     &v2.TransactionEffects{Status: &v2.ExecutionStatus{Success: proto.Bool(true)}, Epoch: proto.Uint64(1)},
			Transaction: &v2.Transaction{Sender: proto.String("s"), Digest: proto.String("d")},
		}}
	}
	for _, tt := range []struct {
		paths []string
		want  *v2.ExecuteTransactionResponse
	}{
		// Response-rooted, as current Sui and the TS client send.
		{[]string{"transaction.digest", "transaction.effects.status"}, &v2.ExecuteTransactionResponse{Transaction: &v2.ExecutedTransaction{
			Digest: proto.String("d"), Effects: &v2.TransactionEffects{Status: &v2.ExecutionStatus{Success: proto.Bool(true)}}}}},
		// ExecutedTransaction-rooted, as the Go SDK v1.2.1 sends.
		{[]string{"digest", "effects.epoch", "transaction.sender"}, &v2.ExecuteTransactionResponse{Transaction: &v2.ExecutedTransaction{
			Digest: proto.String("d"), Effects: &v2.TransactionEffects{Epoch: proto.Uint64(1)}, Transaction: &v2.Transaction{Sender: proto.String("s")}}}},
		// Ambiguous paths are response-rooted.
		{[]string{"transaction.digest"}, &v2.ExecuteTransactionResponse{Transaction: &v2.ExecutedTransaction{Digest: proto.String("d")}}},
		{nil, &v2.ExecuteTransactionResponse{Transaction: &v2.ExecutedTransaction{
			Checkpoint: proto.Uint64(3), Effects: &v2.TransactionEffects{Status: &v2.ExecutionStatus{Success: proto.Bool(true)}}}}},
		{[]string{"*"}, full()},
	} {
		var m *readMask
		var err error
		if tt.paths == nil {
			m, err = executeReadMask(nil)
		} else {
			m, err = executeReadMask(mask(tt.paths...))
		}
		if err != nil {
			t.Errorf("%v: %v", tt.paths, err)
			continue
		}
		got := full()
		m.apply(got)
		if !proto.Equal(got, tt.want) {
			t.Errorf("%v:\n got %v\nwant %v", tt.paths, got, tt.want)
		}
	}
	// Mixed roots, or a path valid from neither, are InvalidArgument.
	for _, paths := range [][]string{{"digest", "transaction.effects.status"}, {"transaction.nope"}, {"nope"}} {
		_, err := executeReadMask(mask(paths...))
		if st, _ := status.FromError(err); st.Code() != codes.InvalidArgument || !strings.HasPrefix(st.Message(), "read_mask:") {
			t.Errorf("%v: %v", paths, err)
		}
	}
}

func TestSignatureBytes(t *testing.T) {
	sig := make([]byte, 64)
	pk := make([]byte, 32)
	pk[0] = 7
	b, err := signatureBytes("signatures[0]", &v2.UserSignature{Signature: &v2.UserSignature_Simple{Simple: &v2.SimpleSignature{
		Scheme: v2.SignatureScheme_ED25519.Enum(), Signature: sig, PublicKey: pk}}})
	if err != nil || len(b) != 97 || b[0] != 0 || b[65] != 7 {
		t.Errorf("simple: %x, %v", b, err)
	}
	for _, s := range []*v2.UserSignature{
		nil,
		{},
		{Signature: &v2.UserSignature_Simple{Simple: &v2.SimpleSignature{Scheme: v2.SignatureScheme_ED25519.Enum(), Signature: sig[:10], PublicKey: pk}}},
		{Signature: &v2.UserSignature_Simple{Simple: &v2.SimpleSignature{Scheme: v2.SignatureScheme(-256).Enum(), Signature: sig, PublicKey: pk}}},
		{Signature: &v2.UserSignature_Simple{Simple: &v2.SimpleSignature{Scheme: v2.SignatureScheme_MULTISIG.Enum(), Signature: sig, PublicKey: pk}}},
		{Signature: &v2.UserSignature_Multisig{Multisig: &v2.MultisigAggregatedSignature{}}},
	} {
		if _, err := signatureBytes("signatures[0]", s); status.Code(err) != codes.InvalidArgument || !strings.HasPrefix(status.Convert(err).Message(), "signatures[0]") {
			t.Errorf("%v: %v", s, err)
		}
	}
}
