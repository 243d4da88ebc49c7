// Package messages builds, parses, signs and verifies the Walrus storage-node protocol
// messages, byte for byte as walrus-core (crates/walrus-core/src/messages*) and the Move
// contracts (contracts/walrus/sources/system/messages.move, bls_aggregate.move) define
// them:
//
//	ProtocolMessage = intent type u8 | intent version u8 (0) | app id u8 (3) | epoch u32 LE | BCS body
//
// with the bodies StorageConfirmation, InvalidBlobID, ProofOfPossession and
// SyncShardRequest; SignedMessage (a BLS12-381 min-pk signature over the serialized
// message); ConfirmationCertificate (an aggregate signature with its signer indices); the
// signers bitmap that certify_blob takes; and certificate verification as
// bls_aggregate.move's verify_certificate_and_weight does it.
//
// Every wire form is written and read with the project's BCS codec (internal/bcs).
// Parsers never panic on hostile input and return typed errors (test with errors.Is):
// ErrTruncated, ErrTrailingBytes, ErrWrongIntent, ErrWrongVersion, ErrWrongApp,
// ErrInvalidEnum.
//
// The committee type here is deliberately minimal (epoch, shard count, ordered members
// with BLS keys and shard weights); the on-chain BCS types of the committee live
// elsewhere.
package messages
