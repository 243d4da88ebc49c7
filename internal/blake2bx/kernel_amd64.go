//go:build amd64 && !purego

package blake2bx

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// useAVX2 selects the assembly kernels; useAVX512 their flavour that rotates with
// AVX-512VL's VPRORQ, useWide the eight-lane kernels on ZMM registers (see asmgen).
// Tests clear them to exercise the other paths.
var (
	useAVX2   = cpu.X86.HasAVX2
	useAVX512 = cpu.X86.HasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL
	useWide   = useAVX512 && cpu.X86.HasAVX512BW // byte-masked loads and 64-bit masks
)

//go:noescape
func blocks4AVX2(h *[32]uint64, p0, p1, p2, p3 *byte, n int, t, f uint64)

//go:noescape
func blocks4AVX512(h *[32]uint64, p0, p1, p2, p3 *byte, n int, t, f uint64)

// compress4AVX2 runs the assembly compression (useAVX2 must be set).
func compress4AVX2(h *[32]uint64, m0, m1, m2, m3 []byte, n int, t, f uint64) {
	p0, p1, p2, p3 := unsafe.SliceData(m0), unsafe.SliceData(m1), unsafe.SliceData(m2), unsafe.SliceData(m3)
	if useAVX512 {
		blocks4AVX512(h, p0, p1, p2, p3, n, t, f)
	} else {
		blocks4AVX2(h, p0, p1, p2, p3, n, t, f)
	}
}

//go:noescape
func pairs4AVX2(p *Pairs4, prefix uint64)

//go:noescape
func pairs4AVX512(p *Pairs4, prefix uint64)

// pairs4Asm runs the assembly inner-node hashing (useAVX2 must be set).
func pairs4Asm(p *Pairs4, prefix uint64) {
	if useAVX512 {
		pairs4AVX512(p, prefix)
	} else {
		pairs4AVX2(p, prefix)
	}
}

//go:noescape
func blocks8AVX512(h *[64]uint64, p *[8]*byte, n int, t, f uint64)

//go:noescape
func pairs8AVX512(p *Pairs8, prefix uint64)

//go:noescape
func pairsLevel8AVX512(p *Level8, prefix uint64)

//go:noescape
func leaves8AVX512(dst *[8][32]byte, p *[8]*byte, size int, prefix uint64)
