//go:build !amd64 || purego

package blake2bx

// useAVX2 and useAVX512 are always false without the amd64 assembly.
var useAVX2, useAVX512 = false, false

func compress4AVX2(h *[32]uint64, m0, m1, m2, m3 []byte, n int, t, f uint64) {
	panic("blake2bx: AVX2 kernel not available")
}

func pairs4Asm(p *Pairs4, prefix uint64) {
	panic("blake2bx: AVX2 kernel not available")
}
