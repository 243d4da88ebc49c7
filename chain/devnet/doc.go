// Package devnet is the embedded Sui devnet: the Walrus genesis (walrusmove.Genesis),
// the deterministic transaction executor with the Walrus Move functions (exec,
// walrusmove.Register), the one-transaction-per-checkpoint ledger and the sui.rpc.v2
// gRPC server (rpc, execrpc), made durable in a data directory.
//
// # API
//
//	d, err := devnet.Open(ctx, dir, devnet.Default(), log) // create or resume; listens
//	coins, err := d.Faucet(ctx, addr, walFROST, suiMIST)     // mint, logged
//	res, err := d.Execute(ctx, txBytes, signatures)         // execute and commit, logged
//	d.IDs()                                                 // packages, System, Staking
//	d.Endpoint()                                            // gRPC host:port
//	err = d.Run(ctx)                                        // serve gRPC until ctx is done
//	d.Close()
//
// Transactions executed through the gRPC ExecuteTransaction go through the same executor
// and are logged the same way. Config holds the genesis (contract.GenesisConfig and
// genesis grants), the gRPC address (default chain.Default().RPC, 127.0.0.1:9000) and
// optionally the genesis time.
//
// # Durability: event sourcing
//
// The executor is deterministic, so the state is its genesis plus the operations applied
// to it, in order. The data directory holds:
//
//   - genesis.yaml (GenesisFile): the genesis configuration and grants, and the inputs
//     chosen at creation (genesis time, Walrus start epoch, Sui epoch, reference gas
//     price). Written once, atomically (temporary file, fsync, rename, directory fsync),
//     after an empty log. Opening the directory with a different genesis is an error
//     wrapping ErrGenesisMismatch that names the fields that differ.
//   - oplog (LogFile): an append-only log of checksummed, length-prefixed records, one per
//     state-changing operation: a committed transaction (its bytes, signatures, effects
//     digest, the executor's epoch and epoch start, and the timestamp of its checkpoint)
//     or a faucet mint (owner, amounts and the coin IDs minted). The format is described
//     in oplog.go. A transaction's record is written and fsynced inside the executor's
//     commit, before the ledger applies it: an operation is acknowledged only once it is
//     durable, and one whose record cannot be written changes nothing. After a failed
//     write the devnet refuses further operations until it is reopened.
//   - LOCK: an flock held while the devnet is open, so two processes never share a log.
//
// Open replays the log through the same executor and faucet: each transaction with its
// logged epoch inputs and checkpoint timestamp, so checkpoints, their digests and every
// object version and digest come out the same; a replayed transaction whose effects
// digest differs from the logged one, or a faucet whose coin IDs differ, fails Open with
// an error wrapping ErrReplay. A torn final record (an interrupted append) is truncated
// with a warning; any other damage fails Open with an error wrapping ErrCorruptLog.
//
// The client side (ClientConfig, WriteClientConfig, LoadClientConfig) is the
// configuration `tusk devnet` writes for clients: the chain.Config devnet preset with the
// endpoint and object IDs, the keystore path, the funded address, the WAL coin type and
// the WAL treasury (for the epoch change).
//
// # Time and epochs
//
// The Clock (0x6) follows wall time as on Sui: every transaction sees the timestamp of its
// own record, which is its checkpoint's timestamp, and replay gives it that time again
// (clock.go). Walrus epochs are driven by the staking calls (voting_end and
// initiate_epoch_change_v2 when due by that Clock, epoch_sync_done by the nodes), with the
// epoch duration of the genesis configuration (seconds are fine for tests). With
// Config.DriveEpochs, Run also runs a chain.EpochDriver signing with EpochDriverKey
// (funded from the faucet) so that a devnet without nodes moves to the next epoch on
// time; the Sui epoch of the executor stays the genesis one.
//
// Not here: storage nodes, publisher, aggregator and indexer.
package devnet
