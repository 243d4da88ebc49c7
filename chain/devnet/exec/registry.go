package exec

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// ErrRegistry reports a misuse of the Registry (a bad or duplicate registration).
var ErrRegistry = errors.New("exec: registry")

// Abilities is a set of Move abilities.
type Abilities uint8

// Move abilities.
const (
	AbilityCopy Abilities = 1 << iota
	AbilityDrop
	AbilityStore
	AbilityKey
)

// Has reports whether a holds every ability of b.
func (a Abilities) Has(b Abilities) bool { return a&b == b }

func (a Abilities) String() string {
	s := ""
	for _, x := range []struct {
		a    Abilities
		name string
	}{{AbilityCopy, "copy"}, {AbilityDrop, "drop"}, {AbilityStore, "store"}, {AbilityKey, "key"}} {
		if a.Has(x.a) {
			if s != "" {
				s += ", "
			}
			s += x.name
		}
	}
	return "{" + s + "}"
}

// primitiveAbilities are those of bool, the integers and address.
const primitiveAbilities = AbilityCopy | AbilityDrop | AbilityStore

// TypeDef declares a Move struct type to the registry: its abilities and which of its
// type parameters are phantom (their abilities do not constrain the instantiation's).
// A type parameter past the end of Phantom is not phantom.
type TypeDef struct {
	Abilities Abilities
	Phantom   []bool
}

// ParamKind is how a Move function takes a parameter.
type ParamKind uint8

// Parameter kinds.
const (
	// Pure is a value of a type without key, by value: a Pure input (its BCS is checked
	// against Type, as Sui does for the pure types) or a result of that type.
	Pure ParamKind = iota
	// Ref is &T: an object input or gas coin (read), or a value.
	Ref
	// MutRef is &mut T: a mutable object input (owned, or shared passed as mutable), the
	// gas coin, a Pure input or a result; changes are written back.
	MutRef
	// Value is T by value: the value is moved into the call (objects must then be
	// transferred, shared, frozen, wrapped, deleted or returned by the function).
	Value
)

var paramKindNames = [...]string{"Pure", "Ref", "MutRef", "Value"}

func (k ParamKind) String() string {
	if int(k) < len(paramKindNames) {
		return paramKindNames[k]
	}
	return "ParamKind(" + strconv.Itoa(int(k)) + ")"
}

// Param is one parameter of a registered function. Type may mention the function's type
// parameters through TypeParam(i). The &mut TxContext / &TxContext parameter of Move
// functions is not listed: transactions never pass it, and Call gives its contents.
type Param struct {
	Kind ParamKind
	Type sui.TypeTag
}

// Function is a Move function implemented in Go.
type Function struct {
	// TypeParams is the number of type parameters; a call must give exactly that many
	// type arguments (TypeArityMismatch otherwise).
	TypeParams int
	// Params are the parameters (ArityMismatch when the call gives another number).
	Params []Param
	// Returns, when not nil, are the types the function returns (with TypeParam
	// placeholders); the executor checks what Call returns against them.
	Returns []sui.TypeTag
	// Index is the function's definition index in the compiled Move module, reported in
	// MoveAbort locations of aborts in this function; 0 when unknown.
	Index uint16
	// Call runs the function. Return nil on success, the error of Call.Abort (or
	// Call.ArithmeticError) for a Move abort; any other error or a panic fails the
	// transaction with an InvariantViolation status (a bug in the Go implementation).
	Call func(c *Call) error
}

type funcKey struct {
	pkg      walrus.ID
	module   string
	function string
}

type typeKey struct {
	addr   walrus.ID
	module string
	name   string
}

// Registry maps (package, module, function) to Go implementations of Move functions and
// knows the abilities of struct types. It is safe for concurrent use; register before
// executing transactions that need the functions.
type Registry struct {
	mu       sync.RWMutex
	funcs    map[funcKey]*Function
	types    map[typeKey]TypeDef
	packages map[walrus.ID]bool
}

var (
	addr1 = walrus.MustParseID("0x1")
	addr2 = walrus.MustParseID("0x2")
)

// NewRegistry returns a registry that knows the framework types the executor and Walrus
// use (0x1 and 0x2 are known packages; their functions still need registering):
//
//	0x2::coin::Coin<phantom T>, TreasuryCap<phantom T>   key, store
//	0x2::balance::Balance<phantom T>, Supply<phantom T>  store
//	0x2::sui::SUI                                        drop
//	0x2::object::ID                                      copy, drop, store
//	0x2::object::UID                                     store
//	0x2::clock::Clock                                    key
//	0x2::table::Table, object_table::ObjectTable, bag::Bag, object_bag::ObjectBag  key, store (phantom parameters)
//	0x2::dynamic_field::Field<N, V>                      key
//	0x2::vec_map::VecMap<K, V>, vec_set::VecSet<K>       copy, drop, store
//	0x1::string::String, ascii::String                   copy, drop, store
//	0x1::option::Option<T>                               copy, drop, store
//	0x2::url::Url                                        copy, drop, store
func NewRegistry() *Registry {
	r := &Registry{
		funcs:    make(map[funcKey]*Function),
		types:    make(map[typeKey]TypeDef),
		packages: map[walrus.ID]bool{addr1: true, addr2: true},
	}
	ks := AbilityKey | AbilityStore
	cds := AbilityCopy | AbilityDrop | AbilityStore
	for _, d := range []struct {
		addr         walrus.ID
		module, name string
		def          TypeDef
	}{
		{addr2, "coin", "Coin", TypeDef{ks, []bool{true}}},
		{addr2, "coin", "TreasuryCap", TypeDef{ks, []bool{true}}},
		{addr2, "balance", "Balance", TypeDef{AbilityStore, []bool{true}}},
		{addr2, "balance", "Supply", TypeDef{AbilityStore, []bool{true}}},
		{addr2, "sui", "SUI", TypeDef{Abilities: AbilityDrop}},
		{addr2, "object", "ID", TypeDef{Abilities: cds}},
		{addr2, "object", "UID", TypeDef{Abilities: AbilityStore}},
		{addr2, "clock", "Clock", TypeDef{Abilities: AbilityKey}},
		{addr2, "table", "Table", TypeDef{ks, []bool{true, true}}},
		{addr2, "object_table", "ObjectTable", TypeDef{ks, []bool{true, true}}},
		{addr2, "bag", "Bag", TypeDef{Abilities: ks}},
		{addr2, "object_bag", "ObjectBag", TypeDef{Abilities: ks}},
		{addr2, "dynamic_field", "Field", TypeDef{Abilities: AbilityKey}},
		{addr2, "vec_map", "VecMap", TypeDef{Abilities: cds}},
		{addr2, "vec_set", "VecSet", TypeDef{Abilities: cds}},
		{addr2, "url", "Url", TypeDef{Abilities: cds}},
		{addr1, "string", "String", TypeDef{Abilities: cds}},
		{addr1, "ascii", "String", TypeDef{Abilities: cds}},
		{addr1, "option", "Option", TypeDef{Abilities: cds}},
	} {
		r.types[typeKey{d.addr, d.module, d.name}] = d.def
	}
	return r
}

// RegisterType declares the struct type addr::module::name. Types not declared have no
// abilities: they cannot be transferred with TransferObjects, dropped or copied.
func (r *Registry) RegisterType(addr walrus.ID, module, name string, def TypeDef) error {
	if !sui.IsValidIdentifier(module) || !sui.IsValidIdentifier(name) {
		return fmt.Errorf("%w: invalid type name %s::%s", ErrRegistry, module, name)
	}
	if def.Abilities.Has(AbilityKey) && def.Abilities&(AbilityCopy|AbilityDrop) != 0 {
		return fmt.Errorf("%w: %s::%s: a key type cannot have copy or drop", ErrRegistry, module, name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.types[typeKey{addr, module, name}] = TypeDef{Abilities: def.Abilities, Phantom: append([]bool(nil), def.Phantom...)}
	return nil
}

// MustRegisterType is RegisterType that panics on error; for package initialisation.
func (r *Registry) MustRegisterType(addr walrus.ID, module, name string, def TypeDef) {
	if err := r.RegisterType(addr, module, name, def); err != nil {
		panic(err)
	}
}

// Register adds the Go implementation of pkg::module::function. Registering makes pkg a
// known package (calls to unknown packages are rejected before execution, as a node
// rejects a missing package; unknown functions of a known package fail execution with
// FunctionNotFound).
func (r *Registry) Register(pkg walrus.ID, module, function string, f Function) error {
	if !sui.IsValidIdentifier(module) || !sui.IsValidIdentifier(function) {
		return fmt.Errorf("%w: invalid function name %s::%s", ErrRegistry, module, function)
	}
	if f.Call == nil {
		return fmt.Errorf("%w: %s::%s has no Call", ErrRegistry, module, function)
	}
	if f.TypeParams < 0 || f.TypeParams > 32 {
		return fmt.Errorf("%w: %s::%s: %d type parameters", ErrRegistry, module, function, f.TypeParams)
	}
	for i, p := range f.Params {
		if p.Kind > Value {
			return fmt.Errorf("%w: %s::%s parameter %d: kind %d", ErrRegistry, module, function, i, p.Kind)
		}
		if err := checkPlaceholders(&p.Type, f.TypeParams); err != nil {
			return fmt.Errorf("%w: %s::%s parameter %d: %v", ErrRegistry, module, function, i, err)
		}
	}
	for i := range f.Returns {
		if err := checkPlaceholders(&f.Returns[i], f.TypeParams); err != nil {
			return fmt.Errorf("%w: %s::%s return %d: %v", ErrRegistry, module, function, i, err)
		}
	}
	k := funcKey{pkg, module, function}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.funcs[k]; dup {
		return fmt.Errorf("%w: %s::%s::%s registered twice", ErrRegistry, pkg, module, function)
	}
	fc := f
	fc.Params = append([]Param(nil), f.Params...)
	fc.Returns = append([]sui.TypeTag(nil), f.Returns...)
	r.funcs[k] = &fc
	r.packages[pkg] = true
	return nil
}

// MustRegister is Register that panics on error; for package initialisation.
func (r *Registry) MustRegister(pkg walrus.ID, module, function string, f Function) {
	if err := r.Register(pkg, module, function, f); err != nil {
		panic(err)
	}
}

// Function returns the registered implementation of pkg::module::function.
func (r *Registry) Function(pkg walrus.ID, module, function string) (*Function, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	f, ok := r.funcs[funcKey{pkg, module, function}]
	return f, ok
}

// FunctionName names a registered function.
type FunctionName struct {
	Package  walrus.ID
	Module   string
	Function string
}

// Functions lists the registered functions in a stable order (for GetFunction-style
// services).
func (r *Registry) Functions() []FunctionName {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]FunctionName, 0, len(r.funcs))
	for k := range r.funcs {
		out = append(out, FunctionName{k.pkg, k.module, k.function})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if c := a.Package.Compare(b.Package); c != 0 {
			return c < 0
		}
		if a.Module != b.Module {
			return a.Module < b.Module
		}
		return a.Function < b.Function
	})
	return out
}

// KnownPackage reports whether pkg is 0x1, 0x2 or a package with registered functions.
func (r *Registry) KnownPackage(pkg walrus.ID) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.packages[pkg]
}

// AbilitiesOf computes the abilities of a (fully instantiated) type as Move does:
// primitives have copy, drop and store; a vector has its element's; a struct has its
// declared abilities, less copy, drop or store when a non-phantom type argument lacks
// it, and less key when one lacks store. Undeclared structs have none.
func (r *Registry) AbilitiesOf(t sui.TypeTag) Abilities {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.abilities(&t, 0)
}

func (r *Registry) abilities(t *sui.TypeTag, depth int) Abilities {
	if depth > 64 {
		return 0
	}
	switch t.Kind {
	case sui.TypeVector:
		if t.Elem == nil {
			return 0
		}
		return r.abilities(t.Elem, depth+1) & primitiveAbilities
	case sui.TypeStruct:
		s := t.Struct
		if s == nil {
			return 0
		}
		def, ok := r.types[typeKey{s.Address, s.Module, s.Name}]
		if !ok {
			return 0
		}
		a := def.Abilities
		for i := range s.TypeParams {
			if i < len(def.Phantom) && def.Phantom[i] {
				continue
			}
			pa := r.abilities(&s.TypeParams[i], depth+1)
			a &^= (AbilityCopy | AbilityDrop | AbilityStore) &^ pa
			if !pa.Has(AbilityStore) {
				a &^= AbilityKey
			}
		}
		return a
	case sui.TypeSigner:
		return AbilityDrop
	default:
		return primitiveAbilities
	}
}

// --- type parameters ---

// TypeParam is a placeholder for the function's i-th type parameter, for Param.Type and
// Function.Returns: Param{Kind: MutRef, Type: sui.CoinType(exec.TypeParam(0))} is
// &mut Coin<T0>. The executor substitutes the call's type arguments. (The placeholder is
// a struct tag with an empty module name, which no real type can have.)
func TypeParam(i int) sui.TypeTag {
	return sui.TypeTag{Kind: sui.TypeStruct, Struct: &sui.StructTag{Name: strconv.Itoa(i)}}
}

func placeholderIndex(t *sui.TypeTag) (int, bool) {
	if t.Kind != sui.TypeStruct || t.Struct == nil || t.Struct.Module != "" || t.Struct.Address != (walrus.ID{}) {
		return 0, false
	}
	i, err := strconv.Atoi(t.Struct.Name)
	return i, err == nil && i >= 0
}

func checkPlaceholders(t *sui.TypeTag, n int) error {
	switch t.Kind {
	case sui.TypeVector:
		if t.Elem == nil {
			return errors.New("vector without element type")
		}
		return checkPlaceholders(t.Elem, n)
	case sui.TypeStruct:
		if t.Struct == nil {
			return errors.New("struct type without tag")
		}
		if i, ok := placeholderIndex(t); ok {
			if i >= n {
				return fmt.Errorf("type parameter %d of %d", i, n)
			}
			return nil
		}
		if !sui.IsValidIdentifier(t.Struct.Module) || !sui.IsValidIdentifier(t.Struct.Name) {
			return fmt.Errorf("invalid struct type %s", t)
		}
		for i := range t.Struct.TypeParams {
			if err := checkPlaceholders(&t.Struct.TypeParams[i], n); err != nil {
				return err
			}
		}
	}
	return nil
}

// instantiate replaces the placeholders in t with args (which the caller has checked
// are as many as the function's type parameters).
func instantiate(t sui.TypeTag, args []sui.TypeTag) sui.TypeTag {
	switch t.Kind {
	case sui.TypeVector:
		e := instantiate(*t.Elem, args)
		return sui.TypeTag{Kind: sui.TypeVector, Elem: &e}
	case sui.TypeStruct:
		if i, ok := placeholderIndex(&t); ok {
			if i < len(args) {
				return args[i]
			}
			return t
		}
		if len(t.Struct.TypeParams) == 0 {
			return t
		}
		s := *t.Struct
		s.TypeParams = make([]sui.TypeTag, len(t.Struct.TypeParams))
		for i := range s.TypeParams {
			s.TypeParams[i] = instantiate(t.Struct.TypeParams[i], args)
		}
		return sui.TypeTag{Kind: sui.TypeStruct, Struct: &s}
	}
	return t
}
