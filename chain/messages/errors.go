package messages

import (
	"errors"

	"github.com/tuskstore/tusk/chain/keys"
)

// Errors returned by this package; test with errors.Is. Decoding errors also match
// bcs.ErrMalformed.
var (
	// ErrTruncated: the input ends before the message does.
	ErrTruncated = errors.New("messages: truncated")
	// ErrTrailingBytes: bytes follow a complete message.
	ErrTrailingBytes = errors.New("messages: trailing bytes")
	// ErrWrongIntent: the intent type is not the one the parser expects.
	ErrWrongIntent = errors.New("messages: wrong intent type")
	// ErrWrongVersion: the intent version is not 0.
	ErrWrongVersion = errors.New("messages: wrong intent version")
	// ErrWrongApp: the intent app id is not 3 (storage).
	ErrWrongApp = errors.New("messages: wrong intent app id")
	// ErrInvalidEnum: an enum variant tag that does not exist.
	ErrInvalidEnum = errors.New("messages: invalid enum variant")
	// ErrInvalidLength: a field of the wrong size (a signature that is not 96 bytes).
	ErrInvalidLength = errors.New("messages: invalid field length")

	// ErrWrongEpoch: the message epoch is not the expected (committee) epoch.
	ErrWrongEpoch = errors.New("messages: wrong epoch")
	// ErrWrongContents: a signed message carries other contents than expected.
	ErrWrongContents = errors.New("messages: unexpected message contents")
	// ErrMessageMismatch: confirmations to aggregate are not byte-identical.
	ErrMessageMismatch = errors.New("messages: signed messages differ")
	// ErrInvalidSigners: signer indices out of range, duplicated, or not matching the
	// confirmations.
	ErrInvalidSigners = errors.New("messages: invalid signers")
	// ErrInvalidBitmap: a signers bitmap longer than the committee needs, or with a bit
	// set past the last member (Move EInvalidBitmap).
	ErrInvalidBitmap = errors.New("messages: invalid signers bitmap")
	// ErrNotEnoughWeight: the signers hold too few shards (Move ENotEnoughStake).
	ErrNotEnoughWeight = errors.New("messages: not enough signer weight")
	// ErrInvalidCommittee: a committee that Move could not have built (zero weights,
	// weights not adding up to n_shards, invalid member keys).
	ErrInvalidCommittee = errors.New("messages: invalid committee")

	// ErrInvalidSignature is keys.ErrInvalidSignature: a signature that does not verify
	// (Move ESigVerification).
	ErrInvalidSignature = keys.ErrInvalidSignature
)
