package walrusmove

import (
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// The public functions of auth.move, node_metadata.move and staked_wal.move that staking
// transactions use.

func (m *module) authFunctions() map[string]exec.Function {
	authType := m.ids.Type("auth", "Authenticated")
	authorized := m.ids.Type("auth", "Authorized")
	ret := func(typ sui.TypeTag, v bcs.Marshaler) func(*exec.Call) error {
		return func(c *exec.Call) error { return c.Return(typ, bcs.Marshal(v)) }
	}
	return map[string]exec.Function{
		// authenticate_sender(): Authenticated
		"authenticate_sender": {
			Params:  []exec.Param{},
			Returns: []sui.TypeTag{authType},
			Call: func(c *exec.Call) error {
				a := authenticated(contract.Authenticated{ID: c.Sender()})
				return ret(authType, &a)(c)
			},
		},
		// authenticate_with_object<T: key>(obj: &T): Authenticated
		"authenticate_with_object": {
			TypeParams: 1,
			Params:     []exec.Param{{Kind: exec.Ref, Type: exec.TypeParam(0)}},
			Returns:    []sui.TypeTag{authType},
			Call: func(c *exec.Call) error {
				id, err := c.ObjectID(0)
				if err != nil {
					return err
				}
				a := authenticated(contract.AuthenticateWithObject(id))
				return ret(authType, &a)(c)
			},
		},
		// authorized_address(addr: address): Authorized
		"authorized_address": {
			Params:  []exec.Param{{Kind: exec.Pure, Type: sui.TypeTagAddress}},
			Returns: []sui.TypeTag{authorized},
			Call: func(c *exec.Call) error {
				a, err := c.Address(0)
				if err != nil {
					return err
				}
				return ret(authorized, &walrus.Authorized{Kind: walrus.AuthorizedAddress, ID: a})(c)
			},
		},
		// authorized_object(id: ID): Authorized
		"authorized_object": {
			Params:  []exec.Param{{Kind: exec.Pure, Type: idType}},
			Returns: []sui.TypeTag{authorized},
			Call: func(c *exec.Call) error {
				a, err := c.Address(0)
				if err != nil {
					return err
				}
				return ret(authorized, &walrus.Authorized{Kind: walrus.AuthorizedObjectID, ID: a})(c)
			},
		},
	}
}

func (m *module) nodeMetadataFunctions() map[string]exec.Function {
	metadata := m.ids.Type("node_metadata", "NodeMetadata")
	return map[string]exec.Function{
		// new(image_url: String, project_url: String, description: String): NodeMetadata
		"new": {
			Params:  []exec.Param{{Kind: exec.Pure, Type: stringType}, {Kind: exec.Pure, Type: stringType}, {Kind: exec.Pure, Type: stringType}},
			Returns: []sui.TypeTag{metadata},
			Call: func(c *exec.Call) error {
				a := argsOf(c)
				md := walrus.NodeMetadata{ImageURL: a.str(0), ProjectURL: a.str(1), Description: a.str(2)}
				if a.err != nil {
					return a.err
				}
				return c.Return(metadata, bcs.Marshal(&md))
			},
		},
	}
}

func (m *module) stakedWalFunctions() map[string]exec.Function {
	sw := m.ids.Type("staked_wal", "StakedWal")
	swType := m.ids.Struct("staked_wal", "StakedWal")
	accessor := func(ret sui.TypeTag, get func(*walrus.StakedWal) ([]byte, error)) exec.Function {
		return exec.Function{
			Params:  []exec.Param{{Kind: exec.Ref, Type: sw}},
			Returns: []sui.TypeTag{ret},
			Call: func(c *exec.Call) error {
				var s walrus.StakedWal
				if err := objectArg(c, 0, &s); err != nil {
					return err
				}
				b, err := get(&s)
				if err != nil {
					return err
				}
				return c.Return(ret, b)
			},
		}
	}
	boolBCS := func(v bool) []byte {
		if v {
			return []byte{1}
		}
		return []byte{0}
	}
	return map[string]exec.Function{
		// split(sw: &mut StakedWal, amount: u64): StakedWal
		"split": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: sw}, {Kind: exec.Pure, Type: sui.TypeTagU64}},
			Returns: []sui.TypeTag{sw},
			Call: func(c *exec.Call) error {
				var s walrus.StakedWal
				a := argsOf(c)
				a.object(0, &s)
				amount := a.u64(1)
				if a.err != nil {
					return a.err
				}
				tx := m.txContext(c)
				out, err := contract.SplitStakedWal(&tx.TxContext, &s, amount)
				if err != nil {
					return moveError(c, &m.ids, err)
				}
				if err := c.Encode(0, &s); err != nil {
					return err
				}
				return c.Put(swType, bcs.Marshal(&out), exec.Returned())
			},
		},
		// join(sw: &mut StakedWal, other: StakedWal)
		"join": {
			Params: []exec.Param{{Kind: exec.MutRef, Type: sw}, {Kind: exec.Value, Type: sw}},
			Call: func(c *exec.Call) error {
				var s, other walrus.StakedWal
				a := argsOf(c)
				a.object(0, &s)
				a.object(1, &other)
				if a.err != nil {
					return a.err
				}
				if err := contract.JoinStakedWal(&s, other); err != nil {
					return moveError(c, &m.ids, err)
				}
				if err := c.Delete(other.ID); err != nil {
					return err
				}
				return c.Encode(0, &s)
			},
		},
		"node_id": accessor(idType, func(s *walrus.StakedWal) ([]byte, error) { return s.NodeID[:], nil }),
		"value":   accessor(sui.TypeTagU64, func(s *walrus.StakedWal) ([]byte, error) { return bcs.Marshal(walrus.U64(s.Principal)), nil }),
		"activation_epoch": accessor(sui.TypeTagU32, func(s *walrus.StakedWal) ([]byte, error) {
			return bcs.Marshal(walrus.U32(s.ActivationEpoch)), nil
		}),
		"is_staked":      accessor(sui.TypeTagBool, func(s *walrus.StakedWal) ([]byte, error) { return boolBCS(!s.IsWithdrawing()), nil }),
		"is_withdrawing": accessor(sui.TypeTagBool, func(s *walrus.StakedWal) ([]byte, error) { return boolBCS(s.IsWithdrawing()), nil }),
	}
}
