package rpc

import (
	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/protobuf/proto"

	"github.com/tuskstore/tusk/chain/sui"
)

// renderExecutedTransaction renders everything known about t as sui-rpc-api does; read
// masks prune it afterwards.
func renderExecutedTransaction(t *Transaction) *v2.ExecutedTransaction {
	digest := t.Digest.String()
	m := &v2.ExecutedTransaction{
		Digest:      proto.String(digest),
		Transaction: renderTransactionData(t),
		Effects:     renderEffects(&t.Effects, t.Digest),
	}
	m.Effects.EventsDigest = digestString(t.EventsDigest)
	if t.Checkpoint != nil {
		m.Checkpoint = proto.Uint64(*t.Checkpoint)
		m.Timestamp = renderTime(t.Timestamp)
	}
	for _, sig := range t.Signatures {
		m.Signatures = append(m.Signatures, renderSignature(sig))
	}
	if len(t.Events) > 0 {
		events := &v2.TransactionEvents{Digest: digestString(t.EventsDigest)}
		if evs, ok := eventsBCS(t.Events); ok {
			events.Bcs = &v2.Bcs{Name: proto.String("TransactionEvents"), Value: evs}
		}
		for i := range t.Events {
			events.Events = append(events.Events, renderEvent(&t.Events[i]))
		}
		m.Events = events
	}
	for _, b := range t.BalanceChanges {
		m.BalanceChanges = append(m.BalanceChanges, &v2.BalanceChange{
			Address:  proto.String(b.Address.String()),
			CoinType: proto.String(b.CoinType),
			Amount:   proto.String(b.Amount.String()),
		})
	}
	if t.Objects != nil {
		set := &v2.ObjectSet{}
		for i := range t.Objects {
			set.Objects = append(set.Objects, renderObject(&t.Objects[i]))
		}
		m.Objects = set
	}
	return m
}

// eventsBCS re-encodes the events as TransactionEvents; ok is false when an event type
// does not parse (then the bcs field is left out).
func eventsBCS(events []Event) ([]byte, bool) {
	out := make(sui.TransactionEvents, len(events))
	for i, e := range events {
		st, err := sui.ParseStructTag(e.Type)
		if err != nil {
			return nil, false
		}
		out[i] = sui.Event{PackageID: e.PackageID, TransactionModule: e.Module, Sender: e.Sender, Type: st, Contents: e.Contents}
	}
	return out.Bytes(), true
}

// renderTransactionData renders the Transaction; kind, gas payment and expiration come
// from decoding its BCS, and are left out when it does not decode.
func renderTransactionData(t *Transaction) *v2.Transaction {
	tx := &v2.Transaction{
		Digest:  proto.String(t.Digest.String()),
		Version: proto.Int32(1),
		Sender:  proto.String(t.Sender.String()),
	}
	if t.BCS == nil {
		return tx
	}
	tx.Bcs = &v2.Bcs{Name: proto.String("TransactionData"), Value: t.BCS}
	td, err := sui.DecodeTransaction(t.BCS)
	if err != nil {
		return tx
	}
	v := &td.V1
	tx.Sender = proto.String(v.Sender.String())
	gas := &v2.GasPayment{
		Owner:  proto.String(v.GasData.Owner.String()),
		Price:  proto.Uint64(v.GasData.Price),
		Budget: proto.Uint64(v.GasData.Budget),
	}
	for _, r := range v.GasData.Payment {
		gas.Objects = append(gas.Objects, renderObjectRef(r))
	}
	tx.GasPayment = gas
	switch v.Expiration.Kind {
	case sui.ExpireNone:
		tx.Expiration = &v2.TransactionExpiration{Kind: v2.TransactionExpiration_NONE.Enum()}
	case sui.ExpireEpoch:
		tx.Expiration = &v2.TransactionExpiration{Kind: v2.TransactionExpiration_EPOCH.Enum(), Epoch: proto.Uint64(v.Expiration.Epoch)}
	default:
		// ValidDuring is newer than the SDK's types: its kind number, without the details.
		k := v2.TransactionExpiration_TransactionExpirationKind(v.Expiration.Kind + 1)
		tx.Expiration = &v2.TransactionExpiration{Kind: &k}
	}
	if pt := td.Programmable(); pt != nil {
		tx.Kind = &v2.TransactionKind{
			Kind: v2.TransactionKind_PROGRAMMABLE_TRANSACTION.Enum(),
			Data: &v2.TransactionKind_ProgrammableTransaction{ProgrammableTransaction: renderProgrammable(pt)},
		}
	}
	return tx
}

func renderObjectRef(r sui.ObjectRef) *v2.ObjectReference {
	return &v2.ObjectReference{
		ObjectId: proto.String(r.ObjectID.String()),
		Version:  proto.Uint64(r.Version),
		Digest:   proto.String(r.Digest.String()),
	}
}

func renderProgrammable(pt *sui.ProgrammableTransaction) *v2.ProgrammableTransaction {
	m := &v2.ProgrammableTransaction{}
	for i := range pt.Inputs {
		in := &pt.Inputs[i]
		switch in.Kind {
		case sui.CallArgPure:
			m.Inputs = append(m.Inputs, &v2.Input{Kind: v2.Input_PURE.Enum(), Pure: nonNil(in.Pure)})
		case sui.CallArgObject:
			o := &in.Object
			switch o.Kind {
			case sui.SharedObject:
				m.Inputs = append(m.Inputs, &v2.Input{
					Kind:     v2.Input_SHARED.Enum(),
					ObjectId: proto.String(o.ID.String()),
					Version:  proto.Uint64(o.InitialSharedVersion),
					Mutable:  proto.Bool(o.Mutability == sui.Mutable),
				})
			default:
				kind := v2.Input_IMMUTABLE_OR_OWNED
				if o.Kind == sui.Receiving {
					kind = v2.Input_RECEIVING
				}
				m.Inputs = append(m.Inputs, &v2.Input{
					Kind:     kind.Enum(),
					ObjectId: proto.String(o.Ref.ObjectID.String()),
					Version:  proto.Uint64(o.Ref.Version),
					Digest:   proto.String(o.Ref.Digest.String()),
				})
			}
		default:
			// Funds withdrawals are newer than the SDK's types.
			m.Inputs = append(m.Inputs, &v2.Input{})
		}
	}
	for i := range pt.Commands {
		m.Commands = append(m.Commands, renderCommand(&pt.Commands[i]))
	}
	return m
}

func renderCommand(c *sui.Command) *v2.Command {
	args := func(as []sui.Argument) []*v2.Argument {
		out := make([]*v2.Argument, len(as))
		for i, a := range as {
			out[i] = renderArgument(a)
		}
		return out
	}
	deps := make([]string, len(c.Dependencies))
	for i, d := range c.Dependencies {
		deps[i] = d.String()
	}
	switch c.Kind {
	case sui.CmdMoveCall:
		mc := c.MoveCall
		if mc == nil {
			return &v2.Command{}
		}
		call := &v2.MoveCall{
			Package:   proto.String(mc.Package.String()),
			Module:    proto.String(mc.Module),
			Function:  proto.String(mc.Function),
			Arguments: args(mc.Arguments),
		}
		for _, ta := range mc.TypeArguments {
			call.TypeArguments = append(call.TypeArguments, ta.String())
		}
		return &v2.Command{Command: &v2.Command_MoveCall{MoveCall: call}}
	case sui.CmdTransferObjects:
		return &v2.Command{Command: &v2.Command_TransferObjects{TransferObjects: &v2.TransferObjects{Objects: args(c.Args), Address: renderArgument(c.Arg)}}}
	case sui.CmdSplitCoins:
		return &v2.Command{Command: &v2.Command_SplitCoins{SplitCoins: &v2.SplitCoins{Coin: renderArgument(c.Arg), Amounts: args(c.Args)}}}
	case sui.CmdMergeCoins:
		return &v2.Command{Command: &v2.Command_MergeCoins{MergeCoins: &v2.MergeCoins{Coin: renderArgument(c.Arg), CoinsToMerge: args(c.Args)}}}
	case sui.CmdPublish:
		return &v2.Command{Command: &v2.Command_Publish{Publish: &v2.Publish{Modules: c.Modules, Dependencies: deps}}}
	case sui.CmdMakeMoveVec:
		mv := &v2.MakeMoveVector{Elements: args(c.Args)}
		if c.VecType != nil {
			mv.ElementType = proto.String(c.VecType.String())
		}
		return &v2.Command{Command: &v2.Command_MakeMoveVector{MakeMoveVector: mv}}
	case sui.CmdUpgrade:
		return &v2.Command{Command: &v2.Command_Upgrade{Upgrade: &v2.Upgrade{
			Modules: c.Modules, Dependencies: deps, Package: proto.String(c.Package.String()), Ticket: renderArgument(c.Arg),
		}}}
	}
	return &v2.Command{}
}

func renderArgument(a sui.Argument) *v2.Argument {
	switch a.Kind {
	case sui.ArgGasCoin:
		return &v2.Argument{Kind: v2.Argument_GAS.Enum()}
	case sui.ArgInput:
		return &v2.Argument{Kind: v2.Argument_INPUT.Enum(), Input: proto.Uint32(uint32(a.Index))}
	case sui.ArgResult:
		return &v2.Argument{Kind: v2.Argument_RESULT.Enum(), Result: proto.Uint32(uint32(a.Index))}
	case sui.ArgNestedResult:
		return &v2.Argument{Kind: v2.Argument_RESULT.Enum(), Result: proto.Uint32(uint32(a.Index)), Subresult: proto.Uint32(uint32(a.Nested))}
	}
	return &v2.Argument{}
}

func renderEffects(eff *Effects, txDigest sui.Digest) *v2.TransactionEffects {
	m := &v2.TransactionEffects{
		Digest:            proto.String(eff.Digest.String()),
		Version:           proto.Int32(2),
		Status:            renderStatus(eff),
		Epoch:             proto.Uint64(eff.Epoch),
		GasUsed:           renderGasCost(eff.GasUsed),
		TransactionDigest: proto.String(txDigest.String()),
	}
	if eff.BCS != nil {
		m.Bcs = &v2.Bcs{Name: proto.String("TransactionEffects"), Value: eff.BCS}
	}
	for _, d := range eff.Dependencies {
		m.Dependencies = append(m.Dependencies, d.String())
	}
	if eff.LamportVersion != 0 {
		m.LamportVersion = proto.Uint64(eff.LamportVersion)
	}
	for i := range eff.ChangedObjects {
		m.ChangedObjects = append(m.ChangedObjects, renderChangedObject(&eff.ChangedObjects[i]))
	}
	if g := eff.GasObject; g != nil && *g >= 0 && *g < len(eff.ChangedObjects) {
		m.GasObject = renderChangedObject(&eff.ChangedObjects[*g])
	}
	for i := range eff.UnchangedConsensusObjects {
		u := &eff.UnchangedConsensusObjects[i]
		kind := v2.UnchangedConsensusObject_UnchangedConsensusObjectKind(u.Kind)
		um := &v2.UnchangedConsensusObject{Kind: &kind, ObjectId: proto.String(u.ID.String())}
		if u.Version != nil {
			um.Version = proto.Uint64(*u.Version)
		}
		if u.Digest != nil {
			um.Digest = proto.String(u.Digest.String())
		}
		if u.Type != "" {
			um.ObjectType = proto.String(u.Type)
		}
		m.UnchangedConsensusObjects = append(m.UnchangedConsensusObjects, um)
	}
	m.AuxiliaryDataDigest = digestString(eff.AuxiliaryDataDigest)
	return m
}

func renderChangedObject(c *ChangedObject) *v2.ChangedObject {
	m := &v2.ChangedObject{ObjectId: proto.String(c.ID.String())}
	if c.Input != nil {
		m.InputState = v2.ChangedObject_INPUT_OBJECT_STATE_EXISTS.Enum()
		m.InputVersion = proto.Uint64(c.Input.Version)
		m.InputDigest = proto.String(c.Input.Digest.String())
		m.InputOwner = renderOwner(c.Input.Owner)
	} else {
		m.InputState = v2.ChangedObject_INPUT_OBJECT_STATE_DOES_NOT_EXIST.Enum()
	}
	if c.OutputState != 0 {
		st := v2.ChangedObject_OutputObjectState(c.OutputState)
		m.OutputState = &st
	}
	if c.Output != nil {
		m.OutputVersion = proto.Uint64(c.Output.Version)
		m.OutputDigest = proto.String(c.Output.Digest.String())
		if c.OutputState == OutputObjectWrite {
			m.OutputOwner = renderOwner(c.Output.Owner)
		}
	}
	if c.IDOperation != 0 {
		op := v2.ChangedObject_IdOperation(c.IDOperation)
		m.IdOperation = &op
	}
	if c.Type != "" {
		m.ObjectType = proto.String(c.Type)
	}
	return m
}

// renderStatus renders the execution status; a failure with details gets its kind and
// details as sui-rpc does.
func renderStatus(eff *Effects) *v2.ExecutionStatus {
	st := &v2.ExecutionStatus{Success: proto.Bool(eff.Success)}
	if eff.Success {
		return st
	}
	e := &v2.ExecutionError{}
	st.Error = e
	desc := eff.Error
	f := eff.Failure
	if f == nil {
		e.Description = proto.String(desc)
		return st
	}
	if desc == "" {
		desc = FailureDescription(f)
	}
	e.Description = proto.String(desc)
	if f.Command != nil {
		e.Command = proto.Uint64(*f.Command)
	}
	x := &f.Error
	kind := v2.ExecutionError_EXECUTION_ERROR_KIND_UNKNOWN
	if x.Kind <= sui.ExecInvalidLinkage {
		kind = v2.ExecutionError_ExecutionErrorKind(x.Kind) + 1
	}
	e.Kind = &kind
	size := func(size, max uint64) {
		e.ErrorDetails = &v2.ExecutionError_SizeError{SizeError: &v2.SizeError{Size: proto.Uint64(size), MaxSize: proto.Uint64(max)}}
	}
	switch x.Kind {
	case sui.ExecMoveObjectTooBig, sui.ExecMovePackageTooBig, sui.ExecEffectsTooLarge, sui.ExecWrittenObjectsTooLarge,
		sui.ExecMoveVectorElemTooBig, sui.ExecMoveRawValueTooBig:
		size(x.Size, x.MaxSize)
	case sui.ExecCircularObjectOwnership:
		e.ErrorDetails = &v2.ExecutionError_ObjectId{ObjectId: x.Object.String()}
	case sui.ExecMovePrimitiveRuntimeError:
		if x.Location != nil {
			e.ErrorDetails = &v2.ExecutionError_Abort{Abort: &v2.MoveAbort{Location: renderLocation(x.Location)}}
		}
	case sui.ExecMoveAbort:
		e.ErrorDetails = &v2.ExecutionError_Abort{Abort: &v2.MoveAbort{
			AbortCode: proto.Uint64(x.AbortCode),
			Location:  renderLocation(x.Location),
		}}
	case sui.ExecCommandArgumentError:
		ce := &v2.CommandArgumentError{Argument: proto.Uint32(uint32(x.Index))}
		k := v2.CommandArgumentError_CommandArgumentErrorKind(x.CommandArgument.Kind) + 1
		ce.Kind = &k
		switch x.CommandArgument.Kind {
		case sui.ArgErrIndexOutOfBounds, sui.ArgErrInvalidResultArity:
			ce.IndexError = &v2.IndexError{Index: proto.Uint32(uint32(x.CommandArgument.Index))}
		case sui.ArgErrSecondaryIndexOutOfBounds:
			ce.IndexError = &v2.IndexError{Index: proto.Uint32(uint32(x.CommandArgument.Index)), Subresult: proto.Uint32(uint32(x.CommandArgument.Secondary))}
		}
		e.ErrorDetails = &v2.ExecutionError_CommandArgumentError{CommandArgumentError: ce}
	case sui.ExecTypeArgumentError:
		k := v2.TypeArgumentError_TypeArgumentErrorKind(x.TypeArgument) + 1
		e.ErrorDetails = &v2.ExecutionError_TypeArgumentError{TypeArgumentError: &v2.TypeArgumentError{TypeArgument: proto.Uint32(uint32(x.Index)), Kind: &k}}
	case sui.ExecUnusedValueWithoutDrop:
		e.ErrorDetails = &v2.ExecutionError_IndexError{IndexError: &v2.IndexError{Index: proto.Uint32(uint32(x.Index)), Subresult: proto.Uint32(uint32(x.SecondaryIndex))}}
	case sui.ExecInvalidPublicFunctionReturnType:
		e.ErrorDetails = &v2.ExecutionError_IndexError{IndexError: &v2.IndexError{Index: proto.Uint32(uint32(x.Index))}}
	case sui.ExecExecutionCancelledDueToSharedObjectCongestion:
		co := &v2.CongestedObjects{}
		for _, id := range x.CongestedObjects {
			co.Objects = append(co.Objects, id.String())
		}
		e.ErrorDetails = &v2.ExecutionError_CongestedObjects{CongestedObjects: co}
	case sui.ExecAddressDeniedForCoin:
		e.ErrorDetails = &v2.ExecutionError_CoinDenyListError{CoinDenyListError: &v2.CoinDenyListError{Address: proto.String(x.Object.String()), CoinType: proto.String(x.CoinType)}}
	case sui.ExecCoinTypeGlobalPause:
		e.ErrorDetails = &v2.ExecutionError_CoinDenyListError{CoinDenyListError: &v2.CoinDenyListError{CoinType: proto.String(x.CoinType)}}
	}
	return st
}

func renderLocation(l *sui.MoveLocation) *v2.MoveLocation {
	if l == nil {
		return nil
	}
	m := &v2.MoveLocation{
		Package:     proto.String(l.Package.String()),
		Module:      proto.String(l.Module),
		Function:    proto.Uint32(uint32(l.Function)),
		Instruction: proto.Uint32(uint32(l.Instruction)),
	}
	if l.FunctionName != nil {
		m.FunctionName = proto.String(*l.FunctionName)
	}
	return m
}
