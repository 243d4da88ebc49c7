// Package rpc is the devnet's Sui full-node API: a gRPC server for sui.rpc.v2 built on the
// generated server types of github.com/block-vision/sui-go-sdk (pb/sui/rpc/v2), so that
// clients written for real Sui full nodes (the SDK's grpcconn client, the TypeScript
// SuiGrpcClient) work unchanged against the devnet.
//
// The server reads a Ledger, a small interface declared here and implemented by the
// devnet's ledger. It serves:
//
//   - LedgerService: GetServiceInfo, GetObject, BatchGetObjects, GetCheckpoint;
//   - StateService: GetBalance, ListOwnedObjects;
//   - SubscriptionService: SubscribeCheckpoints.
//
// Every other method answers codes.Unimplemented (NOTES.md lists what the remaining ones
// need). Behaviour follows Sui's sui-rpc-api: read masks with the same defaults and
// validation (an unknown path is InvalidArgument), IDs as 0x and 64 hex digits, digests
// in base58, canonical struct tags, invalid or missing request fields as InvalidArgument
// with a google.rpc.BadRequest detail naming the field, missing objects as NotFound (a
// per-object status in BatchGetObjects).
package rpc
