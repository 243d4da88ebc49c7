package rs

import "unsafe"

// streamMinBytes is the copy size from which StreamCopy streams (below it the partial
// lines at both ends dominate).
const streamMinBytes = 256

// StreamCopy copies src into dst (at least as long) writing the whole 64-byte lines of
// dst with non-temporal stores: the data goes to memory without the lines first being
// read into the cache, as an ordinary store to memory not in cache does, and without
// evicting what the cache holds. For output that is not read again soon this roughly
// triples the write bandwidth. Call StreamFence before another goroutine may read dst.
func StreamCopy(dst, src []byte) {
	n := len(src)
	if !hasAVX2 || n < streamMinBytes {
		copy(dst, src)
		return
	}
	dst = dst[:n]
	head := int(-uintptr(unsafe.Pointer(&dst[0])) & 63)
	body := (n - head) &^ 63
	copy(dst[:head], src[:head])
	copyStream(&dst[head], &src[head], body)
	copy(dst[head+body:], src[head+body:])
}

// PrepareStream prefetches the lines at both ends of dst that a later StreamCopy to dst
// writes with ordinary stores (the partial ones), so that they do not stall it: an
// ordinary store to a line that is not in the cache waits for the line to be read.
func PrepareStream(dst []byte) {
	n := len(dst)
	if !hasAVX2 || n < streamMinBytes {
		return
	}
	p := uintptr(unsafe.Pointer(&dst[0]))
	if p&63 != 0 {
		prefetch(&dst[0], 1)
	}
	if (p+uintptr(n))&63 != 0 {
		prefetch(&dst[n-1], 1)
	}
}

// StreamFence orders the non-temporal stores of StreamCopy before every later store, so
// that a goroutine that synchronises with the caller afterwards sees them.
func StreamFence() {
	if hasAVX2 {
		storeFence()
	}
}

// Prefetch asks the CPU to bring b into the cache ahead of its use, so that the reads of
// the next tile overlap with the work on this one.
func Prefetch(b []byte) {
	if hasAVX2 && len(b) > 0 {
		prefetch(&b[0], len(b))
	}
}
