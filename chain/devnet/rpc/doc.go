// Package rpc is the devnet's Sui full-node API: a gRPC server for sui.rpc.v2 built on the
// generated server types of github.com/block-vision/sui-go-sdk (pb/sui/rpc/v2), so that
// clients written for real Sui full nodes (the SDK's grpcconn client, the TypeScript
// SuiGrpcClient) work unchanged against the devnet.
//
// The server reads a Ledger, a small interface declared here and implemented by the
// devnet's ledger, and optionally a TransactionStore, an Executor and a FunctionCatalog
// (options of New; package execrpc implements all of them over chain/devnet/exec). It
// serves:
//
//   - LedgerService: GetServiceInfo, GetObject, BatchGetObjects, GetCheckpoint, and with a
//     TransactionStore GetTransaction and BatchGetTransactions;
//   - StateService: GetBalance, ListOwnedObjects;
//   - SubscriptionService: SubscribeCheckpoints;
//   - TransactionExecutionService, with an Executor: ExecuteTransaction and
//     SimulateTransaction of transactions given as BCS (structured transactions, gas
//     selection and dev-inspect answer codes.Unimplemented);
//   - MovePackageService, with a FunctionCatalog: GetFunction.
//
// Every other method answers codes.Unimplemented (NOTES.md lists what the remaining ones
// need). Transactions are rendered from domain types built by NewTransaction from
// chain/sui's effects, events and objects: effects with their BCS, status (kind, Move
// abort location and code, failing command), gas object, changed objects with ID
// operations and types, unchanged consensus objects; the transaction with its BCS, kind,
// gas payment and expiration; signatures, events, balance changes and the object set.
//
// Behaviour follows Sui's sui-rpc-api: read masks with the same defaults and validation
// (an unknown path is InvalidArgument), IDs as 0x and 64 hex digits, digests in base58,
// canonical struct tags, invalid or missing request fields as InvalidArgument with a
// google.rpc.BadRequest detail naming the field, missing objects as NotFound (a
// per-object status in BatchGetObjects).
package rpc
