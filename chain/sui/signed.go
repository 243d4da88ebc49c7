package sui

import (
	"bytes"

	"github.com/tuskstore/tusk/internal/bcs"
)

// SignedTransaction is Sui's SenderSignedData: a one-element sequence holding the
// IntentMessage<TransactionData> (intent [0, 0, 0], then the transaction) and the user
// signatures. Each signature is a GenericSignature's bytes, flag first (0x00 ed25519 ‖
// 64-byte signature ‖ 32-byte key, 0x01 secp256k1, 0x02 secp256r1, 0x03 multisig,
// 0x05 zkLogin, 0x06 passkey); BCS writes each as a byte vector. Its BCS size is what
// max_tx_size_bytes limits.
type SignedTransaction struct {
	Data       TransactionData
	Signatures [][]byte
}

func (s *SignedTransaction) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(1)
	in := Intent(IntentTransactionData)
	e.Fixed(in[:])
	s.Data.MarshalBCS(e)
	e.ULEB128(uint64(len(s.Signatures)))
	for _, sig := range s.Signatures {
		e.ByteVec(sig)
	}
}

func (s *SignedTransaction) UnmarshalBCS(d *bcs.Decoder) {
	*s = SignedTransaction{}
	if n := d.Len(1); d.Err() == nil && n != 1 {
		d.Failf("SenderSignedData holds %d transactions, want 1", n)
		return
	}
	in := Intent(IntentTransactionData)
	if got := d.Fixed(3); d.Err() == nil && !bytes.Equal(got, in[:]) {
		d.Failf("invalid intent %x for a transaction", got)
		return
	}
	s.Data.UnmarshalBCS(d)
	n := d.Len(1)
	if d.Err() != nil || n == 0 {
		return
	}
	s.Signatures = make([][]byte, n)
	for i := range s.Signatures {
		if s.Signatures[i] = getBytes(d); d.Err() != nil {
			s.Signatures = nil
			return
		}
	}
}

// SignedSize is the BCS size of the SenderSignedData made of txBytes and sigs, without
// building it.
func SignedSize(txBytes []byte, sigs [][]byte) uint64 {
	n := ulebLen(1) + 3 + uint64(len(txBytes)) + ulebLen(uint64(len(sigs)))
	for _, s := range sigs {
		n += ulebLen(uint64(len(s))) + uint64(len(s))
	}
	return n
}

// CheckSignedSize applies max_tx_size_bytes as Sui does: to the serialized
// SenderSignedData, signatures included.
func CheckSignedSize(txBytes []byte, sigs [][]byte, l Limits) error {
	if n := SignedSize(txBytes, sigs); n > l.MaxTxSizeBytes {
		return &LimitError{Limit: "max_tx_size_bytes", Max: l.MaxTxSizeBytes, Value: n}
	}
	return nil
}

func ulebLen(v uint64) uint64 {
	n := uint64(1)
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
