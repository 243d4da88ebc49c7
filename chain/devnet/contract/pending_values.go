package contract

import (
	"math/big"
	"math/bits"

	"github.com/tuskstore/tusk/chain/walrus"
)

// The functions of pending_values.move on walrus.PendingValues (a VecMap<u32, u64> in
// insertion order; a removed entry keeps the order of the others, as VecMap::remove).

func pvIndex(p walrus.PendingValues, epoch uint32) int {
	for i := range p {
		if p[i].Epoch == epoch {
			return i
		}
	}
	return -1
}

// pvInsertOrAdd is pending_values::insert_or_add (ErrArithmetic on u64 overflow).
func pvInsertOrAdd(p *walrus.PendingValues, epoch uint32, value uint64) error {
	i := pvIndex(*p, epoch)
	if i < 0 {
		*p = append(*p, walrus.PendingValue{Epoch: epoch, Value: value})
		return nil
	}
	sum, carry := bits.Add64((*p)[i].Value, value, 0)
	if carry != 0 {
		return arithmetic("walrus::pending_values::insert_or_add", "pending value overflows u64")
	}
	(*p)[i].Value = sum
	return nil
}

// pvInsertOrReplace is pending_values::insert_or_replace.
func pvInsertOrReplace(p *walrus.PendingValues, epoch uint32, value uint64) {
	if i := pvIndex(*p, epoch); i >= 0 {
		(*p)[i].Value = value
		return
	}
	*p = append(*p, walrus.PendingValue{Epoch: epoch, Value: value})
}

// pvReduce is pending_values::reduce: ErrMissingEpochValue without an entry for epoch,
// ErrReduceValueTooLarge when it holds less than value.
func pvReduce(p *walrus.PendingValues, epoch uint32, value uint64) error {
	i := pvIndex(*p, epoch)
	if i < 0 {
		return ErrMissingEpochValue.in("reduce", "no pending value for epoch %d", epoch)
	}
	if (*p)[i].Value < value {
		return ErrReduceValueTooLarge.in("reduce", "reducing %d by %d at epoch %d", (*p)[i].Value, value, epoch)
	}
	(*p)[i].Value -= value
	return nil
}

// pvValueAt is pending_values::value_at: the sum of the values of the epochs up to
// epoch (ErrArithmetic on u64 overflow).
func pvValueAt(p walrus.PendingValues, epoch uint32) (uint64, error) {
	var sum uint64
	for _, v := range p {
		if v.Epoch <= epoch {
			var carry uint64
			if sum, carry = bits.Add64(sum, v.Value, 0); carry != 0 {
				return 0, arithmetic("walrus::pending_values::value_at", "sum overflows u64")
			}
		}
	}
	return sum, nil
}

// pvLatestValueAt is pending_values::latest_value_at: the value of the largest epoch up
// to toEpoch.
func pvLatestValueAt(p walrus.PendingValues, toEpoch uint32) (uint64, bool) {
	found := -1
	for i, v := range p {
		if v.Epoch <= toEpoch && (found < 0 || p[found].Epoch < v.Epoch) {
			found = i
		}
	}
	if found < 0 {
		return 0, false
	}
	return p[found].Value, true
}

// pvFlush is pending_values::flush: the entries of the epochs up to toEpoch are removed
// and their sum returned (ErrArithmetic on u64 overflow).
func pvFlush(p *walrus.PendingValues, toEpoch uint32) (uint64, error) {
	sum, err := pvValueAt(*p, toEpoch)
	if err != nil {
		return 0, err
	}
	kept := (*p)[:0:0]
	for _, v := range *p {
		if v.Epoch > toEpoch {
			kept = append(kept, v)
		}
	}
	*p = kept
	return sum, nil
}

// The functions of exchange_rate.move (module walrus::pool_exchange_rate).

var flatRate = walrus.PoolExchangeRate{Kind: walrus.ExchangeRateFlat}

// NewExchangeRate is pool_exchange_rate::new: Flat when either amount is 0, else the
// ratio. ErrInvalidRate when there are more shares than WAL.
func NewExchangeRate(walAmount, shareAmount uint64) (walrus.PoolExchangeRate, error) {
	if shareAmount > walAmount {
		return walrus.PoolExchangeRate{}, ErrInvalidRate.in("new", "%d shares for %d FROST", shareAmount, walAmount)
	}
	if walAmount == 0 || shareAmount == 0 {
		return flatRate, nil
	}
	return walrus.PoolExchangeRate{Kind: walrus.ExchangeRateVariable, WalAmount: walrus.U128From64(walAmount), ShareAmount: walrus.U128From64(shareAmount)}, nil
}

// ConvertToWalAmount is pool_exchange_rate::convert_to_wal_amount: shares · wal / shares
// of the rate, rounded down (`as u64`: ErrArithmetic past u64).
func ConvertToWalAmount(r walrus.PoolExchangeRate, amount uint64) (uint64, error) {
	if r.Kind == walrus.ExchangeRateFlat {
		return amount, nil
	}
	return mulDivU128("walrus::pool_exchange_rate::convert_to_wal_amount", amount, r.WalAmount, r.ShareAmount)
}

// ConvertToShareAmount is pool_exchange_rate::convert_to_share_amount: WAL · shares / wal
// of the rate, rounded down.
func ConvertToShareAmount(r walrus.PoolExchangeRate, amount uint64) (uint64, error) {
	if r.Kind == walrus.ExchangeRateFlat {
		return amount, nil
	}
	return mulDivU128("walrus::pool_exchange_rate::convert_to_share_amount", amount, r.ShareAmount, r.WalAmount)
}

var u128Max = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

// mulDivU128 is (a as u128) * b / c, cast to u64, with Move's aborts: the product past
// u128, a zero divisor and a quotient past u64 are arithmetic errors.
func mulDivU128(where string, a uint64, b, c walrus.U128) (uint64, error) {
	prod := new(big.Int).Mul(new(big.Int).SetUint64(a), b.Big())
	if prod.Cmp(u128Max) > 0 {
		return 0, arithmetic(where, "u128 multiplication overflows")
	}
	d := c.Big()
	if d.Sign() == 0 {
		return 0, arithmetic(where, "division by zero")
	}
	q := prod.Quo(prod, d)
	if !q.IsUint64() {
		return 0, arithmetic(where, "%s does not fit in u64", q)
	}
	return q.Uint64(), nil
}

// addU64 is Move's checked u64 addition.
func addU64(where string, a, b uint64) (uint64, error) {
	sum, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return 0, arithmetic(where, "%d + %d overflows u64", a, b)
	}
	return sum, nil
}

// subU64 is Move's checked u64 subtraction.
func subU64(where string, a, b uint64) (uint64, error) {
	if b > a {
		return 0, arithmetic(where, "%d - %d underflows u64", a, b)
	}
	return a - b, nil
}
