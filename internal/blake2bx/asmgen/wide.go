package main

import "fmt"

// The eight-lane kernels, for CPUs with AVX-512F:
//
//	func blocks8AVX512(h *[64]uint64, p *[8]*byte, n int, t, f uint64)
//	func pairs8AVX512(p *Pairs8, prefix uint64)
//	func pairsLevel8AVX512(p *Level8, prefix uint64)
//	func leaves8AVX512(dst *[8][32]byte, p *[8]*byte, size int, prefix uint64)
//
// They are blocks4 and pairs4 on ZMM registers: one register holds the same state
// word of eight instances, h[8*w+l] is word w of lane l. With 32 vector registers
// the sixteen message words stay in Z16..Z31 and no stack frame is needed; every
// rotation is one VPRORQ. On Intel cores a ZMM instruction does twice the work of a
// YMM one on two ports instead of three, so eight lanes cost about 1.4 times the
// cycles of four (measured on the rounds alone: 197 against 140 ns per block).

// wideKernels emits both eight-lane functions.
func (g *gen) wideKernels() {
	g.wide = true
	defer func() { g.wide = false }()
	g.p("")
	g.blocks8()
	g.p("")
	g.pairs8()
	g.p("")
	g.pairsLevel8()
	g.p("")
	g.leaves8()
}

// wideConstants emits the tables of the eight-lane kernels: the initial chaining
// value and the state of a final 65-byte block as single words (broadcast on load),
// and the qword indices that interleave two registers' 128-bit chunks (see
// transpose4x8).
func (g *gen) wideConstants() {
	for w := 0; w < 8; w++ {
		v := iv[w]
		if w == 0 {
			v ^= 32 | 1<<16 | 1<<24
		}
		g.p("DATA hinit1<>+%d(SB)/8, $0x%016x", 8*w, v)
	}
	g.p("GLOBL hinit1<>(SB), (NOPTR+RODATA), $64")
	g.p("")
	for w := 0; w < 8; w++ {
		g.p("DATA iv1<>+%d(SB)/8, $0x%016x", 8*w, iv[w])
	}
	g.p("GLOBL iv1<>(SB), (NOPTR+RODATA), $64")
	g.p("")
	// chunk c of the result: chunk c/2 (or 2+c/2) of the first or second table.
	for i, idx := range [2][8]int{{0, 1, 8, 9, 4, 5, 12, 13}, {2, 3, 10, 11, 6, 7, 14, 15}} {
		for q, v := range idx {
			g.p("DATA interleave<>+%d(SB)/8, $%d", 64*i+8*q, v)
		}
	}
	g.p("GLOBL interleave<>(SB), (NOPTR+RODATA), $128")
}

// blocks8 emits the general eight-lane compression of n blocks per lane. Lane l
// reads p[l] + 128j for block j, which uses counter t + 128j; f is XORed into v14.
func (g *gen) blocks8() {
	g.p("// func blocks8AVX512(h *[64]uint64, p *[8]*byte, n int, t, f uint64)")
	g.p("TEXT ·blocks8AVX512(SB), NOSPLIT, $0-40")
	g.i("MOVQ h+0(FP), AX")
	g.i("MOVQ p+8(FP), BX")
	g.i("MOVQ n+16(FP), CX")
	g.i("MOVQ t+24(FP), DX")
	g.i("MOVQ f+32(FP), R13")
	g.i("TESTQ CX, CX")
	g.i("JEQ done")
	g.i("XORQ SI, SI") // offset of the block in every lane
	g.p("")
	g.p("loop:")
	g.loadMessage(func(half int) string { return fmt.Sprintf("VMOVDQU64 %d(R8)(SI*1)", 64*half) })
	g.wideState(func(w int) string { return fmt.Sprintf("%d(AX)", 64*w) }, "DX", "R13")
	g.rounds(&[16]bool{})
	g.wideFold(func(w int) string { return fmt.Sprintf("%d(AX)", 64*w) })
	g.i("ADDQ $128, SI")
	g.i("ADDQ $128, DX")
	g.i("DECQ CX")
	g.i("JNZ loop")
	g.clearWide()
	g.p("")
	g.p("done:")
	g.i("RET")
}

// loadMessage loads the block at offset SI of the eight lanes (pointers at 0(BX)) into
// the message registers Z16..Z31, word by word; load(half) is the instruction and
// source operand loading one lane's half from R8.
func (g *gen) loadMessage(load func(half int) string) {
	for half := 0; half < 2; half++ {
		g.p("\t// message words %d..%d of the eight lanes", 8*half, 8*half+7)
		for l := 0; l < 8; l++ {
			g.i("MOVQ %d(BX), R8", 8*l)
			g.i("%s, Z%d", load(half), l)
		}
		g.transpose8x8(16 + 8*half)
	}
}

// transpose8x8 transposes the 8x8 qwords of Z0..Z7 (register l = eight words of
// lane l) into Z(out)..Z(out+7) (register out+k = word k of the eight lanes), with
// Z8..Z15 as scratch: pairs of lanes interleaved by VPUNPCK[LH]QDQ, then 128-bit
// chunks gathered twice by VSHUFI64X2.
func (g *gen) transpose8x8(out int) {
	for k := 0; k < 4; k++ {
		g.i("VPUNPCKLQDQ Z%d, Z%d, Z%d", 2*k+1, 2*k, 8+2*k)
		g.i("VPUNPCKHQDQ Z%d, Z%d, Z%d", 2*k+1, 2*k, 9+2*k)
	}
	// Z8 = (r0,r1) words 0,2,4,6; Z9 = words 1,3,5,7; Z10, Z11 the same of (r2,r3)...
	// Z0 = chunks 0,2 of Z8 then of Z10: (r0,r1),(r2,r3) words 0 and 4, and so on.
	for k := 0; k < 2; k++ { // lanes 0..3, then 4..7
		for odd := 0; odd < 2; odd++ { // words 0,2,4,6 / 1,3,5,7
			a, b := 8+4*k+odd, 10+4*k+odd
			g.i("VSHUFI64X2 $0x88, Z%d, Z%d, Z%d", b, a, 4*k+2*odd)   // words {0,4} or {1,5}
			g.i("VSHUFI64X2 $0xdd, Z%d, Z%d, Z%d", b, a, 4*k+2*odd+1) // words {2,6} or {3,7}
		}
	}
	// Z0 = lanes 0..3 words {0,4}, Z1 {2,6}, Z2 {1,5}, Z3 {3,7}; Z4..Z7 the same of
	// lanes 4..7. Word w: chunks (w<4 ? 0,2 : 1,3) of the lanes 0..3 and 4..7 registers.
	src := map[int]int{0: 0, 4: 0, 2: 1, 6: 1, 1: 2, 5: 2, 3: 3, 7: 3}
	for w := 0; w < 8; w++ {
		imm := "$0x88"
		if w >= 4 {
			imm = "$0xdd"
		}
		g.i("VSHUFI64X2 %s, Z%d, Z%d, Z%d", imm, 4+src[w], src[w], out+w)
	}
}

// transpose4x8 turns Z0..Z3, where register l holds four words of lane l in its low
// half and four of lane l+4 in its high half, into Z0..Z3 = word k of the eight
// lanes, in order; Z4..Z7 are scratch and Z14, Z15 must hold the interleave indices.
// The same instructions turn four registers of words back into lane pairs.
func (g *gen) transpose4x8() {
	g.i("VPUNPCKLQDQ Z1, Z0, Z4")
	g.i("VPUNPCKHQDQ Z1, Z0, Z5")
	g.i("VPUNPCKLQDQ Z3, Z2, Z6")
	g.i("VPUNPCKHQDQ Z3, Z2, Z7")
	for k, src := range [4][2]int{{4, 6}, {5, 7}, {4, 6}, {5, 7}} {
		g.i("VMOVDQA64 Z%d, Z%d", 14+k/2, k)
		g.i("VPERMI2Q Z%d, Z%d, Z%d", src[1], src[0], k)
	}
}

// pairs8 emits the eight-lane hashing of Merkle inner nodes: pairs4 on ZMM.
func (g *gen) pairs8() {
	g.p("// func pairs8AVX512(p *Pairs8, prefix uint64)")
	g.p("TEXT ·pairs8AVX512(SB), NOSPLIT, $0-16")
	g.i("MOVQ p+0(FP), BX")
	g.pairs8Body(func(side, l int) {
		g.loadLanes(64*side, l)
	}, func(l int) {
		g.storeLanes(128, l, "")
	})
	g.clearWide()
	g.i("RET")
}

// pairsLevel8 emits the hashing of one level of eight Merkle trees (see Level8): the
// body of pairs8 in a loop over the pairs. R10 is the pair's offset from In[l] (its
// left child), R12 the Stride to the right child, R11 the offset from Out[l]. With a
// Stride past one digest (the leaves of column trees, each in another row, which the
// CPU's prefetchers do not follow) it prefetches the children of the pair after next.
func (g *gen) pairsLevel8() {
	g.p("// func pairsLevel8AVX512(p *Level8, prefix uint64)")
	g.p("TEXT ·pairsLevel8AVX512(SB), NOSPLIT, $0-16")
	g.i("MOVQ p+0(FP), BX")
	g.i("MOVQ 136(BX), CX")
	g.i("TESTQ CX, CX")
	g.i("JZ level8_done")
	g.i("MOVQ 128(BX), R12")
	g.i("XORQ R10, R10")
	g.i("XORQ R11, R11")
	g.p("level8_pair:")
	g.i("CMPQ R12, $32")
	g.i("JLE level8_load")
	g.i("LEAQ (R10)(R12*4), R13")
	for l := 0; l < 8; l++ {
		g.i("MOVQ %d(BX), R8", 8*l)
		g.i("PREFETCHT0 (R8)(R13*1)")
		g.i("ADDQ R12, R8")
		g.i("PREFETCHT0 (R8)(R13*1)")
	}
	g.p("level8_load:")
	g.pairs8Body(func(side, l int) {
		offsets := []string{"R10"}
		if side == 1 {
			offsets = append(offsets, "R12")
		}
		g.loadLanes(0, l, offsets...)
	}, func(l int) {
		g.storeLanes(64, l, "(R11*1)")
	})
	g.i("LEAQ (R10)(R12*2), R10")
	g.i("ADDQ $32, R11")
	g.i("DECQ CX")
	g.i("JNZ level8_pair")
	g.clearWide()
	g.p("level8_done:")
	g.i("RET")
}

// loadLanes loads the digests of lanes l and l+4 into Zl (lane l+4 in the upper half)
// from the pointers at table+8l and table+8(l+4) off BX, each plus the offset
// registers given. It clobbers R8 and R9.
func (g *gen) loadLanes(table, l int, offsets ...string) {
	g.i("MOVQ %d(BX), R8", table+8*l)
	g.i("MOVQ %d(BX), R9", table+8*(l+4))
	for _, r := range offsets {
		g.i("ADDQ %s, R8", r)
		g.i("ADDQ %s, R9", r)
	}
	g.i("VMOVDQU (R8), Y%d", l)
	g.i("VINSERTI64X4 $1, (R9), Z%d, Z%d", l, l)
}

// storeLanes stores Zl's digests of lanes l and l+4 through the pointers at table+8l
// and table+8(l+4) off BX, indexed by index (an address suffix such as "(R11*1)", or
// ""). It clobbers R8 and R9.
func (g *gen) storeLanes(table, l int, index string) {
	g.i("MOVQ %d(BX), R8", table+8*l)
	g.i("MOVQ %d(BX), R9", table+8*(l+4))
	g.i("VMOVDQU Y%d, (R8)%s", l, index)
	g.i("VEXTRACTI64X4 $1, Z%d, (R9)%s", l, index)
}

// pairs8Body emits the hashing of eight inner nodes: load(side, l) loads the left
// (side 0) or right (side 1) child of lanes l and l+4 into Zl (lane l+4 in the upper
// half), store(l) stores Zl's digests of lanes l and l+4. It clobbers R8 and R9.
func (g *gen) pairs8Body(load func(side, l int), store func(l int)) {
	g.i("VMOVDQU64 interleave<>+0(SB), Z14")
	g.i("VMOVDQU64 interleave<>+64(SB), Z15")
	g.p("\t// left words 0..3 of the eight lanes in Z8..Z11, right in Z0..Z3")
	for side := 0; side < 2; side++ {
		for l := 0; l < 4; l++ {
			load(side, l)
		}
		g.transpose4x8()
		if side == 0 {
			for k := 0; k < 4; k++ {
				g.i("VMOVDQA64 Z%d, Z%d", k, 8+k)
			}
		}
	}
	// Stream bytes: prefix, W0..W7; message word k = W(k-1)>>56 | Wk<<8.
	w := [8]int{8, 9, 10, 11, 0, 1, 2, 3}
	g.i("VPBROADCASTQ prefix+8(FP), Z12")
	g.i("VPSLLQ $8, Z%d, Z13", w[0])
	g.i("VPORQ Z12, Z13, %s", g.msg(0))
	for k := 1; k < 8; k++ {
		g.i("VPSRLQ $56, Z%d, Z12", w[k-1])
		g.i("VPSLLQ $8, Z%d, Z13", w[k])
		g.i("VPORQ Z12, Z13, %s", g.msg(k))
	}
	g.i("VPSRLQ $56, Z%d, %s", w[7], g.msg(8))
	g.p("\t// v0..v7 = initial h, v8..v15 = IV with t = 65 and the final flag")
	for r := 0; r < 8; r++ {
		g.i("VPBROADCASTQ hinit1<>+%d(SB), Z%d", 8*r, r)
	}
	for r := 8; r < 16; r++ {
		g.i("VPBROADCASTQ iv1<>+%d(SB), Z%d", 8*(r-8), r)
	}
	g.i("MOVQ $65, R8")
	g.i("VPBROADCASTQ R8, Z25") // a free register: message words 9..15 are zero
	g.i("VPXORQ Z25, Z12, Z12")
	g.i("VPTERNLOGQ $0x55, Z14, Z14, Z14") // v14 = ^IV6
	g.pairRounds()
	g.p("\t// digest words 0..3 = hinit ^ v[w] ^ v[w+8], transposed back to lane pairs")
	for r := 0; r < 4; r++ {
		g.i("VPBROADCASTQ hinit1<>+%d(SB), Z%d", 8*r, 4+r)
		g.i("VPTERNLOGQ $0x96, Z%d, Z%d, Z%d", 4+r, r+8, r)
	}
	g.i("VMOVDQU64 interleave<>+0(SB), Z14")
	g.i("VMOVDQU64 interleave<>+64(SB), Z15")
	g.transpose4x8()
	for l := 0; l < 4; l++ {
		store(l)
	}
}

func (g *gen) clearWide() {
	for r := 16; r < 32; r++ {
		g.i("VPXORQ X%d, X%d, X%d", r, r, r)
	}
	g.i("VZEROUPPER")
}

// leaves8 emits the hashing of eight prefixed messages of one length,
// dst[l] = Sum256(prefix || p[l][:size]), without copying them: block j of the
// prefixed stream is the 128 bytes at p[l]-1+128j, loaded with byte masks (AVX-512BW)
// that drop the byte before the message (replaced by the prefix) and the bytes past
// its end (the padding zeros). Masked-out bytes are never read, so the loads do not
// fault past either end.
func (g *gen) leaves8() {
	g.p("// func leaves8AVX512(dst *[8][32]byte, p *[8]*byte, size int, prefix uint64)")
	g.p("TEXT ·leaves8AVX512(SB), NOSPLIT, $512-32")
	g.i("MOVQ p+8(FP), BX")
	g.i("MOVQ size+16(FP), CX")
	g.i("INCQ CX")     // stream bytes: prefix and message
	g.i("XORQ SI, SI") // where the block starts in the stream
	g.p("\t// h = the initial chaining value, kept in the frame between blocks")
	for w := 0; w < 8; w++ {
		g.i("VPBROADCASTQ hinit1<>+%d(SB), Z0", 8*w)
		g.i("VMOVDQU64 Z0, h-%d(SP)", 512-64*w)
	}
	g.p("")
	g.p("block:")
	g.p("\t// R9, R10: byte masks of the block's halves; DX: counter; R13: final flag")
	g.i("MOVQ CX, R11")
	g.i("SUBQ SI, R11") // stream bytes from the block on
	g.i("MOVQ $-1, R9")
	g.i("MOVQ $-1, R10")
	g.i("XORQ R13, R13")
	g.i("LEAQ 128(SI), DX")
	g.i("CMPQ R11, $128")
	g.i("JA masked")
	g.i("MOVQ CX, DX")
	g.i("MOVQ $-1, R13")
	g.i("BZHIQ R11, R9, R9")
	g.i("SUBQ $64, R11")
	g.i("XORQ R12, R12")
	g.i("CMPQ R11, $0")
	g.i("CMOVQLT R12, R11")
	g.i("BZHIQ R11, R10, R10")
	g.p("")
	g.p("masked:")
	g.i("TESTQ SI, SI")
	g.i("JNE loadmsg")
	g.i("ANDQ $~1, R9") // the prefix's byte
	g.p("")
	g.p("loadmsg:")
	g.i("KMOVQ R9, K1")
	g.i("KMOVQ R10, K2")
	g.loadMessage(func(half int) string { return fmt.Sprintf("VMOVDQU8.Z %d(R8)(SI*1), K%d", 64*half-1, half+1) })
	g.i("TESTQ SI, SI")
	g.i("JNE state")
	g.i("VPBROADCASTQ prefix+24(FP), Z0")
	g.i("VPORQ Z0, Z16, Z16")
	g.p("")
	g.p("state:")
	frameWord := func(w int) string { return fmt.Sprintf("h-%d(SP)", 512-64*w) }
	g.wideState(frameWord, "DX", "R13")
	g.rounds(&[16]bool{})
	g.wideFold(frameWord)
	g.i("ADDQ $128, SI")
	g.i("CMPQ SI, CX")
	g.i("JB block")
	g.p("\t// the digests: words 0..3 of h (Z0..Z3) transposed to lane pairs")
	g.i("VMOVDQU64 interleave<>+0(SB), Z14")
	g.i("VMOVDQU64 interleave<>+64(SB), Z15")
	g.transpose4x8()
	g.i("MOVQ dst+0(FP), AX")
	for l := 0; l < 4; l++ {
		g.i("VMOVDQU Y%d, %d(AX)", l, 32*l)
		g.i("VEXTRACTI64X4 $1, Z%d, %d(AX)", l, 32*(l+4))
	}
	g.clearWide()
	g.i("RET")
}

// wideState loads v0..v7 from the chaining value (word w at operand h(w)) and v8..v15
// from the IV, with the counter in register t XORed into v12 and the flag in register
// f into v14.
func (g *gen) wideState(h func(w int) string, t, f string) {
	g.p("\t// v0..v7 = h, v8..v15 = IV; v12 ^= t, v14 ^= f")
	for w := 0; w < 8; w++ {
		g.i("VMOVDQU64 %s, Z%d", h(w), w)
	}
	for _, x := range []struct {
		v   int
		reg string
	}{{12, t}, {14, f}} {
		g.i("VPBROADCASTQ %s, Z%d", x.reg, x.v)
		g.i("VPBROADCASTQ iv1<>+%d(SB), Z13", 8*(x.v-8))
		g.i("VPXORQ Z13, Z%d, Z%d", x.v, x.v)
	}
	for _, w := range []int{8, 9, 10, 11, 13, 15} {
		g.i("VPBROADCASTQ iv1<>+%d(SB), Z%d", 8*(w-8), w)
	}
}

// wideFold folds the working words into the chaining value: h ^= v[0:8] ^ v[8:16].
func (g *gen) wideFold(h func(w int) string) {
	g.p("\t// h ^= v[0:8] ^ v[8:16]")
	for w := 0; w < 8; w++ {
		g.i("VPTERNLOGQ $0x96, %s, Z%d, Z%d", h(w), w+8, w)
		g.i("VMOVDQU64 Z%d, %s", w, h(w))
	}
}
