// Package rs is the GF(2^16) Reed–Solomon code of Walrus RS2, byte-identical to the
// reed-solomon-simd crate (v3.1.0) that the Walrus reference uses.
//
// The code is the additive-FFT construction of Lin, Chung and Han as popularised by
// Leopard: field elements are 16-bit values in the Cantor basis, and a codeword is the
// evaluation of one polynomial at consecutive FFT points. Two layouts ("rates") place the
// originals and the repairs at different points, so they are different codes; Rate picks
// one exactly as reed-solomon-simd's DefaultRate does.
//
// Where github.com/klauspost/reedsolomon (Leopard GF(2^16) mode) computes the same
// bytes, this package delegates to it for speed (high-rate encode and decode, low-rate
// encode by composition, and low-rate decode when only the first pow2(k) repairs are
// used). Everything else runs on the package's own transforms, which are also the
// reference the accelerated paths are tested against.
package rs

import "sync"

const (
	fieldBits = 16
	order     = 1 << fieldBits // number of field elements
	modulus   = order - 1      // multiplicative group order; also "log of zero"
	poly      = 0x1002D        // GF(2^16) reduction polynomial
)

// cantorBasis is the basis in which field elements are represented (reed-solomon-simd
// engine.rs, Leopard): the element with representation i is the FFT evaluation point i.
var cantorBasis = [fieldBits]uint16{
	0x0001, 0xACCA, 0x3C0E, 0x163E, 0xC582, 0xED2E, 0x914C, 0x4012,
	0x6C98, 0x10D8, 0x6A72, 0xB900, 0xFDB8, 0xFB34, 0xFF38, 0x991E,
}

// fieldTables are the read-only lookup tables of the field and of the FFT.
type fieldTables struct {
	exp      [order]uint16   // exp[log] → element; exp[modulus] == exp[0]
	log      [order]uint16   // log[element]; log[0] == modulus
	skew     [modulus]uint16 // logs of the FFT twiddle ("skew") factors
	logWalsh [order]uint16   // FWHT of the log table with log[0] = 0

	nibblesOnce sync.Once
	nibbles     *nibbleTables
}

var (
	tablesOnce sync.Once
	tablesPtr  *fieldTables
)

// nibbleTables are, for every logarithm m, the products (v << 4i) * exp(m) for each
// nibble position i and v = 0..15, split in low and high bytes — the shuffle tables of
// the vector multiply. 8 MiB, built on first use of the assembly kernel.
type nibbleTables [order][8][16]byte

func (t *fieldTables) nibbleTables() *nibbleTables {
	t.nibblesOnce.Do(func() {
		nt := new(nibbleTables)
		for m := 0; m < order; m++ {
			for nib := 0; nib < 4; nib++ {
				for v := 1; v < 16; v++ {
					p := t.mulLog(uint16(v)<<(4*nib), uint16(m))
					nt[m][2*nib][v] = byte(p)
					nt[m][2*nib+1][v] = byte(p >> 8)
				}
			}
		}
		t.nibbles = nt
	})
	return t.nibbles
}

// tables returns the field tables, computing them on first use. They are immutable
// after construction.
func tables() *fieldTables {
	tablesOnce.Do(func() { tablesPtr = newFieldTables() })
	return tablesPtr
}

// addMod adds two logarithms modulo 2^16-1; the result may be modulus, which stands
// for 0 as a logarithm.
func addMod(a, b uint16) uint16 {
	s := uint32(a) + uint32(b)
	return uint16(s + s>>fieldBits)
}

// subMod subtracts two logarithms modulo 2^16-1 (result may be modulus).
func subMod(a, b uint16) uint16 {
	d := uint32(a) - uint32(b)
	return uint16(d + d>>fieldBits)
}

// mulLog multiplies element a by the element whose logarithm is logB.
func (t *fieldTables) mulLog(a, logB uint16) uint16 {
	if a == 0 {
		return 0
	}
	return t.exp[addMod(t.log[a], logB)]
}

func newFieldTables() *fieldTables {
	t := &fieldTables{}

	// Logarithms in the polynomial basis, from the LFSR of the generator x.
	polyLog := make([]uint16, order)
	state := 1
	for i := 0; i < modulus; i++ {
		polyLog[state] = uint16(i)
		state <<= 1
		if state >= order {
			state ^= poly
		}
	}
	polyLog[0] = modulus

	// Map each Cantor-basis representation to its polynomial-basis element, then take logs.
	toPoly := make([]uint16, order)
	for bit := 0; bit < fieldBits; bit++ {
		width := 1 << bit
		for j := 0; j < width; j++ {
			toPoly[j+width] = toPoly[j] ^ cantorBasis[bit]
		}
	}
	for i := 0; i < order; i++ {
		t.log[i] = polyLog[toPoly[i]]
	}
	for i := 0; i < order; i++ {
		t.exp[t.log[i]] = uint16(i)
	}
	t.exp[modulus] = t.exp[0]

	t.initSkew()

	t.logWalsh = t.log
	t.logWalsh[0] = 0
	fwht(&t.logWalsh, order)
	return t
}

// initSkew computes the twiddle factors of the additive FFT: skew[j] is the log of the
// subspace-polynomial value used by the butterfly whose block starts at j+1.
func (t *fieldTables) initSkew() {
	var basis [fieldBits - 1]uint16
	for i := 1; i < fieldBits; i++ {
		basis[i-1] = 1 << i
	}
	var skew [modulus]uint16
	for m := 0; m < fieldBits-1; m++ {
		step := 1 << (m + 1)
		skew[1<<m-1] = 0
		for i := m; i < fieldBits-1; i++ {
			s := 1 << (i + 1)
			for j := 1<<m - 1; j < s; j += step {
				skew[j+s] = skew[j] ^ basis[i]
			}
		}
		// Normalise the remaining basis vectors by the subspace polynomial W_m.
		basis[m] = modulus - t.log[t.mulLog(basis[m], t.log[basis[m]^1])]
		for i := m + 1; i < fieldBits-1; i++ {
			sum := addMod(t.log[basis[i]^1], basis[m])
			basis[i] = t.mulLog(basis[i], sum)
		}
	}
	for i := range skew {
		t.skew[i] = t.log[skew[i]]
	}
}

// fwht is the in-place Walsh–Hadamard transform modulo 2^16-1 over all 2^16 entries;
// only the first nonZero entries may be nonzero on input. A block that starts past the
// nonzero prefix has only ever mixed with zeros, so it is skipped.
func fwht(data *[order]uint16, nonZero int) {
	for dist := 1; dist < order; dist <<= 1 {
		for r := 0; r < nonZero; r += 2 * dist {
			for i := r; i < r+dist; i++ {
				a, b := data[i], data[i+dist]
				data[i] = addMod(a, b)
				data[i+dist] = subMod(a, b)
			}
		}
	}
}

// ceilPow2 returns the smallest power of two ≥ n (n ≥ 1).
func ceilPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}
