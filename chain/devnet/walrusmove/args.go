package walrusmove

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Argument decoding. The executor checks Pure inputs against the parameter types before
// the call, so a wrong length here is a bug (an error, which the executor reports as an
// invariant violation).

func fixedArg(c *exec.Call, i, n int, what string) ([]byte, error) {
	b, err := c.Arg(i)
	if err != nil {
		return nil, err
	}
	if len(b) != n {
		return nil, fmt.Errorf("walrusmove: %s::%s argument %d is %d bytes, not a %s", c.Module(), c.Function(), i, len(b), what)
	}
	return b, nil
}

func u8Arg(c *exec.Call, i int) (uint8, error) {
	b, err := fixedArg(c, i, 1, "u8")
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func boolArg(c *exec.Call, i int) (bool, error) {
	b, err := fixedArg(c, i, 1, "bool")
	if err != nil {
		return false, err
	}
	if b[0] > 1 {
		return false, fmt.Errorf("walrusmove: %s::%s argument %d is not a bool", c.Module(), c.Function(), i)
	}
	return b[0] == 1, nil
}

func u32Arg(c *exec.Call, i int) (uint32, error) {
	b, err := fixedArg(c, i, 4, "u32")
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func u256Arg(c *exec.Call, i int) ([32]byte, error) {
	var out [32]byte
	b, err := fixedArg(c, i, 32, "u256")
	if err == nil {
		copy(out[:], b)
	}
	return out, err
}

func blobIDArg(c *exec.Call, i int) (encoding.BlobID, error) {
	b, err := u256Arg(c, i)
	return encoding.BlobID(b), err
}

// bytesArg decodes a vector<u8>.
func bytesArg(c *exec.Call, i int) ([]byte, error) {
	var v walrus.Bytes
	if err := c.Decode(i, &v); err != nil {
		return nil, err
	}
	return []byte(v), nil
}

// stringArg decodes a std::string::String.
func stringArg(c *exec.Call, i int) (string, error) {
	var v walrus.Bytes
	if err := c.Decode(i, &v); err != nil {
		return "", err
	}
	if !utf8.Valid(v) {
		return "", fmt.Errorf("walrusmove: %s::%s argument %d is not UTF-8", c.Module(), c.Function(), i)
	}
	return string(v), nil
}

// coinArg reads a &mut Coin<WAL> argument.
func coinArg(c *exec.Call, i int) (*contract.Coin, error) {
	o, err := c.Object(i)
	if err != nil {
		return nil, err
	}
	if len(o.Contents) != 40 {
		return nil, fmt.Errorf("walrusmove: %s::%s argument %d is not a Coin", c.Module(), c.Function(), i)
	}
	return &contract.Coin{ID: o.ID(), Value: binary.LittleEndian.Uint64(o.Contents[32:])}, nil
}

// setCoin writes a &mut Coin<WAL> argument back.
func setCoin(c *exec.Call, i int, coin *contract.Coin) error {
	return c.Set(i, exec.CoinContents(coin.ID, coin.Value))
}

// objectArg decodes the object of argument i into v.
func objectArg(c *exec.Call, i int, v bcs.Unmarshaler) error {
	o, err := c.Object(i)
	if err != nil {
		return err
	}
	if err := bcs.Unmarshal(o.Contents, v); err != nil {
		return fmt.Errorf("walrusmove: %s::%s argument %d (%s): %w", c.Module(), c.Function(), i, o.Type.String(), err)
	}
	return nil
}

// args reads the arguments of a call, keeping the first error (like bcs.Decoder), so a
// function decodes all its arguments and checks once.
type args struct {
	c   *exec.Call
	err error
}

func argsOf(c *exec.Call) *args { return &args{c: c} }

// keep records err if it is the first.
func (a *args) keep(err error) {
	if a.err == nil {
		a.err = err
	}
}

func (a *args) u8(i int) uint8 {
	v, err := u8Arg(a.c, i)
	a.keep(err)
	return v
}

func (a *args) boolean(i int) bool {
	v, err := boolArg(a.c, i)
	a.keep(err)
	return v
}

func (a *args) u32(i int) uint32 {
	v, err := u32Arg(a.c, i)
	a.keep(err)
	return v
}

func (a *args) u64(i int) uint64 {
	v, err := a.c.U64(i)
	a.keep(err)
	return v
}

func (a *args) u256(i int) [32]byte {
	v, err := u256Arg(a.c, i)
	a.keep(err)
	return v
}

func (a *args) blobID(i int) encoding.BlobID {
	v, err := blobIDArg(a.c, i)
	a.keep(err)
	return v
}

func (a *args) coin(i int) *contract.Coin {
	v, err := coinArg(a.c, i)
	a.keep(err)
	return v
}

func (a *args) object(i int, v bcs.Unmarshaler) { a.keep(objectArg(a.c, i, v)) }

func (a *args) u16(i int) uint16 {
	b, err := fixedArg(a.c, i, 2, "u16")
	a.keep(err)
	if err != nil {
		return 0
	}
	return binary.LittleEndian.Uint16(b)
}

func (a *args) str(i int) string {
	v, err := stringArg(a.c, i)
	a.keep(err)
	return v
}

func (a *args) bytes(i int) []byte {
	v, err := bytesArg(a.c, i)
	a.keep(err)
	return v
}

// id decodes an address or ID argument.
func (a *args) id(i int) walrus.ID {
	v, err := a.c.Address(i)
	a.keep(err)
	return v
}

// decode decodes a value argument (a struct passed by value or reference) into v.
func (a *args) decode(i int, v bcs.Unmarshaler) { a.keep(a.c.Decode(i, v)) }
