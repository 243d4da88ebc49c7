// Package sui is Sui's transaction wire format as a real Sui node serializes it: the BCS
// of TransactionData and everything inside it, the transaction digest and the intent
// digests that signatures cover, the checks a full node applies to user transactions
// before it looks at any object, and a small programmable-transaction builder.
// It also decodes and encodes objects, events, effects and checkpoints (see chaindata.go).
//
// It has two users. The embedded devnet decodes client-built transaction bytes with
// DecodeTransaction, which accepts exactly what a real node's BCS decoder accepts (and
// rejects the rest with bcs.ErrMalformed, never panicking) and then applies the stateless
// validity checks and protocol limits of a real node (typed errors naming the limit). Our
// client builds transactions with the SDK's builder and checks the SDK's bytes with
// DecodeTransaction before signing them; ProgrammableBuilder and NewTransactionData build
// the devnet's own transactions in tests and are the independent reference the client's
// builder is compared with.
//
// # Sources followed
//
//   - MystenLabs/sui, crates/sui-types/src/transaction.rs at commit
//     0022cf4721959328fcb8a44b9551f4ef503744ee: TransactionData, TransactionDataV1,
//     TransactionKind, ProgrammableTransaction, CallArg (Pure, Object, FundsWithdrawal),
//     ObjectArg (with SharedObjectMutability), Command, ProgrammableMoveCall, Argument,
//     GasData, TransactionExpiration, and the validity checks (validity_check of
//     SenderSignedData, TransactionDataV1, TransactionKind, ProgrammableTransaction,
//     Command, ProgrammableMoveCall, CallArg, type_input_validity_check).
//   - crates/sui-types/src/type_input.rs (commit 0fed95350344b50c2cca2e919de51ad432cbb3cc)
//     and crates/sui-types/tests/staged/type_input.yaml (commit
//     5ad4e4381cff6a80cff239796bea032726ba0471): transactions carry TypeInput, whose BCS is
//     move-core-types TypeTag's (Bool 0, U8 1, U64 2, U128 3, Address 4, Signer 5, Vector 6,
//     Struct 7, U16 8, U32 9, U256 10) plus the signed integers of Move bytecode v8 (I8 11,
//     I16 12, I32 13, I64 14, I128 15, I256 16); module and struct names are plain strings
//     (UTF-8 is checked when decoding, identifier syntax by the validity check).
//   - crates/sui-types/src/digests.rs: a Digest (ObjectDigest, TransactionDigest,
//     ChainIdentifier) is serde_as Bytes over [u8; 32], so its BCS is a length-prefixed byte
//     vector, 0x20 followed by 32 bytes, and any other length is rejected.
//   - crates/shared-crypto/src/intent.rs: IntentMessage = intent [scope, version 0, app 0]
//     followed by the value's BCS, no length prefix; signatures cover BLAKE2b-256 of it.
//   - crates/sui-protocol-config, snapshot Mainnet_version_140 (commit
//     09e92f2d03cb0a9a42acf5b2b27714ad8489698e): the limits in MainnetLimits.
//   - Wire changes newer than that transaction.rs, taken from MystenLabs/sui-rust-sdk
//     (sui-sdk-types) at d71f9d6f788afc6b30baef85a342e0e7867c0019 (2026-08-19) and checked
//     against MystenLabs/ts-sdks at 03fe26bfefd998203faf7767f3fa107dc484117d: Reservation
//     has the single variant MaxAmountU64 (EntireBalance was removed), WithdrawFrom gained
//     SenderAllowance {funder, allowance}, TransactionExpiration gained
//     Validity {..., allowed_proposers: Option<AllowedProposers>} whose proposers must not
//     be empty.
//
// # Wire mapping
//
//	ObjectID, SuiAddress            walrus.ID (32 raw bytes)
//	SequenceNumber, EpochId         uint64
//	ObjectDigest, ChainIdentifier   Digest (0x20 ‖ 32 bytes)
//	ObjectRef                       ObjectRef {ObjectID, Version, Digest}
//	String (module, function)       string; decoding requires UTF-8
//	Vec<u8>                         []byte (decoding copies; empty decodes as nil)
//	Vec<T>                          []T (empty decodes as nil)
//	Option<T>                       *T (tag byte 0 or 1)
//	Rust enums                      Go structs with a Kind (the variant index) and the
//	                                fields of the variants; only Kind's fields are encoded
//
// # Validity checks
//
// Validate (run by DecodeTransaction) follows the validity_check functions of the
// transaction.rs above, with the feature flags of mainnet protocol version 140 that
// postdate it applied as later Sui versions apply them: PTB argument indices are checked
// (validate_ptb_argument_indices); ValidDuring/Validity windows are not limited to one or
// two epochs and address-balance gas needs no expiration (relax_valid_during_for_owned_inputs);
// gasless transactions (no gas objects, price 0) must have a zero budget (enable_gasless);
// SenderAllowance withdrawals are allowed (enable_allowances); address-balance gas counts
// as one of the at most 10 withdrawals. Those newer rules were cross-checked against a
// public reimplementation of Sui's checks found by code search, not against Sui itself.
// Checks that need chain state are left to the caller (see Validate and CheckExpiration).
//
// TransactionKind holds only the two variants whose body is a ProgrammableTransaction.
// The system kinds (ChangeEpoch, Genesis, the consensus prologues, ...) are rejected by
// their tag with an *UnsupportedKindError (errors.Is ErrUnsupportedKind), without decoding
// their bodies: users cannot submit them, and a real node refuses them too.
//
// Type tags print in Sui's canonical form (TypeTag.String): struct addresses as 0x and 64
// hex digits, type parameters separated by "," with no space, as to_canonical_string(true)
// and the gRPC API give object and event types. TypeTag.ShortString is Sui's Display form
// (0x2::coin::Coin<0x2::sui::SUI>, parameters separated by ", ").
package sui
