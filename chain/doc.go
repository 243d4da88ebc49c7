// Package chain is tusk's access to Walrus on Sui, over gRPC sui.rpc.v2 with the
// generated clients of github.com/block-vision/sui-go-sdk (pb/sui/rpc/v2). It talks to a
// Sui full node or to the embedded devnet (chain/devnet), which speaks the same wire.
//
// Client (Dial) reads the Walrus deployment from the configured System and Staking
// objects (package IDs, shared versions, the WAL type from system::reserve_space), and
// offers:
//
//   - reads: SystemState, StakingState, Epoch, Committee (members sorted by node ID with
//     their shards, keys and addresses), Prices, Capacity, Pool(s), Blob, BlobsOwnedBy,
//     BlobAttributes, SharedBlob, BlobByObjectID (a Blob or the one a SharedBlob wraps),
//     WALBalance, SUIBalance, LatestCheckpoint;
//   - transactions: ReserveSpace, RegisterBlob (reserve_space and register_blob in one
//     PTB, or an owned Storage reused; WAL split exactly from the signer's coins and the
//     rest merged back), CertifyBlob, ExtendBlob, DeleteBlob, BurnBlob, InvalidateBlobID,
//     SetBlobAttributes, RemoveBlobAttributes, ShareBlob (certify and share in one PTB,
//     optionally funded), FundSharedBlob, ExtendSharedBlob. Each is dry-run first (a Move abort costs no
//     gas; the budget is the simulated cost plus a margin), signed with the ed25519 key
//     under the transaction intent, executed, and its failure returned as an *AbortError
//     (module, function, code, digest) that errors.Is matches against the Err* aborts;
//   - the checkpoint stream: Checkpoints(from, handle) backfills by sequence number and
//     follows the live subscription, resuming after any disconnect without a gap or a
//     repeat; Checkpoint.WalrusEvents decodes the Walrus events in their total order.
//
// Transactions are built with the SDK's transaction builder (sui-go-sdk/transaction),
// kept to the constructs it serializes as Sui does (../../shared/spec/sui.md §4 lists its
// BCS faults: object inputs are always CallArg.Object, pure values are encoded by
// chain/sui, type arguments are struct tags); before anything is signed, the SDK's
// bytes are decoded with chain/sui's strict decoder (a full node's rules) and must
// re-encode byte for byte. All network access goes through the SDK's gRPC stubs.
//
// The BCS types live in chain/walrus, Sui's wire types in chain/sui, keys in chain/keys,
// signed messages and certificates in chain/messages; Config holds the network presets.
package chain
