package exec

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
)

// fuzzEnv is a fresh devnet with a shared counter holding a dynamic field; every fuzz
// input runs against the same starting state.
func fuzzEnv(t testing.TB) (*env, *Result) {
	e := newEnv(t)
	r := e.mustSucceed(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "create", nil)
	}), e.bob)
	return e, r
}

func fuzzSeeds(t testing.TB) [][]byte {
	e, cr := fuzzEnv(t)
	counter := DeriveObjectID(cr.Digest, 0)
	isv := cr.Effects.V2.LamportVersion
	shared := func(b *sui.ProgrammableBuilder, mut bool) sui.Argument {
		return b.Object(sui.SharedObjectArg(counter, isv, mut))
	}
	coin := e.ref(e.aliceCoin)
	return [][]byte{
		e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
			b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(coin))}, b.Pure(addr(e.bob)))
		}),
		e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
			c := b.SplitCoins(b.Gas(), b.Pure(uint64(100)), b.Pure(uint64(200)))
			b.MergeCoins(c[0], c[1], b.Object(sui.OwnedObjectArg(coin)))
			v := b.MakeMoveVec(nil, c[0])
			_ = v
			b.TransferObjects([]sui.Argument{c[0]}, b.Pure(addr(e.carol)))
		}),
		e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
			c := shared(b, true)
			b.MoveCall(testPkg, "counter", "increment", nil, c, b.Pure(uint64(5)))
			v := b.MoveCall(testPkg, "counter", "value", nil, c)
			tok := b.MoveCall(testPkg, "counter", "mint", nil, v)
			b.MoveCall(testPkg, "counter", "wrap", nil, tok)
			b.MoveCall(testPkg, "counter", "set_field", nil, c, b.Pure(uint64(1)), v)
			b.MoveCall(testPkg, "counter", "increment", nil, c, b.Pure(uint64(0)))
		}),
		e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
			b.MoveCall(testPkg, "counter", "now", nil, b.Object(sui.SharedObjectArg(ClockID, 1, false)))
			b.MakeMoveVec(&sui.TypeTagU64, b.Pure(uint64(1)), b.Pure(uint64(2)))
			b.MoveCall(testPkg, "counter", "destroy", nil, shared(b, true))
		}),
		e.txBytes(addr(e.alice), addr(e.bob), []sui.ObjectRef{e.ref(e.bobGas)}, testBudget, func(b *sui.ProgrammableBuilder) {
			b.TransferObjects([]sui.Argument{b.Gas(), b.Object(sui.OwnedObjectArg(coin))}, b.Pure(addr(e.alice)))
		}),
		e.txBytes(addr(e.alice), addr(e.alice), []sui.ObjectRef{e.ref(e.aliceGas), e.ref(e.aliceGas2)}, 2_500_000, func(b *sui.ProgrammableBuilder) {
			b.TransferObjects(b.SplitCoins(b.Gas(), b.Pure(uint64(7))), b.Pure(addr(e.alice)))
		}),
	}
}

// FuzzExecute mutates valid transactions and executes them, signed by whichever known
// keys they require: execution must never panic, never report an internal error, and
// every committed result must be consistent with the store. Each input runs twice: the
// bytes as the fuzzer mutated them (mostly exercising decoding and input checks), and,
// when they decode, a structural mutation driven by ops (argument kinds and indices,
// pure values, functions, command order, gas), which reaches execution far more often.
func FuzzExecute(f *testing.F) {
	for i, s := range fuzzSeeds(f) {
		f.Add(s, []byte{byte(i), 3, byte(i * 7), 1, 9})
	}
	f.Fuzz(func(t *testing.T, txb, ops []byte) {
		runOne(t, txb)
		if td, err := sui.DecodeTransaction(txb); err == nil && len(ops) > 0 {
			mutate(td, ops)
			runOne(t, td.Bytes())
		}
	})
}

var fuzzFunctions = []string{"create", "increment", "value", "mint", "wrap", "unwrap", "burn_wrapped", "set_field",
	"remove_field", "destroy", "now", "freeze", "token_value", "nope"}

// mutate changes a decoded transaction as ops say, keeping indices in range of what they
// index so that the result still decodes (and usually validates).
func mutate(td *sui.TransactionData, ops []byte) {
	pt := &td.V1.Kind.Programmable
	for len(ops) >= 2 {
		op, v := ops[0], int(ops[1])
		ops = ops[2:]
		nc := len(pt.Commands)
		switch op % 8 {
		case 0, 1: // an argument's kind and index
			if nc == 0 {
				continue
			}
			c := &pt.Commands[v%nc]
			var args []*sui.Argument
			switch c.Kind {
			case sui.CmdMoveCall:
				for i := range c.MoveCall.Arguments {
					args = append(args, &c.MoveCall.Arguments[i])
				}
			default:
				args = append(args, &c.Arg)
				for i := range c.Args {
					args = append(args, &c.Args[i])
				}
			}
			if len(args) == 0 {
				continue
			}
			a := args[(v/7)%len(args)]
			a.Kind = sui.ArgumentKind(v % 4)
			a.Index = uint16(v / 4 % 4)
			a.Nested = uint16(v / 16 % 3)
		case 2: // a pure input's value
			for i := range pt.Inputs {
				if in := &pt.Inputs[(i+v)%len(pt.Inputs)]; in.Kind == sui.CallArgPure {
					switch v % 3 {
					case 0:
						in.Pure = u64b(uint64(v) * 1_000_003)
					case 1:
						in.Pure = in.Pure[:len(in.Pure)/2]
					default:
						in.Pure = u64b(0)
					}
					break
				}
			}
		case 3: // the function called
			for i := 0; i < nc; i++ {
				if c := &pt.Commands[(i+v)%nc]; c.Kind == sui.CmdMoveCall {
					c.MoveCall.Function = fuzzFunctions[v%len(fuzzFunctions)]
					break
				}
			}
		case 4: // swap two commands
			if nc > 1 {
				i, j := v%nc, (v/nc)%nc
				pt.Commands[i], pt.Commands[j] = pt.Commands[j], pt.Commands[i]
			}
		case 5: // drop or duplicate a command
			if nc > 0 {
				i := v % nc
				if v&1 == 0 && nc > 1 {
					pt.Commands = slices.Delete(pt.Commands, i, i+1)
				} else {
					pt.Commands = slices.Insert(pt.Commands, i, pt.Commands[i])
				}
			}
		case 6: // gas
			g := &td.V1.GasData
			switch v % 3 {
			case 0:
				g.Budget = uint64(v) * 100_000
			case 1:
				g.Budget = testBudget
			default:
				g.Price = testGasPrice + uint64(v%3)
			}
		case 7: // shared object mutability
			for i := range pt.Inputs {
				if in := &pt.Inputs[i]; in.Kind == sui.CallArgObject && in.Object.Kind == sui.SharedObject {
					in.Object.Mutability = sui.SharedObjectMutability(v % 2)
				}
			}
		}
	}
}

func runOne(t *testing.T, txb []byte) {
	{
		e, _ := fuzzEnv(t)
		known := map[[32]byte]*keys.Keypair{}
		for _, k := range []*keys.Keypair{e.alice, e.bob, e.carol} {
			known[k.Address()] = k
		}
		var sigs [][]byte
		if td, err := sui.DecodeTransaction(txb); err == nil {
			for _, s := range td.RequiredSigners() {
				if k := known[s]; k != nil {
					sigs = append(sigs, k.SignTransaction(txb))
				} else {
					sigs = append(sigs, e.carol.SignTransaction(txb))
				}
			}
		} else {
			sigs = [][]byte{e.alice.SignTransaction(txb)}
		}
		if _, err := e.ex.Simulate(e.ctx, txb); err != nil && errors.Is(err, ErrInternal) {
			t.Fatalf("simulate: %v", err)
		}
		r, err := e.ex.Execute(e.ctx, txb, sigs)
		if err != nil {
			if !errors.Is(err, ErrInvalidTransaction) && !errors.Is(err, ErrInvalidSignature) && !errors.Is(err, ErrRejected) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		checkConsistency(t, e.store, r)
	}
}

// TestHostileMutations runs FuzzExecute's checks on a fixed set of random mutations of
// the seeds (byte flips, deletions, insertions), so that plain `go test` covers them.
func TestHostileMutations(t *testing.T) {
	seeds := fuzzSeeds(t)
	rng := rand.New(rand.NewPCG(1, 2))
	n := 800
	if testing.Short() {
		n = 200
	}
	for i := 0; i < n; i++ {
		s := slices.Clone(seeds[rng.IntN(len(seeds))])
		for k := 0; k < 1+rng.IntN(4) && len(s) > 1; k++ {
			j := rng.IntN(len(s))
			switch rng.IntN(3) {
			case 0:
				s[j] = byte(rng.IntN(256))
			case 1:
				s = slices.Delete(s, j, j+1)
			default:
				s = slices.Insert(s, j, byte(rng.IntN(256)))
			}
		}
		runOne(t, s)

		td, err := sui.DecodeTransaction(seeds[i%len(seeds)])
		if err != nil {
			t.Fatal(err)
		}
		ops := make([]byte, 2+2*rng.IntN(4))
		for j := range ops {
			ops[j] = byte(rng.IntN(256))
		}
		mutate(td, ops)
		runOne(t, td.Bytes())
	}
}
