//go:build !amd64 || purego

package rs

import "unsafe"

// Without the assembly kernels the lanes are packed in Go.
var hasLaneKernels = false

func (p *Packing) lanesKernel(vec []byte, syms unsafe.Pointer, pstride, sstride, off int, unpack bool) bool {
	return false
}
