// Package walrusmove connects the Walrus contract in Go (chain/devnet/contract) to the
// devnet's transaction executor (chain/devnet/exec): it creates the Walrus genesis
// objects and registers the Walrus Move functions, so that Walrus clients can reserve
// space, register, certify, extend and delete blobs, and nodes and stakers can register,
// stake, vote, withdraw and drive epochs, with ordinary signed Sui transactions and see
// the objects and events Move would produce.
//
// # Genesis
//
// Genesis(cfg, opts) builds, with deterministic IDs (exec.Genesis numbering from the
// genesis marker; node i is genesis object i as contract.GenesisNodeID says):
//
//   - the package IDs WalrusPackageID and WALPackageID (derived from fixed "publish"
//     digests; the packages themselves are not objects in the store), the WAL coin type
//     <WALPackageID>::wal::WAL;
//   - the shared System (walrus.System, version 4) with its inner state
//     Field<u64, SystemStateInnerV1> at walrus.InnerStateFieldID(system, 4), built by
//     contract.NewGenesisSystem, and the (empty) deny-list-sizes extended field;
//   - the shared Staking with Field<u64, StakingInnerV1>: the committee of the genesis
//     selection, the active set and next-epoch-keys extended fields, and the pools
//     ObjectTable with a StakingPool per node (node info with the uncompressed BLS key,
//     votes, commission, the stake as after stake_with_pool in epoch 0 and the epoch
//     changes up to the start epoch without rewards, exchange rates);
//   - per node a StorageNodeCap, which is the pool's commission receiver as after
//     register_candidate, and (with stake) a StakedWal, both owned by the node's Owner;
//   - the shared wal::wal::ProtectedTreasury holding the TreasuryCap<WAL> (total supply:
//     the genesis WAL supply) as a dynamic object field, at IDs derived from fixed
//     digests (IDs.Treasury);
//   - the Clock 0x6 and the SUI and WAL coins of the options.
//
// GenesisState.IDs is what the devnet writes into the client configuration.
// GenesisState.Faucet(store) mints Coin<WAL> (out of what genesis left of the WAL
// supply) and SUI gas coins to an address as an administrative insertion into the store,
// not a transaction.
//
// # Functions
//
// Register(reg, ids) declares the Walrus struct types with their abilities (Blob and
// Storage key+store, System and Staking key, Metadata drop+store, wal::WAL drop, ...)
// and registers, under ids.WalrusPackage, the functions listed in its documentation with
// Move's exact parameter lists (without &mut TxContext). Each decodes its arguments into
// chain/walrus types, reads the System's inner state through the dynamic field
// (Call.Child) and writes it back (Call.SetChild) when Move borrows it mutably, calls the
// contract function, emits its events as <walrus>::events::<Name> with chain/walrus's BCS,
// and creates, wraps, unwraps and deletes objects as Move does: reserve_space returns a
// new Storage; register_blob wraps its Storage into the new Blob; delete_blob deletes the
// Blob (and its attributes field) and returns the Storage, unwrapped;
// extend_blob_with_resource deletes the extension Storage; burn deletes the Blob and its
// Storage; shared_blob::new and new_funded wrap the Blob into a new shared SharedBlob
// (deleting the funding coin), fund deletes the coin it adds, and extend pays extend_blob
// from the funds. A Blob's attributes are its dynamic field Field<vector<u8>, Metadata> named
// b"metadata", created, mutated (only when Move writes through it) and removed as
// blob.move does.
//
// The staking functions (staking.go) see the Staking as contract.StakingState
// (staking_state.go): the inner state and the values of its extended fields (active set,
// next-epoch public keys), and the staking pools of its ObjectTable, loaded when the
// contract borrows them (a pool is the dynamic object field Wrapper<ID> of the table, its
// exchange rates the Field<u32, PoolExchangeRate> entries of its table, its blocked
// commission the NewEpochCommissionBlockedForCollection entry of its extra_fields bag).
// What changed is written back when the call succeeds; register_candidate creates the
// pool, its table entry, metadata field and exchange rate, stake_with_pool consumes the
// coin and returns a StakedWal, withdraw_stake and collect_commission return a new
// Coin<WAL>, initiate_epoch_change_v2 burns through the TreasuryCap<WAL> of the
// ProtectedTreasury. Clock arguments read Call.ClockTimestampMs (the devnet times it).
//
// A contract.Abort becomes Call.Abort at the module and function holding Move's assert!
// (for example 0x2::balance::split code 2 for a payment that runs short,
// walrus::blob::new code 6 for a blob ID not derived from the root hash,
// walrus::bls_aggregate::verify_certificate_and_weight for certificate failures),
// arithmetic errors become Call.ArithmeticError. Function indices in abort locations
// are 0 (the compiled modules' indices are not known).
package walrusmove
