package messages

import (
	"encoding/binary"
	"fmt"

	"github.com/tuskstore/tusk/internal/bcs"
)

// IntentType is the first byte of a protocol message (walrus-core IntentType, Move
// messages.move). Keep the values in step with contracts/walrus/docs/msg_formats.txt.
type IntentType uint8

const (
	IntentProofOfPossession   IntentType = 0
	IntentBlobCert            IntentType = 1
	IntentInvalidBlobID       IntentType = 2
	IntentSyncShard           IntentType = 3
	IntentDenyListUpdate      IntentType = 4
	IntentDenyListBlobDeleted IntentType = 5
	IntentProtocolVersion     IntentType = 6
)

func (t IntentType) String() string {
	switch t {
	case IntentProofOfPossession:
		return "PROOF_OF_POSSESSION"
	case IntentBlobCert:
		return "BLOB_CERT"
	case IntentInvalidBlobID:
		return "INVALID_BLOB_ID"
	case IntentSyncShard:
		return "SYNC_SHARD"
	case IntentDenyListUpdate:
		return "DENY_LIST_UPDATE"
	case IntentDenyListBlobDeleted:
		return "DENY_LIST_BLOB_DELETED"
	case IntentProtocolVersion:
		return "PROTOCOL_VERSION"
	default:
		return fmt.Sprintf("IntentType(%d)", uint8(t))
	}
}

const (
	// IntentVersion is the only intent version (IntentVersion::DEFAULT).
	IntentVersion uint8 = 0
	// AppIDStorage is Walrus's intent app id (IntentAppId::STORAGE).
	AppIDStorage uint8 = 3
	// HeaderSize is the size of intent type, version, app id and epoch.
	HeaderSize = 7
)

// ProtocolMessage is a serialized protocol message split into its header and its BCS
// body. Body aliases the parsed input.
type ProtocolMessage struct {
	Intent  IntentType
	Version uint8
	AppID   uint8
	Epoch   uint32
	Body    []byte
}

// NewProtocolMessage serializes intent ‖ version 0 ‖ app 3 ‖ epoch LE ‖ body.
func NewProtocolMessage(intent IntentType, epoch uint32, body []byte) []byte {
	out := make([]byte, 0, HeaderSize+len(body))
	out = appendHeader(out, intent, epoch)
	return append(out, body...)
}

func appendHeader(b []byte, intent IntentType, epoch uint32) []byte {
	b = append(b, byte(intent), IntentVersion, AppIDStorage)
	return binary.LittleEndian.AppendUint32(b, epoch)
}

// Bytes serializes m with its own header fields.
func (m ProtocolMessage) Bytes() []byte {
	out := make([]byte, 0, HeaderSize+len(m.Body))
	out = append(out, byte(m.Intent), m.Version, m.AppID)
	out = binary.LittleEndian.AppendUint32(out, m.Epoch)
	return append(out, m.Body...)
}

// ParseProtocolMessage splits b into header and body, and checks what Move's
// new_certified_message checks: version 0 and app id 3 (not the intent type, and not the
// epoch, which the caller compares). Errors: ErrTruncated, ErrWrongVersion, ErrWrongApp.
func ParseProtocolMessage(b []byte) (ProtocolMessage, error) {
	if len(b) < HeaderSize {
		return ProtocolMessage{}, fmt.Errorf("%w: protocol message of %d bytes, the header alone is %d", ErrTruncated, len(b), HeaderSize)
	}
	m := ProtocolMessage{
		Intent:  IntentType(b[0]),
		Version: b[1],
		AppID:   b[2],
		Epoch:   binary.LittleEndian.Uint32(b[3:7]),
		Body:    b[HeaderSize:],
	}
	if m.Version != IntentVersion {
		return m, fmt.Errorf("%w: %d, want %d", ErrWrongVersion, m.Version, IntentVersion)
	}
	if m.AppID != AppIDStorage {
		return m, fmt.Errorf("%w: %d, want %d", ErrWrongApp, m.AppID, AppIDStorage)
	}
	return m, nil
}

// Message is a parsed protocol message of a known intent.
type Message[T any] struct {
	Epoch uint32
	Body  T
}

// body is a message body type: *T that reads itself from BCS.
type body[T any] interface {
	*T
	bcs.Unmarshaler
}

// parseMessage checks the header against intent and decodes the body, rejecting
// trailing bytes.
func parseMessage[T any, P body[T]](b []byte, intent IntentType) (Message[T], error) {
	var out Message[T]
	m, err := ParseProtocolMessage(b)
	if err == nil && m.Intent != intent {
		err = fmt.Errorf("%w: %s, want %s", ErrWrongIntent, m.Intent, intent)
	}
	if err != nil {
		return out, fmt.Errorf("%s message: %w", intent, err)
	}
	out.Epoch = m.Epoch
	if err := decodeExact(m.Body, P(&out.Body)); err != nil {
		return Message[T]{}, fmt.Errorf("%s message body: %w", intent, err)
	}
	return out, nil
}

// decodeExact decodes all of data into v: ErrTrailingBytes if bytes remain.
func decodeExact(data []byte, v bcs.Unmarshaler) error {
	d := bcs.NewDecoder(data)
	v.UnmarshalBCS(d)
	if d.Err() == nil && d.Remaining() > 0 {
		d.Fail(fmt.Errorf("%w: %d", ErrTrailingBytes, d.Remaining()))
	}
	return d.Err()
}

// need records ErrTruncated unless n bytes remain; it reports whether they do.
func need(d *bcs.Decoder, n int) bool {
	if d.Err() != nil {
		return false
	}
	if d.Remaining() < n {
		d.Fail(fmt.Errorf("%w: need %d bytes, %d remain", ErrTruncated, n, d.Remaining()))
		return false
	}
	return true
}

// tag reads a one-byte BCS enum tag (ULEB128 below 128) and checks it is below variants.
func tag(d *bcs.Decoder, what string, variants int) int {
	if !need(d, 1) {
		return -1
	}
	t := int(d.U8())
	if t >= variants {
		d.Fail(fmt.Errorf("%w: %s tag %d (%d variants)", ErrInvalidEnum, what, t, variants))
		return -1
	}
	return t
}

// byteVec reads a vector<u8>, reporting a length past the end as ErrTruncated.
func byteVec(d *bcs.Decoder, what string) []byte {
	if !need(d, 1) {
		return nil
	}
	n := d.ULEB128()
	if d.Err() != nil {
		return nil
	}
	if int64(n) > int64(d.Remaining()) {
		d.Fail(fmt.Errorf("%w: %s of %d bytes, %d remain", ErrTruncated, what, n, d.Remaining()))
		return nil
	}
	return d.Fixed(int(n))
}
