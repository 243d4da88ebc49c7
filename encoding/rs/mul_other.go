//go:build !amd64 || purego

package rs

// Without the assembly kernels every flag is off and the transforms run in Go.
var hasAVX2, hasGFNI, hasGFNI512, hasGFNIZ = false, false, false, false

func copyStream(dst, src *byte, n int) {}

func storeFence() {}

func prefetch(p *byte, n int) {}

func sumIntoAsm(dst []byte, srcs [][]byte) int { return 0 }

func (t *fieldTables) mulAddAsm(x, y []byte, logM uint16) bool { return false }

func (t *fieldTables) mulAddToAsm(d, x, y []byte, logM uint16) bool { return false }

func (t *fieldTables) butterflyAsm(x, y []byte, logM uint16, inverse bool) bool { return false }

func (t *fieldTables) dit4Asm(x0, x1, x2, x3 []byte, logA, logB, logC uint16, inverse bool) bool {
	return false
}

func (t *fieldTables) ifft4FromAsm(x0, x1, x2, x3, s0, s1, s2, s3 []byte, logA, logB, logC uint16) bool {
	return false
}

func (t *fieldTables) dit8Asm(x []byte, stride int, logs *[7]uint16, inverse bool) {
	panic("rs: no radix-8 kernel")
}
