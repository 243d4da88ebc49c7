//go:build !amd64 || purego

package blake2bx

// useAVX2, useAVX512 and useWide are always false without the amd64 assembly.
var useAVX2, useAVX512, useWide = false, false, false

func compress4AVX2(h *[32]uint64, m0, m1, m2, m3 []byte, n int, t, f uint64) {
	panic("blake2bx: AVX2 kernel not available")
}

func pairs4Asm(p *Pairs4, prefix uint64) {
	panic("blake2bx: AVX2 kernel not available")
}

func blocks8AVX512(h *[64]uint64, p *[8]*byte, n int, t, f uint64) {
	panic("blake2bx: AVX-512 kernel not available")
}

func pairs8AVX512(p *Pairs8, prefix uint64) {
	panic("blake2bx: AVX-512 kernel not available")
}

func pairsLevel8AVX512(p *Level8, prefix uint64) {
	panic("blake2bx: AVX-512 kernel not available")
}

func leaves8AVX512(dst *[8][32]byte, p *[8]*byte, size int, prefix uint64) {
	panic("blake2bx: AVX-512 kernel not available")
}
