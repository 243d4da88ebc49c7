//go:build amd64 && !purego

package rs

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// hasLaneKernels selects packLanes and unpackLanes (masked byte loads and stores).
var hasLaneKernels = hasAVX2 && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL

// lanesKernel moves the batch between its symbols and the packed vector vec's chunks and
// the lanes (unpack: from vec and the lanes to the symbols) with the assembly kernels,
// and reports whether it could. Symbol b starts at the pointer stored at
// syms+b*pstride, plus b*sstride+off. The caller has checked every bound.
func (p *Packing) lanesKernel(vec []byte, syms unsafe.Pointer, pstride, sstride, off int, unpack bool) bool {
	if !hasLaneKernels {
		return false
	}
	half := len(p.lanes) / 2
	w, tail := p.hi-p.lo, p.fullEnd-p.lo
	if unpack {
		unpackLanes(unsafe.SliceData(vec), w, &p.lanes[0], half, p.te, syms, pstride, sstride, off+p.lo, tail, p.count)
	} else {
		packLanes(unsafe.SliceData(vec), w, &p.lanes[0], half, p.te, syms, pstride, sstride, off+p.lo, tail, p.count)
	}
	return true
}
