package keys

import (
	"fmt"
	"strings"
)

// Bech32 (BIP-173, not bech32m), as Sui uses it for `suiprivkey1…` strings. The BIP-173
// 90-character limit is not applied (Sui's bech32 crate does not apply it either); a
// generous bound still keeps hostile input cheap.

const (
	bech32Charset   = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	bech32MaxLength = 1023
)

var bech32Rev = func() [128]int8 {
	var r [128]int8
	for i := range r {
		r[i] = -1
	}
	for i, c := range bech32Charset {
		r[c] = int8(i)
	}
	return r
}()

func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		b := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := range 5 {
			if (b>>i)&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

func bech32HRPExpand(hrp string) []byte {
	out := make([]byte, 0, 2*len(hrp)+1)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]>>5)
	}
	out = append(out, 0)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]&31)
	}
	return out
}

// bech32Encode encodes data (8-bit bytes) under hrp (lower case).
func bech32Encode(hrp string, data []byte) string {
	values := convertBits(data, 8, 5, true)
	in := append(bech32HRPExpand(hrp), values...)
	in = append(in, 0, 0, 0, 0, 0, 0)
	mod := bech32Polymod(in) ^ 1
	var sb strings.Builder
	sb.Grow(len(hrp) + 1 + len(values) + 6)
	sb.WriteString(hrp)
	sb.WriteByte('1')
	for _, v := range values {
		sb.WriteByte(bech32Charset[v])
	}
	for i := range 6 {
		sb.WriteByte(bech32Charset[(mod>>(5*(5-i)))&31])
	}
	return sb.String()
}

// bech32Decode returns the lower-case HRP and the 8-bit data of s.
func bech32Decode(s string) (string, []byte, error) {
	if len(s) > bech32MaxLength {
		return "", nil, fmt.Errorf("%w: bech32 string of %d characters", ErrInvalidEncoding, len(s))
	}
	lower, upper := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 {
			return "", nil, fmt.Errorf("%w: bech32 string has a character outside printable ASCII at %d", ErrInvalidEncoding, i)
		}
		if c >= 'a' && c <= 'z' {
			lower = true
		}
		if c >= 'A' && c <= 'Z' {
			upper = true
		}
	}
	if lower && upper {
		return "", nil, fmt.Errorf("%w: bech32 string mixes upper and lower case", ErrInvalidEncoding)
	}
	s = strings.ToLower(s)
	pos := strings.LastIndexByte(s, '1')
	if pos < 1 || pos+7 > len(s) {
		return "", nil, fmt.Errorf("%w: bech32 separator '1' missing or misplaced", ErrInvalidEncoding)
	}
	hrp := s[:pos]
	values := make([]byte, 0, len(s)-pos-1)
	for i := pos + 1; i < len(s); i++ {
		c := s[i]
		v := int8(-1)
		if c < 128 {
			v = bech32Rev[c]
		}
		if v < 0 {
			return "", nil, fmt.Errorf("%w: %q is not a bech32 character", ErrInvalidEncoding, c)
		}
		values = append(values, byte(v))
	}
	switch bech32Polymod(append(bech32HRPExpand(hrp), values...)) {
	case 1:
	case 0x2bc830a3:
		return "", nil, fmt.Errorf("%w: the string is bech32m, Sui uses bech32", ErrBadChecksum)
	default:
		return "", nil, ErrBadChecksum
	}
	data, ok := convertBitsStrict(values[:len(values)-6])
	if !ok {
		return "", nil, fmt.Errorf("%w: bech32 data has non-zero or excess padding", ErrInvalidEncoding)
	}
	return hrp, data, nil
}

// convertBits regroups bits; used for 8→5 with padding.
func convertBits(data []byte, from, to uint, pad bool) []byte {
	var acc, bits uint
	maxv := uint(1)<<to - 1
	out := make([]byte, 0, (uint(len(data))*from+to-1)/to)
	for _, v := range data {
		acc = acc<<from | uint(v)
		bits += from
		for bits >= to {
			bits -= to
			out = append(out, byte(acc>>bits&maxv))
		}
	}
	if pad && bits > 0 {
		out = append(out, byte(acc<<(to-bits)&maxv))
	}
	return out
}

// convertBitsStrict regroups 5-bit values into bytes, rejecting non-zero padding and
// padding of 5 bits or more.
func convertBitsStrict(values []byte) ([]byte, bool) {
	var acc, bits uint
	out := make([]byte, 0, len(values)*5/8)
	for _, v := range values {
		acc = acc<<5 | uint(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	if bits >= 5 || acc&(1<<bits-1) != 0 {
		return nil, false
	}
	return out, true
}
