//go:build amd64 && !purego

package rs

//go:generate go run ./asmgen -out kernels_amd64.s -decl kernels_amd64.go

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"
	"golang.org/x/sys/cpu"
)

// The CPU features that select the kernels; tests turn them off to check the other
// flavours and the Go path.
var (
	// hasAVX2 selects the assembly kernels.
	hasAVX2 = cpu.X86.HasAVX2
	// hasGFNI selects the GFNI flavour (VGF2P8AFFINEQB on YMM registers, about three
	// times the multiply throughput of the nibble tables). x/sys/cpu reports the GFNI
	// bit only on CPUs with AVX-512, so AVX2-only CPUs with GFNI use the nibble tables.
	hasGFNI = cpu.X86.HasAVX2 && cpu.X86.HasAVX512GFNI
	// hasGFNI512 adds the AVX-512VL instructions on YMM registers: more registers and
	// three-way XORs, a fifth fewer operations per butterfly.
	hasGFNI512 = hasGFNI && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL
	// hasGFNIZ selects the GFNIZ flavour (ZMM registers, a whole chunk in one) where
	// the CPU runs 512-bit operations at full width (see fullWidth512).
	hasGFNIZ = hasGFNI512 && fullWidth512()
)

// fullWidth512 reports whether the CPU is of a family on which the GFNIZ kernels were
// measured faster than the GFNI512 ones (BenchmarkWideKernels):
//   - AMD family 0x1A (Zen 5), where VGF2P8AFFINEQB and VSHUFI64X2 on ZMM run two per
//     cycle like their YMM forms: the tile transforms 0.77–0.79× the time;
//   - Intel cores with AVX512-FP16 (Sapphire Rapids and later Xeons, two 512-bit
//     ports): 0.90–0.94× on a 2 GHz Xeon with AMX.
//
// Elsewhere the YMM kernels stay: a Zen 4 splits 512-bit operations in two, and older
// Intel cores with GFNI (Ice Lake, Tiger Lake) have not been measured.
func fullWidth512() bool {
	switch cpuid.CPU.VendorID {
	case cpuid.AMD:
		return cpuid.CPU.Family >= 0x1a
	case cpuid.Intel:
		return cpuid.CPU.Supports(cpuid.AVX512FP16)
	}
	return false
}

// kernelSet is one flavour of the kernels (see asmgen).
type kernelSet struct {
	mulAdd, fftButterfly, ifftButterfly func(x, y []byte, t unsafe.Pointer)
	mulAddTo                            func(d, x, y []byte, t unsafe.Pointer)
	fft4, ifft4                         *[8]dit4Kernel
	ifft4From                           *[8]dit4FromKernel
	fft8, ifft8                         dit8Kernel // GFNI512 and GFNIZ only
	matrices                            bool       // constants are GFNI matrices, not nibble tables
}

// dit8Kernel is the signature of the radix-8 kernels (see asmgen).
type dit8Kernel func(x *byte, stride, n int, m *[7][4]uint64)

var kernelSets = [4]kernelSet{
	{mulAddAVX2, fftButterflyAVX2, ifftButterflyAVX2, mulAddToAVX2, &fft4Kernels[0], &ifft4Kernels[0], &ifft4FromKernels[0], nil, nil, false},
	{mulAddGFNI, fftButterflyGFNI, ifftButterflyGFNI, mulAddToGFNI, &fft4Kernels[1], &ifft4Kernels[1], &ifft4FromKernels[1], nil, nil, true},
	{mulAddGFNI512, fftButterflyGFNI512, ifftButterflyGFNI512, mulAddToGFNI512, &fft4Kernels[2], &ifft4Kernels[2], &ifft4FromKernels[2], fft8GFNI512, ifft8GFNI512, true},
	{mulAddGFNIZ, fftButterflyGFNIZ, ifftButterflyGFNIZ, mulAddToGFNIZ, &fft4Kernels[3], &ifft4Kernels[3], &ifft4FromKernels[3], fft8GFNIZ, ifft8GFNIZ, true},
}

// kernels returns the flavour in use.
func kernels() *kernelSet {
	switch {
	case hasGFNIZ:
		return &kernelSets[3]
	case hasGFNI512:
		return &kernelSets[2]
	case hasGFNI:
		return &kernelSets[1]
	default:
		return &kernelSets[0]
	}
}

// constant returns the multiplier of logM in the form the kernels k take.
func (t *fieldTables) constant(k *kernelSet, logM uint16) unsafe.Pointer {
	if k.matrices {
		return unsafe.Pointer(&t.gfniMatrices()[logM])
	}
	return unsafe.Pointer(&t.nibbleTables()[logM])
}

// mulAddAsm computes x ^= y*exp(logM) with an assembly kernel if available.
func (t *fieldTables) mulAddAsm(x, y []byte, logM uint16) bool {
	if !hasAVX2 {
		return false
	}
	k := kernels()
	k.mulAdd(x, y[:len(y)&^63], t.constant(k, logM))
	return true
}

// mulAddToAsm computes d = x ^ y*exp(logM) with an assembly kernel if available; the
// lengths are multiples of 64.
func (t *fieldTables) mulAddToAsm(d, x, y []byte, logM uint16) bool {
	if !hasAVX2 {
		return false
	}
	k := kernels()
	k.mulAddTo(d, x, y, t.constant(k, logM))
	return true
}

// butterflyAsm runs a fused FFT (or inverse FFT) butterfly with an assembly kernel if
// available; logM must not be modulus.
func (t *fieldTables) butterflyAsm(x, y []byte, logM uint16, inverse bool) bool {
	if !hasAVX2 || len(y) < asmMinBytes || len(y)%64 != 0 {
		return false
	}
	k := kernels()
	if inverse {
		k.ifftButterfly(x, y, t.constant(k, logM))
	} else {
		k.fftButterfly(x, y, t.constant(k, logM))
	}
	return true
}

// skipMask marks the constants that are the logarithm of zero (see asmgen).
func skipMask(logA, logB, logC uint16) int {
	skip := 0
	if logA == modulus {
		skip |= 1
	}
	if logB == modulus {
		skip |= 2
	}
	if logC == modulus {
		skip |= 4
	}
	return skip
}

// ifft4FromAsm runs two inverse FFT layers out of place: it reads four vectors from
// s0..s3 and writes the results to x0..x3 (all of equal length, a multiple of 64) with
// an assembly kernel if available.
func (t *fieldTables) ifft4FromAsm(x0, x1, x2, x3, s0, s1, s2, s3 []byte, logA, logB, logC uint16) bool {
	n := len(x0)
	if !hasAVX2 || n < 64 || n%64 != 0 {
		return false
	}
	_, _, _ = x1[n-1], x2[n-1], x3[n-1]
	_, _, _, _ = s0[n-1], s1[n-1], s2[n-1], s3[n-1]
	k := kernels()
	k.ifft4From[skipMask(logA, logB, logC)](&x0[0], &x1[0], &x2[0], &x3[0], n,
		t.constant(k, logA), t.constant(k, logB), t.constant(k, logC), &s0[0], &s1[0], &s2[0], &s3[0])
	return true
}

// dit4Asm runs two FFT layers (or inverse FFT layers) on four vectors of equal length,
// a multiple of 64, with an assembly kernel if available (see asmgen).
func (t *fieldTables) dit4Asm(x0, x1, x2, x3 []byte, logA, logB, logC uint16, inverse bool) bool {
	n := len(x0)
	if !hasAVX2 || n < 64 || n%64 != 0 {
		return false
	}
	_, _, _ = x1[n-1], x2[n-1], x3[n-1]
	k := kernels()
	table := k.fft4
	if inverse {
		table = k.ifft4
	}
	table[skipMask(logA, logB, logC)](&x0[0], &x1[0], &x2[0], &x3[0], n, t.constant(k, logA), t.constant(k, logB), t.constant(k, logC))
	return true
}

// dit8Asm runs three FFT layers (or inverse FFT layers) on the eight vectors
// x[k·stride:(k+1)·stride] (stride a multiple of 64) with the radix-8 kernel, which
// needs hasGFNI512. logs are the logarithms of the constants in the kernel's order
// (see asmgen); the logarithm of zero (modulus) gets the zero matrix.
func (t *fieldTables) dit8Asm(x []byte, stride int, logs *[7]uint16, inverse bool) {
	_ = x[8*stride-1]
	var m [7][4]uint64
	g := t.gfniMatrices()
	for i, l := range logs {
		if l != modulus {
			m[i] = g[l]
		}
	}
	kernel := kernels().fft8
	if inverse {
		kernel = kernels().ifft8
	}
	kernel(&x[0], stride, stride, &m)
}

// sumIntoAsm XORs srcs into the longest prefix of dst of whole 64-byte chunks with the
// assembly kernel, and returns the prefix's length (0 without AVX2).
func sumIntoAsm(dst []byte, srcs [][]byte) int {
	n := len(dst) &^ 63
	if !hasAVX2 || n == 0 {
		return 0
	}
	var ptrs [16]*byte
	for len(srcs) > 0 {
		k := min(len(srcs), len(ptrs))
		for i, src := range srcs[:k] {
			ptrs[i] = unsafe.SliceData(src[:n])
		}
		xorSum(unsafe.SliceData(dst), &ptrs[0], k, n)
		srcs = srcs[k:]
	}
	return n
}
