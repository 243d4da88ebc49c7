package exec

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// Config configures an Executor. Zero fields take the defaults.
type Config struct {
	// ReferenceGasPrice is the minimum gas price (GasPriceUnderRGP below it). Default
	// DefaultReferenceGasPrice.
	ReferenceGasPrice uint64
	// StorageGasPrice is Sui's storage_gas_price. Default DefaultStorageGasPrice.
	StorageGasPrice uint64
	// Limits are the protocol limits for decoding. Default sui.MainnetLimits.
	Limits *sui.Limits
	// ChainID is the chain identifier that ValidDuring expirations must name.
	ChainID sui.Digest
	// Epoch and EpochStartTimestampMs start the executor's epoch (see SetEpoch).
	Epoch                 uint64
	EpochStartTimestampMs uint64
}

// Executor executes programmable transactions against a Store, one at a time, with
// Move calls dispatched to the Go functions of a Registry.
type Executor struct {
	store  Store
	reg    *Registry
	cfg    Config
	limits sui.Limits

	mu         sync.Mutex // serialises executions (read inputs, execute, apply)
	epoch      uint64
	epochStart uint64
}

// New returns an executor over store and reg.
func New(store Store, reg *Registry, cfg Config) *Executor {
	if cfg.ReferenceGasPrice == 0 {
		cfg.ReferenceGasPrice = DefaultReferenceGasPrice
	}
	if cfg.StorageGasPrice == 0 {
		cfg.StorageGasPrice = DefaultStorageGasPrice
	}
	limits := sui.MainnetLimits
	if cfg.Limits != nil {
		limits = *cfg.Limits
	}
	return &Executor{store: store, reg: reg, cfg: cfg, limits: limits, epoch: cfg.Epoch, epochStart: cfg.EpochStartTimestampMs}
}

// Registry is the executor's function registry.
func (e *Executor) Registry() *Registry { return e.reg }

// ReferenceGasPrice is the minimum gas price the executor accepts.
func (e *Executor) ReferenceGasPrice() uint64 { return e.cfg.ReferenceGasPrice }

// SetEpoch sets the epoch that transactions execute in (effects' executed_epoch, the
// TxContext epoch) and its start time (TxContext epoch_timestamp_ms). It waits for a
// running execution to finish.
func (e *Executor) SetEpoch(epoch, startTimestampMs uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.epoch, e.epochStart = epoch, startTimestampMs
}

// Epoch returns the current epoch and its start time.
func (e *Executor) Epoch() (epoch, startTimestampMs uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.epoch, e.epochStart
}

// MoveValue is a Move value: its type and BCS.
type MoveValue struct {
	Type sui.TypeTag
	BCS  []byte
}

// Result is an executed transaction. A failed execution (Move abort, insufficient gas,
// ...) is a Result too: its effects carry the failure, only gas was charged, and it is
// committed like any other.
type Result struct {
	Changes
	// Data is the decoded transaction.
	Data *sui.TransactionData
	// Inputs are the objects the transaction read as they were before it: its input
	// objects, gas coins and the dynamic fields loaded by its functions, in ID order.
	// Nil for a result returned again by an ExecutedStore.
	Inputs []*sui.Object
	// CommandResults are the values each command returned, when execution succeeded.
	CommandResults [][]MoveValue
	// AlreadyExecuted is set when the transaction had been executed before and these are
	// its committed results (from an ExecutedStore).
	AlreadyExecuted bool
	// Cause is the Go error behind an InvariantViolation status (a registered function
	// that returned an unexpected error or panicked, or misused Call); nil otherwise.
	Cause error
}

// Status is the execution status.
func (r *Result) Status() *sui.ExecutionStatus { return r.Effects.Status() }

// Execute verifies, executes and commits a signed transaction. txBytes is the BCS of
// TransactionData, each signature a serialized user signature (flag ‖ signature ‖ public
// key). Errors are *TransactionError (ErrInvalidTransaction), *SignatureError
// (ErrInvalidSignature), *RejectedError (ErrRejected), context errors or ErrInternal;
// none of them changes the store. Executing a transaction that was already committed
// returns its committed results when the store is an ExecutedStore.
func (e *Executor) Execute(ctx context.Context, txBytes []byte, signatures [][]byte) (*Result, error) {
	return e.run(ctx, txBytes, signatures, false)
}

// Simulate executes a transaction without signatures and without committing it (a dry
// run): the same checks of inputs and gas, the same effects.
func (e *Executor) Simulate(ctx context.Context, txBytes []byte) (*Result, error) {
	return e.run(ctx, txBytes, nil, true)
}

func (e *Executor) run(ctx context.Context, txBytes []byte, signatures [][]byte, simulate bool) (res *Result, err error) {
	td, err := sui.DecodeTransactionWithLimits(txBytes, e.limits)
	if err != nil {
		return nil, &TransactionError{Err: err}
	}
	if !simulate {
		if err := sui.CheckSignedSize(txBytes, signatures, e.limits); err != nil {
			return nil, &TransactionError{Err: err}
		}
		if err := verifySignatures(td, txBytes, signatures); err != nil {
			return nil, err
		}
	}
	digest := sui.TransactionDigest(txBytes)

	e.mu.Lock()
	defer e.mu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, internalError("executing %s: panic: %v", digest, p)
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if es, ok := e.store.(ExecutedStore); ok && !simulate {
		c, err := es.Executed(ctx, digest)
		switch {
		case err == nil:
			return &Result{Changes: *c, Data: td, AlreadyExecuted: true}, nil
		case !errors.Is(err, ErrNotFound):
			return nil, storeError(err)
		}
	}
	t, err := e.prepare(ctx, td, digest)
	if err != nil {
		return nil, err
	}
	t.txBytes = txBytes
	if signatures != nil {
		t.signatures = make([][]byte, len(signatures))
		for i, sig := range signatures {
			t.signatures[i] = slices.Clone(sig)
		}
	}
	res, err = t.execute()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t.storeErr != nil {
		return nil, storeError(t.storeErr)
	}
	if simulate {
		return res, nil
	}
	if err := e.store.Apply(ctx, &res.Changes); err != nil {
		return nil, storeError(err)
	}
	return res, nil
}

func storeError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: store: %w", ErrInternal, err)
}

// verifySignatures follows Sui's verify_sender_signed_data_message_signatures: one
// signature per required signer, each required signer present, every signature valid.
func verifySignatures(td *sui.TransactionData, txBytes []byte, sigs [][]byte) error {
	signers := td.RequiredSigners()
	if len(sigs) != len(signers) {
		return &SignatureError{Kind: SignerSignatureNumberMismatch, Expected: len(signers), Actual: len(sigs)}
	}
	present := make(map[walrus.Address]int, len(sigs))
	for i, sig := range sigs {
		addr, err := signatureAddress(sig)
		if err != nil {
			return &SignatureError{Kind: InvalidSignature, Index: i, Err: err}
		}
		present[addr] = i
	}
	for _, s := range signers {
		if _, ok := present[s]; !ok {
			addrs := make([]walrus.Address, 0, len(present))
			for a := range present {
				addrs = append(addrs, a)
			}
			slices.SortFunc(addrs, walrus.ID.Compare)
			return &SignatureError{Kind: SignerSignatureAbsent, Signer: s, Present: addrs}
		}
	}
	for _, s := range signers {
		i := present[s]
		addr, err := keys.VerifyTransactionSignature(txBytes, sigs[i])
		if err != nil {
			return &SignatureError{Kind: InvalidSignature, Index: i, Err: err}
		}
		if walrus.Address(addr) != s {
			return &SignatureError{Kind: InvalidSignature, Index: i, Err: fmt.Errorf("signed by %s, not %s", addr, s)}
		}
	}
	return nil
}

// signatureAddress is the address of a serialized signature's public key, without
// verifying it (Sui's get_signer_sig_mapping).
func signatureAddress(sig []byte) (walrus.Address, error) {
	switch {
	case len(sig) == 0:
		return walrus.Address{}, fmt.Errorf("%w: empty signature", keys.ErrSignatureLength)
	case sig[0] != keys.FlagEd25519:
		return walrus.Address{}, &keys.SchemeError{Flag: sig[0], Expected: keys.FlagEd25519, Context: "signature"}
	case len(sig) != keys.SerializedSignatureSize:
		return walrus.Address{}, fmt.Errorf("%w: ed25519 serialized signature of %d bytes, want %d", keys.ErrSignatureLength, len(sig), keys.SerializedSignatureSize)
	}
	a, err := keys.AddressFromEd25519(sig[1+keys.Ed25519SignatureSize:])
	return walrus.Address(a), err
}

// objInput is an object the transaction names: a PTB input or a gas coin.
type objInput struct {
	index     int // PTB input index, -1 for gas coins
	arg       sui.ObjectArg
	obj       *sui.Object // as read
	ref       sui.ObjectRef
	mutable   bool // a mutable input: written (at least its version bumped) by the transaction
	shared    bool
	readOnly  bool // shared, passed as immutable
	immutable bool // Owner Immutable
}

// prepare loads the inputs and makes the checks a validator makes before executing
// (sui-transaction-checks: object versions and digests, owners, shared objects, gas).
func (e *Executor) prepare(ctx context.Context, td *sui.TransactionData, digest sui.Digest) (*txn, error) {
	v := &td.V1
	pt := &v.Kind.Programmable
	if err := v.Expiration.CheckExpiration(e.epoch, e.cfg.ChainID); err != nil {
		return nil, reject(TransactionExpired, walrus.ID{}, "%v", err)
	}

	// What the devnet does not implement is refused up front.
	for i := range pt.Inputs {
		in := &pt.Inputs[i]
		switch {
		case in.Kind == sui.CallArgFundsWithdrawal:
			return nil, reject(Unsupported, walrus.ID{}, "Feature is not supported: address-balance withdrawal (input %d)", i)
		case in.Kind == sui.CallArgObject && in.Object.Kind == sui.Receiving:
			return nil, reject(Unsupported, in.Object.Ref.ObjectID, "Feature is not supported: receiving objects (input %d)", i)
		case in.Kind == sui.CallArgObject && in.Object.Kind == sui.ImmOrOwnedObject && in.Object.Ref.Digest.IsCoinReservation():
			return nil, reject(Unsupported, walrus.ID{}, "Feature is not supported: coin reservations (input %d)", i)
		}
	}
	for i := range pt.Commands {
		if k := pt.Commands[i].Kind; k == sui.CmdPublish || k == sui.CmdUpgrade {
			return nil, reject(Unsupported, walrus.ID{}, "Feature is not supported: %s (command %d)", k, i)
		}
	}
	g := &v.GasData
	if len(g.Payment) == 0 {
		return nil, reject(MissingGasPayment, walrus.ID{}, "Transaction gas payment missing")
	}
	for _, r := range g.Payment {
		if r.Digest.IsCoinReservation() {
			return nil, reject(Unsupported, walrus.ID{}, "Feature is not supported: coin reservations as gas")
		}
	}

	// Load every input object, then the packages, then the gas coins (the order of
	// TransactionData::input_objects).
	var inputs []*objInput
	for i := range pt.Inputs {
		in := &pt.Inputs[i]
		if in.Kind != sui.CallArgObject {
			continue
		}
		oi := &objInput{index: i, arg: in.Object}
		if err := e.loadInput(ctx, oi); err != nil {
			return nil, err
		}
		inputs = append(inputs, oi)
	}
	for i := range pt.Commands {
		c := &pt.Commands[i]
		if c.Kind != sui.CmdMoveCall {
			continue
		}
		if !e.reg.KnownPackage(c.MoveCall.Package) {
			o, _, err := e.store.Object(ctx, c.MoveCall.Package)
			switch {
			case err == nil && o.IsPackage():
			case err == nil || errors.Is(err, ErrNotFound):
				return nil, errObjectNotFound(c.MoveCall.Package, nil)
			default:
				return nil, storeError(err)
			}
		}
	}
	var gas []*objInput
	for _, r := range g.Payment {
		oi := &objInput{index: -1, arg: sui.OwnedObjectArg(r)}
		if err := e.loadInput(ctx, oi); err != nil {
			return nil, err
		}
		gas = append(gas, oi)
	}

	// Gas (check_gas): price, coins owned by an address and of type Coin<SUI>, balance.
	if g.Price < e.cfg.ReferenceGasPrice {
		return nil, reject(GasPriceUnderRGP, walrus.ID{}, "Gas price %d under reference gas price (RGP) %d", g.Price, e.cfg.ReferenceGasPrice)
	}
	for _, c := range gas {
		if c.obj.Owner.Kind != sui.OwnerAddress {
			return nil, reject(GasObjectNotOwnedObject, c.ref.ObjectID, "Gas object is not an owned object with owner: %s", c.obj.Owner.String())
		}
	}
	balance := new(big.Int)
	for _, c := range gas {
		if c.obj.Data.Kind != sui.DataMove || !c.obj.Data.Move.Type.IsGasCoin() {
			return nil, reject(InvalidGasObject, c.ref.ObjectID, "Object %s is not a gas object", c.ref.ObjectID)
		}
		v, ok := CoinValue(c.obj)
		if !ok {
			return nil, reject(InvalidGasObject, c.ref.ObjectID, "Object %s is not a gas object", c.ref.ObjectID)
		}
		balance.Add(balance, new(big.Int).SetUint64(v))
	}
	if balance.Cmp(new(big.Int).SetUint64(g.Budget)) < 0 {
		return nil, reject(GasBalanceTooLow, walrus.ID{}, "Balance of gas object %s is lower than the needed amount: %d", balance, g.Budget)
	}
	if !balance.IsUint64() {
		return nil, reject(InvalidGasObject, gas[0].ref.ObjectID, "Object %s is not a gas object: the gas coins hold more than 2^64 MIST", gas[0].ref.ObjectID)
	}

	// check_objects: no mutable object twice, then each object against its argument.
	all := append(slices.Clone(inputs), gas...)
	seen := make(map[walrus.ID]bool, len(all))
	for _, oi := range all {
		if oi.immutable {
			continue
		}
		if seen[oi.ref.ObjectID] {
			return nil, reject(MutableObjectUsedMoreThanOnce, oi.ref.ObjectID, "Mutable object %s cannot appear more than once in one transaction", oi.ref.ObjectID)
		}
		seen[oi.ref.ObjectID] = true
	}
	for _, oi := range all {
		owner := v.Sender
		if oi.index < 0 {
			owner = g.Owner
		}
		if err := checkObject(oi, owner); err != nil {
			return nil, err
		}
	}
	return newTxn(e, ctx, td, digest, inputs, gas, balance.Uint64()), nil
}

// loadInput reads an input object: an owned or immutable object at the version given, or
// a shared object at its current version.
func (e *Executor) loadInput(ctx context.Context, oi *objInput) error {
	id := oi.arg.ObjectID()
	o, ref, err := e.store.Object(ctx, id)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			return storeError(err)
		}
		if oi.arg.Kind == sui.SharedObject {
			return errObjectNotFound(id, nil)
		}
		v := oi.arg.Ref.Version
		return errObjectNotFound(id, &v)
	}
	if o.IsPackage() {
		return reject(MovePackageAsObject, id, "A move object is expected, instead a move package is passed: %s", id)
	}
	if oi.arg.Kind == sui.ImmOrOwnedObject && ref.Version != oi.arg.Ref.Version {
		return errVersionUnavailable(oi.arg.Ref, ref.Version)
	}
	oi.obj, oi.ref = o, ref
	switch {
	case oi.arg.Kind == sui.SharedObject:
		oi.shared = true
		oi.readOnly = oi.arg.Mutability == sui.Immutable
		oi.mutable = !oi.readOnly
	case o.Owner.Kind == sui.OwnerImmutable:
		oi.immutable = true
	default:
		oi.mutable = true
	}
	return nil
}

// checkObject is Sui's check_one_object.
func checkObject(oi *objInput, owner walrus.Address) error {
	id := oi.ref.ObjectID
	o := oi.obj
	if oi.arg.Kind == sui.SharedObject {
		if id == ClockID && oi.arg.Mutability != sui.Immutable {
			return reject(ImmutableParameterExpected, id, "Mutable parameter provided, immutable parameter expected")
		}
		if o.Owner.Kind != sui.OwnerShared {
			return reject(NotSharedObject, id, "Object used as shared is not shared")
		}
		if o.Owner.Version != oi.arg.InitialSharedVersion {
			return reject(SharedObjectStartingVersionMismatch, id, "Wrong initial version given for shared object")
		}
		return nil
	}
	if oi.ref.Digest != oi.arg.Ref.Digest {
		return reject(InvalidObjectDigest, id, "Invalid Object digest for object %s. Expected digest : %s", id, oi.ref.Digest)
	}
	switch o.Owner.Kind {
	case sui.OwnerImmutable:
	case sui.OwnerAddress:
		if o.Owner.Address != owner {
			return reject(IncorrectUserSignature, id, "Transaction was not signed by the correct sender: Object %s is owned by account address %s, but given owner/signer address is %s", id, o.Owner.Address, owner)
		}
	case sui.OwnerObject:
		return reject(InvalidChildObjectArgument, id, "Object %s is owned by object %s. Objects owned by other objects cannot be used as input arguments", id, o.Owner.Address)
	default:
		return reject(NotSharedObject, id, "Object used as shared is not shared")
	}
	return nil
}
