package sui

import (
	"fmt"
	"strings"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// ExecutionStatus is the outcome of executing a transaction (sui_types::execution_status::
// ExecutionStatus): Success (tag 0) when Failure is nil, otherwise Failure (tag 1) with the
// error and the index of the command that failed, if known.
type ExecutionStatus struct {
	Failure *ExecutionFailure
}

// ExecutionFailure is the body of a failed status.
type ExecutionFailure struct {
	Error   ExecutionError
	Command *uint64 // the failing command's index (CommandIndex, a usize on the wire as u64)
}

// Success reports whether the transaction executed successfully.
func (s *ExecutionStatus) Success() bool { return s.Failure == nil }

func (s *ExecutionStatus) MarshalBCS(e *bcs.Encoder) {
	if s.Failure == nil {
		e.ULEB128(0)
		return
	}
	e.ULEB128(1)
	s.Failure.Error.MarshalBCS(e)
	putOptU64(e, s.Failure.Command)
}

func (s *ExecutionStatus) UnmarshalBCS(d *bcs.Decoder) {
	*s = ExecutionStatus{}
	if d.Tag(2) == 0 || d.Err() != nil {
		return
	}
	f := new(ExecutionFailure)
	f.Error.UnmarshalBCS(d)
	f.Command = getOptU64(d)
	if d.Err() == nil {
		s.Failure = f
	}
}

// ExecutionErrorKind is the variant of an ExecutionError (Sui's ExecutionFailureStatus, now
// named ExecutionErrorKind); its value is the BCS tag.
type ExecutionErrorKind uint8

// ExecutionFailureStatus variants, in BCS tag order.
const (
	ExecInsufficientGas                               ExecutionErrorKind = iota // unit
	ExecInvalidGasObject                                                        // unit
	ExecInvariantViolation                                                      // unit
	ExecFeatureNotYetSupported                                                  // unit
	ExecMoveObjectTooBig                                                        // Size, MaxSize
	ExecMovePackageTooBig                                                       // Size, MaxSize
	ExecCircularObjectOwnership                                                 // Object
	ExecInsufficientCoinBalance                                                 // unit
	ExecCoinBalanceOverflow                                                     // unit
	ExecPublishErrorNonZeroAddress                                              // unit
	ExecSuiMoveVerificationError                                                // unit
	ExecMovePrimitiveRuntimeError                                               // Location (nil = unknown)
	ExecMoveAbort                                                               // Location, AbortCode
	ExecVMVerificationOrDeserializationError                                    // unit
	ExecVMInvariantViolation                                                    // unit
	ExecFunctionNotFound                                                        // unit
	ExecArityMismatch                                                           // unit
	ExecTypeArityMismatch                                                       // unit
	ExecNonEntryFunctionInvoked                                                 // unit
	ExecCommandArgumentError                                                    // Index (arg_idx), CommandArgument
	ExecTypeArgumentError                                                       // Index (argument_idx), TypeArgument
	ExecUnusedValueWithoutDrop                                                  // Index (result_idx), SecondaryIndex
	ExecInvalidPublicFunctionReturnType                                         // Index
	ExecInvalidTransferObject                                                   // unit
	ExecEffectsTooLarge                                                         // Size (current_size), MaxSize
	ExecPublishUpgradeMissingDependency                                         // unit
	ExecPublishUpgradeDependencyDowngrade                                       // unit
	ExecPackageUpgradeError                                                     // PackageUpgrade
	ExecWrittenObjectsTooLarge                                                  // Size (current_size), MaxSize
	ExecCertificateDenied                                                       // unit
	ExecSuiMoveVerificationTimedout                                             // unit
	ExecSharedObjectOperationNotAllowed                                         // unit
	ExecInputObjectDeleted                                                      // unit
	ExecExecutionCancelledDueToSharedObjectCongestion                           // CongestedObjects
	ExecAddressDeniedForCoin                                                    // Object (the address), CoinType
	ExecCoinTypeGlobalPause                                                     // CoinType
	ExecExecutionCancelledDueToRandomnessUnavailable                            // unit
	ExecMoveVectorElemTooBig                                                    // Size (value_size), MaxSize (max_scaled_size)
	ExecMoveRawValueTooBig                                                      // Size (value_size), MaxSize (max_scaled_size)
	ExecInvalidLinkage                                                          // unit
	ExecInsufficientFundsForWithdraw                                            // unit
	ExecNonExclusiveWriteInputObjectModified                                    // Object
	ExecSystemObjectNotAvailableLocally                                         // unit; node-local, never in committed effects
	ExecInsufficientObjectFundsForWithdraw                                      // unit
	numExecutionErrorKinds
)

// executionErrorLayout is the shape of a variant's fields on the wire.
type executionErrorLayout uint8

const (
	layoutUnit     executionErrorLayout = iota
	layoutTwoU64                        // u64 u64
	layoutID                            // ObjectID / SuiAddress
	layoutOptLoc                        // Option<MoveLocation>
	layoutAbort                         // MoveLocation u64
	layoutCmdArg                        // u16 CommandArgumentError
	layoutTypeArg                       // u16 TypeArgumentError
	layoutTwoU16                        // u16 u16
	layoutU16                           // u16
	layoutUpgrade                       // PackageUpgradeError
	layoutIDs                           // Vec<ObjectID>
	layoutIDString                      // SuiAddress String
	layoutString                        // String
)

var executionErrorInfo = [numExecutionErrorKinds]struct {
	name   string
	layout executionErrorLayout
}{
	ExecInsufficientGas:                               {"InsufficientGas", layoutUnit},
	ExecInvalidGasObject:                              {"InvalidGasObject", layoutUnit},
	ExecInvariantViolation:                            {"InvariantViolation", layoutUnit},
	ExecFeatureNotYetSupported:                        {"FeatureNotYetSupported", layoutUnit},
	ExecMoveObjectTooBig:                              {"MoveObjectTooBig", layoutTwoU64},
	ExecMovePackageTooBig:                             {"MovePackageTooBig", layoutTwoU64},
	ExecCircularObjectOwnership:                       {"CircularObjectOwnership", layoutID},
	ExecInsufficientCoinBalance:                       {"InsufficientCoinBalance", layoutUnit},
	ExecCoinBalanceOverflow:                           {"CoinBalanceOverflow", layoutUnit},
	ExecPublishErrorNonZeroAddress:                    {"PublishErrorNonZeroAddress", layoutUnit},
	ExecSuiMoveVerificationError:                      {"SuiMoveVerificationError", layoutUnit},
	ExecMovePrimitiveRuntimeError:                     {"MovePrimitiveRuntimeError", layoutOptLoc},
	ExecMoveAbort:                                     {"MoveAbort", layoutAbort},
	ExecVMVerificationOrDeserializationError:          {"VMVerificationOrDeserializationError", layoutUnit},
	ExecVMInvariantViolation:                          {"VMInvariantViolation", layoutUnit},
	ExecFunctionNotFound:                              {"FunctionNotFound", layoutUnit},
	ExecArityMismatch:                                 {"ArityMismatch", layoutUnit},
	ExecTypeArityMismatch:                             {"TypeArityMismatch", layoutUnit},
	ExecNonEntryFunctionInvoked:                       {"NonEntryFunctionInvoked", layoutUnit},
	ExecCommandArgumentError:                          {"CommandArgumentError", layoutCmdArg},
	ExecTypeArgumentError:                             {"TypeArgumentError", layoutTypeArg},
	ExecUnusedValueWithoutDrop:                        {"UnusedValueWithoutDrop", layoutTwoU16},
	ExecInvalidPublicFunctionReturnType:               {"InvalidPublicFunctionReturnType", layoutU16},
	ExecInvalidTransferObject:                         {"InvalidTransferObject", layoutUnit},
	ExecEffectsTooLarge:                               {"EffectsTooLarge", layoutTwoU64},
	ExecPublishUpgradeMissingDependency:               {"PublishUpgradeMissingDependency", layoutUnit},
	ExecPublishUpgradeDependencyDowngrade:             {"PublishUpgradeDependencyDowngrade", layoutUnit},
	ExecPackageUpgradeError:                           {"PackageUpgradeError", layoutUpgrade},
	ExecWrittenObjectsTooLarge:                        {"WrittenObjectsTooLarge", layoutTwoU64},
	ExecCertificateDenied:                             {"CertificateDenied", layoutUnit},
	ExecSuiMoveVerificationTimedout:                   {"SuiMoveVerificationTimedout", layoutUnit},
	ExecSharedObjectOperationNotAllowed:               {"SharedObjectOperationNotAllowed", layoutUnit},
	ExecInputObjectDeleted:                            {"InputObjectDeleted", layoutUnit},
	ExecExecutionCancelledDueToSharedObjectCongestion: {"ExecutionCancelledDueToSharedObjectCongestion", layoutIDs},
	ExecAddressDeniedForCoin:                          {"AddressDeniedForCoin", layoutIDString},
	ExecCoinTypeGlobalPause:                           {"CoinTypeGlobalPause", layoutString},
	ExecExecutionCancelledDueToRandomnessUnavailable:  {"ExecutionCancelledDueToRandomnessUnavailable", layoutUnit},
	ExecMoveVectorElemTooBig:                          {"MoveVectorElemTooBig", layoutTwoU64},
	ExecMoveRawValueTooBig:                            {"MoveRawValueTooBig", layoutTwoU64},
	ExecInvalidLinkage:                                {"InvalidLinkage", layoutUnit},
	ExecInsufficientFundsForWithdraw:                  {"InsufficientFundsForWithdraw", layoutUnit},
	ExecNonExclusiveWriteInputObjectModified:          {"NonExclusiveWriteInputObjectModified", layoutID},
	ExecSystemObjectNotAvailableLocally:               {"SystemObjectNotAvailableLocally", layoutUnit},
	ExecInsufficientObjectFundsForWithdraw:            {"InsufficientObjectFundsForWithdraw", layoutUnit},
}

// String is the variant's name in Sui.
func (k ExecutionErrorKind) String() string {
	if k < numExecutionErrorKinds {
		return executionErrorInfo[k].name
	}
	return fmt.Sprintf("ExecutionErrorKind(%d)", uint8(k))
}

// ExecutionError is why a transaction failed (Sui's ExecutionFailureStatus). Only the
// fields of Kind are encoded; the comment on each Kind constant names them.
type ExecutionError struct {
	Kind             ExecutionErrorKind
	Size             uint64        // object_size, current_size or value_size
	MaxSize          uint64        // max_object_size, max_size or max_scaled_size
	Object           walrus.ID     // object, id, or the denied address
	Location         *MoveLocation // MoveAbort (nil encodes as a zero location), MovePrimitiveRuntimeError (nil = None)
	AbortCode        uint64        // MoveAbort
	Index            uint16        // arg_idx, argument_idx, result_idx or idx
	SecondaryIndex   uint16        // UnusedValueWithoutDrop's secondary_idx
	CommandArgument  CommandArgumentError
	TypeArgument     TypeArgumentError
	PackageUpgrade   PackageUpgradeError
	CongestedObjects []walrus.ID
	CoinType         string
}

func (x *ExecutionError) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(x.Kind))
	if x.Kind >= numExecutionErrorKinds {
		return
	}
	switch executionErrorInfo[x.Kind].layout {
	case layoutTwoU64:
		e.U64(x.Size)
		e.U64(x.MaxSize)
	case layoutID:
		x.Object.MarshalBCS(e)
	case layoutOptLoc:
		if x.Location == nil {
			e.U8(0)
		} else {
			e.U8(1)
			x.Location.MarshalBCS(e)
		}
	case layoutAbort:
		loc := x.Location
		if loc == nil {
			loc = &MoveLocation{}
		}
		loc.MarshalBCS(e)
		e.U64(x.AbortCode)
	case layoutCmdArg:
		e.U16(x.Index)
		x.CommandArgument.MarshalBCS(e)
	case layoutTypeArg:
		e.U16(x.Index)
		e.ULEB128(uint64(x.TypeArgument))
	case layoutTwoU16:
		e.U16(x.Index)
		e.U16(x.SecondaryIndex)
	case layoutU16:
		e.U16(x.Index)
	case layoutUpgrade:
		x.PackageUpgrade.MarshalBCS(e)
	case layoutIDs:
		putIDs(e, x.CongestedObjects)
	case layoutIDString:
		x.Object.MarshalBCS(e)
		e.String(x.CoinType)
	case layoutString:
		e.String(x.CoinType)
	}
}

func (x *ExecutionError) UnmarshalBCS(d *bcs.Decoder) {
	*x = ExecutionError{Kind: ExecutionErrorKind(d.Tag(int(numExecutionErrorKinds)))}
	if d.Err() != nil {
		return
	}
	switch executionErrorInfo[x.Kind].layout {
	case layoutTwoU64:
		x.Size = d.U64()
		x.MaxSize = d.U64()
	case layoutID:
		x.Object.UnmarshalBCS(d)
	case layoutOptLoc:
		if getOption(d) {
			x.Location = new(MoveLocation)
			x.Location.UnmarshalBCS(d)
		}
	case layoutAbort:
		x.Location = new(MoveLocation)
		x.Location.UnmarshalBCS(d)
		x.AbortCode = d.U64()
	case layoutCmdArg:
		x.Index = d.U16()
		x.CommandArgument.UnmarshalBCS(d)
	case layoutTypeArg:
		x.Index = d.U16()
		x.TypeArgument = TypeArgumentError(d.Tag(2))
	case layoutTwoU16:
		x.Index = d.U16()
		x.SecondaryIndex = d.U16()
	case layoutU16:
		x.Index = d.U16()
	case layoutUpgrade:
		x.PackageUpgrade.UnmarshalBCS(d)
	case layoutIDs:
		x.CongestedObjects = getIDs(d)
	case layoutIDString:
		x.Object.UnmarshalBCS(d)
		x.CoinType = getString(d)
	case layoutString:
		x.CoinType = getString(d)
	}
}

// String describes the error like Sui's Display, briefly.
func (x *ExecutionError) String() string {
	switch x.Kind {
	case ExecMoveAbort:
		return fmt.Sprintf("MoveAbort(%s, %d)", x.Location, x.AbortCode)
	case ExecMovePrimitiveRuntimeError:
		if x.Location == nil {
			return "MovePrimitiveRuntimeError(UNKNOWN)"
		}
		return fmt.Sprintf("MovePrimitiveRuntimeError(%s)", x.Location)
	case ExecCommandArgumentError:
		return fmt.Sprintf("CommandArgumentError{arg_idx: %d, kind: %s}", x.Index, x.CommandArgument)
	case ExecTypeArgumentError:
		return fmt.Sprintf("TypeArgumentError{argument_idx: %d, kind: %s}", x.Index, x.TypeArgument)
	case ExecPackageUpgradeError:
		return fmt.Sprintf("PackageUpgradeError{%s}", x.PackageUpgrade.Kind)
	}
	if x.Kind >= numExecutionErrorKinds {
		return x.Kind.String()
	}
	switch executionErrorInfo[x.Kind].layout {
	case layoutTwoU64:
		return fmt.Sprintf("%s{%d, max %d}", x.Kind, x.Size, x.MaxSize)
	case layoutID:
		return fmt.Sprintf("%s{%s}", x.Kind, x.Object)
	case layoutTwoU16:
		return fmt.Sprintf("%s{%d, %d}", x.Kind, x.Index, x.SecondaryIndex)
	case layoutU16:
		return fmt.Sprintf("%s{%d}", x.Kind, x.Index)
	case layoutIDs:
		return fmt.Sprintf("%s{%d objects}", x.Kind, len(x.CongestedObjects))
	case layoutIDString:
		return fmt.Sprintf("%s{%s, %s}", x.Kind, x.Object, x.CoinType)
	case layoutString:
		return fmt.Sprintf("%s{%s}", x.Kind, x.CoinType)
	}
	return x.Kind.String()
}

// MoveLocation is where Move code aborted: the module (ModuleId {address, name}), the
// function's index in it, the bytecode offset, and the function's name when Sui knows it.
// The module name is a Move identifier (checked when decoding, as Sui's Identifier does);
// the function name is a plain string.
type MoveLocation struct {
	Package      walrus.ID // the module's address: the package ID (original, for upgraded packages)
	Module       string
	Function     uint16
	Instruction  uint16
	FunctionName *string
}

func (l *MoveLocation) MarshalBCS(e *bcs.Encoder) {
	l.Package.MarshalBCS(e)
	e.String(l.Module)
	e.U16(l.Function)
	e.U16(l.Instruction)
	if l.FunctionName == nil {
		e.U8(0)
	} else {
		e.U8(1)
		e.String(*l.FunctionName)
	}
}

func (l *MoveLocation) UnmarshalBCS(d *bcs.Decoder) {
	*l = MoveLocation{}
	l.Package.UnmarshalBCS(d)
	l.Module = getIdentifier(d)
	l.Function = d.U16()
	l.Instruction = d.U16()
	if getOption(d) {
		s := getString(d)
		l.FunctionName = &s
	}
}

// String is module::function (or the function index) and the instruction offset.
func (l *MoveLocation) String() string {
	if l == nil {
		return "UNKNOWN"
	}
	var b strings.Builder
	b.WriteString(shortAddress(l.Package))
	b.WriteString("::")
	b.WriteString(l.Module)
	b.WriteString("::")
	if l.FunctionName != nil {
		b.WriteString(*l.FunctionName)
	} else {
		fmt.Fprintf(&b, "<function %d>", l.Function)
	}
	fmt.Fprintf(&b, " at offset %d", l.Instruction)
	return b.String()
}

// CommandArgumentErrorKind is the variant of a CommandArgumentError.
type CommandArgumentErrorKind uint8

// CommandArgumentError variants, in BCS tag order.
const (
	ArgErrTypeMismatch                          CommandArgumentErrorKind = iota
	ArgErrInvalidBCSBytes                                                // unit
	ArgErrInvalidUsageOfPureArg                                          // unit
	ArgErrInvalidArgumentToPrivateEntryFunction                          // unit
	ArgErrIndexOutOfBounds                                               // Index (idx)
	ArgErrSecondaryIndexOutOfBounds                                      // Index (result_idx), Secondary
	ArgErrInvalidResultArity                                             // Index (result_idx)
	ArgErrInvalidGasCoinUsage
	ArgErrInvalidValueUsage
	ArgErrInvalidObjectByValue
	ArgErrInvalidObjectByMutRef
	ArgErrSharedObjectOperationNotAllowed
	ArgErrInvalidArgumentArity
	ArgErrInvalidTransferObject
	ArgErrInvalidMakeMoveVecNonObjectArgument
	ArgErrArgumentWithoutValue
	ArgErrCannotMoveBorrowedValue
	ArgErrCannotWriteToExtendedReference
	ArgErrInvalidReferenceArgument
	ArgErrInvalidTxContext
	numCommandArgumentErrorKinds
)

var commandArgumentErrorNames = [numCommandArgumentErrorKinds]string{
	"TypeMismatch", "InvalidBCSBytes", "InvalidUsageOfPureArg", "InvalidArgumentToPrivateEntryFunction",
	"IndexOutOfBounds", "SecondaryIndexOutOfBounds", "InvalidResultArity", "InvalidGasCoinUsage",
	"InvalidValueUsage", "InvalidObjectByValue", "InvalidObjectByMutRef", "SharedObjectOperationNotAllowed",
	"InvalidArgumentArity", "InvalidTransferObject", "InvalidMakeMoveVecNonObjectArgument",
	"ArgumentWithoutValue", "CannotMoveBorrowedValue", "CannotWriteToExtendedReference",
	"InvalidReferenceArgument", "InvalidTxContext",
}

func (k CommandArgumentErrorKind) String() string {
	if k < numCommandArgumentErrorKinds {
		return commandArgumentErrorNames[k]
	}
	return fmt.Sprintf("CommandArgumentError(%d)", uint8(k))
}

// CommandArgumentError is what was wrong with a command's argument. Index and Secondary are
// used by the variants that carry indices.
type CommandArgumentError struct {
	Kind      CommandArgumentErrorKind
	Index     uint16
	Secondary uint16
}

func (c *CommandArgumentError) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(c.Kind))
	switch c.Kind {
	case ArgErrIndexOutOfBounds, ArgErrInvalidResultArity:
		e.U16(c.Index)
	case ArgErrSecondaryIndexOutOfBounds:
		e.U16(c.Index)
		e.U16(c.Secondary)
	}
}

func (c *CommandArgumentError) UnmarshalBCS(d *bcs.Decoder) {
	*c = CommandArgumentError{Kind: CommandArgumentErrorKind(d.Tag(int(numCommandArgumentErrorKinds)))}
	if d.Err() != nil {
		return
	}
	switch c.Kind {
	case ArgErrIndexOutOfBounds, ArgErrInvalidResultArity:
		c.Index = d.U16()
	case ArgErrSecondaryIndexOutOfBounds:
		c.Index = d.U16()
		c.Secondary = d.U16()
	}
}

func (c CommandArgumentError) String() string {
	switch c.Kind {
	case ArgErrIndexOutOfBounds, ArgErrInvalidResultArity:
		return fmt.Sprintf("%s{%d}", c.Kind, c.Index)
	case ArgErrSecondaryIndexOutOfBounds:
		return fmt.Sprintf("%s{%d, %d}", c.Kind, c.Index, c.Secondary)
	}
	return c.Kind.String()
}

// TypeArgumentError is TypeNotFound (0) or ConstraintNotSatisfied (1).
type TypeArgumentError uint8

// TypeArgumentError variants.
const (
	TypeArgErrTypeNotFound           TypeArgumentError = 0
	TypeArgErrConstraintNotSatisfied TypeArgumentError = 1
)

func (t TypeArgumentError) String() string {
	switch t {
	case TypeArgErrTypeNotFound:
		return "TypeNotFound"
	case TypeArgErrConstraintNotSatisfied:
		return "ConstraintNotSatisfied"
	}
	return fmt.Sprintf("TypeArgumentError(%d)", uint8(t))
}

// PackageUpgradeErrorKind is the variant of a PackageUpgradeError.
type PackageUpgradeErrorKind uint8

// PackageUpgradeError variants, in BCS tag order.
const (
	UpgradeErrUnableToFetchPackage  PackageUpgradeErrorKind = iota // PackageID
	UpgradeErrNotAPackage                                          // ObjectID
	UpgradeErrIncompatibleUpgrade                                  // unit
	UpgradeErrDigestDoesNotMatch                                   // Digest (a byte vector of any length)
	UpgradeErrUnknownUpgradePolicy                                 // Policy
	UpgradeErrPackageIDDoesNotMatch                                // PackageID, TicketID
	numPackageUpgradeErrorKinds
)

var packageUpgradeErrorNames = [numPackageUpgradeErrorKinds]string{
	"UnableToFetchPackage", "NotAPackage", "IncompatibleUpgrade", "DigestDoesNotMatch",
	"UnknownUpgradePolicy", "PackageIDDoesNotMatch",
}

func (k PackageUpgradeErrorKind) String() string {
	if k < numPackageUpgradeErrorKinds {
		return packageUpgradeErrorNames[k]
	}
	return fmt.Sprintf("PackageUpgradeError(%d)", uint8(k))
}

// PackageUpgradeError is why a package upgrade failed. Only the fields of Kind are encoded.
type PackageUpgradeError struct {
	Kind      PackageUpgradeErrorKind
	PackageID walrus.ID // UnableToFetchPackage, PackageIDDoesNotMatch
	ObjectID  walrus.ID // NotAPackage
	TicketID  walrus.ID // PackageIDDoesNotMatch
	Digest    []byte    // DigestDoesNotMatch (Vec<u8> in Sui, not a 32-byte Digest)
	Policy    uint8     // UnknownUpgradePolicy
}

func (p *PackageUpgradeError) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(p.Kind))
	switch p.Kind {
	case UpgradeErrUnableToFetchPackage:
		p.PackageID.MarshalBCS(e)
	case UpgradeErrNotAPackage:
		p.ObjectID.MarshalBCS(e)
	case UpgradeErrDigestDoesNotMatch:
		e.ByteVec(p.Digest)
	case UpgradeErrUnknownUpgradePolicy:
		e.U8(p.Policy)
	case UpgradeErrPackageIDDoesNotMatch:
		p.PackageID.MarshalBCS(e)
		p.TicketID.MarshalBCS(e)
	}
}

func (p *PackageUpgradeError) UnmarshalBCS(d *bcs.Decoder) {
	*p = PackageUpgradeError{Kind: PackageUpgradeErrorKind(d.Tag(int(numPackageUpgradeErrorKinds)))}
	if d.Err() != nil {
		return
	}
	switch p.Kind {
	case UpgradeErrUnableToFetchPackage:
		p.PackageID.UnmarshalBCS(d)
	case UpgradeErrNotAPackage:
		p.ObjectID.UnmarshalBCS(d)
	case UpgradeErrDigestDoesNotMatch:
		p.Digest = getBytes(d)
	case UpgradeErrUnknownUpgradePolicy:
		p.Policy = d.U8()
	case UpgradeErrPackageIDDoesNotMatch:
		p.PackageID.UnmarshalBCS(d)
		p.TicketID.UnmarshalBCS(d)
	}
}

// MoveAbortError is a failed status's Move abort seen as a Go error: which module aborted
// (its address and name), in which function when the effects name it, with which code,
// and in which command. The chain client maps (Module, ModuleName, Code) to typed errors.
type MoveAbortError struct {
	Module       walrus.ID // the module's address (for an upgraded package, its original ID)
	ModuleName   string
	FunctionName string // "" when the effects carry no name
	Function     uint16 // the function's index in the module
	Instruction  uint16
	Code         uint64
	Command      *uint64 // the failing command's index, if known
}

func (e *MoveAbortError) Error() string {
	fn := e.FunctionName
	if fn == "" {
		fn = fmt.Sprintf("<function %d>", e.Function)
	}
	s := fmt.Sprintf("sui: move abort in %s::%s::%s with code %d", shortAddress(e.Module), e.ModuleName, fn, e.Code)
	if e.Command != nil {
		s += fmt.Sprintf(" (command %d)", *e.Command)
	}
	return s
}

// MoveAbort returns the Move abort view of a failed status, or nil when the status is a
// success or a failure other than MoveAbort.
func (s *ExecutionStatus) MoveAbort() *MoveAbortError {
	if s == nil || s.Failure == nil || s.Failure.Error.Kind != ExecMoveAbort {
		return nil
	}
	f := s.Failure
	m := &MoveAbortError{Code: f.Error.AbortCode, Command: f.Command}
	if loc := f.Error.Location; loc != nil {
		m.Module, m.ModuleName = loc.Package, loc.Module
		m.Function, m.Instruction = loc.Function, loc.Instruction
		if loc.FunctionName != nil {
			m.FunctionName = *loc.FunctionName
		}
	}
	return m
}

// ExecutionFailedError is a failed status other than a Move abort, as a Go error.
type ExecutionFailedError struct {
	Failure ExecutionFailure
}

func (e *ExecutionFailedError) Error() string {
	s := "sui: execution failed: " + e.Failure.Error.String()
	if e.Failure.Command != nil {
		s += fmt.Sprintf(" (command %d)", *e.Failure.Command)
	}
	return s
}

// Err is nil for a success, a *MoveAbortError for a Move abort and an
// *ExecutionFailedError for any other failure.
func (s *ExecutionStatus) Err() error {
	if s == nil || s.Failure == nil {
		return nil
	}
	if m := s.MoveAbort(); m != nil {
		return m
	}
	return &ExecutionFailedError{Failure: *s.Failure}
}

// getIdentifier reads a move-core-types Identifier: a string that must be a valid Move
// identifier (Sui rejects anything else while deserializing).
func getIdentifier(d *bcs.Decoder) string {
	s := getString(d)
	if d.Err() == nil && !IsValidIdentifier(s) {
		d.Failf("invalid identifier %q", s)
		return ""
	}
	return s
}
