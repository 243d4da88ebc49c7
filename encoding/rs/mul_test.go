package rs

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestMulAddKernels compares the assembly kernel, the table loop and the per-element
// loop of x ^= y·c on random vectors, including the constants 0 and modulus (both ×1 as
// logarithms) and lengths around the thresholds.
func TestMulAddKernels(t *testing.T) {
	tb := tables()
	rng := rand.New(rand.NewPCG(11, 12))
	for _, size := range []int{64, 128, 192, 1984, 2048, 4096, 64 * 100} {
		for trial := 0; trial < 20; trial++ {
			logM := uint16(rng.UintN(order))
			if trial == 0 {
				logM = 0
			} else if trial == 1 {
				logM = modulus
			}
			y := make([]byte, size)
			x := make([]byte, size)
			for i := range y {
				y[i], x[i] = byte(rng.UintN(256)), byte(rng.UintN(256))
			}
			// Reference: element by element with log/exp.
			want := append([]byte(nil), x...)
			for off := 0; off < size; off += 64 {
				for i := 0; i < 32; i++ {
					v := uint16(y[off+i]) | uint16(y[off+32+i])<<8
					p := tb.mulLog(v, logM)
					want[off+i] ^= byte(p)
					want[off+32+i] ^= byte(p >> 8)
				}
			}
			got := append([]byte(nil), x...)
			tb.mulAdd(got, y, logM)
			if !bytes.Equal(got, want) {
				t.Fatalf("size %d logM %d: mulAdd (avx2=%v) differs", size, logM, hasAVX2)
			}
			if hasAVX2 {
				got = append([]byte(nil), x...)
				if !tb.mulAddAsm(got, y, logM) || !bytes.Equal(got, want) {
					t.Fatalf("size %d logM %d: assembly kernel differs", size, logM)
				}
			}
		}
	}
}

// TestWithoutAssembly reruns the engine tests on the pure-Go multiply.
func TestWithoutAssembly(t *testing.T) {
	if !hasAVX2 {
		t.Log("no AVX2 here: the other tests already ran the Go path")
	}
	saved := hasAVX2
	hasAVX2 = false
	defer func() { hasAVX2 = saved }()
	t.Run("golden", TestGoldenEncode)
	t.Run("native", TestAcceleratedMatchesNative)
	t.Run("reconstruct", TestReconstructRandomSubsets)
	t.Run("kernels", TestMulAddKernels)
}
