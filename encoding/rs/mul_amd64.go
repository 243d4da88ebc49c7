//go:build amd64 && !purego

package rs

import "golang.org/x/sys/cpu"

//go:noescape
func mulAddAVX2(x, y []byte, tables *[8][16]byte)

//go:noescape
func fftButterflyAVX2(x, y []byte, tables *[8][16]byte)

//go:noescape
func ifftButterflyAVX2(x, y []byte, tables *[8][16]byte)

// hasAVX2 selects the assembly kernel; tests turn it off to check the Go path.
var hasAVX2 = cpu.X86.HasAVX2

// mulAddAsm computes x ^= y*exp(logM) with the AVX2 kernel if available.
func (t *fieldTables) mulAddAsm(x, y []byte, logM uint16) bool {
	if !hasAVX2 {
		return false
	}
	mulAddAVX2(x, y[:len(y)&^63], &t.nibbleTables()[logM])
	return true
}

// butterflyAsm runs a fused FFT (or inverse FFT) butterfly with the AVX2 kernel if
// available; logM must not be modulus.
func (t *fieldTables) butterflyAsm(x, y []byte, logM uint16, inverse bool) bool {
	if !hasAVX2 || len(y) < asmMinBytes || len(y)%64 != 0 {
		return false
	}
	if inverse {
		ifftButterflyAVX2(x, y, &t.nibbleTables()[logM])
	} else {
		fftButterflyAVX2(x, y, &t.nibbleTables()[logM])
	}
	return true
}
