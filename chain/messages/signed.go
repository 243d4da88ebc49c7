package messages

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/internal/bcs"
)

// SignatureSize is the size of a BLS12-381 min-pk signature.
const SignatureSize = keys.BLSSignatureSize

// SignedMessage is a serialized protocol message with a node's BLS signature over it
// (walrus-core SignedMessage<T>).
//
// JSON: {"serializedMessage": base64 (standard, padded), "signature": base64}.
// BCS: the message as vector<u8> (ULEB128 length, bytes), then the 96 signature bytes
// with no length prefix (fastcrypto serializes signatures as fixed arrays).
type SignedMessage struct {
	SerializedMessage []byte
	Signature         [SignatureSize]byte
}

// Sign signs a serialized protocol message with a node's protocol key.
func Sign(key *keys.BLSKey, serializedMessage []byte) SignedMessage {
	m := SignedMessage{SerializedMessage: append([]byte(nil), serializedMessage...)}
	copy(m.Signature[:], key.Sign(serializedMessage))
	return m
}

// Verify checks the signature under pub (48-byte compressed G1 key). It does not look
// at the message; see VerifyStorageConfirmation.
func (m SignedMessage) Verify(pub [keys.BLSPublicKeySize]byte) error {
	return keys.VerifyBLS(pub[:], m.SerializedMessage, m.Signature[:])
}

// VerifyStorageConfirmation checks, as walrus-core's verify_signature_and_contents does,
// that m is a BLOB_CERT message of the given epoch with exactly the expected contents,
// and then that pub signed it. Errors: parse errors, ErrWrongEpoch, ErrWrongContents,
// signature errors.
func (m SignedMessage) VerifyStorageConfirmation(pub [keys.BLSPublicKeySize]byte, epoch uint32, want StorageConfirmation) error {
	msg, err := ParseStorageConfirmation(m.SerializedMessage)
	if err != nil {
		return err
	}
	if msg.Epoch != epoch {
		return fmt.Errorf("%w: confirmation for epoch %d, want %d", ErrWrongEpoch, msg.Epoch, epoch)
	}
	if msg.Body != want {
		return fmt.Errorf("%w: confirmation of %s %s, want %s %s", ErrWrongContents,
			msg.Body.BlobID, msg.Body.Persistence, want.BlobID, want.Persistence)
	}
	return m.Verify(pub)
}

func (m SignedMessage) MarshalBCS(e *bcs.Encoder) {
	e.ByteVec(m.SerializedMessage)
	e.Fixed(m.Signature[:])
}

func (m *SignedMessage) UnmarshalBCS(d *bcs.Decoder) {
	*m = SignedMessage{}
	msg := byteVec(d, "serialized message")
	if d.Err() != nil {
		return
	}
	m.SerializedMessage = append([]byte{}, msg...)
	if need(d, SignatureSize) {
		d.FixedInto(m.Signature[:])
	}
}

// ParseSignedMessageBCS decodes the BCS form, rejecting trailing bytes.
func ParseSignedMessageBCS(b []byte) (SignedMessage, error) {
	var m SignedMessage
	if err := decodeExact(b, &m); err != nil {
		return SignedMessage{}, fmt.Errorf("signed message: %w", err)
	}
	return m, nil
}

type signedMessageJSON struct {
	SerializedMessage *string `json:"serializedMessage"`
	Signature         *string `json:"signature"`
}

func (m SignedMessage) MarshalJSON() ([]byte, error) {
	msg := base64.StdEncoding.EncodeToString(m.SerializedMessage)
	sig := base64.StdEncoding.EncodeToString(m.Signature[:])
	return json.Marshal(signedMessageJSON{SerializedMessage: &msg, Signature: &sig})
}

func (m *SignedMessage) UnmarshalJSON(b []byte) error {
	var j signedMessageJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("signed message JSON: %w", err)
	}
	if j.SerializedMessage == nil || j.Signature == nil {
		return fmt.Errorf("signed message JSON: %w: serializedMessage and signature are required", ErrTruncated)
	}
	msg, err := base64.StdEncoding.Strict().DecodeString(*j.SerializedMessage)
	if err != nil {
		return fmt.Errorf("signed message JSON: serializedMessage: %w", err)
	}
	sig, err := decodeSignature(*j.Signature)
	if err != nil {
		return fmt.Errorf("signed message JSON: %w", err)
	}
	*m = SignedMessage{SerializedMessage: msg, Signature: sig}
	return nil
}

func decodeSignature(s string) ([SignatureSize]byte, error) {
	var out [SignatureSize]byte
	sig, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return out, fmt.Errorf("signature: %w", err)
	}
	if len(sig) != SignatureSize {
		return out, fmt.Errorf("%w: signature of %d bytes, want %d", ErrInvalidLength, len(sig), SignatureSize)
	}
	copy(out[:], sig)
	return out, nil
}
