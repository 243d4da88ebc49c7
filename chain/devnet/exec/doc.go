// Package exec is the devnet's transaction executor: it verifies, executes and commits
// Sui programmable transactions, with Move calls dispatched to Go implementations of the
// Move functions, and produces the effects, events and objects a Sui validator would.
//
// # Pieces
//
//   - Store: the live objects and an atomic Apply of one transaction's Changes (written,
//     deleted and wrapped objects, effects, events, transaction). MemStore is the
//     in-memory implementation; it also keeps every object version and the executed
//     transactions and answers the reads the gRPC ledger needs (ObjectAt, OwnedObjects,
//     CoinBalance, Executed; RPCObject converts to rpc.Object).
//   - Registry: Go functions keyed by (package, module, function), each a Function with
//     its Params (Pure, Ref, MutRef or Value, with a Move type that may use TypeParam(i))
//     and a Call func, plus the abilities of struct types (TypeDef), which decide what
//     TransferObjects may transfer, what may be dropped and an object's
//     has_public_transfer.
//   - Executor: Execute(ctx, txBytes, signatures) and Simulate(ctx, txBytes).
//   - Call: what a registered function sees: its arguments (Arg, Decode, U64, Address,
//     Object, Elements; Set/Encode on &mut), the context (Sender, Digest, Epoch,
//     EpochTimestampMs, ClockTimestampMs), objects (FreshID, NewObject, Put to an address,
//     shared, frozen, a parent object or the results; Delete; Wrap), dynamic fields
//     (Child, SetChild, AddChild, RemoveChild, TakeChild), events (Emit), results (Return)
//     and failures (Abort, AbortHere, ArithmeticError).
//   - Genesis helpers: NewGasCoin, NewCoin, NewClock (0x6), NewObject, and Genesis, which
//     gives genesis objects deterministic IDs.
//
// # What Execute does, as Sui does it
//
//  1. Decode with chain/sui.DecodeTransaction (a node's BCS and validity checks); only
//     programmable transactions. Errors: *TransactionError.
//  2. Signatures (verify_sender_signed_data_message_signatures): exactly one per required
//     signer (sender, and gas owner when sponsored), each required signer present, each
//     ed25519 signature valid over the TransactionData intent. Errors: *SignatureError,
//     whose text is the full node's: "Invalid user signature: Expect 1 signer signatures
//     but got 2", "... Required Signature from 0x… is absent [\"0x…\"]", "... Signature is
//     not valid: …". A full node answers ExecuteTransaction with InvalidArgument and that
//     message.
//  3. A transaction already committed returns its committed results (ExecutedStore).
//  4. Inputs, as a validator's transaction checks: owned and immutable objects at exactly
//     the version and digest given, owned by the sender (gas coins by the gas owner);
//     shared objects by ID at their current version with the right initial shared
//     version, the Clock 0x6 only immutably; no mutable object twice; gas: price ≥ the
//     reference gas price, gas coins address-owned Coin<SUI>, balance ≥ budget (the
//     minimum budget, 1000 × price, is a validity check of chain/sui). Errors:
//     *RejectedError named after Sui's UserInputError, whose Error() is the full node's
//     message, e.g. "Transaction is rejected as invalid by more than 1/3 of validators by
//     stake (non-retriable). Non-retriable errors: [Transaction needs to be rebuilt
//     because object 0x… version 0x5 (digest) is unavailable for consumption, current
//     version: 0x6]." (InvalidArgument in gRPC).
//  5. Commands in order over a value table (inputs, results, nested results, the gas
//     coin): SplitCoins and MergeCoins on Coin<T> for any T, TransferObjects (objects with
//     store only), MakeMoveVec, MoveCall. The gas coins are smashed into the first one,
//     and the budget is off limits to the commands (the gas coin shows balance − budget).
//     New object IDs are DeriveObjectID(tx digest, n) for the n-th fresh ID. Objects
//     created and deleted in the same transaction leave no trace; a command result left
//     unused without drop is UnusedValueWithoutDrop; a shared object taken by value must
//     be re-shared or deleted (SharedObjectOperationNotAllowed).
//  6. Gas (see gas.go): computation then storage, with Sui's out-of-gas fallbacks. A
//     failure of any kind drops every write and event, keeps the smashing, bumps the
//     version of the gas coin and of every mutable input, and charges gas.
//  7. Effects V2: status (a Move abort carries its module, function name, function index
//     and code, and the command index), executed epoch, gas cost summary, transaction
//     digest, gas object index, events digest (none without events), dependencies (the
//     previous transactions of the inputs, sorted, without the genesis marker), lamport
//     version (highest input version + 1, which every written object gets), changed
//     objects sorted by ID with input state, output state and ID operation, and the
//     read-only shared inputs as unchanged consensus objects (ReadOnlyRoot).
//
// Not supported (rejected before execution as Unsupported): Publish, Upgrade, Receiving
// inputs, funds withdrawals, coin reservations and address-balance gas.
//
// # Sources followed
//
//   - MystenLabs/sui sui-execution/latest/sui-adapter/src/temporary_store.rs at
//     662cdc06a205ad94fa0919d6ad5e835374d647d2 (into_effects, get_object_changes,
//     ensure_active_inputs_mutated, collect_storage_and_rebate, collect_rebate) and
//     gas_charger.rs at d83364e836bbe959d893ad1363e2bf786fc73d37 (smash_gas, reset,
//     charge_gas, handle_storage_and_rebate_v2).
//   - MystenLabs/sui crates/sui-types/src/gas_model/gas_v2.rs at
//     cf9b2b3748ca67c92b1abd9bf56913764310e29e (bucketize_computation with
//     gas_rounding_step, sender_rebate, charge_storage_and_rebate, check_gas_balance,
//     track_storage_mutation).
//   - Found by code search, commit not recorded by the index: the legacy PTB runtime
//     (programmable_transactions/execution.rs and context.rs: TransferObjects,
//     SplitCoins, MergeCoins argument indices and errors, the gas budget taken off the
//     gas coin), EffectsObjectChange::new (ID operations), ObjectRuntime::delete_id (an
//     ID created and deleted in one transaction disappears), InputObjects::
//     transaction_dependencies, execution_engine (genesis marker removed from
//     dependencies), sui-transaction-checks check_objects/check_one_object (an older
//     version), MoveObject::object_size_for_gas_metering; the 40-byte owner size comes from
//     a reimplementation and matches Sui's well-known 988,000 MIST storage cost of a coin.
//   - Error texts: MystenLabs/sui crates/sui-types/src/error.rs (d33228368ebbd3e8de7971fa
//     53ac13acd0a41181, an older version) for UserInputError, the newer SuiError texts of
//     the signature errors (in Sui's JSON-RPC tests and its IOTA fork), sui-rpc-api's
//     From<QuorumDriverError> for RpcError (InvalidArgument, "Invalid user signature: …"),
//     and the stale-object and validator-rejection texts as 2026 full nodes print them,
//     quoted in public repositories (not read in Sui's source).
//
// # For the Walrus contract port
//
// Register each entry point the Walrus SDKs call (system::reserve_space,
// register_blob, certify_blob, extend_blob, delete_blob, staking::stake_with_pool, ...)
// with the Walrus package ID; register the Walrus struct types with their abilities
// (Blob, Storage: key + store; System, Staking, StakingPool: key; Coin<WAL> needs nothing,
// the built-in Coin has a phantom parameter; event types need no registration). Mark
// hot potatoes and receipts without drop so an unused one fails the transaction as in
// Move. Parameters are the
// Move parameters without the trailing &mut TxContext: &mut System is
// Param{MutRef, systemType}, a payment &mut Coin<WAL> is Param{MutRef, sui.CoinType(wal)},
// u256 and vector<u8> arguments are Pure, a Storage passed by value is Param{Value,
// storageType}, &Clock is Param{Ref, ClockTypeTag}. Decode arguments with the BCS types
// of chain/walrus (c.Decode(i, &v)), write &mut arguments back with c.Encode. The
// System's and Staking's inner state live in dynamic fields: read them with
// c.Child(systemID, walrus.InnerStateFieldID(systemID, version)) and write them with
// c.SetChild, so they appear in the effects as mutated, as on Sui. Create objects with
// id := c.FreshID() and c.Put(type, bcs.Marshal(&walrus.Blob{ID: id, ...}), ToAddress(..))
// or Returned(); when a Storage goes into a Blob call c.Wrap(storageID); when a Blob is
// deleted, c.Delete(blobID) and c.Put the Storage taken out of it (unwrapped). Emit the
// events with c.Emit(eventType, bcs.Marshal(&ev)). Turn a contract.Abort into
// c.Abort(walrusPkg, module, function, code) (the module and function where the Move
// assert! is; give Function.Index when the real index is known) and arithmetic errors
// into c.ArithmeticError. Any other error, a panic, or an object left undisposed is a
// bug and fails the transaction with InvariantViolation (Result.Cause tells why).
package exec
