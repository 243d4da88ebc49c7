// Command asmgen writes the amd64 kernels of package rs and their Go declarations.
//
// Usage (from encoding/rs):
//
//	go run ./asmgen -out kernels_amd64.s -decl kernels_amd64.go
//
// Every kernel works on packed vectors (64-byte chunks of 32 low bytes then 32 high
// bytes of 32 GF(2^16) elements) whose length is a multiple of 64, and exists in three
// flavours of the constant multiply:
//
//   - AVX2: the product by a constant c is the XOR of four table lookups, one per
//     nibble of the element, each giving a low and a high product byte (VPSHUFB on
//     16-byte tables broadcast to both lanes): 8 shuffles per 32 elements. Tables:
//     *[8][16]byte, [T0lo, T0hi, T1lo, T1hi, T2lo, T2hi, T3lo, T3hi], Ti for nibble i.
//   - GFNI: multiplying by c is linear over GF(2), so the product's low and high bytes
//     are 8×8 bit-matrix products of the element's low and high bytes:
//     lo' = A·lo ⊕ B·hi, hi' = C·lo ⊕ D·hi, four VGF2P8AFFINEQB per 32 elements.
//     Matrices: *[4]uint64 {A, B, C, D} in the instruction's layout.
//   - GFNI512: GFNI with the AVX-512VL additions, still on YMM registers: the extra
//     registers hold all three constants of a radix-4 kernel, and VPTERNLOGD does the
//     two XORs of each half of a product at once.
//   - GFNIZ: GFNI on ZMM registers, a whole chunk [lo | hi] in one register. Two
//     VGF2P8AFFINEQB give [A·lo | D·hi] and [C·lo | B·hi]; swapping the halves of the
//     second (VSHUFI64X2) lines its products up with the first's, and one VPTERNLOGD
//     adds both to x: four operations per 32 elements instead of six. The matrices are
//     built in registers, [A | D] and [C | B], from the same *[4]uint64.
//
// Kernels:
//
//	mulAdd<F>(x, y []byte, t)                 x ^= y·c
//	mulAddTo<F>(d, x, y []byte, t)            d = x ^ y·c
//	fftButterfly<F>(x, y []byte, t)           x ^= y·c; y ^= x
//	ifftButterfly<F>(x, y []byte, t)          y ^= x; x ^= y·c
//	fft4<F>_<skip>(x0, x1, x2, x3 *byte, n int, ta, tb, tc unsafe.Pointer)
//	ifft4<F>_<skip>(x0, x1, x2, x3 *byte, n int, ta, tb, tc unsafe.Pointer)
//	ifft4From<F>_<skip>(x0, x1, x2, x3 *byte, n int, ta, tb, tc unsafe.Pointer, s0, s1, s2, s3 *byte)
//	fft8<F>(x *byte, stride, n int, m *[7][4]uint64)     F = GFNI512 or GFNIZ
//	ifft8<F>(x *byte, stride, n int, m *[7][4]uint64)
//	copyStream(dst, src *byte, n int)         n bytes, dst 64-byte aligned, non-temporal
//	storeFence()                              SFENCE
//	prefetch(p *byte, n int)                  PREFETCHT0 every 64 bytes of [p, p+n)
//	xorSum(dst *byte, srcs **byte, k, n int)  dst ^= srcs[0] ^ … ^ srcs[k-1], n bytes
//	packLanes(vec, w, lanes, half, te, syms, pstride, sstride, off, tail, count)
//	unpackLanes(vec, w, lanes, half, te, syms, pstride, sstride, off, tail, count)
//
// packLanes and unpackLanes (AVX-512BW and VL) move a batch of count symbols between
// their places and a packed vector: the w bytes (a multiple of 64) at off in symbol b
// to or from vec[b*w:], and its te < 32 low and te high tail bytes, at off+tail, to or
// from lanes[b*te:] and lanes[half+b*te:]. Symbol b starts at the pointer stored at
// syms+b*pstride, plus b*sstride. The tails are read and written with byte masks, so
// nothing past a symbol is touched; the lanes are written 32 bytes at a time, so each
// half of the lanes needs 32 spare bytes after its count*te.
//
// fft4 and ifft4 run two layers of the additive FFT on four vectors at distance d:
// the forward one the layer of distance 2d (pairs 0-2 and 1-3, constant a) then the
// layer of distance d (pair 0-1 with b, 2-3 with c); the inverse one the same
// butterflies in the opposite order. Each element is loaded and stored once for two
// layers. Bit i of skip marks constant i (a, b, c) as the logarithm of zero, whose
// butterfly is a bare XOR; there is one specialised kernel per mask. ifft4From is
// ifft4 out of place: it reads the four vectors from s0..s3 and writes x0..x3, so that
// the first layers of a transform also copy its inputs in. fft8 and ifft8 (GFNI512
// and GFNIZ only) run three layers on eight vectors (see radix8).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
)

type gen struct{ w *bufio.Writer }

func (g *gen) p(format string, args ...any) { fmt.Fprintf(g.w, format+"\n", args...) }
func (g *gen) i(format string, args ...any) { fmt.Fprintf(g.w, "\t"+format+"\n", args...) }

// A flavour is one way of multiplying by a constant.
type flavour struct {
	name string
	// wide flavours hold a chunk in one ZMM register (see vec).
	wide bool
	// setup loads what every multiply needs (AVX2: the nibble mask in Y15).
	setup func(g *gen)
	// slots is the number of constants the flavour can keep in registers for a
	// kernel's inner loop; preload loads the constant at off(t), t a table register,
	// into slot i.
	slots   int
	preload func(g *gen, t string, off, slot int)
	// mulXor emits x ^= src·c for the element vectors (srcLo, srcHi) and (xLo, xHi)
	// (wide: src and x, the high ones empty), the constant in slot (or at t if slot <
	// 0). It may clobber Y8..Y14 (AVX2), Y8..Y11 (GFNI) or Z8..Z9 (GFNIZ).
	mulXor func(g *gen, t string, slot int, srcLo, srcHi, xLo, xHi string)
}

var avx2 = flavour{
	name: "AVX2",
	setup: func(g *gen) {
		g.i("MOVQ $0x0f0f0f0f0f0f0f0f, R11")
		g.i("MOVQ R11, X15")
		g.i("VPBROADCASTQ X15, Y15")
	},
	mulXor: func(g *gen, t string, slot int, srcLo, srcHi, xLo, xHi string) {
		for half, src := range []string{srcLo, srcHi} {
			base := 64 * half
			g.i("VPSRLQ $4, %s, Y10", src)
			g.i("VPAND Y15, Y10, Y10")
			g.i("VPAND Y15, %s, Y11", src)
			g.i("VBROADCASTI128 %d(%s), Y12", base, t)
			g.i("VBROADCASTI128 %d(%s), Y13", base+16, t)
			g.i("VBROADCASTI128 %d(%s), Y8", base+32, t)
			g.i("VBROADCASTI128 %d(%s), Y9", base+48, t)
			g.i("VPSHUFB Y11, Y12, Y12")
			g.i("VPSHUFB Y11, Y13, Y13")
			g.i("VPSHUFB Y10, Y8, Y8")
			g.i("VPSHUFB Y10, Y9, Y9")
			g.i("VPXOR Y12, Y8, Y8")
			g.i("VPXOR Y13, Y9, Y9")
			g.i("VPXOR Y8, %s, %s", xLo, xLo)
			g.i("VPXOR Y9, %s, %s", xHi, xHi)
		}
	},
}

// gfniAffine emits the four matrix products of a multiply into Y8..Y11: A·lo, B·hi,
// C·lo, D·hi, the matrices in registers first+0..3 or loaded into Y8..Y11 from t.
func gfniAffine(g *gen, t string, first int, srcLo, srcHi string) {
	srcs := []string{srcLo, srcHi, srcLo, srcHi}
	for k := 0; k < 4; k++ {
		m := fmt.Sprintf("Y%d", first+k)
		if first < 0 {
			m = fmt.Sprintf("Y%d", 8+k)
			g.i("VPBROADCASTQ %d(%s), %s", 8*k, t, m)
		}
		g.i("VGF2P8AFFINEQB $0x00, %s, %s, Y%d", m, srcs[k], 8+k)
	}
}

// gfni keeps one constant in Y12..Y15; the others are broadcast from memory.
var gfni = flavour{
	name:  "GFNI",
	setup: func(g *gen) {},
	slots: 1,
	preload: func(g *gen, t string, off, slot int) {
		for k := 0; k < 4; k++ {
			g.i("VPBROADCASTQ %d(%s), Y%d", off+8*k, t, 12+k)
		}
	},
	mulXor: func(g *gen, t string, slot int, srcLo, srcHi, xLo, xHi string) {
		first := -1
		if slot == 0 {
			first = 12
		}
		gfniAffine(g, t, first, srcLo, srcHi)
		g.i("VPXOR Y8, %s, %s", xLo, xLo)
		g.i("VPXOR Y10, %s, %s", xHi, xHi)
		g.i("VPXOR Y9, %s, %s", xLo, xLo)
		g.i("VPXOR Y11, %s, %s", xHi, xHi)
	},
}

// gfni512 is GFNI with the AVX-512VL additions on YMM registers: the sixteen extra
// registers keep all three constants of a radix-4 kernel (Y16..Y27), and VPTERNLOGD
// folds the two XORs of each half of a product into one.
var gfni512 = flavour{
	name:  "GFNI512",
	setup: func(g *gen) {},
	slots: 3,
	preload: func(g *gen, t string, off, slot int) {
		for k := 0; k < 4; k++ {
			g.i("VPBROADCASTQ %d(%s), Y%d", off+8*k, t, 16+4*slot+k)
		}
	},
	mulXor: func(g *gen, t string, slot int, srcLo, srcHi, xLo, xHi string) {
		first := -1
		if slot >= 0 {
			first = 16 + 4*slot
		}
		gfniAffine(g, t, first, srcLo, srcHi)
		g.i("VPTERNLOGD $0x96, Y9, Y8, %s", xLo)
		g.i("VPTERNLOGD $0x96, Y11, Y10, %s", xHi)
	},
}

// gfniWide keeps up to seven constants in Z16..Z29, each as two matrices (see the
// GFNIZ flavour above); its setup puts the mask of the high half's qwords in K1.
var gfniWide = flavour{
	name: "GFNIZ",
	wide: true,
	setup: func(g *gen) {
		g.i("MOVL $0xf0, R11")
		g.i("KMOVW R11, K1")
	},
	slots: 3,
	preload: func(g *gen, t string, off, slot int) {
		m := 16 + 2*slot
		g.i("VPBROADCASTQ %d(%s), Z%d", off, t, m)         // A
		g.i("VPBROADCASTQ %d(%s), K1, Z%d", off+24, t, m)  // D in the high half
		g.i("VPBROADCASTQ %d(%s), Z%d", off+16, t, m+1)    // C
		g.i("VPBROADCASTQ %d(%s), K1, Z%d", off+8, t, m+1) // B in the high half
	},
	mulXor: func(g *gen, t string, slot int, src, _, x, _ string) {
		if slot < 0 {
			log.Fatal("GFNIZ keeps every constant in registers")
		}
		g.i("VGF2P8AFFINEQB $0x00, Z%d, %s, Z8", 16+2*slot, src)
		g.i("VGF2P8AFFINEQB $0x00, Z%d, %s, Z9", 17+2*slot, src)
		g.i("VSHUFI64X2 $0x4e, Z9, Z9, Z9")
		g.i("VPTERNLOGD $0x96, Z9, Z8, %s", x)
	},
}

// vec is one vector of a kernel: its pointer register and the data registers of the
// current chunk, its low and high halves (hi empty for a wide flavour's whole chunk).
type vec struct{ ptr, lo, hi string }

// vec returns vector k of a kernel, at ptr: its chunk in Y2k and Y2k+1, or in Zk.
func (f flavour) vec(ptr string, k int) vec {
	if f.wide {
		return vec{ptr, fmt.Sprintf("Z%d", k), ""}
	}
	return vec{ptr, fmt.Sprintf("Y%d", 2*k), fmt.Sprintf("Y%d", 2*k+1)}
}

// loadAt emits the load of the chunk at ptr plus index, an address's index part such
// as "(BX*1)" (or empty); storeAt the store.
func (v vec) loadAt(g *gen, index string) {
	if v.hi == "" {
		g.i("VMOVDQU64 (%s)%s, %s", v.ptr, index, v.lo)
		return
	}
	g.i("VMOVDQU (%s)%s, %s", v.ptr, index, v.lo)
	g.i("VMOVDQU 32(%s)%s, %s", v.ptr, index, v.hi)
}

func (v vec) storeAt(g *gen, index string) {
	if v.hi == "" {
		g.i("VMOVDQU64 %s, (%s)%s", v.lo, v.ptr, index)
		return
	}
	g.i("VMOVDQU %s, (%s)%s", v.lo, v.ptr, index)
	g.i("VMOVDQU %s, 32(%s)%s", v.hi, v.ptr, index)
}

func (v vec) load(g *gen)  { v.loadAt(g, "") }
func (v vec) store(g *gen) { v.storeAt(g, "") }

// xorInto emits dst ^= src.
func xorInto(g *gen, dst, src vec) {
	if dst.hi == "" {
		g.i("VPXORQ %s, %s, %s", src.lo, dst.lo, dst.lo)
		return
	}
	g.i("VPXOR %s, %s, %s", src.lo, dst.lo, dst.lo)
	g.i("VPXOR %s, %s, %s", src.hi, dst.hi, dst.hi)
}

func mulXor(g *gen, f flavour, t string, slot int, x, y vec) {
	f.mulXor(g, t, slot, y.lo, y.hi, x.lo, x.hi)
}

// preloadOne keeps the single constant of a two-vector kernel in slot 0 if it can.
func preloadOne(g *gen, f flavour) int {
	if f.slots == 0 {
		return -1
	}
	f.preload(g, "AX", 0, 0)
	return 0
}

// loop emits the chunk loop over the vectors: body between the loads and the stores.
// The vectors are loaded from srcs (the same registers) if it is not nil.
func loop(g *gen, label string, vs, srcs []vec, body func()) {
	loads, ptrs := vs, vs
	if srcs != nil {
		loads, ptrs = srcs, append(append([]vec{}, vs...), srcs...)
	}
	loopStart(g, label)
	for _, v := range loads {
		v.load(g)
	}
	body()
	for _, v := range vs {
		v.store(g)
	}
	for _, v := range ptrs {
		g.i("ADDQ $64, %s", v.ptr)
	}
	loopEnd(g, label)
}

// loopStart opens a loop over the 64-byte chunks of CX bytes (label_loop), which
// loopEnd closes, jumping to label_done for none.
func loopStart(g *gen, label string) {
	g.i("SHRQ $6, CX")
	g.i("JZ %s_done", label)
	g.p("%s_loop:", label)
}

// loopEnd closes a loop that loopStart opened, and returns.
func loopEnd(g *gen, label string) {
	g.i("DECQ CX")
	g.i("JNZ %s_loop", label)
	g.i("VZEROUPPER")
	g.p("%s_done:", label)
	g.i("RET")
	g.p("")
}

// radix2 emits the two-vector kernels with the slice signature (x, y []byte, t).
func radix2(g *gen, f flavour, name, doc string, body func(x, y vec, slot int)) {
	fn := name + f.name
	g.p("// func %s(x, y []byte, t unsafe.Pointer)", fn)
	g.p("// %s", doc)
	g.p("TEXT ·%s(SB), NOSPLIT, $0-56", fn)
	g.i("MOVQ x_base+0(FP), DI")
	g.i("MOVQ y_base+24(FP), SI")
	g.i("MOVQ y_len+32(FP), CX")
	g.i("MOVQ t+48(FP), AX")
	f.setup(g)
	slot := preloadOne(g, f)
	x, y := f.vec("DI", 0), f.vec("SI", 1)
	loopStart(g, fn)
	body(x, y, slot)
	g.i("ADDQ $64, DI")
	g.i("ADDQ $64, SI")
	loopEnd(g, fn)
}

// mulAddTo emits the out-of-place multiply-add d = x ^ y·c (len(y) bytes).
func mulAddTo(g *gen, f flavour) {
	fn := "mulAddTo" + f.name
	g.p("// func %s(d, x, y []byte, t unsafe.Pointer)", fn)
	g.p("TEXT ·%s(SB), NOSPLIT, $0-80", fn)
	g.i("MOVQ d_base+0(FP), DX")
	g.i("MOVQ x_base+24(FP), DI")
	g.i("MOVQ y_base+48(FP), SI")
	g.i("MOVQ y_len+56(FP), CX")
	g.i("MOVQ t+72(FP), AX")
	f.setup(g)
	slot := preloadOne(g, f)
	x, y, out := f.vec("DI", 0), f.vec("SI", 1), f.vec("DX", 0)
	loopStart(g, fn)
	y.load(g)
	x.load(g)
	mulXor(g, f, "AX", slot, x, y)
	out.store(g)
	g.i("ADDQ $64, DI")
	g.i("ADDQ $64, SI")
	g.i("ADDQ $64, DX")
	loopEnd(g, fn)
}

func radix4(g *gen, f flavour, inverse, from bool, skip int) string {
	name := "fft4"
	if inverse {
		name = "ifft4"
	}
	if from {
		name += "From"
	}
	fn := fmt.Sprintf("%s%s_%d", name, f.name, skip)
	if from {
		g.p("// func %s(x0, x1, x2, x3 *byte, n int, ta, tb, tc unsafe.Pointer, s0, s1, s2, s3 *byte)", fn)
		g.p("TEXT ·%s(SB), NOSPLIT, $0-96", fn)
	} else {
		g.p("// func %s(x0, x1, x2, x3 *byte, n int, ta, tb, tc unsafe.Pointer)", fn)
		g.p("TEXT ·%s(SB), NOSPLIT, $0-64", fn)
	}
	g.i("MOVQ x0+0(FP), DI")
	g.i("MOVQ x1+8(FP), SI")
	g.i("MOVQ x2+16(FP), R8")
	g.i("MOVQ x3+24(FP), R9")
	g.i("MOVQ n+32(FP), CX")
	g.i("MOVQ ta+40(FP), AX")
	g.i("MOVQ tb+48(FP), BX")
	g.i("MOVQ tc+56(FP), DX")
	f.setup(g) // may use R11
	if from {
		g.i("MOVQ s0+64(FP), R10")
		g.i("MOVQ s1+72(FP), R11")
		g.i("MOVQ s2+80(FP), R12")
		g.i("MOVQ s3+88(FP), R13")
	}
	skipA, skipB, skipC := skip&1 != 0, skip&2 != 0, skip&4 != 0
	// Constants kept in registers, a first: it is used twice per chunk.
	slots := map[string]int{"AX": -1, "BX": -1, "CX": -1, "DX": -1}
	next := 0
	for _, c := range []struct {
		t    string
		skip bool
	}{{"AX", skipA}, {"BX", skipB}, {"DX", skipC}} {
		if !c.skip && next < f.slots {
			f.preload(g, c.t, 0, next)
			slots[c.t] = next
			next++
		}
	}
	x0, x1, x2, x3 := f.vec("DI", 0), f.vec("SI", 1), f.vec("R8", 2), f.vec("R9", 3)
	// fftB: x ^= y·c; y ^= x. ifftB: y ^= x; x ^= y·c.
	fftB := func(x, y vec, t string, skip bool) {
		if !skip {
			mulXor(g, f, t, slots[t], x, y)
		}
		xorInto(g, y, x)
	}
	ifftB := func(x, y vec, t string, skip bool) {
		xorInto(g, y, x)
		if !skip {
			mulXor(g, f, t, slots[t], x, y)
		}
	}
	vs := []vec{x0, x1, x2, x3}
	var srcs []vec
	if from {
		srcs = []vec{f.vec("R10", 0), f.vec("R11", 1), f.vec("R12", 2), f.vec("R13", 3)}
	}
	loop(g, fn, vs, srcs, func() {
		if inverse {
			ifftB(x0, x1, "BX", skipB)
			ifftB(x2, x3, "DX", skipC)
			ifftB(x0, x2, "AX", skipA)
			ifftB(x1, x3, "AX", skipA)
		} else {
			fftB(x0, x2, "AX", skipA)
			fftB(x1, x3, "AX", skipA)
			fftB(x0, x1, "BX", skipB)
			fftB(x2, x3, "DX", skipC)
		}
	})
	return fn
}

// radix8 emits fft8<F> or ifft8<F>(x *byte, stride, n int, m *[7][4]uint64), F =
// GFNI512 or GFNIZ: three layers of the additive FFT on the eight vectors x + k·stride
// (k = 0..7, n bytes each). The forward one runs the layer of distance 4 (pairs k,
// k+4, constant m[0]), then of distance 2 (pairs 0-2 and 1-3 with m[1], 4-6 and 5-7
// with m[2]), then of distance 1 (pairs 0-1, 2-3, 4-5, 6-7 with m[3..6]); the inverse
// one the same butterflies in the opposite order. Each element is loaded and stored
// once for three layers, half the memory traffic per layer of the radix-4 kernels,
// whose eight stores per chunk a Zen 4 core issues at one per cycle, as many cycles as
// its sixteen matrix products take. A zero matrix makes a butterfly's multiply a no-op
// (the logarithm of zero).
//
// GFNI512: the data take Y0..Y15, the products Y16..Y19, the constants of the first
// two layers Y20..Y31; those of the last layer, used once per chunk, are broadcast
// from memory by the products. GFNIZ: the data take Z0..Z7, the products Z8 and Z9,
// all seven constants Z16..Z29.
func radix8(g *gen, f flavour, inverse bool) string {
	fn := "fft8" + f.name
	if inverse {
		fn = "ifft8" + f.name
	}
	g.p("// func %s(x *byte, stride, n int, m *[7][4]uint64)", fn)
	g.p("TEXT ·%s(SB), NOSPLIT, $0-32", fn)
	g.i("MOVQ x+0(FP), DI")
	g.i("MOVQ stride+8(FP), DX")
	g.i("MOVQ n+16(FP), CX")
	g.i("MOVQ m+24(FP), AX")
	f.setup(g) // may use R11, set next
	ptrs := []string{"DI", "SI", "R8", "R9", "R10", "R11", "R12", "R13"}
	g.i("LEAQ (DI)(DX*1), SI")
	g.i("LEAQ (DI)(DX*2), R8")
	g.i("LEAQ (R8)(DX*1), R9")
	g.i("LEAQ (DI)(DX*4), R10")
	g.i("LEAQ (R10)(DX*1), R11")
	g.i("LEAQ (R10)(DX*2), R12")
	g.i("LEAQ (R12)(DX*1), R13")
	vs := make([]vec, len(ptrs))
	for k, p := range ptrs {
		vs[k] = f.vec(p, k)
	}
	// mul emits x ^= y·m[c].
	var mul func(x, y vec, c int)
	if f.wide {
		for c := 0; c < 7; c++ {
			f.preload(g, "AX", 32*c, c)
		}
		mul = func(x, y vec, c int) { mulXor(g, f, "AX", c, x, y) }
	} else {
		for c := 0; c < 3; c++ {
			for q := 0; q < 4; q++ {
				g.i("VPBROADCASTQ %d(AX), Y%d", 32*c+8*q, 20+4*c+q)
			}
		}
		mul = func(x, y vec, c int) {
			srcs := []string{y.lo, y.hi, y.lo, y.hi}
			for q := 0; q < 4; q++ {
				if c < 3 {
					g.i("VGF2P8AFFINEQB $0x00, Y%d, %s, Y%d", 20+4*c+q, srcs[q], 16+q)
				} else {
					g.i("VGF2P8AFFINEQB.BCST $0x00, %d(AX), %s, Y%d", 32*c+8*q, srcs[q], 16+q)
				}
			}
			g.i("VPTERNLOGD $0x96, Y17, Y16, %s", x.lo)
			g.i("VPTERNLOGD $0x96, Y19, Y18, %s", x.hi)
		}
	}
	g.i("XORQ BX, BX")
	loopStart(g, fn)
	for _, v := range vs {
		v.loadAt(g, "(BX*1)")
	}
	type bfly struct{ x, y, c int }
	layers := [][]bfly{
		{{0, 4, 0}, {1, 5, 0}, {2, 6, 0}, {3, 7, 0}},
		{{0, 2, 1}, {1, 3, 1}, {4, 6, 2}, {5, 7, 2}},
		{{0, 1, 3}, {2, 3, 4}, {4, 5, 5}, {6, 7, 6}},
	}
	if inverse {
		for l := 2; l >= 0; l-- {
			for _, b := range layers[l] {
				xorInto(g, vs[b.y], vs[b.x]) // y ^= x; x ^= y·c
				mul(vs[b.x], vs[b.y], b.c)
			}
		}
	} else {
		for _, layer := range layers {
			for _, b := range layer {
				mul(vs[b.x], vs[b.y], b.c) // x ^= y·c; y ^= x
				xorInto(g, vs[b.y], vs[b.x])
			}
		}
	}
	for _, v := range vs {
		v.storeAt(g, "(BX*1)")
	}
	g.i("ADDQ $64, BX")
	loopEnd(g, fn)
	return fn
}

func generate(g, d *gen) {
	for _, w := range []*gen{g, d} {
		w.p("// Code generated by go run ./asmgen. DO NOT EDIT.")
		w.p("")
		w.p("//go:build amd64 && !purego")
		w.p("")
	}
	g.p(`#include "textflag.h"`)
	g.p("")
	d.p("package rs")
	d.p("")
	d.p(`import "unsafe"`)
	d.p("")
	d.p("type dit4Kernel func(x0, x1, x2, x3 *byte, n int, ta, tb, tc unsafe.Pointer)")
	d.p("")
	flavours := []flavour{avx2, gfni, gfni512, gfniWide}
	for _, f := range flavours {
		radix2(g, f, "mulAdd", "x ^= y·c", func(x, y vec, slot int) {
			y.load(g)
			x.load(g)
			mulXor(g, f, "AX", slot, x, y)
			x.store(g)
		})
		radix2(g, f, "fftButterfly", "x ^= y·c; y ^= x", func(x, y vec, slot int) {
			y.load(g)
			x.load(g)
			mulXor(g, f, "AX", slot, x, y)
			xorInto(g, y, x)
			x.store(g)
			y.store(g)
		})
		radix2(g, f, "ifftButterfly", "y ^= x; x ^= y·c", func(x, y vec, slot int) {
			y.load(g)
			x.load(g)
			xorInto(g, y, x)
			mulXor(g, f, "AX", slot, x, y)
			x.store(g)
			y.store(g)
		})
		mulAddTo(g, f)
		d.p("//go:noescape")
		d.p("func mulAddTo%s(d, x, y []byte, t unsafe.Pointer)", f.name)
		d.p("")
		for _, k := range []string{"mulAdd", "fftButterfly", "ifftButterfly"} {
			d.p("//go:noescape")
			d.p("func %s%s(x, y []byte, t unsafe.Pointer)", k, f.name)
			d.p("")
		}
	}
	stream(g, d)
	xorSum(g, d)
	packing(g, d)
	for _, f := range []flavour{gfni512, gfniWide} {
		for _, inverse := range []bool{false, true} {
			d.p("//go:noescape")
			d.p("func %s(x *byte, stride, n int, m *[7][4]uint64)", radix8(g, f, inverse))
			d.p("")
		}
	}
	d.p("type dit4FromKernel func(x0, x1, x2, x3 *byte, n int, ta, tb, tc unsafe.Pointer, s0, s1, s2, s3 *byte)")
	d.p("")
	for _, v := range []struct{ inverse, from bool }{{false, false}, {true, false}, {true, true}} {
		names := make([][8]string, len(flavours))
		for fi, f := range flavours {
			for skip := 0; skip < 8; skip++ {
				names[fi][skip] = radix4(g, f, v.inverse, v.from, skip)
				d.p("//go:noescape")
				if v.from {
					d.p("func %s(x0, x1, x2, x3 *byte, n int, ta, tb, tc unsafe.Pointer, s0, s1, s2, s3 *byte)", names[fi][skip])
				} else {
					d.p("func %s(x0, x1, x2, x3 *byte, n int, ta, tb, tc unsafe.Pointer)", names[fi][skip])
				}
				d.p("")
			}
		}
		table, kind := "fft4Kernels", "dit4Kernel"
		switch {
		case v.from:
			table, kind = "ifft4FromKernels", "dit4FromKernel"
		case v.inverse:
			table = "ifft4Kernels"
		}
		d.p("var %s = [%d][8]%s{", table, len(flavours), kind)
		for fi := range flavours {
			d.p("\t{")
			for _, n := range names[fi] {
				d.p("\t\t%s,", n)
			}
			d.p("\t},")
		}
		d.p("}")
		d.p("")
	}
}

// stream emits the non-temporal copy and the store fence that must follow it before
// another goroutine reads the data.
func stream(g, d *gen) {
	g.p("// func copyStream(dst, src *byte, n int)")
	g.p("TEXT ·copyStream(SB), NOSPLIT, $0-24")
	g.i("MOVQ dst+0(FP), DI")
	g.i("MOVQ src+8(FP), SI")
	g.i("MOVQ n+16(FP), CX")
	g.i("SHRQ $6, CX")
	g.i("JZ copyStream_done")
	g.p("copyStream_loop:")
	g.i("VMOVDQU (SI), Y0")
	g.i("VMOVDQU 32(SI), Y1")
	g.i("VMOVNTDQ Y0, (DI)")
	g.i("VMOVNTDQ Y1, 32(DI)")
	g.i("ADDQ $64, SI")
	g.i("ADDQ $64, DI")
	g.i("DECQ CX")
	g.i("JNZ copyStream_loop")
	g.i("VZEROUPPER")
	g.p("copyStream_done:")
	g.i("RET")
	g.p("")
	g.p("// func storeFence()")
	g.p("TEXT ·storeFence(SB), NOSPLIT, $0-0")
	g.i("SFENCE")
	g.i("RET")
	d.p("//go:noescape")
	d.p("func copyStream(dst, src *byte, n int)")
	d.p("")
	d.p("func storeFence()")
	d.p("")
	g.p("")
	g.p("// func prefetch(p *byte, n int)")
	g.p("TEXT ·prefetch(SB), NOSPLIT, $0-16")
	g.i("MOVQ p+0(FP), SI")
	g.i("MOVQ n+8(FP), CX")
	g.i("ADDQ $63, CX")
	g.i("SHRQ $6, CX")
	g.i("JZ prefetch_done")
	g.p("prefetch_loop:")
	g.i("PREFETCHT0 (SI)")
	g.i("ADDQ $64, SI")
	g.i("DECQ CX")
	g.i("JNZ prefetch_loop")
	g.p("prefetch_done:")
	g.i("RET")
	d.p("//go:noescape")
	d.p("func prefetch(p *byte, n int)")
	d.p("")
}

// xorSum emits the k-way XOR (AVX2): n bytes (a multiple of 64) of each of the k
// vectors whose pointers are at srcs are XORed into dst, a block at a time summed in
// registers, so that dst is read and written once whatever k. Blocks of 256 bytes,
// then of 64.
func xorSum(g, d *gen) {
	g.p("// func xorSum(dst *byte, srcs **byte, k, n int)")
	g.p("TEXT ·xorSum(SB), NOSPLIT, $0-32")
	g.i("MOVQ dst+0(FP), DI")
	g.i("MOVQ srcs+8(FP), BX")
	g.i("MOVQ k+16(FP), DX")
	g.i("MOVQ n+24(FP), CX")
	g.i("XORQ R8, R8") // offset of the block
	for _, block := range []int{256, 64} {
		label := fmt.Sprintf("xorSum_%d", block)
		regs := block / 32
		g.p("%s:", label)
		g.i("CMPQ CX, $%d", block)
		g.i("JB %s_end", label)
		for r := 0; r < regs; r++ {
			g.i("VMOVDQU %d(DI)(R8*1), Y%d", 32*r, r)
		}
		g.i("MOVQ BX, R10")
		g.i("MOVQ DX, R9")
		g.i("TESTQ R9, R9")
		g.i("JZ %s_store", label)
		g.p("%s_src:", label)
		g.i("MOVQ (R10), AX")
		for r := 0; r < regs; r++ {
			g.i("VPXOR %d(AX)(R8*1), Y%d, Y%d", 32*r, r, r)
		}
		g.i("ADDQ $8, R10")
		g.i("DECQ R9")
		g.i("JNZ %s_src", label)
		g.p("%s_store:", label)
		for r := 0; r < regs; r++ {
			g.i("VMOVDQU Y%d, %d(DI)(R8*1)", r, 32*r)
		}
		g.i("ADDQ $%d, R8", block)
		g.i("SUBQ $%d, CX", block)
		g.i("JMP %s", label)
		g.p("%s_end:", label)
	}
	g.i("VZEROUPPER")
	g.i("RET")
	g.p("")
	d.p("//go:noescape")
	d.p("func xorSum(dst *byte, srcs **byte, k, n int)")
	d.p("")
}

// packing emits packLanes and unpackLanes.
func packing(g, d *gen) {
	for _, unpack := range []bool{false, true} {
		name := "packLanes"
		if unpack {
			name = "unpackLanes"
		}
		g.p("// func %s(vec *byte, w int, lanes *byte, half, te int, syms unsafe.Pointer, pstride, sstride, off, tail, count int)", name)
		g.p("TEXT ·%s(SB), NOSPLIT, $0-88", name)
		for _, a := range []struct{ arg, reg string }{
			{"vec+0", "DI"}, {"w+8", "R8"}, {"lanes+16", "R9"}, {"half+24", "R10"}, {"te+32", "R11"},
			{"syms+40", "SI"}, {"pstride+48", "R12"}, {"sstride+56", "R14"}, {"off+64", "R13"},
			{"tail+72", "BX"},
		} {
			g.i("MOVQ %s(FP), %s", a.arg, a.reg)
		}
		g.i("ADDQ R9, R10")
		// K1 selects the te bytes of a tail half.
		g.i("MOVQ R11, CX")
		g.i("MOVQ $1, AX")
		g.i("SHLQ CX, AX")
		g.i("DECQ AX")
		g.i("KMOVD AX, K1")
		g.i("MOVQ count+80(FP), CX")
		g.i("TESTQ CX, CX")
		g.i("JZ %s_done", name)
		g.p("%s_symbol:", name)
		g.i("MOVQ (SI), AX")
		g.i("ADDQ R13, AX")
		g.i("LEAQ (AX)(BX*1), DX")
		if unpack {
			g.i("VMOVDQU (R9), Y0")
			g.i("VMOVDQU (R10), Y1")
			g.i("VMOVDQU8 Y0, K1, (DX)")
			g.i("VMOVDQU8 Y1, K1, (DX)(R11*1)")
		} else {
			g.i("VMOVDQU8.Z (DX), K1, Y0")
			g.i("VMOVDQU8.Z (DX)(R11*1), K1, Y1")
			g.i("VMOVDQU Y0, (R9)")
			g.i("VMOVDQU Y1, (R10)")
		}
		g.i("ADDQ R11, R9")
		g.i("ADDQ R11, R10")
		g.i("MOVQ R8, DX")
		g.i("TESTQ DX, DX")
		g.i("JZ %s_next", name)
		g.p("%s_chunk:", name)
		from, to := "(AX)", "(DI)" // symbol to vector
		if unpack {
			from, to = to, from
		}
		g.i("VMOVDQU64 %s, Z2", from)
		g.i("VMOVDQU64 Z2, %s", to)
		g.i("ADDQ $64, AX")
		g.i("ADDQ $64, DI")
		g.i("SUBQ $64, DX")
		g.i("JNZ %s_chunk", name)
		g.p("%s_next:", name)
		g.i("ADDQ R12, SI")
		g.i("ADDQ R14, R13")
		g.i("DECQ CX")
		g.i("JNZ %s_symbol", name)
		g.i("VZEROUPPER")
		g.p("%s_done:", name)
		g.i("RET")
		g.p("")
		d.p("//go:noescape")
		d.p("func %s(vec *byte, w int, lanes *byte, half, te int, syms unsafe.Pointer, pstride, sstride, off, tail, count int)", name)
		d.p("")
	}
}

func main() {
	out := flag.String("out", "kernels_amd64.s", "assembly output file")
	decl := flag.String("decl", "kernels_amd64.go", "Go declarations output file")
	flag.Parse()
	var asm, goDecl bytes.Buffer
	g, d := &gen{bufio.NewWriter(&asm)}, &gen{bufio.NewWriter(&goDecl)}
	generate(g, d)
	if err := g.w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := d.w.Flush(); err != nil {
		log.Fatal(err)
	}
	src, err := format.Source(goDecl.Bytes())
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, asm.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*decl, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
