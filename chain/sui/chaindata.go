package sui

// # Chain data: objects, events, effects and checkpoints
//
// The types in object.go, events.go, status.go, effects.go and checkpoint.go are what a
// full node produces after execution, in the BCS that a real node writes and that the
// sui.rpc.v2 gRPC messages carry: Object, TransactionEvents, TransactionEffects (V1 and
// V2), CheckpointSummary (also with its quorum certificate) and CheckpointContents (V1 and
// V2). Each has a Decode function that returns bcs.ErrMalformed for anything a real node
// would not deserialize (never panicking), keeps the form found on the wire so that every
// decoded value re-encodes to the same bytes, and a Digest method with Sui's salt
// ("Object::", "TransactionEvents::", "TransactionEffects::", "CheckpointSummary::",
// "CheckpointContents::": BLAKE2b-256 of the serde name, "::" and the BCS, as Sui's
// Signable / default_hash does). ExecutionStatus.MoveAbort and .Err turn a failed status
// into Go errors (*MoveAbortError, *ExecutionFailedError).
//
// # Sources followed
//
//   - MystenLabs/sui-rust-sdk at d71f9d6f788afc6b30baef85a342e0e7867c0019 (2026-08-19),
//     crates/sui-sdk-types: effects/{mod,v1,v2}.rs, execution_status.rs, object.rs,
//     events.rs, checkpoint.rs, crypto/validator.rs and hash.rs (the digest salts).
//   - MystenLabs/sui, crates/sui-types/src: execution_status.rs at
//     003bb3a6bb28dd6e72807bc1b3b5a9b56b97a066 (ExecutionErrorKind, variants 0 to 42,
//     MoveLocation, CommandArgumentError, PackageUpgradeError whose digest is a Vec<u8>,
//     TypeArgumentError); effects/effects_v2.rs at 01c24bcbbd4d8b12350e4ce2a71a0e33c35f9030
//     (field order, UnchangedSharedKind, the object-change classification and gas_object);
//     messages_checkpoint.rs (a stored version with CheckpointContentsV2 and
//     CheckpointArtifactsDigest; the index did not record its commit); crypto.rs (the
//     Signable salt is the serde name, and ObjectInner is renamed "Object"); digests.rs
//     (the deleted/wrapped/cancelled marker digests); sui-execution's convert_vm_error
//     (InsufficientObjectFundsForWithdraw and SystemObjectNotAvailableLocally are unit
//     variants).
//   - MystenLabs/ts-sdks at 03fe26bfefd998203faf7767f3fa107dc484117d,
//     packages/sui/src/bcs/{effects,bcs}.ts, as a cross-check of the layouts.
//
// Where those sources disagree, the newest wins:
//
//   - ExecutionFailureStatus tag 40 is InsufficientFundsForWithdraw (the Rust SDK's name;
//     TypeScript calls it InsufficientBalanceForWithdraw), tag 41 is
//     NonExclusiveWriteInputObjectModified { id }, tag 42 is SystemObjectNotAvailableLocally
//     (node-local, never in committed effects). Tag 43 is InsufficientObjectFundsForWithdraw:
//     newer Sui code uses it, its place (after 42, Sui appends variants) is inferred, not
//     read; being a unit variant, only its name could be wrong.
//   - CommandArgumentError tag 19 is InvalidTxContext (the Rust SDK, 2026-08-12).
//   - MoveObjectType has six variants (Rust SDK): Other, GasCoin, StakedSui, Coin,
//     SuiBalanceAccumulatorField, BalanceAccumulatorField (TypeScript still lists five).
//   - AccumulatorValue is Integer(u64), IntegerTuple(u64, u64), EventDigest(non-empty
//     Vec<(u64, Digest)>) (Rust and TypeScript SDKs; an older Sui had u128 integers).
//   - Owner tag 5, Party { start_version, permissions: { default_permissions: u64,
//     members: Vec<(address, u64)> } }, with its decoding rules (permission bits, members
//     strictly sorted, no single all-permission member without defaults), comes from
//     secondary sources: a public reimplementation of Sui's types and notes on Sui 1.74's
//     deserialization, both found by code search. Neither SDK has it yet.
//
// # What decoding checks beyond the layout
//
// As Sui's deserializers do: digests are exactly 32 bytes; module and struct names inside
// StructTag and TypeTag (object types, event types, accumulator types), ModuleId names and
// Event.transaction_module are Move identifiers (function names, coin-type strings and type
// origins are plain strings); BCS maps (a package's module map and linkage table) have
// strictly increasing keys; EventDigest lists are not empty; committee keys are 96 bytes.
// MoveObjectType keeps the form on the wire (Sui accepts Other for a type that has a
// compact form); NewMoveObjectType gives the form Sui writes.
//
// # Left opaque
//
// Package module bytecode; user signatures in checkpoint contents (GenericSignature
// bytes, flag first); the quorum certificate's BLS signature (48 raw bytes) and signer
// bitmap (serialized Roaring bytes); CheckpointSummary.VersionSpecificData. A real node
// also validates those while deserializing, so this package accepts some bytes it would
// reject there. Full CheckpointData blobs (which embed system transactions) are not
// decoded; the gRPC API serves each part separately.
