//go:build amd64 && !purego

package blake2bx

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// useAVX2 selects the assembly kernel. Tests may clear it to exercise the
// portable code paths.
var useAVX2 = cpu.X86.HasAVX2

//go:noescape
func blocks4AVX2(h *[32]uint64, p0, p1, p2, p3 *byte, n int, t, f uint64)

func compress4AVX2(h *[32]uint64, m0, m1, m2, m3 []byte, n int, t, f uint64) {
	blocks4AVX2(h, unsafe.SliceData(m0), unsafe.SliceData(m1), unsafe.SliceData(m2), unsafe.SliceData(m3), n, t, f)
}

//go:noescape
func pairs4AVX2(p *Pairs4, prefix uint64)
