package blake2bx

import "unsafe"

// SumMany sets dst[i] = Sum256(prefix || msg(i)) for every i in
// [0, len(dst)). Messages are hashed eight or four at a time; groups whose
// messages differ in length are hashed one by one. msg is called exactly once
// per index, in increasing order.
func SumMany(dst [][32]byte, prefix byte, msg func(i int) []byte) {
	n := len(dst)
	i := 0
	if useWide {
		var ms [8][]byte
		for ; i+8 <= n; i += 8 {
			for l := range ms {
				ms[l] = msg(i + l)
			}
			sum8(dst[i:i+8], prefix, &ms)
		}
	}
	for ; i+4 <= n; i += 4 {
		Sum256x4Prefixed((*[4][32]byte)(dst[i:i+4]), prefix, msg(i), msg(i+1), msg(i+2), msg(i+3))
	}
	switch n - i {
	case 1:
		dst[i] = Sum256Prefixed(prefix, msg(i))
	case 2:
		m0, m1 := msg(i), msg(i+1)
		sumTail(dst[i:], prefix, m0, m1, m1, m1)
	case 3:
		m0, m1, m2 := msg(i), msg(i+1), msg(i+2)
		sumTail(dst[i:], prefix, m0, m1, m2, m2)
	}
}

// sum8 sets dst[l] = Sum256(prefix || ms[l]) for eight messages, at once if they
// have one length (useWide must be set), reading them where they are.
func sum8(dst [][32]byte, prefix byte, ms *[8][]byte) {
	for _, m := range ms[1:] {
		if len(m) != len(ms[0]) {
			Sum256x4Prefixed((*[4][32]byte)(dst[:4]), prefix, ms[0], ms[1], ms[2], ms[3])
			Sum256x4Prefixed((*[4][32]byte)(dst[4:8]), prefix, ms[4], ms[5], ms[6], ms[7])
			return
		}
	}
	var ptr [8]*byte
	for l, m := range ms {
		ptr[l] = unsafe.SliceData(m)
	}
	leaves8AVX512((*[8][32]byte)(dst), &ptr, len(ms[0]), uint64(prefix))
}

// SumManyStrided sets dst[i] = Sum256(prefix || data[i*stride : i*stride+size])
// for every i in [0, len(dst)). With stride == size the messages are
// consecutive; a larger stride selects e.g. one column of a row-major
// matrix (slice data to start at the column). It panics if the last
// message does not fit in data.
func SumManyStrided(dst [][32]byte, prefix byte, data []byte, size, stride int) {
	n := len(dst)
	if n == 0 {
		return
	}
	if size < 0 || stride < 0 {
		panic("blake2bx: negative size or stride")
	}
	_ = data[(n-1)*stride : (n-1)*stride+size]
	i, o := 0, 0
	if useWide {
		var ms [8][]byte
		for ; i+8 <= n; i, o = i+8, o+8*stride {
			for l := range ms {
				ms[l] = data[o+l*stride : o+l*stride+size]
			}
			sum8(dst[i:i+8], prefix, &ms)
		}
	}
	for ; i+4 <= n; i, o = i+4, o+4*stride {
		Sum256x4Prefixed((*[4][32]byte)(dst[i:i+4]), prefix,
			data[o:o+size], data[o+stride:o+stride+size],
			data[o+2*stride:o+2*stride+size], data[o+3*stride:o+3*stride+size])
	}
	switch n - i {
	case 1:
		dst[i] = Sum256Prefixed(prefix, data[o:o+size])
	case 2:
		m1 := data[o+stride : o+stride+size]
		sumTail(dst[i:], prefix, data[o:o+size], m1, m1, m1)
	case 3:
		m2 := data[o+2*stride : o+2*stride+size]
		sumTail(dst[i:], prefix, data[o:o+size], data[o+stride:o+stride+size], m2, m2)
	}
}

// sumTail hashes 2 or 3 remaining messages (lanes padded by repetition)
// and stores as many digests as dst holds.
func sumTail(dst [][32]byte, prefix byte, m0, m1, m2, m3 []byte) {
	if len(m0) != len(m1) || len(m0) != len(m2) {
		ms := [3][]byte{m0, m1, m2}
		for i := range dst {
			dst[i] = Sum256Prefixed(prefix, ms[i])
		}
		return
	}
	var out [4][32]byte
	Sum256x4Prefixed(&out, prefix, m0, m1, m2, m3)
	copy(dst, out[:])
}
