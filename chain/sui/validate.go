package sui

import (
	"errors"
	"fmt"
	"slices"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Errors of the validity checks; test with errors.Is. Every one of them also matches
// ErrInvalidTransaction. Limit violations are *LimitError (ErrLimitExceeded), unsupported
// transaction kinds *UnsupportedKindError (ErrUnsupportedKind).
var (
	// ErrInvalidTransaction is matched by every error of Validate and DecodeTransaction
	// that is not a BCS decoding error (those wrap bcs.ErrMalformed).
	ErrInvalidTransaction = errors.New("sui: invalid transaction")
	// ErrUnsupportedKind: a TransactionKind other than ProgrammableTransaction.
	ErrUnsupportedKind = fmt.Errorf("%w: unsupported transaction kind", ErrInvalidTransaction)
	// ErrLimitExceeded: a protocol limit (SizeLimitExceeded in Sui). See LimitError.
	ErrLimitExceeded = fmt.Errorf("%w: size limit exceeded", ErrInvalidTransaction)
	// ErrEmptyCommandInput: TransferObjects, SplitCoins or MergeCoins without arguments,
	// MakeMoveVec with neither a type nor elements, Publish or Upgrade without modules.
	ErrEmptyCommandInput = fmt.Errorf("%w: command has no inputs", ErrInvalidTransaction)
	// ErrInvalidIdentifier: a module, function or struct name that is not a Move identifier.
	ErrInvalidIdentifier = fmt.Errorf("%w: invalid Move identifier", ErrInvalidTransaction)
	// ErrDuplicateObjectInput: the same object is an owned or shared input twice.
	ErrDuplicateObjectInput = fmt.Errorf("%w: object used as input more than once", ErrInvalidTransaction)
	// ErrInvalidArgumentIndex: Input(i) past the inputs, or Result/NestedResult(i) naming a
	// command that does not come earlier.
	ErrInvalidArgumentIndex = fmt.Errorf("%w: argument index out of range", ErrInvalidTransaction)
	// ErrPostRandomCommand: a command other than TransferObjects or MergeCoins after the
	// first use of the Random object (0x8).
	ErrPostRandomCommand = fmt.Errorf("%w: only TransferObjects and MergeCoins may follow a use of randomness", ErrInvalidTransaction)
	// ErrUnsupportedFeature: a feature a real node does not accept from users yet
	// (non-exclusive writes, timestamp expiration, sponsor withdrawals, gasless with a budget).
	ErrUnsupportedFeature = fmt.Errorf("%w: unsupported feature", ErrInvalidTransaction)
	// ErrInvalidWithdrawal: a funds withdrawal of zero, or too many withdrawals.
	ErrInvalidWithdrawal = fmt.Errorf("%w: invalid funds withdrawal", ErrInvalidTransaction)
	// ErrGasBudgetTooLow: a budget under base_tx_cost_fixed × gas price.
	ErrGasBudgetTooLow = fmt.Errorf("%w: gas budget too low", ErrInvalidTransaction)
	// ErrGasNotOwned: a coin reservation pays gas for someone other than the sender.
	ErrGasNotOwned = fmt.Errorf("%w: gas object not owned by the sender", ErrInvalidTransaction)
	// ErrTransactionExpired: CheckExpiration found the epoch outside the window.
	ErrTransactionExpired = fmt.Errorf("%w: transaction expired", ErrInvalidTransaction)
	// ErrInvalidChainID: CheckExpiration found a window for another chain.
	ErrInvalidChainID = fmt.Errorf("%w: transaction is for another chain", ErrInvalidTransaction)
)

// UnsupportedKindError reports a transaction kind this package does not accept: a system
// transaction. It matches ErrUnsupportedKind.
type UnsupportedKindError struct{ Kind KindTag }

func (e *UnsupportedKindError) Error() string {
	return fmt.Sprintf("sui: unsupported transaction kind %s (users may only send ProgrammableTransaction)", e.Kind)
}

func (e *UnsupportedKindError) Is(target error) bool {
	return target == ErrUnsupportedKind || target == ErrInvalidTransaction
}

// LimitError reports a value over a protocol limit. Limit is the protocol-config name,
// Max its value and Value what the transaction has. It matches ErrLimitExceeded.
type LimitError struct {
	Limit string
	Max   uint64
	Value uint64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("sui: size limit %s = %d exceeded: %d", e.Limit, e.Max, e.Value)
}

func (e *LimitError) Is(target error) bool {
	return target == ErrLimitExceeded || target == ErrInvalidTransaction
}

// Limits are the protocol-config values the stateless checks use.
type Limits struct {
	MaxTxSizeBytes            uint64 // max_tx_size_bytes: SenderSignedData, signatures included
	MaxInputObjects           uint64 // max_input_objects: objects + packages + receiving, inclusive
	MaxGasPaymentObjects      uint64 // max_gas_payment_objects, inclusive
	MaxModulesInPublish       uint64 // max_modules_in_publish, exclusive
	MaxPackageDependencies    uint64 // max_package_dependencies, exclusive
	MaxArguments              uint64 // max_arguments, exclusive
	MaxTypeArguments          uint64 // max_type_arguments (type nodes per call), exclusive
	MaxTypeArgumentDepth      uint64 // max_type_argument_depth, exclusive
	MaxPureArgumentSize       uint64 // max_pure_argument_size, exclusive
	MaxProgrammableTxCommands uint64 // max_programmable_tx_commands, exclusive
	MaxPublishOrUpgradePerPTB uint64 // max_publish_or_upgrade_per_ptb, inclusive
	MaxAccumulatorTypeNodes   uint64 // max_accumulator_type_nodes (Balance<T>), inclusive
	MaxGasPrice               uint64 // max_gas_price, exclusive
	MaxTxGas                  uint64 // max_tx_gas: the largest budget, inclusive
	BaseTxCostFixed           uint64 // base_tx_cost_fixed: minimum budget = this × gas price
	MaxWithdrawals            uint64 // withdrawals + coin reservations + address-balance gas (hard-coded 10 in Sui)
}

// MainnetLimits are Sui mainnet's values at protocol version 140.
var MainnetLimits = Limits{
	MaxTxSizeBytes:            128 * 1024,
	MaxInputObjects:           2048,
	MaxGasPaymentObjects:      256,
	MaxModulesInPublish:       64,
	MaxPackageDependencies:    32,
	MaxArguments:              512,
	MaxTypeArguments:          16,
	MaxTypeArgumentDepth:      16,
	MaxPureArgumentSize:       16 * 1024,
	MaxProgrammableTxCommands: 1024,
	MaxPublishOrUpgradePerPTB: 5,
	MaxAccumulatorTypeNodes:   16,
	MaxGasPrice:               50_000_000_000,
	MaxTxGas:                  50_000_000_000_000,
	BaseTxCostFixed:           1000,
	MaxWithdrawals:            10,
}

// RandomObjectID is the shared Random object, 0x8.
var RandomObjectID = walrus.MustParseID("0x8")

// DecodeTransaction decodes BCS TransactionData bytes as a real full node does and applies
// the stateless checks of Validate with MainnetLimits. It never panics. Errors:
// bcs.ErrMalformed for bytes Sui cannot deserialize (trailing bytes included); an
// *UnsupportedKindError for any kind but ProgrammableTransaction; a *LimitError if b is
// longer than max_tx_size_bytes or a limit is exceeded; the other errors of Validate.
func DecodeTransaction(b []byte) (*TransactionData, error) {
	return DecodeTransactionWithLimits(b, MainnetLimits)
}

// DecodeTransactionWithLimits is DecodeTransaction with other limits.
func DecodeTransactionWithLimits(b []byte, l Limits) (*TransactionData, error) {
	if uint64(len(b)) > l.MaxTxSizeBytes {
		return nil, &LimitError{Limit: "max_tx_size_bytes", Max: l.MaxTxSizeBytes, Value: uint64(len(b))}
	}
	var td TransactionData
	if err := bcs.Unmarshal(b, &td); err != nil {
		var uk *UnsupportedKindError
		if errors.As(err, &uk) {
			return nil, uk
		}
		return nil, err
	}
	if err := td.Validate(l); err != nil {
		return nil, err
	}
	return &td, nil
}

// Validate applies the checks a Sui full node makes on a user transaction before loading
// any object (SenderSignedData::validity_check without the signature-scheme and size
// parts, TransactionDataV1::validity_check, TransactionKind::validity_check), for the
// feature flags of mainnet protocol version 140. Left to the caller, because they need
// chain state: the epoch and chain of the expiration (CheckExpiration), the reference gas
// price, allowed proposers against the committee, coin-reservation IDs against the chain
// identifier, and the extra rules of gasless transactions beyond a zero budget.
func (t *TransactionData) Validate(l Limits) error {
	v := &t.V1
	if v.Kind.System {
		return &UnsupportedKindError{Kind: KindProgrammableSystemTransaction}
	}
	pt := &v.Kind.Programmable

	// Expiration: timestamps are not supported; the epoch window is not checked under
	// relax_valid_during_for_owned_inputs.
	if x := &v.Expiration; (x.Kind == ExpireValidDuring || x.Kind == ExpireValidity) &&
		(x.MinTimestamp != nil || x.MaxTimestamp != nil) {
		return fmt.Errorf("%w: timestamp-based transaction expiration", ErrUnsupportedFeature)
	}

	addressBalanceGas := len(v.GasData.Payment) == 0
	if err := checkWithdrawals(v, pt, addressBalanceGas, l); err != nil {
		return err
	}

	// Gas.
	if n := uint64(len(v.GasData.Payment)); n > l.MaxGasPaymentObjects {
		return &LimitError{Limit: "max_gas_payment_objects", Max: l.MaxGasPaymentObjects, Value: n}
	}
	for i := range v.GasData.Payment {
		if v.GasData.Payment[i].Digest.IsCoinReservation() && v.GasData.Owner != v.Sender {
			return fmt.Errorf("%w: coin reservation %d pays a sponsor's gas", ErrGasNotOwned, i)
		}
	}
	g := &v.GasData
	if g.Price >= l.MaxGasPrice {
		return &LimitError{Limit: "max_gas_price", Max: l.MaxGasPrice, Value: g.Price}
	}
	if g.Budget > l.MaxTxGas {
		return &LimitError{Limit: "max_tx_gas", Max: l.MaxTxGas, Value: g.Budget}
	}
	if addressBalanceGas && g.Price == 0 { // gasless
		if g.Budget != 0 {
			return fmt.Errorf("%w: a gasless transaction must have a zero gas budget", ErrUnsupportedFeature)
		}
	} else if minBudget := l.BaseTxCostFixed * g.Price; g.Budget < minBudget {
		// No overflow: price < MaxGasPrice above keeps the product far below 2^64.
		return fmt.Errorf("%w: %d, minimum %d at gas price %d", ErrGasBudgetTooLow, g.Budget, minBudget, g.Price)
	}

	return pt.validate(l)
}

func checkWithdrawals(v *TransactionDataV1, pt *ProgrammableTransaction, addressBalanceGas bool, l Limits) error {
	// Gas from an address balance is an implicit withdrawal and counts towards the limit.
	var count uint64
	if addressBalanceGas {
		count++
	}
	for i := range pt.Inputs {
		in := &pt.Inputs[i]
		switch {
		case in.Kind == CallArgFundsWithdrawal:
			count++
			w := &in.FundsWithdrawal
			if w.From == WithdrawFromSponsor {
				return fmt.Errorf("%w: withdrawal %d from the sponsor", ErrUnsupportedFeature, i)
			}
			if w.Amount == 0 {
				return fmt.Errorf("%w: input %d withdraws zero", ErrInvalidWithdrawal, i)
			}
		case in.Kind == CallArgObject && in.Object.Kind == ImmOrOwnedObject && in.Object.Ref.Digest.IsCoinReservation():
			count++
			if amount, _, _ := in.Object.Ref.Digest.CoinReservation(); amount == 0 {
				return fmt.Errorf("%w: coin reservation in input %d is for zero", ErrInvalidWithdrawal, i)
			}
		}
	}
	if count > l.MaxWithdrawals {
		return fmt.Errorf("%w: %d withdrawals, at most %d", ErrInvalidWithdrawal, count, l.MaxWithdrawals)
	}
	return nil
}

func (pt *ProgrammableTransaction) validate(l Limits) error {
	if n := uint64(len(pt.Commands)); n >= l.MaxProgrammableTxCommands {
		return &LimitError{Limit: "max_programmable_tx_commands", Max: l.MaxProgrammableTxCommands, Value: n}
	}

	// Owned and shared inputs (coin reservations aside) must be distinct; the packages the
	// commands use and the receiving objects count towards max_input_objects as well.
	var ids []walrus.ID
	var receiving uint64
	for i := range pt.Inputs {
		in := &pt.Inputs[i]
		if in.Kind != CallArgObject {
			continue
		}
		switch o := &in.Object; o.Kind {
		case ImmOrOwnedObject:
			if !o.Ref.Digest.IsCoinReservation() {
				ids = append(ids, o.Ref.ObjectID)
			}
		case SharedObject:
			ids = append(ids, o.ID)
		case Receiving:
			receiving++
		}
	}
	objects := uint64(len(ids))
	slices.SortFunc(ids, walrus.ID.Compare)
	for i := 1; i < len(ids); i++ {
		if ids[i] == ids[i-1] {
			return fmt.Errorf("%w: %s", ErrDuplicateObjectInput, ids[i])
		}
	}
	if total := objects + uint64(len(pt.packages())) + receiving; total > l.MaxInputObjects {
		return &LimitError{Limit: "max_input_objects", Max: l.MaxInputObjects, Value: total}
	}

	for i := range pt.Inputs {
		in := &pt.Inputs[i]
		switch in.Kind {
		case CallArgPure:
			if n := uint64(len(in.Pure)); n >= l.MaxPureArgumentSize {
				return &LimitError{Limit: "max_pure_argument_size", Max: l.MaxPureArgumentSize, Value: n}
			}
		case CallArgObject:
			if in.Object.Kind == SharedObject && in.Object.Mutability == NonExclusiveWrite {
				return fmt.Errorf("%w: non-exclusive write to shared object %s", ErrUnsupportedFeature, in.Object.ID)
			}
		case CallArgFundsWithdrawal:
			// The accumulator type is Balance<T>: one node more than T.
			if n := typeNodes(&in.FundsWithdrawal.BalanceType) + 1; n > l.MaxAccumulatorTypeNodes {
				return &LimitError{Limit: "max_accumulator_type_nodes", Max: l.MaxAccumulatorTypeNodes, Value: n}
			}
		}
	}

	var publishes uint64
	for i := range pt.Commands {
		if k := pt.Commands[i].Kind; k == CmdPublish || k == CmdUpgrade {
			publishes++
		}
	}
	if publishes > l.MaxPublishOrUpgradePerPTB {
		return &LimitError{Limit: "max_publish_or_upgrade_per_ptb", Max: l.MaxPublishOrUpgradePerPTB, Value: publishes}
	}

	for i := range pt.Commands {
		if err := pt.Commands[i].validate(l); err != nil {
			return fmt.Errorf("command %d: %w", i, err)
		}
	}

	// validate_ptb_argument_indices.
	for i := range pt.Commands {
		var bad error
		pt.Commands[i].eachArgument(func(a Argument) {
			if bad != nil {
				return
			}
			switch a.Kind {
			case ArgInput:
				if int(a.Index) >= len(pt.Inputs) {
					bad = fmt.Errorf("%w: command %d uses Input(%d) of %d inputs", ErrInvalidArgumentIndex, i, a.Index, len(pt.Inputs))
				}
			case ArgResult, ArgNestedResult:
				if int(a.Index) >= i {
					bad = fmt.Errorf("%w: command %d uses the result of command %d", ErrInvalidArgumentIndex, i, a.Index)
				}
			}
		})
		if bad != nil {
			return bad
		}
	}

	// After the first command that uses the Random object, only TransferObjects and
	// MergeCoins may follow.
	random := -1
	for i := range pt.Inputs {
		if o := &pt.Inputs[i].Object; pt.Inputs[i].Kind == CallArgObject && o.Kind == SharedObject && o.ID == RandomObjectID {
			random = i
			break
		}
	}
	if random >= 0 && random <= 0xffff {
		used := false
		for i := range pt.Commands {
			c := &pt.Commands[i]
			if !used {
				c.eachArgument(func(a Argument) {
					used = used || (a.Kind == ArgInput && int(a.Index) == random)
				})
			} else if c.Kind != CmdTransferObjects && c.Kind != CmdMergeCoins {
				return fmt.Errorf("%w: command %d is %s", ErrPostRandomCommand, i, c.Kind)
			}
		}
	}
	return nil
}

func (c *Command) validate(l Limits) error {
	switch c.Kind {
	case CmdMoveCall:
		m := c.MoveCall
		var nodes uint64
		for i := range m.TypeArguments {
			if err := checkTypeInput(&m.TypeArguments[i], l, &nodes, 1); err != nil {
				return err
			}
		}
		if n := uint64(len(m.Arguments)); n >= l.MaxArguments {
			return &LimitError{Limit: "max_arguments", Max: l.MaxArguments, Value: n}
		}
		if !IsValidIdentifier(m.Module) {
			return fmt.Errorf("%w: module %q", ErrInvalidIdentifier, m.Module)
		}
		if !IsValidIdentifier(m.Function) {
			return fmt.Errorf("%w: function %q", ErrInvalidIdentifier, m.Function)
		}
	case CmdTransferObjects, CmdSplitCoins, CmdMergeCoins:
		if len(c.Args) == 0 {
			return fmt.Errorf("%w: %s", ErrEmptyCommandInput, c.Kind)
		}
		if n := uint64(len(c.Args)); n >= l.MaxArguments {
			return &LimitError{Limit: "max_arguments", Max: l.MaxArguments, Value: n}
		}
	case CmdMakeMoveVec:
		if c.VecType == nil && len(c.Args) == 0 {
			return fmt.Errorf("%w: MakeMoveVec without a type or elements", ErrEmptyCommandInput)
		}
		if c.VecType != nil {
			var nodes uint64
			if err := checkTypeInput(c.VecType, l, &nodes, 1); err != nil {
				return err
			}
		}
		if n := uint64(len(c.Args)); n >= l.MaxArguments {
			return &LimitError{Limit: "max_arguments", Max: l.MaxArguments, Value: n}
		}
	case CmdPublish, CmdUpgrade:
		if len(c.Modules) == 0 {
			return fmt.Errorf("%w: %s without modules", ErrEmptyCommandInput, c.Kind)
		}
		if n := uint64(len(c.Modules)); n >= l.MaxModulesInPublish {
			return &LimitError{Limit: "max_modules_in_publish", Max: l.MaxModulesInPublish, Value: n}
		}
		if n := uint64(len(c.Dependencies)); n >= l.MaxPackageDependencies {
			return &LimitError{Limit: "max_package_dependencies", Max: l.MaxPackageDependencies, Value: n}
		}
	}
	return nil
}

// checkTypeInput is type_input_validity_check: every node of the type arguments of one
// call counts (the count must stay under max_type_arguments), the nesting depth starts at
// 1 and must stay under max_type_argument_depth, and struct names must be identifiers.
func checkTypeInput(t *TypeTag, l Limits, nodes *uint64, depth uint64) error {
	*nodes++
	if *nodes >= l.MaxTypeArguments {
		return &LimitError{Limit: "max_type_arguments", Max: l.MaxTypeArguments, Value: *nodes}
	}
	if depth >= l.MaxTypeArgumentDepth {
		return &LimitError{Limit: "max_type_argument_depth", Max: l.MaxTypeArgumentDepth, Value: depth}
	}
	switch t.Kind {
	case TypeVector:
		return checkTypeInput(t.Elem, l, nodes, depth+1)
	case TypeStruct:
		s := t.Struct
		if !IsValidIdentifier(s.Module) {
			return fmt.Errorf("%w: module %q in a type argument", ErrInvalidIdentifier, s.Module)
		}
		if !IsValidIdentifier(s.Name) {
			return fmt.Errorf("%w: struct %q in a type argument", ErrInvalidIdentifier, s.Name)
		}
		for i := len(s.TypeParams) - 1; i >= 0; i-- {
			if err := checkTypeInput(&s.TypeParams[i], l, nodes, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// typeNodes counts the nodes of a type.
func typeNodes(t *TypeTag) uint64 {
	switch t.Kind {
	case TypeVector:
		return 1 + typeNodes(t.Elem)
	case TypeStruct:
		n := uint64(1)
		for i := range t.Struct.TypeParams {
			n += typeNodes(&t.Struct.TypeParams[i])
		}
		return n
	}
	return 1
}

// eachArgument calls f for every Argument of the command.
func (c *Command) eachArgument(f func(Argument)) {
	switch c.Kind {
	case CmdMoveCall:
		for _, a := range c.MoveCall.Arguments {
			f(a)
		}
	case CmdTransferObjects, CmdSplitCoins, CmdMergeCoins:
		f(c.Arg)
		for _, a := range c.Args {
			f(a)
		}
	case CmdMakeMoveVec:
		for _, a := range c.Args {
			f(a)
		}
	case CmdUpgrade:
		f(c.Arg)
	}
}

// packages are the distinct packages the commands load: called packages, the addresses
// of struct types in type arguments, and the dependencies (and upgraded package) of
// Publish and Upgrade.
func (pt *ProgrammableTransaction) packages() map[walrus.ID]struct{} {
	set := make(map[walrus.ID]struct{})
	var addType func(t *TypeTag)
	addType = func(t *TypeTag) {
		switch t.Kind {
		case TypeVector:
			addType(t.Elem)
		case TypeStruct:
			set[t.Struct.Address] = struct{}{}
			for i := range t.Struct.TypeParams {
				addType(&t.Struct.TypeParams[i])
			}
		}
	}
	for i := range pt.Commands {
		c := &pt.Commands[i]
		switch c.Kind {
		case CmdMoveCall:
			set[c.MoveCall.Package] = struct{}{}
			for j := range c.MoveCall.TypeArguments {
				addType(&c.MoveCall.TypeArguments[j])
			}
		case CmdMakeMoveVec:
			if c.VecType != nil {
				addType(c.VecType)
			}
		case CmdPublish:
			for _, id := range c.Dependencies {
				set[id] = struct{}{}
			}
		case CmdUpgrade:
			for _, id := range c.Dependencies {
				set[id] = struct{}{}
			}
			set[c.Package] = struct{}{}
		}
	}
	return set
}

// CheckExpiration checks the expiration against the current epoch and the chain
// identifier (the base58 genesis checkpoint digest, as a Digest): Epoch(e) expires after
// epoch e; ValidDuring and Validity need chain to match and epoch inside [min, max].
// Errors: ErrTransactionExpired, ErrInvalidChainID.
func (x *TransactionExpiration) CheckExpiration(epoch uint64, chain Digest) error {
	switch x.Kind {
	case ExpireEpoch:
		if epoch > x.Epoch {
			return fmt.Errorf("%w: valid until epoch %d, now %d", ErrTransactionExpired, x.Epoch, epoch)
		}
	case ExpireValidDuring, ExpireValidity:
		if x.Chain != chain {
			return fmt.Errorf("%w: %s, this chain is %s", ErrInvalidChainID, x.Chain, chain)
		}
		if (x.MinEpoch != nil && epoch < *x.MinEpoch) || (x.MaxEpoch != nil && epoch > *x.MaxEpoch) {
			return fmt.Errorf("%w: epoch %d is outside the validity window", ErrTransactionExpired, epoch)
		}
	}
	return nil
}

// RequiredSigners are the addresses that must sign: the sender, and the gas owner if it
// is someone else (a sponsor).
func (t *TransactionData) RequiredSigners() []walrus.ID {
	if t.V1.GasData.Owner == t.V1.Sender {
		return []walrus.ID{t.V1.Sender}
	}
	return []walrus.ID{t.V1.Sender, t.V1.GasData.Owner}
}

// coinReservationMagic marks an ObjectDigest that encodes an address-balance reservation.
var coinReservationMagic = [20]byte{
	0xac, 0xac, 0xac, 0xac, 0xac, 0xac, 0xac, 0xac, 0xac, 0xac,
	0xac, 0xac, 0xac, 0xac, 0xac, 0xac, 0xac, 0xac, 0xac, 0xac,
}

// IsCoinReservation reports whether d is a coin-reservation digest: an ObjectRef that
// stands for an address-balance withdrawal (sui_types::coin_reservation), recognised by
// its last 20 bytes being 0xac.
func (d Digest) IsCoinReservation() bool { return [20]byte(d[12:]) == coinReservationMagic }

// CoinReservation decodes a coin-reservation digest: the amount (u64 little-endian) and
// the epoch (u32 little-endian) it is valid for. ok is false for other digests.
func (d Digest) CoinReservation() (amount uint64, epoch uint32, ok bool) {
	if !d.IsCoinReservation() {
		return 0, 0, false
	}
	for i := 7; i >= 0; i-- {
		amount = amount<<8 | uint64(d[i])
	}
	epoch = uint32(d[8]) | uint32(d[9])<<8 | uint32(d[10])<<16 | uint32(d[11])<<24
	return amount, epoch, true
}
