// Package frost converts WAL amounts exactly between the decimal text people write
// ("1.5" WAL) and FROST, the integer unit the chain counts in: 1 WAL = 10^9 FROST
// (contracts/wal/sources/wal.move DECIMALS = 9).
package frost

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// PerWAL is the number of FROST in one WAL.
const PerWAL = 1_000_000_000

// Decimals is the number of decimal places of a WAL amount (one FROST).
const Decimals = 9

// ErrInvalidAmount is wrapped by the errors of ParseWAL.
var ErrInvalidAmount = errors.New("invalid WAL amount")

// Amount is an amount of WAL, counted in FROST. Its text form is the decimal WAL amount
// (String, MarshalText, UnmarshalText), so that configuration files say `1.5` for one and
// a half WAL.
type Amount uint64

// ParseWAL parses a decimal WAL amount: digits, optionally a point and at most Decimals
// more digits ("2", "1.5", "0.000000001"); zeros past the ninth decimal place are
// accepted since they change nothing. Signs, exponents, separators and amounts above
// math.MaxUint64 FROST are rejected: the result is always exactly what was written.
func ParseWAL(s string) (Amount, error) {
	bad := func(format string, args ...any) (Amount, error) {
		return 0, fmt.Errorf("%w %q: %s", ErrInvalidAmount, s, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return bad("empty, want a number of WAL such as 1.5")
	}
	if s[0] == '-' {
		return bad("negative")
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || (hasPoint && (frac == "" || !allDigits(frac))) {
		return bad("not a decimal number of WAL (digits, optionally a point and up to %d decimals, e.g. 1.5)", Decimals)
	}
	if len(frac) > Decimals {
		if strings.Trim(frac[Decimals:], "0") != "" {
			return bad("more than %d decimal places: the smallest unit is 1 FROST = 0.000000001 WAL", Decimals)
		}
		frac = frac[:Decimals]
	}
	frac += strings.Repeat("0", Decimals-len(frac))
	v, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		return bad("not a decimal number")
	}
	if !v.IsUint64() {
		return bad("more than the largest amount, %s WAL", Amount(math.MaxUint64))
	}
	return Amount(v.Uint64()), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FROST is the amount in FROST.
func (a Amount) FROST() uint64 { return uint64(a) }

// String is the decimal WAL amount without trailing zeros: "1.5", "0.000000001", "3".
func (a Amount) String() string {
	s := strconv.FormatUint(uint64(a)/PerWAL, 10)
	if frac := uint64(a) % PerWAL; frac != 0 {
		f := strings.TrimRight(fmt.Sprintf("%0*d", Decimals, frac), "0")
		s += "." + f
	}
	return s
}

// MarshalText is String.
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText is ParseWAL.
func (a *Amount) UnmarshalText(b []byte) error {
	v, err := ParseWAL(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
