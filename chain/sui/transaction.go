package sui

import (
	"bytes"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Minimum BCS sizes, used to bound vector lengths against the bytes that remain.
const (
	objectRefSize  = 32 + 8 + 1 + DigestSize // ID, version, digest (length byte + 32)
	minCallArgSize = 2                       // Pure: tag + empty length
	minCommandSize = 3                       // e.g. TransferObjects: tag + empty vec + GasCoin
	minArgSize     = 1                       // GasCoin
)

// ObjectRef is (ObjectID, SequenceNumber, ObjectDigest).
type ObjectRef struct {
	ObjectID walrus.ID
	Version  uint64
	Digest   Digest
}

func (r *ObjectRef) MarshalBCS(e *bcs.Encoder) {
	r.ObjectID.MarshalBCS(e)
	e.U64(r.Version)
	r.Digest.MarshalBCS(e)
}

func (r *ObjectRef) UnmarshalBCS(d *bcs.Decoder) {
	r.ObjectID.UnmarshalBCS(d)
	r.Version = d.U64()
	r.Digest.UnmarshalBCS(d)
}

// ArgumentKind is the variant of an Argument.
type ArgumentKind uint8

// Argument variants.
const (
	ArgGasCoin      ArgumentKind = 0 // the gas coin
	ArgInput        ArgumentKind = 1 // Input(Index): ProgrammableTransaction.Inputs[Index]
	ArgResult       ArgumentKind = 2 // Result(Index): the result of command Index
	ArgNestedResult ArgumentKind = 3 // NestedResult(Index, Nested): value Nested of command Index
)

// Argument is an argument to a programmable-transaction command.
type Argument struct {
	Kind   ArgumentKind
	Index  uint16 // Input, Result, NestedResult
	Nested uint16 // NestedResult
}

// GasCoin is the gas-coin argument.
func GasCoin() Argument { return Argument{Kind: ArgGasCoin} }

// Input is Input(i).
func Input(i uint16) Argument { return Argument{Kind: ArgInput, Index: i} }

// Result is Result(i).
func Result(i uint16) Argument { return Argument{Kind: ArgResult, Index: i} }

// NestedResult is NestedResult(i, j).
func NestedResult(i, j uint16) Argument { return Argument{Kind: ArgNestedResult, Index: i, Nested: j} }

func (a Argument) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(a.Kind))
	switch a.Kind {
	case ArgInput, ArgResult:
		e.U16(a.Index)
	case ArgNestedResult:
		e.U16(a.Index)
		e.U16(a.Nested)
	}
}

func (a *Argument) UnmarshalBCS(d *bcs.Decoder) {
	*a = Argument{Kind: ArgumentKind(d.Tag(4))}
	if d.Err() != nil {
		return
	}
	switch a.Kind {
	case ArgInput, ArgResult:
		a.Index = d.U16()
	case ArgNestedResult:
		a.Index = d.U16()
		a.Nested = d.U16()
	}
}

// SharedObjectMutability is how a transaction accesses a shared object. It replaced a bool
// (false = Immutable, true = Mutable), so the first two variants keep those bytes.
type SharedObjectMutability uint8

// Shared-object access modes.
const (
	Immutable         SharedObjectMutability = 0
	Mutable           SharedObjectMutability = 1
	NonExclusiveWrite SharedObjectMutability = 2 // not allowed in user transactions yet
)

// ObjectArgKind is the variant of an ObjectArg.
type ObjectArgKind uint8

// ObjectArg variants.
const (
	ImmOrOwnedObject ObjectArgKind = 0
	SharedObject     ObjectArgKind = 1
	Receiving        ObjectArgKind = 2
)

// ObjectArg is an object input. Ref is used by ImmOrOwnedObject and Receiving; ID,
// InitialSharedVersion and Mutability by SharedObject.
type ObjectArg struct {
	Kind                 ObjectArgKind
	Ref                  ObjectRef
	ID                   walrus.ID
	InitialSharedVersion uint64
	Mutability           SharedObjectMutability
}

// OwnedObjectArg is ImmOrOwnedObject(ref).
func OwnedObjectArg(ref ObjectRef) ObjectArg { return ObjectArg{Kind: ImmOrOwnedObject, Ref: ref} }

// ReceivingObjectArg is Receiving(ref).
func ReceivingObjectArg(ref ObjectRef) ObjectArg { return ObjectArg{Kind: Receiving, Ref: ref} }

// SharedObjectArg is SharedObject{id, initialSharedVersion, Mutable or Immutable}.
func SharedObjectArg(id walrus.ID, initialSharedVersion uint64, mutable bool) ObjectArg {
	m := Immutable
	if mutable {
		m = Mutable
	}
	return ObjectArg{Kind: SharedObject, ID: id, InitialSharedVersion: initialSharedVersion, Mutability: m}
}

// ObjectID is the ID of the object the argument names.
func (o *ObjectArg) ObjectID() walrus.ID {
	if o.Kind == SharedObject {
		return o.ID
	}
	return o.Ref.ObjectID
}

func (o *ObjectArg) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(o.Kind))
	switch o.Kind {
	case SharedObject:
		o.ID.MarshalBCS(e)
		e.U64(o.InitialSharedVersion)
		e.ULEB128(uint64(o.Mutability))
	default:
		o.Ref.MarshalBCS(e)
	}
}

func (o *ObjectArg) UnmarshalBCS(d *bcs.Decoder) {
	*o = ObjectArg{Kind: ObjectArgKind(d.Tag(3))}
	if d.Err() != nil {
		return
	}
	switch o.Kind {
	case SharedObject:
		o.ID.UnmarshalBCS(d)
		o.InitialSharedVersion = d.U64()
		o.Mutability = SharedObjectMutability(d.Tag(3))
	default:
		o.Ref.UnmarshalBCS(d)
	}
}

// WithdrawFromKind is the variant of a funds withdrawal's source.
type WithdrawFromKind uint8

// WithdrawFrom variants.
const (
	WithdrawFromSender          WithdrawFromKind = 0
	WithdrawFromSponsor         WithdrawFromKind = 1
	WithdrawFromSenderAllowance WithdrawFromKind = 2 // {funder, allowance}
)

// FundsWithdrawal is CallArg::FundsWithdrawal (FundsWithdrawalArg): a reservation to
// withdraw from an address balance. Its wire form is
//
//	reservation:   Reservation { MaxAmountU64(u64) }     (tag 0, then Amount)
//	type_arg:      WithdrawalTypeArg { Balance(TypeInput) } (tag 0, then BalanceType)
//	withdraw_from: WithdrawFrom { Sender, Sponsor, SenderAllowance { funder, allowance } }
//
// Funder and Allowance are used by WithdrawFromSenderAllowance only. This package decodes
// it and leaves the decision to the caller (a devnet without address balances rejects it).
type FundsWithdrawal struct {
	Amount      uint64
	BalanceType TypeTag
	From        WithdrawFromKind
	Funder      walrus.ID
	Allowance   walrus.ID
}

func (f *FundsWithdrawal) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(0) // Reservation::MaxAmountU64
	e.U64(f.Amount)
	e.ULEB128(0) // WithdrawalTypeArg::Balance
	f.BalanceType.MarshalBCS(e)
	e.ULEB128(uint64(f.From))
	if f.From == WithdrawFromSenderAllowance {
		f.Funder.MarshalBCS(e)
		f.Allowance.MarshalBCS(e)
	}
}

func (f *FundsWithdrawal) UnmarshalBCS(d *bcs.Decoder) {
	*f = FundsWithdrawal{}
	d.Tag(1) // Reservation has one variant
	f.Amount = d.U64()
	d.Tag(1) // WithdrawalTypeArg has one variant
	f.BalanceType.UnmarshalBCS(d)
	f.From = WithdrawFromKind(d.Tag(3))
	if d.Err() == nil && f.From == WithdrawFromSenderAllowance {
		f.Funder.UnmarshalBCS(d)
		f.Allowance.UnmarshalBCS(d)
	}
}

// CallArgKind is the variant of a CallArg.
type CallArgKind uint8

// CallArg variants.
const (
	CallArgPure            CallArgKind = 0
	CallArgObject          CallArgKind = 1
	CallArgFundsWithdrawal CallArgKind = 2
)

// CallArg is an input of a programmable transaction: Pure BCS bytes, an object, or a
// funds withdrawal. Only the field of Kind is encoded.
type CallArg struct {
	Kind            CallArgKind
	Pure            []byte
	Object          ObjectArg
	FundsWithdrawal FundsWithdrawal
}

// PureArg is CallArg::Pure(bcsBytes).
func PureArg(bcsBytes []byte) CallArg { return CallArg{Kind: CallArgPure, Pure: bcsBytes} }

// ObjectCallArg is CallArg::Object(o).
func ObjectCallArg(o ObjectArg) CallArg { return CallArg{Kind: CallArgObject, Object: o} }

func (c *CallArg) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(c.Kind))
	switch c.Kind {
	case CallArgPure:
		e.ByteVec(c.Pure)
	case CallArgObject:
		c.Object.MarshalBCS(e)
	case CallArgFundsWithdrawal:
		c.FundsWithdrawal.MarshalBCS(e)
	}
}

func (c *CallArg) UnmarshalBCS(d *bcs.Decoder) {
	*c = CallArg{Kind: CallArgKind(d.Tag(3))}
	if d.Err() != nil {
		return
	}
	switch c.Kind {
	case CallArgPure:
		c.Pure = getBytes(d)
	case CallArgObject:
		c.Object.UnmarshalBCS(d)
	case CallArgFundsWithdrawal:
		c.FundsWithdrawal.UnmarshalBCS(d)
	}
}

// ProgrammableMoveCall calls package::module::function<TypeArguments>(Arguments).
type ProgrammableMoveCall struct {
	Package       walrus.ID
	Module        string
	Function      string
	TypeArguments []TypeTag
	Arguments     []Argument
}

func (m *ProgrammableMoveCall) MarshalBCS(e *bcs.Encoder) {
	m.Package.MarshalBCS(e)
	e.String(m.Module)
	e.String(m.Function)
	e.ULEB128(uint64(len(m.TypeArguments)))
	for i := range m.TypeArguments {
		m.TypeArguments[i].MarshalBCS(e)
	}
	putArgs(e, m.Arguments)
}

func (m *ProgrammableMoveCall) UnmarshalBCS(d *bcs.Decoder) {
	m.Package.UnmarshalBCS(d)
	m.Module = getString(d)
	m.Function = getString(d)
	m.TypeArguments = getTypeTags(d)
	m.Arguments = getArgs(d)
}

// CommandKind is the variant of a Command.
type CommandKind uint8

// Command variants.
const (
	CmdMoveCall        CommandKind = 0 // MoveCall
	CmdTransferObjects CommandKind = 1 // TransferObjects(Objects, Address)
	CmdSplitCoins      CommandKind = 2 // SplitCoins(Coin, Amounts)
	CmdMergeCoins      CommandKind = 3 // MergeCoins(Coin, Sources)
	CmdPublish         CommandKind = 4 // Publish(Modules, Dependencies)
	CmdMakeMoveVec     CommandKind = 5 // MakeMoveVec(VecType, Elements)
	CmdUpgrade         CommandKind = 6 // Upgrade(Modules, Dependencies, Package, Ticket)
)

var commandNames = [...]string{"MoveCall", "TransferObjects", "SplitCoins", "MergeCoins", "Publish", "MakeMoveVec", "Upgrade"}

// String names the command variant as Sui does.
func (k CommandKind) String() string {
	if int(k) < len(commandNames) {
		return commandNames[k]
	}
	return "Command(?)"
}

// Command is one command of a programmable transaction. Only the fields of Kind are
// encoded:
//
//	MoveCall         MoveCall
//	TransferObjects  Args (the objects), Arg (the recipient address)
//	SplitCoins       Arg (the coin), Args (the amounts)
//	MergeCoins       Arg (the destination coin), Args (the coins merged into it)
//	Publish          Modules, Dependencies
//	MakeMoveVec      VecType (nil = None), Args (the elements)
//	Upgrade          Modules, Dependencies, Package, Arg (the upgrade ticket)
type Command struct {
	Kind         CommandKind
	MoveCall     *ProgrammableMoveCall
	Arg          Argument
	Args         []Argument
	Modules      [][]byte
	Dependencies []walrus.ID
	Package      walrus.ID
	VecType      *TypeTag
}

func (c *Command) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(c.Kind))
	switch c.Kind {
	case CmdMoveCall:
		c.MoveCall.MarshalBCS(e)
	case CmdTransferObjects:
		putArgs(e, c.Args)
		c.Arg.MarshalBCS(e)
	case CmdSplitCoins, CmdMergeCoins:
		c.Arg.MarshalBCS(e)
		putArgs(e, c.Args)
	case CmdPublish:
		putModules(e, c.Modules)
		putIDs(e, c.Dependencies)
	case CmdMakeMoveVec:
		if c.VecType == nil {
			e.U8(0)
		} else {
			e.U8(1)
			c.VecType.MarshalBCS(e)
		}
		putArgs(e, c.Args)
	case CmdUpgrade:
		putModules(e, c.Modules)
		putIDs(e, c.Dependencies)
		c.Package.MarshalBCS(e)
		c.Arg.MarshalBCS(e)
	}
}

func (c *Command) UnmarshalBCS(d *bcs.Decoder) {
	*c = Command{Kind: CommandKind(d.Tag(7))}
	if d.Err() != nil {
		return
	}
	switch c.Kind {
	case CmdMoveCall:
		c.MoveCall = new(ProgrammableMoveCall)
		c.MoveCall.UnmarshalBCS(d)
	case CmdTransferObjects:
		c.Args = getArgs(d)
		c.Arg.UnmarshalBCS(d)
	case CmdSplitCoins, CmdMergeCoins:
		c.Arg.UnmarshalBCS(d)
		c.Args = getArgs(d)
	case CmdPublish:
		c.Modules = getModules(d)
		c.Dependencies = getIDs(d)
	case CmdMakeMoveVec:
		if getOption(d) {
			c.VecType = new(TypeTag)
			c.VecType.UnmarshalBCS(d)
		}
		c.Args = getArgs(d)
	case CmdUpgrade:
		c.Modules = getModules(d)
		c.Dependencies = getIDs(d)
		c.Package.UnmarshalBCS(d)
		c.Arg.UnmarshalBCS(d)
	}
}

// ProgrammableTransaction is a list of inputs and the commands that use them.
type ProgrammableTransaction struct {
	Inputs   []CallArg
	Commands []Command
}

func (p *ProgrammableTransaction) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(len(p.Inputs)))
	for i := range p.Inputs {
		p.Inputs[i].MarshalBCS(e)
	}
	e.ULEB128(uint64(len(p.Commands)))
	for i := range p.Commands {
		p.Commands[i].MarshalBCS(e)
	}
}

func (p *ProgrammableTransaction) UnmarshalBCS(d *bcs.Decoder) {
	*p = ProgrammableTransaction{}
	if n := d.Len(minCallArgSize); n > 0 {
		p.Inputs = make([]CallArg, n)
		for i := range p.Inputs {
			if p.Inputs[i].UnmarshalBCS(d); d.Err() != nil {
				return
			}
		}
	}
	if n := d.Len(minCommandSize); n > 0 {
		p.Commands = make([]Command, n)
		for i := range p.Commands {
			if p.Commands[i].UnmarshalBCS(d); d.Err() != nil {
				return
			}
		}
	}
}

// KindTag is the variant index of Sui's TransactionKind.
type KindTag uint8

// TransactionKind variants.
const (
	KindProgrammableTransaction       KindTag = 0
	KindChangeEpoch                   KindTag = 1
	KindGenesis                       KindTag = 2
	KindConsensusCommitPrologue       KindTag = 3
	KindAuthenticatorStateUpdate      KindTag = 4
	KindEndOfEpochTransaction         KindTag = 5
	KindRandomnessStateUpdate         KindTag = 6
	KindConsensusCommitPrologueV2     KindTag = 7
	KindConsensusCommitPrologueV3     KindTag = 8
	KindConsensusCommitPrologueV4     KindTag = 9
	KindProgrammableSystemTransaction KindTag = 10
	numKinds                                  = 11
)

var kindNames = [numKinds]string{
	"ProgrammableTransaction", "ChangeEpoch", "Genesis", "ConsensusCommitPrologue",
	"AuthenticatorStateUpdate", "EndOfEpochTransaction", "RandomnessStateUpdate",
	"ConsensusCommitPrologueV2", "ConsensusCommitPrologueV3", "ConsensusCommitPrologueV4",
	"ProgrammableSystemTransaction",
}

// String is the variant's name in Sui.
func (k KindTag) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "TransactionKind(?)"
}

// TransactionKind is Sui's TransactionKind restricted to the variants whose body is a
// ProgrammableTransaction: ProgrammableTransaction (tag 0) and, with System set,
// ProgrammableSystemTransaction (tag 10, which users cannot send). Decoding any other
// variant fails with an *UnsupportedKindError naming it, without reading the body; the
// decoder wraps it in bcs.ErrMalformed, DecodeTransaction returns it bare.
type TransactionKind struct {
	System       bool
	Programmable ProgrammableTransaction
}

// Tag is the variant index.
func (k *TransactionKind) Tag() KindTag {
	if k.System {
		return KindProgrammableSystemTransaction
	}
	return KindProgrammableTransaction
}

func (k *TransactionKind) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(k.Tag()))
	k.Programmable.MarshalBCS(e)
}

func (k *TransactionKind) UnmarshalBCS(d *bcs.Decoder) {
	*k = TransactionKind{}
	tag := KindTag(d.Tag(numKinds))
	if d.Err() != nil {
		return
	}
	switch tag {
	case KindProgrammableTransaction:
	case KindProgrammableSystemTransaction:
		k.System = true
	default:
		d.Fail(&UnsupportedKindError{Kind: tag})
		return
	}
	k.Programmable.UnmarshalBCS(d)
}

// GasData is the gas payment: coins, their owner (the sender or a sponsor), the gas
// price and the budget.
type GasData struct {
	Payment []ObjectRef
	Owner   walrus.ID
	Price   uint64
	Budget  uint64
}

func (g *GasData) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(len(g.Payment)))
	for i := range g.Payment {
		g.Payment[i].MarshalBCS(e)
	}
	g.Owner.MarshalBCS(e)
	e.U64(g.Price)
	e.U64(g.Budget)
}

func (g *GasData) UnmarshalBCS(d *bcs.Decoder) {
	*g = GasData{}
	if n := d.Len(objectRefSize); n > 0 {
		g.Payment = make([]ObjectRef, n)
		for i := range g.Payment {
			g.Payment[i].UnmarshalBCS(d)
		}
	}
	g.Owner.UnmarshalBCS(d)
	g.Price = d.U64()
	g.Budget = d.U64()
}

// ExpirationKind is the variant of a TransactionExpiration.
type ExpirationKind uint8

// TransactionExpiration variants.
const (
	ExpireNone        ExpirationKind = 0 // never expires
	ExpireEpoch       ExpirationKind = 1 // Epoch(Epoch): valid while the epoch is ≤ Epoch
	ExpireValidDuring ExpirationKind = 2 // ValidDuring{...}
	ExpireValidity    ExpirationKind = 3 // Validity{..., allowed_proposers}
)

// AllowedProposers restricts which validators may propose the transaction in Epoch.
// Proposers must not be empty (Sui rejects an empty list when decoding).
type AllowedProposers struct {
	Epoch     uint64
	Proposers []uint32
}

// TransactionExpiration is when a transaction stops being valid. Epoch is used by
// ExpireEpoch; the Min/Max fields, Chain and Nonce by ExpireValidDuring and
// ExpireValidity; AllowedProposers by ExpireValidity only.
type TransactionExpiration struct {
	Kind             ExpirationKind
	Epoch            uint64
	MinEpoch         *uint64
	MaxEpoch         *uint64
	MinTimestamp     *uint64
	MaxTimestamp     *uint64
	Chain            Digest // the chain identifier (genesis checkpoint digest)
	Nonce            uint32
	AllowedProposers *AllowedProposers
}

func (x *TransactionExpiration) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(x.Kind))
	switch x.Kind {
	case ExpireEpoch:
		e.U64(x.Epoch)
	case ExpireValidDuring, ExpireValidity:
		putOptU64(e, x.MinEpoch)
		putOptU64(e, x.MaxEpoch)
		putOptU64(e, x.MinTimestamp)
		putOptU64(e, x.MaxTimestamp)
		x.Chain.MarshalBCS(e)
		e.U32(x.Nonce)
		if x.Kind == ExpireValidity {
			if x.AllowedProposers == nil {
				e.U8(0)
			} else {
				e.U8(1)
				e.U64(x.AllowedProposers.Epoch)
				e.ULEB128(uint64(len(x.AllowedProposers.Proposers)))
				for _, p := range x.AllowedProposers.Proposers {
					e.U32(p)
				}
			}
		}
	}
}

func (x *TransactionExpiration) UnmarshalBCS(d *bcs.Decoder) {
	*x = TransactionExpiration{Kind: ExpirationKind(d.Tag(4))}
	if d.Err() != nil {
		return
	}
	switch x.Kind {
	case ExpireEpoch:
		x.Epoch = d.U64()
	case ExpireValidDuring, ExpireValidity:
		x.MinEpoch = getOptU64(d)
		x.MaxEpoch = getOptU64(d)
		x.MinTimestamp = getOptU64(d)
		x.MaxTimestamp = getOptU64(d)
		x.Chain.UnmarshalBCS(d)
		x.Nonce = d.U32()
		if x.Kind == ExpireValidity && getOption(d) {
			ap := &AllowedProposers{Epoch: d.U64()}
			n := d.Len(4)
			if d.Err() != nil {
				return
			}
			if n == 0 {
				d.Failf("allowed proposers: empty vector")
				return
			}
			ap.Proposers = make([]uint32, n)
			for i := range ap.Proposers {
				ap.Proposers[i] = d.U32()
			}
			x.AllowedProposers = ap
		}
	}
}

// TransactionDataV1 is the body of TransactionData::V1.
type TransactionDataV1 struct {
	Kind       TransactionKind
	Sender     walrus.ID
	GasData    GasData
	Expiration TransactionExpiration
}

// TransactionData is Sui's TransactionData, an enum whose only variant is V1 (tag 0):
// what users sign and what "tx_bytes" carry.
type TransactionData struct {
	V1 TransactionDataV1
}

func (t *TransactionData) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(0)
	t.V1.Kind.MarshalBCS(e)
	t.V1.Sender.MarshalBCS(e)
	t.V1.GasData.MarshalBCS(e)
	t.V1.Expiration.MarshalBCS(e)
}

func (t *TransactionData) UnmarshalBCS(d *bcs.Decoder) {
	*t = TransactionData{}
	d.Tag(1)
	t.V1.Kind.UnmarshalBCS(d)
	t.V1.Sender.UnmarshalBCS(d)
	t.V1.GasData.UnmarshalBCS(d)
	t.V1.Expiration.UnmarshalBCS(d)
}

// Bytes is the BCS of t: the bytes users sign and send.
func (t *TransactionData) Bytes() []byte { return bcs.Marshal(t) }

// Digest is the transaction digest of t's bytes.
func (t *TransactionData) Digest() Digest { return TransactionDigest(t.Bytes()) }

// Programmable returns the programmable transaction, or nil for a system transaction.
func (t *TransactionData) Programmable() *ProgrammableTransaction {
	if t.V1.Kind.System {
		return nil
	}
	return &t.V1.Kind.Programmable
}

// NewTransactionData is TransactionData::V1 for a programmable transaction with no
// expiration (TransactionData::new_with_gas_data).
func NewTransactionData(sender walrus.ID, pt ProgrammableTransaction, gas GasData) TransactionData {
	return TransactionData{V1: TransactionDataV1{
		Kind:    TransactionKind{Programmable: pt},
		Sender:  sender,
		GasData: gas,
	}}
}

// --- helpers ---

func putArgs(e *bcs.Encoder, args []Argument) {
	e.ULEB128(uint64(len(args)))
	for _, a := range args {
		a.MarshalBCS(e)
	}
}

func getArgs(d *bcs.Decoder) []Argument {
	n := d.Len(minArgSize)
	if d.Err() != nil || n == 0 {
		return nil
	}
	args := make([]Argument, n)
	for i := range args {
		if args[i].UnmarshalBCS(d); d.Err() != nil {
			return nil
		}
	}
	return args
}

func getTypeTags(d *bcs.Decoder) []TypeTag {
	n := d.Len(1)
	if d.Err() != nil || n == 0 {
		return nil
	}
	ts := make([]TypeTag, n)
	for i := range ts {
		if ts[i].UnmarshalBCS(d); d.Err() != nil {
			return nil
		}
	}
	return ts
}

func putModules(e *bcs.Encoder, mods [][]byte) {
	e.ULEB128(uint64(len(mods)))
	for _, m := range mods {
		e.ByteVec(m)
	}
}

func getModules(d *bcs.Decoder) [][]byte {
	n := d.Len(1)
	if d.Err() != nil || n == 0 {
		return nil
	}
	mods := make([][]byte, n)
	for i := range mods {
		if mods[i] = getBytes(d); d.Err() != nil {
			return nil
		}
	}
	return mods
}

func putIDs(e *bcs.Encoder, ids []walrus.ID) {
	e.ULEB128(uint64(len(ids)))
	for i := range ids {
		ids[i].MarshalBCS(e)
	}
}

func getIDs(d *bcs.Decoder) []walrus.ID {
	n := d.Len(32)
	if d.Err() != nil || n == 0 {
		return nil
	}
	ids := make([]walrus.ID, n)
	for i := range ids {
		ids[i].UnmarshalBCS(d)
	}
	return ids
}

// getBytes reads a vector<u8> into a fresh slice (nil when empty).
func getBytes(d *bcs.Decoder) []byte {
	b := d.ByteVec()
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}

// getOption reads an Option tag byte, which must be 0 (None) or 1 (Some).
func getOption(d *bcs.Decoder) bool {
	switch v := d.U8(); {
	case d.Err() != nil:
		return false
	case v <= 1:
		return v == 1
	default:
		d.Failf("invalid option tag %d", v)
		return false
	}
}

func putOptU64(e *bcs.Encoder, v *uint64) {
	if v == nil {
		e.U8(0)
		return
	}
	e.U8(1)
	e.U64(*v)
}

func getOptU64(d *bcs.Decoder) *uint64 {
	if !getOption(d) {
		return nil
	}
	v := d.U64()
	return &v
}
