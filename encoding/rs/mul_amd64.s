//go:build amd64 && !purego

#include "textflag.h"

// The kernels work on packed shards (64-byte chunks of 32 low then 32 high bytes of 32
// GF(2^16) elements). tables holds, for each nibble i of an element, the low and high
// bytes of (v << 4i) * c for v = 0..15: [T0lo, T0hi, T1lo, T1hi, T2lo, T2hi, T3lo, T3hi].
// len(y) is a multiple of 64 and len(x) >= len(y).

// SETUP loads the arguments: DI = x, SI = y, CX = 64-byte chunks, Y0..Y7 the tables,
// Y8 the nibble mask; it jumps to done when there is no chunk.
#define SETUP(done) \
	MOVQ x_base+0(FP), DI; \
	MOVQ y_base+24(FP), SI; \
	MOVQ y_len+32(FP), CX; \
	MOVQ tables+48(FP), AX; \
	SHRQ $6, CX; \
	JZ   done; \
	VBROADCASTI128 0(AX), Y0; \
	VBROADCASTI128 16(AX), Y1; \
	VBROADCASTI128 32(AX), Y2; \
	VBROADCASTI128 48(AX), Y3; \
	VBROADCASTI128 64(AX), Y4; \
	VBROADCASTI128 80(AX), Y5; \
	VBROADCASTI128 96(AX), Y6; \
	VBROADCASTI128 112(AX), Y7; \
	MOVQ $0x0f0f0f0f0f0f0f0f, BX; \
	MOVQ BX, X8; \
	VPBROADCASTQ X8, Y8

// PRODUCT multiplies the chunk in Y9 (low bytes), Y10 (high bytes) by the constant:
// Y13 = low bytes, Y14 = high bytes of the products. Clobbers Y11, Y12, Y15.
#define PRODUCT \
	VPSRLQ  $4, Y9, Y11; \
	VPAND   Y8, Y11, Y11; \
	VPAND   Y8, Y9, Y12; \
	VPSHUFB Y12, Y0, Y13; \
	VPSHUFB Y12, Y1, Y14; \
	VPSHUFB Y11, Y2, Y15; \
	VPXOR   Y15, Y13, Y13; \
	VPSHUFB Y11, Y3, Y15; \
	VPXOR   Y15, Y14, Y14; \
	VPSRLQ  $4, Y10, Y11; \
	VPAND   Y8, Y11, Y11; \
	VPAND   Y8, Y10, Y12; \
	VPSHUFB Y12, Y4, Y15; \
	VPXOR   Y15, Y13, Y13; \
	VPSHUFB Y12, Y5, Y15; \
	VPXOR   Y15, Y14, Y14; \
	VPSHUFB Y11, Y6, Y15; \
	VPXOR   Y15, Y13, Y13; \
	VPSHUFB Y11, Y7, Y15; \
	VPXOR   Y15, Y14, Y14

// XOR_PRODUCT_INTO_X: x ^= product, storing the new x in Y13, Y14 and at DI.
#define XOR_PRODUCT_INTO_X \
	VPXOR   0(DI), Y13, Y13; \
	VPXOR   32(DI), Y14, Y14; \
	VMOVDQU Y13, 0(DI); \
	VMOVDQU Y14, 32(DI)

// NEXT advances to the next chunk and loops.
#define NEXT(loop) \
	ADDQ $64, SI; \
	ADDQ $64, DI; \
	DECQ CX; \
	JNZ  loop; \
	VZEROUPPER

// func mulAddAVX2(x, y []byte, tables *[8][16]byte): x ^= y*c.
TEXT ·mulAddAVX2(SB), NOSPLIT, $0-56
	SETUP(mulAddDone)

mulAddLoop:
	VMOVDQU 0(SI), Y9
	VMOVDQU 32(SI), Y10
	PRODUCT
	XOR_PRODUCT_INTO_X
	NEXT(mulAddLoop)

mulAddDone:
	RET

// func fftButterflyAVX2(x, y []byte, tables *[8][16]byte): x ^= y*c; y ^= x.
TEXT ·fftButterflyAVX2(SB), NOSPLIT, $0-56
	SETUP(fftDone)

fftLoop:
	VMOVDQU 0(SI), Y9
	VMOVDQU 32(SI), Y10
	PRODUCT
	XOR_PRODUCT_INTO_X
	VPXOR   Y9, Y13, Y13
	VPXOR   Y10, Y14, Y14
	VMOVDQU Y13, 0(SI)
	VMOVDQU Y14, 32(SI)
	NEXT(fftLoop)

fftDone:
	RET

// func ifftButterflyAVX2(x, y []byte, tables *[8][16]byte): y ^= x; x ^= y*c.
TEXT ·ifftButterflyAVX2(SB), NOSPLIT, $0-56
	SETUP(ifftDone)

ifftLoop:
	VMOVDQU 0(SI), Y9
	VMOVDQU 32(SI), Y10
	VPXOR   0(DI), Y9, Y9
	VPXOR   32(DI), Y10, Y10
	VMOVDQU Y9, 0(SI)
	VMOVDQU Y10, 32(SI)
	PRODUCT
	XOR_PRODUCT_INTO_X
	NEXT(ifftLoop)

ifftDone:
	RET
