package exec

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// The test package 0xc0de: a shared Counter with increment (aborting on 0), a Token
// with store that can be wrapped in a Box, and u64 dynamic fields on a Counter.
var (
	testPkg     = walrus.MustParseID("0xc0de")
	counterType = sui.StructTag{Address: testPkg, Module: "counter", Name: "Counter"}
	tokenType   = sui.StructTag{Address: testPkg, Module: "counter", Name: "Token"}
	boxType     = sui.StructTag{Address: testPkg, Module: "counter", Name: "Box"}
	createdType = sui.StructTag{Address: testPkg, Module: "counter", Name: "Created"}
	incrType    = sui.StructTag{Address: testPkg, Module: "counter", Name: "Incremented"}
	fieldType   = sui.StructTag{Address: addr2, Module: "dynamic_field", Name: "Field", TypeParams: []sui.TypeTag{sui.TypeTagU64, sui.TypeTagU64}}
	counterTag  = sui.TypeTag{Kind: sui.TypeStruct, Struct: &counterType}
	tokenTag    = sui.TypeTag{Kind: sui.TypeStruct, Struct: &tokenType}
	boxTag      = sui.TypeTag{Kind: sui.TypeStruct, Struct: &boxType}
)

const (
	eZeroIncrement    = 7
	incrementIndex    = 1
	testGasPrice      = 1000
	testBudget        = 50_000_000
	genesisTimeMs     = 1_700_000_000_000
	aliceStartBalance = 10_000_000_000
)

func u64b(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func registerCounter(reg *Registry) {
	reg.MustRegisterType(testPkg, "counter", "Counter", TypeDef{Abilities: AbilityKey})
	reg.MustRegisterType(testPkg, "counter", "Token", TypeDef{Abilities: AbilityKey | AbilityStore})
	reg.MustRegisterType(testPkg, "counter", "Box", TypeDef{Abilities: AbilityKey})
	reg.MustRegisterType(testPkg, "counter", "Created", TypeDef{Abilities: AbilityCopy | AbilityDrop})
	reg.MustRegisterType(testPkg, "counter", "Incremented", TypeDef{Abilities: AbilityCopy | AbilityDrop})

	reg.MustRegister(testPkg, "counter", "create", Function{
		Call: func(c *Call) error {
			id, err := c.NewObject(counterType, u64b(0), Shared())
			if err != nil {
				return err
			}
			return c.Emit(createdType, id[:])
		},
	})
	reg.MustRegister(testPkg, "counter", "increment", Function{
		Index:  incrementIndex,
		Params: []Param{{MutRef, counterTag}, {Pure, sui.TypeTagU64}},
		Call: func(c *Call) error {
			obj, err := c.Object(0)
			if err != nil {
				return err
			}
			by, err := c.U64(1)
			if err != nil {
				return err
			}
			if by == 0 {
				return c.AbortHere(eZeroIncrement)
			}
			v := binary.LittleEndian.Uint64(obj.Contents[32:])
			if v+by < v {
				return c.ArithmeticError(testPkg, "counter", "increment")
			}
			v += by
			if err := c.Set(0, append(obj.Contents[:32:32], u64b(v)...)); err != nil {
				return err
			}
			id := obj.ID()
			return c.Emit(incrType, append(id[:], u64b(v)...))
		},
	})
	reg.MustRegister(testPkg, "counter", "value", Function{
		Params:  []Param{{Ref, counterTag}},
		Returns: []sui.TypeTag{sui.TypeTagU64},
		Call: func(c *Call) error {
			obj, err := c.Object(0)
			if err != nil {
				return err
			}
			return c.Return(sui.TypeTagU64, obj.Contents[32:])
		},
	})
	reg.MustRegister(testPkg, "counter", "mint", Function{
		Params:  []Param{{Pure, sui.TypeTagU64}},
		Returns: []sui.TypeTag{tokenTag},
		Call: func(c *Call) error {
			n, err := c.U64(0)
			if err != nil {
				return err
			}
			_, err = c.NewObject(tokenType, u64b(n), Returned())
			return err
		},
	})
	reg.MustRegister(testPkg, "counter", "wrap", Function{
		Params: []Param{{Value, tokenTag}},
		Call: func(c *Call) error {
			tok, err := c.Object(0)
			if err != nil {
				return err
			}
			if err := c.Wrap(tok.ID()); err != nil {
				return err
			}
			_, err = c.NewObject(boxType, tok.Contents, ToAddress(c.Sender()))
			return err
		},
	})
	reg.MustRegister(testPkg, "counter", "unwrap", Function{
		Params: []Param{{Value, boxTag}},
		Call: func(c *Call) error {
			box, err := c.Object(0)
			if err != nil {
				return err
			}
			if err := c.Delete(box.ID()); err != nil {
				return err
			}
			return c.Put(tokenType, box.Contents[32:], ToAddress(c.Sender()))
		},
	})
	reg.MustRegister(testPkg, "counter", "burn_wrapped", Function{
		Params: []Param{{Value, boxTag}},
		Call: func(c *Call) error {
			box, err := c.Object(0)
			if err != nil {
				return err
			}
			if err := c.Delete(box.ID()); err != nil {
				return err
			}
			return c.Delete(walrus.ID(box.Contents[32:64]))
		},
	})
	reg.MustRegister(testPkg, "counter", "set_field", Function{
		Params: []Param{{MutRef, counterTag}, {Pure, sui.TypeTagU64}, {Pure, sui.TypeTagU64}},
		Call: func(c *Call) error {
			parent, err := c.ObjectID(0)
			if err != nil {
				return err
			}
			key, _ := c.U64(1)
			val, _ := c.U64(2)
			fid := walrus.DynamicFieldID(parent, walrus.TypeTagU64, u64b(key))
			contents := append(append(fid[:], u64b(key)...), u64b(val)...)
			if _, ok, err := c.Child(parent, fid); err != nil {
				return err
			} else if ok {
				return c.SetChild(parent, fid, contents)
			}
			return c.AddChild(parent, fieldType, contents)
		},
	})
	reg.MustRegister(testPkg, "counter", "remove_field", Function{
		Params:  []Param{{MutRef, counterTag}, {Pure, sui.TypeTagU64}},
		Returns: []sui.TypeTag{sui.TypeTagU64},
		Call: func(c *Call) error {
			parent, err := c.ObjectID(0)
			if err != nil {
				return err
			}
			key, _ := c.U64(1)
			f, err := c.RemoveChild(parent, walrus.DynamicFieldID(parent, walrus.TypeTagU64, u64b(key)))
			if err != nil {
				return err
			}
			return c.Return(sui.TypeTagU64, f.Contents[40:])
		},
	})
	reg.MustRegister(testPkg, "counter", "destroy", Function{
		Params: []Param{{Value, counterTag}},
		Call: func(c *Call) error {
			id, err := c.ObjectID(0)
			if err != nil {
				return err
			}
			return c.Delete(id)
		},
	})
	reg.MustRegister(testPkg, "counter", "freeze", Function{
		Params: []Param{{Value, tokenTag}},
		Call: func(c *Call) error {
			tok, err := c.Object(0)
			if err != nil {
				return err
			}
			return c.Put(tokenType, tok.Contents, Frozen())
		},
	})
	reg.MustRegister(testPkg, "counter", "token_value", Function{
		Params:  []Param{{Ref, tokenTag}},
		Returns: []sui.TypeTag{sui.TypeTagU64},
		Call: func(c *Call) error {
			tok, err := c.Object(0)
			if err != nil {
				return err
			}
			return c.Return(sui.TypeTagU64, tok.Contents[32:])
		},
	})
	reg.MustRegister(testPkg, "counter", "leak", Function{
		Call: func(c *Call) error {
			c.FreshID()
			return nil
		},
	})
	reg.MustRegister(testPkg, "counter", "boom", Function{
		Call: func(c *Call) error { panic("boom") },
	})
	reg.MustRegister(testPkg, "counter", "now", Function{
		Params:  []Param{{Ref, sui.TypeTag{Kind: sui.TypeStruct, Struct: &ClockType}}},
		Returns: []sui.TypeTag{sui.TypeTagU64},
		Call: func(c *Call) error {
			ts, err := c.ClockTimestampMs()
			if err != nil {
				return err
			}
			return c.Return(sui.TypeTagU64, u64b(ts))
		},
	})
}

// env is a devnet with alice, bob and carol, a Clock, gas coins and the counter package.
type env struct {
	t                 testing.TB
	ctx               context.Context
	store             *MemStore
	reg               *Registry
	ex                *Executor
	alice, bob, carol *keys.Keypair
	aliceGas, bobGas  walrus.ID // 10 SUI each
	aliceGas2         walrus.ID // 1000 MIST
	aliceCoin         walrus.ID // 5000 MIST
}

func key(t testing.TB, b byte) *keys.Keypair {
	k, err := keys.NewKeypairFromSeed(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addr(k *keys.Keypair) walrus.Address { return walrus.Address(k.Address()) }

func newEnv(t testing.TB) *env {
	e := &env{t: t, ctx: context.Background(), store: NewMemStore(), reg: NewRegistry()}
	e.alice, e.bob, e.carol = key(t, 1), key(t, 2), key(t, 3)
	registerCounter(e.reg)
	var g Genesis
	e.aliceGas = g.GasCoin(addr(e.alice), aliceStartBalance)
	e.bobGas = g.GasCoin(addr(e.bob), aliceStartBalance)
	e.aliceGas2 = g.GasCoin(addr(e.alice), 1_000)
	e.aliceCoin = g.GasCoin(addr(e.alice), 5_000)
	g.Clock(genesisTimeMs)
	if err := e.store.Insert(g.Objects...); err != nil {
		t.Fatal(err)
	}
	e.ex = New(e.store, e.reg, Config{ReferenceGasPrice: testGasPrice})
	return e
}

func (e *env) object(id walrus.ID) (*sui.Object, sui.ObjectRef) {
	e.t.Helper()
	o, ref, err := e.store.Object(e.ctx, id)
	if err != nil {
		e.t.Fatalf("object %s: %v", id, err)
	}
	return o, ref
}

func (e *env) mustObject(id walrus.ID) *sui.Object {
	o, _ := e.object(id)
	return o
}

func (e *env) ref(id walrus.ID) sui.ObjectRef {
	_, r := e.object(id)
	return r
}

func (e *env) balance(id walrus.ID) uint64 {
	e.t.Helper()
	o, _ := e.object(id)
	v, ok := CoinValue(o)
	if !ok {
		e.t.Fatalf("%s is not a coin", id)
	}
	return v
}

// txBytes builds a transaction of sender paying with gas (owned by gasOwner).
func (e *env) txBytes(sender walrus.Address, gasOwner walrus.Address, gas []sui.ObjectRef, budget uint64, build func(b *sui.ProgrammableBuilder)) []byte {
	b := sui.NewProgrammableBuilder()
	build(b)
	pt, err := b.Finish()
	if err != nil {
		panic(err)
	}
	td := sui.NewTransactionData(sender, pt, sui.GasData{Payment: gas, Owner: gasOwner, Price: testGasPrice, Budget: budget})
	return td.Bytes()
}

// tx builds a transaction of k paying with its gas coin.
func (e *env) tx(k *keys.Keypair, gasCoin walrus.ID, build func(b *sui.ProgrammableBuilder)) []byte {
	return e.txBytes(addr(k), addr(k), []sui.ObjectRef{e.ref(gasCoin)}, testBudget, build)
}

func (e *env) exec(txb []byte, signers ...*keys.Keypair) (*Result, error) {
	sigs := make([][]byte, len(signers))
	for i, k := range signers {
		sigs[i] = k.SignTransaction(txb)
	}
	return e.ex.Execute(e.ctx, txb, sigs)
}

// mustExec executes and requires a committed result (success or failure).
func (e *env) mustExec(txb []byte, signers ...*keys.Keypair) *Result {
	e.t.Helper()
	r, err := e.exec(txb, signers...)
	if err != nil {
		e.t.Fatalf("execute: %v", err)
	}
	if r.Cause != nil {
		e.t.Fatalf("invariant violation: %v", r.Cause)
	}
	checkConsistency(e.t, e.store, r)
	return r
}

func (e *env) mustSucceed(txb []byte, signers ...*keys.Keypair) *Result {
	e.t.Helper()
	r := e.mustExec(txb, signers...)
	if err := r.Status().Err(); err != nil {
		e.t.Fatalf("execution failed: %v", err)
	}
	return r
}

// createCounter makes a shared counter and returns its ID and initial shared version.
func (e *env) createCounter() (walrus.ID, uint64) {
	e.t.Helper()
	r := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "create", nil)
	}), e.alice)
	id := DeriveObjectID(r.Digest, 0)
	o, _ := e.object(id)
	if o.Owner.Kind != sui.OwnerShared {
		e.t.Fatalf("counter owner %s", o.Owner.String())
	}
	return id, o.Owner.Version
}
