package messages

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/internal/bcs"
)

// ConfirmationCertificate is an aggregate signature over one serialized protocol message
// with the committee indices of the nodes that signed it (walrus-core
// ProtocolMessageCertificate; the same type serves INVALID_BLOB_ID certificates).
//
// Two serialized forms exist and both are provided:
//
//   - MarshalBCS / UnmarshalBCS / ParseCertificateBCS: the Walrus TypeScript SDK's
//     CertificateBcs { signers: vector<u16>, serializedMessage: vector<u8>, signature:
//     vector<u8> } (the upload-relay resume token). The signature has a ULEB128 length
//     prefix (0x60) here. This is the form of the golden vector CertificateBcs.
//   - MarshalJSON / UnmarshalJSON: walrus-core's serde JSON, {"signers": [u16…],
//     "serialized_message": [u8…], "signature": base64} (upload relay responses).
//
// walrus-core's own bincode/BCS form writes the signature as 96 raw bytes (fastcrypto
// fixed arrays); see MarshalCoreBCS.
type ConfirmationCertificate struct {
	Signers           []uint16
	SerializedMessage []byte
	Signature         [SignatureSize]byte
}

// MarshalBCS writes the TypeScript SDK CertificateBcs form.
func (c ConfirmationCertificate) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(len(c.Signers)))
	for _, s := range c.Signers {
		e.U16(s)
	}
	e.ByteVec(c.SerializedMessage)
	e.ByteVec(c.Signature[:])
}

// UnmarshalBCS reads the TypeScript SDK CertificateBcs form; the signature vector must
// hold exactly 96 bytes.
func (c *ConfirmationCertificate) UnmarshalBCS(d *bcs.Decoder) {
	*c = ConfirmationCertificate{}
	c.Signers = readSigners(d)
	msg := byteVec(d, "serialized message")
	if d.Err() != nil {
		return
	}
	c.SerializedMessage = append([]byte{}, msg...)
	sig := byteVec(d, "signature")
	if d.Err() != nil {
		return
	}
	if len(sig) != SignatureSize {
		d.Fail(fmt.Errorf("%w: signature of %d bytes, want %d", ErrInvalidLength, len(sig), SignatureSize))
		return
	}
	copy(c.Signature[:], sig)
}

func readSigners(d *bcs.Decoder) []uint16 {
	if !need(d, 1) {
		return nil
	}
	n := d.ULEB128()
	if d.Err() != nil {
		return nil
	}
	if int64(n)*2 > int64(d.Remaining()) {
		d.Fail(fmt.Errorf("%w: %d signers need %d bytes, %d remain", ErrTruncated, n, int64(n)*2, d.Remaining()))
		return nil
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = d.U16()
	}
	return out
}

// ParseCertificateBCS decodes the TypeScript SDK CertificateBcs form, rejecting trailing
// bytes.
func ParseCertificateBCS(b []byte) (ConfirmationCertificate, error) {
	var c ConfirmationCertificate
	if err := decodeExact(b, &c); err != nil {
		return ConfirmationCertificate{}, fmt.Errorf("certificate: %w", err)
	}
	return c, nil
}

// coreCertificate writes walrus-core's serde BCS form (signature without a length prefix).
type coreCertificate struct{ *ConfirmationCertificate }

func (c coreCertificate) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(len(c.Signers)))
	for _, s := range c.Signers {
		e.U16(s)
	}
	e.ByteVec(c.SerializedMessage)
	e.Fixed(c.Signature[:])
}

func (c coreCertificate) UnmarshalBCS(d *bcs.Decoder) {
	*c.ConfirmationCertificate = ConfirmationCertificate{}
	c.Signers = readSigners(d)
	msg := byteVec(d, "serialized message")
	if d.Err() != nil {
		return
	}
	c.SerializedMessage = append([]byte{}, msg...)
	if need(d, SignatureSize) {
		d.FixedInto(c.Signature[:])
	}
}

// MarshalCoreBCS is walrus-core's serde BCS form of the certificate: like MarshalBCS but
// with the 96 signature bytes not length-prefixed.
func (c ConfirmationCertificate) MarshalCoreBCS() []byte {
	return bcs.Marshal(coreCertificate{&c})
}

// ParseCertificateCoreBCS decodes the MarshalCoreBCS form.
func ParseCertificateCoreBCS(b []byte) (ConfirmationCertificate, error) {
	var c ConfirmationCertificate
	if err := decodeExact(b, coreCertificate{&c}); err != nil {
		return ConfirmationCertificate{}, fmt.Errorf("certificate: %w", err)
	}
	return c, nil
}

type certificateJSON struct {
	Signers           []uint16 `json:"signers"`
	SerializedMessage []int    `json:"serialized_message"`
	Signature         string   `json:"signature"`
}

// MarshalJSON writes walrus-core's serde JSON form.
func (c ConfirmationCertificate) MarshalJSON() ([]byte, error) {
	msg := make([]int, len(c.SerializedMessage))
	for i, b := range c.SerializedMessage {
		msg[i] = int(b)
	}
	signers := c.Signers
	if signers == nil {
		signers = []uint16{}
	}
	return json.Marshal(certificateJSON{
		Signers:           signers,
		SerializedMessage: msg,
		Signature:         base64.StdEncoding.EncodeToString(c.Signature[:]),
	})
}

// UnmarshalJSON reads walrus-core's serde JSON form.
func (c *ConfirmationCertificate) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("certificate JSON: %w", err)
	}
	for _, k := range []string{"signers", "serialized_message", "signature"} {
		if _, ok := raw[k]; !ok {
			return fmt.Errorf("certificate JSON: %w: field %q is missing", ErrTruncated, k)
		}
	}
	var j certificateJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("certificate JSON: %w", err)
	}
	msg := make([]byte, len(j.SerializedMessage))
	for i, v := range j.SerializedMessage {
		if v < 0 || v > 255 {
			return fmt.Errorf("certificate JSON: serialized_message[%d] = %d is not a byte", i, v)
		}
		msg[i] = byte(v)
	}
	sig, err := decodeSignature(j.Signature)
	if err != nil {
		return fmt.Errorf("certificate JSON: %w", err)
	}
	*c = ConfirmationCertificate{Signers: j.Signers, SerializedMessage: msg, Signature: sig}
	if c.Signers == nil {
		c.Signers = []uint16{}
	}
	return nil
}

// Bitmap is the signers bitmap of the certificate for a committee of members nodes.
func (c ConfirmationCertificate) Bitmap(members int) ([]byte, error) {
	idx := make([]int, len(c.Signers))
	for i, s := range c.Signers {
		idx[i] = int(s)
	}
	return SignersBitmap(idx, members)
}

// Aggregate builds a certificate from confirmations signed by the committee members at
// signerIndices (confirmations[i] by member signerIndices[i]). All serialized messages
// must be byte-identical (else ErrMessageMismatch); indices must be distinct u16 values
// (else ErrInvalidSigners). The signatures are not verified here: verify each
// confirmation when it arrives (SignedMessage.VerifyStorageConfirmation), or the
// certificate afterwards (Committee.VerifyCertificate).
func Aggregate(confirmations []SignedMessage, signerIndices []int) (ConfirmationCertificate, error) {
	if len(confirmations) == 0 {
		return ConfirmationCertificate{}, fmt.Errorf("%w: no confirmations to aggregate", ErrInvalidSigners)
	}
	if len(confirmations) != len(signerIndices) {
		return ConfirmationCertificate{}, fmt.Errorf("%w: %d confirmations but %d signer indices", ErrInvalidSigners, len(confirmations), len(signerIndices))
	}
	seen := make(map[int]bool, len(signerIndices))
	signers := make([]uint16, len(signerIndices))
	for i, s := range signerIndices {
		if s < 0 || s > math.MaxUint16 {
			return ConfirmationCertificate{}, fmt.Errorf("%w: signer index %d is not a u16", ErrInvalidSigners, s)
		}
		if seen[s] {
			return ConfirmationCertificate{}, fmt.Errorf("%w: signer index %d appears twice", ErrInvalidSigners, s)
		}
		seen[s] = true
		signers[i] = uint16(s)
	}
	first := confirmations[0].SerializedMessage
	sigs := make([][]byte, len(confirmations))
	for i := range confirmations {
		if !bytes.Equal(confirmations[i].SerializedMessage, first) {
			return ConfirmationCertificate{}, fmt.Errorf("%w: confirmation %d (signer %d) differs from confirmation 0", ErrMessageMismatch, i, signerIndices[i])
		}
		sigs[i] = confirmations[i].Signature[:]
	}
	agg, err := keys.AggregateSignatures(sigs)
	if err != nil {
		return ConfirmationCertificate{}, fmt.Errorf("messages: aggregating signatures: %w", err)
	}
	c := ConfirmationCertificate{Signers: signers, SerializedMessage: append([]byte(nil), first...)}
	copy(c.Signature[:], agg)
	return c, nil
}

// SignersBitmap is the bitmap certify_blob and invalidate_blob_id take: ceil(members/8)
// bytes, member i in bit i%8 (least significant first) of byte i/8. Indices must be
// distinct and below members.
func SignersBitmap(signers []int, members int) ([]byte, error) {
	if members < 0 {
		return nil, fmt.Errorf("%w: %d members", ErrInvalidSigners, members)
	}
	bitmap := make([]byte, (members+7)/8)
	for _, s := range signers {
		if s < 0 || s >= members {
			return nil, fmt.Errorf("%w: signer %d outside a committee of %d", ErrInvalidSigners, s, members)
		}
		if bitmap[s/8]&(1<<(s%8)) != 0 {
			return nil, fmt.Errorf("%w: signer %d appears twice", ErrInvalidSigners, s)
		}
		bitmap[s/8] |= 1 << (s % 8)
	}
	return bitmap, nil
}

// SignersFromBitmap is the inverse of SignersBitmap, with Move's checks: the bitmap may
// be shorter than ceil(members/8) (missing bytes are non-signers) but not longer, and no
// bit past the last member may be set (ErrInvalidBitmap). Indices come out increasing.
func SignersFromBitmap(bitmap []byte, members int) ([]int, error) {
	if members < 0 {
		return nil, fmt.Errorf("%w: %d members", ErrInvalidBitmap, members)
	}
	if maxLen := (members + 7) / 8; len(bitmap) > maxLen {
		return nil, fmt.Errorf("%w: %d bytes, a committee of %d needs at most %d", ErrInvalidBitmap, len(bitmap), members, maxLen)
	}
	var out []int
	for i, b := range bitmap {
		for bit := range 8 {
			if b>>bit&1 == 0 {
				continue
			}
			idx := i*8 + bit
			if idx >= members {
				return nil, fmt.Errorf("%w: bit %d set in a committee of %d", ErrInvalidBitmap, idx, members)
			}
			out = append(out, idx)
		}
	}
	return out, nil
}
