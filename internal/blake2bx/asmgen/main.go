// Command asmgen prints the AVX2 and AVX-512 assembly for the 4- and 8-lane
// BLAKE2b compression functions used by package blake2bx.
//
// Usage (from internal/blake2bx):
//
//	go run ./asmgen -out blocks4_amd64.s
//
// It emits two functions in two flavours (and the eight-lane kernels of wide.go):
//
//	func blocks4AVX2(h *[32]uint64, p0, p1, p2, p3 *byte, n int, t, f uint64)
//	func pairs4AVX2(p *Pairs4, prefix uint64)
//
// blocks4AVX2 is the general multi-buffer compression. h holds the chaining
// values of four independent BLAKE2b instances in "transposed" form:
// h[4*w+l] is word w of lane l, so that one YMM register holds the same
// state word of all four lanes. For each of the n blocks the function reads
// 128 bytes from every p_l, transposes the message words (4x4 qword
// transposes with VPUNPCK[LH]QDQ and VPERM2I128) into an aligned stack
// buffer, runs the twelve rounds with the sixteen working words v0..v15 in
// Y0..Y15, message words added straight from the stack, and folds the result
// back into h. Block j uses counter t+128*j; f is XORed into v14 of every
// block (callers pass f != 0 only together with n == 1).
//
// pairs4AVX2 is specialised for Merkle inner nodes: one final block
// prefix || left || right of 65 bytes per lane, built from eight 32-byte
// inputs with shifts, with constant counter, flags and initial state, the
// additions of the all-zero message words 9..15 omitted and the digests
// transposed back and stored through the output pointers.
//
// Rotations: 32 with VPSHUFD, 24 and 16 with VPSHUFB (masks in stack
// slots), 63 with shift/add/or, which needs one scratch register: Y8 (a "c"
// word in both the column and the diagonal step) is spilled to the stack
// while the four b words are rotated.
//
// Each function comes in a second flavour, blocks4AVX512 and pairs4AVX512, for
// CPUs with AVX-512VL: the same code on YMM registers with every rotation one
// VPRORQ, ten instructions fewer per half round (48 instead of 58) and none of
// them the shuffles that compete for one port on Intel cores.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
)

var sigma = [10][16]int{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
	{11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
	{7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
	{9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
	{2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
	{12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
	{13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
	{6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
	{10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
}

var iv = [8]uint64{
	0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
	0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
}

// Stack frame: 24 aligned 32-byte slots. Slots 0..15 hold the transposed
// message words, slot 16 the Y8 spill, slots 17 and 18 the rotation masks.
// Three base registers each address 8 slots with 8-bit displacements
// (-128..96), which keeps the unrolled rounds compact.
const (
	spillSlot = 16
	rot24Slot = 17
	rot16Slot = 18
	nslots    = 24
	frame     = 32*nslots + 32 // + alignment slack
)

var slotBase = [3]string{"DI", "SI", "R12"}

func slot(s int) string { return fmt.Sprintf("%d(%s)", 32*(s%8)-128, slotBase[s/8]) }

// setupFrame points the slot base registers at the aligned frame and
// copies the rotation masks into their slots (clobbers Y0).
func (g *gen) setupFrame() {
	g.i("LEAQ 31+128(SP), DI")
	g.i("ANDQ $~31, DI")
	g.i("LEAQ 256(DI), SI")
	g.i("LEAQ 512(DI), R12")
	if g.vprorq {
		return
	}
	g.i("VMOVDQU rot24<>(SB), Y0")
	g.i("VMOVDQA Y0, %s", slot(rot24Slot))
	g.i("VMOVDQU rot16<>(SB), Y0")
	g.i("VMOVDQA Y0, %s", slot(rot16Slot))
}

type gen struct {
	w *bufio.Writer
	// vprorq selects the AVX-512VL flavour: rotations with VPRORQ.
	vprorq bool
	// wide selects the eight-lane AVX-512F kernels: ZMM registers, rotations with
	// VPRORQ, the message words in Z16..Z31 instead of stack slots.
	wide bool
}

// v names vector register n at the kernel's width.
func (g *gen) v(n int) string {
	if g.wide {
		return fmt.Sprintf("Z%d", n)
	}
	return y(n)
}

// xor is the mnemonic of a vector XOR at the kernel's width (ZMM needs the EVEX form).
func (g *gen) xor() string {
	if g.wide {
		return "VPXORQ"
	}
	return "VPXOR"
}

// msg is the operand holding message word k: a stack slot, or Z16+k.
func (g *gen) msg(k int) string {
	if g.wide {
		return g.v(16 + k)
	}
	return slot(k)
}

// suffix names the flavour's functions.
func (g *gen) suffix() string {
	if g.vprorq {
		return "AVX512"
	}
	return "AVX2"
}

// rotr rotates the four words q[j][w] right by r bits.
func (g *gen) rotr(q [4][4]int, w, r int) {
	if g.vprorq || g.wide {
		for j := 0; j < 4; j++ {
			g.i("VPRORQ $%d, %s, %s", r, g.v(q[j][w]), g.v(q[j][w]))
		}
		return
	}
	switch r {
	case 32:
		for j := 0; j < 4; j++ {
			g.i("VPSHUFD $0xb1, %s, %s", y(q[j][w]), y(q[j][w]))
		}
	case 24, 16:
		mask := map[int]int{24: rot24Slot, 16: rot16Slot}[r]
		for j := 0; j < 4; j++ {
			g.i("VPSHUFB %s, %s, %s", slot(mask), y(q[j][w]), y(q[j][w]))
		}
	case 63:
		// rotr 63 == rotl 1, with Y8 spilled as scratch.
		g.i("VMOVDQA Y8, %s", slot(spillSlot))
		for j := 0; j < 4; j++ {
			b := y(q[j][w])
			g.i("VPSRLQ $63, %s, Y8", b)
			g.i("VPADDQ %s, %s, %s", b, b, b)
			g.i("VPOR Y8, %s, %s", b, b)
		}
		g.i("VMOVDQA %s, Y8", slot(spillSlot))
	default:
		panic(fmt.Sprintf("no rotation by %d", r))
	}
}

func (g *gen) p(format string, args ...any) { fmt.Fprintf(g.w, format+"\n", args...) }
func (g *gen) i(format string, args ...any) { fmt.Fprintf(g.w, "\t"+format+"\n", args...) }

func y(n int) string { return fmt.Sprintf("Y%d", n) }

func main() {
	out := flag.String("out", "", "output file (default stdout)")
	flag.Parse()
	var w io.Writer = os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	generate(bw)
	if err := bw.Flush(); err != nil {
		log.Fatal(err)
	}
}

func generate(w *bufio.Writer) {
	g := &gen{w: w}
	g.p("// Code generated by go run ./asmgen. DO NOT EDIT.")
	g.p("")
	g.p("//go:build amd64 && !purego")
	g.p("")
	g.p(`#include "textflag.h"`)
	g.p("")
	g.constants()
	for _, vprorq := range []bool{false, true} {
		g.vprorq = vprorq
		g.p("")
		g.blocks()
		g.p("")
		g.pairs()
	}
	g.wideKernels()
}

// blocks emits
//
//	func blocks4<flavour>(h *[32]uint64, p0, p1, p2, p3 *byte, n int, t, f uint64)
func (g *gen) blocks() {
	g.p("// func blocks4%s(h *[32]uint64, p0, p1, p2, p3 *byte, n int, t, f uint64)", g.suffix())
	g.p("TEXT ·blocks4%s(SB), 0, $%d-64", g.suffix(), frame)
	g.i("MOVQ h+0(FP), AX")
	g.i("MOVQ p0+8(FP), R8")
	g.i("MOVQ p1+16(FP), R9")
	g.i("MOVQ p2+24(FP), R10")
	g.i("MOVQ p3+32(FP), R11")
	g.i("MOVQ n+40(FP), CX")
	g.i("MOVQ t+48(FP), DX")
	g.i("MOVQ f+56(FP), BX")
	g.i("TESTQ CX, CX")
	g.i("JEQ done")
	g.setupFrame()
	g.p("")
	g.p("loop:")
	g.transpose()
	g.loadState()
	g.rounds(&[16]bool{})
	g.finalize()
	g.i("ADDQ $128, R8")
	g.i("ADDQ $128, R9")
	g.i("ADDQ $128, R10")
	g.i("ADDQ $128, R11")
	g.i("ADDQ $128, DX")
	g.i("DECQ CX")
	g.i("JNZ loop")
	g.i("VZEROUPPER")
	g.p("")
	g.p("done:")
	g.i("RET")
}

// transpose4 emits a 4x4 transpose of 64-bit words: afterwards out[k]
// holds word k of in[0..3]. tmp are scratch registers; out may equal in.
func (g *gen) transpose4(in, tmp, out [4]int) {
	g.i("VPUNPCKLQDQ %s, %s, %s", y(in[1]), y(in[0]), y(tmp[0]))
	g.i("VPUNPCKHQDQ %s, %s, %s", y(in[1]), y(in[0]), y(tmp[1]))
	g.i("VPUNPCKLQDQ %s, %s, %s", y(in[3]), y(in[2]), y(tmp[2]))
	g.i("VPUNPCKHQDQ %s, %s, %s", y(in[3]), y(in[2]), y(tmp[3]))
	g.i("VPERM2I128 $0x20, %s, %s, %s", y(tmp[2]), y(tmp[0]), y(out[0]))
	g.i("VPERM2I128 $0x20, %s, %s, %s", y(tmp[3]), y(tmp[1]), y(out[1]))
	g.i("VPERM2I128 $0x31, %s, %s, %s", y(tmp[2]), y(tmp[0]), y(out[2]))
	g.i("VPERM2I128 $0x31, %s, %s, %s", y(tmp[3]), y(tmp[1]), y(out[3]))
}

// pairs emits
//
//	func pairs4<flavour>(p *Pairs4, prefix uint64)
//
// which hashes the single block prefix || *Left[l] || *Right[l] (65 bytes)
// of each lane and writes the digests to *Out[l]. Message words 9..15 are
// zero, so their additions are omitted; counter and flags are constants.
// All inputs are read before any output is written.
func (g *gen) pairs() {
	g.p("// func pairs4%s(p *Pairs4, prefix uint64)", g.suffix())
	g.p("TEXT ·pairs4%s(SB), 0, $%d-16", g.suffix(), frame)
	g.i("MOVQ p+0(FP), BX")
	g.setupFrame()
	g.p("\t// load and transpose left (W0..W3 in Y0..Y3) and right (W4..W7 in Y8..Y11)")
	for l := 0; l < 4; l++ {
		g.i("MOVQ %d(BX), R8", 8*l)
		g.i("VMOVDQU (R8), %s", y(l))
		g.i("MOVQ %d(BX), R9", 32+8*l)
		g.i("VMOVDQU (R9), %s", y(8+l))
	}
	g.transpose4([4]int{0, 1, 2, 3}, [4]int{4, 5, 6, 7}, [4]int{0, 1, 2, 3})
	g.transpose4([4]int{8, 9, 10, 11}, [4]int{12, 13, 14, 15}, [4]int{8, 9, 10, 11})
	// Stream bytes: prefix, W0..W7; message word k = W(k-1)>>56 | Wk<<8.
	w := [8]int{0, 1, 2, 3, 8, 9, 10, 11}
	g.i("VPBROADCASTQ prefix+8(FP), Y12")
	g.i("VPSLLQ $8, Y0, Y13")
	g.i("VPOR Y12, Y13, Y13")
	g.i("VMOVDQA Y13, %s", g.msg(0))
	for k := 1; k < 8; k++ {
		g.i("VPSRLQ $56, %s, Y13", y(w[k-1]))
		g.i("VPSLLQ $8, %s, Y14", y(w[k]))
		g.i("VPOR Y13, Y14, Y14")
		g.i("VMOVDQA Y14, %s", g.msg(k))
	}
	g.i("VPSRLQ $56, %s, Y13", y(w[7]))
	g.i("VMOVDQA Y13, %s", g.msg(8))
	g.p("\t// v0..v7 = initial h, v8..v15 = IV with t = 65 and the final flag")
	for r := 0; r < 8; r++ {
		g.i("VMOVDQU hinit4<>+%d(SB), %s", 32*r, y(r))
	}
	for r := 8; r < 16; r++ {
		g.i("VMOVDQU ivpair<>+%d(SB), %s", 32*(r-8), y(r))
	}
	g.pairRounds()
	g.p("\t// digest words 0..3 = hinit ^ v[w] ^ v[w+8], transposed to lanes")
	for r := 0; r < 4; r++ {
		g.i("VPXOR %s, %s, %s", y(r+8), y(r), y(r))
		g.i("VPXOR hinit4<>+%d(SB), %s, %s", 32*r, y(r), y(r))
	}
	g.transpose4([4]int{0, 1, 2, 3}, [4]int{4, 5, 6, 7}, [4]int{0, 1, 2, 3})
	for l := 0; l < 4; l++ {
		g.i("MOVQ %d(BX), R8", 64+8*l)
		g.i("VMOVDQU %s, (R8)", y(l))
	}
	g.i("VZEROUPPER")
	g.i("RET")
}

// pairRounds emits the twelve rounds of an inner node's single block, whose message
// words 9..15 are zero: their additions are left out.
func (g *gen) pairRounds() {
	var zero [16]bool
	for k := 9; k < 16; k++ {
		zero[k] = true
	}
	g.rounds(&zero)
}

// rounds emits the twelve rounds, leaving out the additions of the message words
// marked zero.
func (g *gen) rounds(zero *[16]bool) {
	for r := 0; r < 12; r++ {
		g.p("\t// round %d", r)
		g.round(sigma[r%10], zero)
	}
}

func (g *gen) constants() {
	// iv4: each IV word replicated into the four 64-bit lanes of a YMM.
	for w := 0; w < 8; w++ {
		for l := 0; l < 4; l++ {
			g.p("DATA iv4<>+%d(SB)/8, $0x%016x", 32*w+8*l, iv[w])
		}
	}
	g.p("GLOBL iv4<>(SB), (NOPTR+RODATA), $256")
	g.p("")
	// hinit4: the BLAKE2b-256 initial chaining value, replicated.
	for w := 0; w < 8; w++ {
		v := iv[w]
		if w == 0 {
			v ^= 32 | 1<<16 | 1<<24
		}
		for l := 0; l < 4; l++ {
			g.p("DATA hinit4<>+%d(SB)/8, $0x%016x", 32*w+8*l, v)
		}
	}
	g.p("GLOBL hinit4<>(SB), (NOPTR+RODATA), $256")
	g.p("")
	// ivpair: v8..v15 for a single final block of 65 bytes.
	for w := 0; w < 8; w++ {
		v := iv[w]
		switch w {
		case 4:
			v ^= 65
		case 6:
			v = ^v
		}
		for l := 0; l < 4; l++ {
			g.p("DATA ivpair<>+%d(SB)/8, $0x%016x", 32*w+8*l, v)
		}
	}
	g.p("GLOBL ivpair<>(SB), (NOPTR+RODATA), $256")
	g.p("")
	// VPSHUFB masks rotating each 64-bit lane right by 24 and 16 bits:
	// destination byte i takes source byte (i + r/8) mod 8 of its qword.
	for idx, r := range []int{24, 16} {
		name := []string{"rot24", "rot16"}[idx]
		for q := 0; q < 4; q++ {
			var v uint64
			for b := 0; b < 8; b++ {
				src := q%2*8 + (b+r/8)%8 // index inside the 128-bit lane
				v |= uint64(src) << (8 * b)
			}
			g.p("DATA %s<>+%d(SB)/8, $0x%016x", name, 8*q, v)
		}
		g.p("GLOBL %s<>(SB), (NOPTR+RODATA), $32", name)
		g.p("")
	}
	g.wideConstants()
}

// transpose loads one 128-byte block from each lane and stores the 16
// message words transposed to msg(k).
func (g *gen) transpose() {
	g.p("\t// transpose message block")
	ptr := []string{"R8", "R9", "R10", "R11"}
	for grp := 0; grp < 4; grp++ {
		base := 0
		if grp%2 == 1 {
			base = 8 // alternate register sets to give the scheduler room
		}
		for l := 0; l < 4; l++ {
			g.i("VMOVDQU %d(%s), %s", 32*grp, ptr[l], y(base+l))
		}
		r := [4]int{base, base + 1, base + 2, base + 3}
		g.transpose4(r, [4]int{base + 4, base + 5, base + 6, base + 7}, r)
		for k := range r {
			g.i("VMOVDQA %s, %s", y(r[k]), g.msg(4*grp+k))
		}
	}
}

func (g *gen) loadState() {
	g.p("\t// v0..v7 = h, v8..v15 = IV; v12 ^= t, v14 ^= f")
	g.i("VMOVQ DX, X12")
	g.i("VPBROADCASTQ X12, Y12")
	g.i("VMOVQ BX, X14")
	g.i("VPBROADCASTQ X14, Y14")
	for w := 0; w < 8; w++ {
		g.i("VMOVDQU %d(AX), %s", 32*w, y(w))
	}
	for w := 8; w < 12; w++ {
		g.i("VMOVDQU iv4<>+%d(SB), %s", 32*(w-8), y(w))
	}
	g.i("VPXOR iv4<>+128(SB), Y12, Y12")
	g.i("VMOVDQU iv4<>+160(SB), Y13")
	g.i("VPXOR iv4<>+192(SB), Y14, Y14")
	g.i("VMOVDQU iv4<>+224(SB), Y15")
}

// halfRound emits four interleaved G functions.
func (g *gen) halfRound(q [4][4]int, mx, my [4]int, zero *[16]bool) {
	for j := 0; j < 4; j++ {
		if !zero[mx[j]] {
			g.i("VPADDQ %s, %s, %s", g.msg(mx[j]), g.v(q[j][0]), g.v(q[j][0]))
		}
	}
	for j := 0; j < 4; j++ {
		g.i("VPADDQ %s, %s, %s", g.v(q[j][1]), g.v(q[j][0]), g.v(q[j][0]))
	}
	for j := 0; j < 4; j++ {
		g.i(g.xor()+" %s, %s, %s", g.v(q[j][0]), g.v(q[j][3]), g.v(q[j][3]))
	}
	g.rotr(q, 3, 32)
	for j := 0; j < 4; j++ {
		g.i("VPADDQ %s, %s, %s", g.v(q[j][3]), g.v(q[j][2]), g.v(q[j][2]))
	}
	for j := 0; j < 4; j++ {
		g.i(g.xor()+" %s, %s, %s", g.v(q[j][2]), g.v(q[j][1]), g.v(q[j][1]))
	}
	g.rotr(q, 1, 24)
	for j := 0; j < 4; j++ {
		if !zero[my[j]] {
			g.i("VPADDQ %s, %s, %s", g.msg(my[j]), g.v(q[j][0]), g.v(q[j][0]))
		}
	}
	for j := 0; j < 4; j++ {
		g.i("VPADDQ %s, %s, %s", g.v(q[j][1]), g.v(q[j][0]), g.v(q[j][0]))
	}
	for j := 0; j < 4; j++ {
		g.i(g.xor()+" %s, %s, %s", g.v(q[j][0]), g.v(q[j][3]), g.v(q[j][3]))
	}
	g.rotr(q, 3, 16)
	for j := 0; j < 4; j++ {
		g.i("VPADDQ %s, %s, %s", g.v(q[j][3]), g.v(q[j][2]), g.v(q[j][2]))
	}
	for j := 0; j < 4; j++ {
		g.i(g.xor()+" %s, %s, %s", g.v(q[j][2]), g.v(q[j][1]), g.v(q[j][1]))
	}
	g.rotr(q, 1, 63)
}

func (g *gen) round(s [16]int, zero *[16]bool) {
	col := [4][4]int{{0, 4, 8, 12}, {1, 5, 9, 13}, {2, 6, 10, 14}, {3, 7, 11, 15}}
	diag := [4][4]int{{0, 5, 10, 15}, {1, 6, 11, 12}, {2, 7, 8, 13}, {3, 4, 9, 14}}
	g.halfRound(col, [4]int{s[0], s[2], s[4], s[6]}, [4]int{s[1], s[3], s[5], s[7]}, zero)
	g.halfRound(diag, [4]int{s[8], s[10], s[12], s[14]}, [4]int{s[9], s[11], s[13], s[15]}, zero)
}

func (g *gen) finalize() {
	g.p("\t// h ^= v[0:8] ^ v[8:16]")
	for w := 0; w < 8; w++ {
		g.i("VPXOR %s, %s, %s", y(w+8), y(w), y(w))
		g.i("VPXOR %d(AX), %s, %s", 32*w, y(w), y(w))
		g.i("VMOVDQU %s, %d(AX)", y(w), 32*w)
	}
}
