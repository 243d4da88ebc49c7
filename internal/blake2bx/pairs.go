package blake2bx

import "unsafe"

// Pairs4 describes four hashes *Out[i] = Sum256(prefix || *Left[i] || *Right[i]),
// the shape of Walrus Merkle inner nodes (prefix 0x01).
type Pairs4 struct {
	Left, Right, Out [4]*[32]byte
}

// SumPairs4 computes *p.Out[i] = Sum256(prefix || *p.Left[i] || *p.Right[i])
// for i = 0..3. All inputs are read before any output is written, so
// outputs may alias inputs. Lanes may repeat the same job.
func SumPairs4(p *Pairs4, prefix byte) {
	if useAVX2 {
		pairs4Asm(p, uint64(prefix))
		return
	}
	var out [4][32]byte
	for i := range out {
		out[i] = SumPair(prefix, p.Left[i], p.Right[i])
	}
	for i := range out {
		*p.Out[i] = out[i]
	}
}

// SumPair returns Sum256(prefix || *left || *right).
func SumPair(prefix byte, left, right *[32]byte) [32]byte {
	var buf [65]byte
	buf[0] = prefix
	copy(buf[1:], left[:])
	copy(buf[33:], right[:])
	return Sum256(buf[:])
}

// Pairs8 describes eight hashes *Out[i] = Sum256(prefix || *Left[i] || *Right[i]).
type Pairs8 struct {
	Left, Right, Out [8]*[32]byte
}

// SumPairs8 is SumPairs4 for eight lanes: all inputs are read before any output is
// written. CPUs with AVX-512 hash the eight lanes at once, others four at a time.
func SumPairs8(p *Pairs8, prefix byte) {
	if useWide {
		pairs8AVX512(p, uint64(prefix))
		return
	}
	var out [8][32]byte
	var q Pairs4
	for half := 0; half < 8; half += 4 {
		for i := range 4 {
			q.Left[i], q.Right[i], q.Out[i] = p.Left[half+i], p.Right[half+i], &out[half+i]
		}
		SumPairs4(&q, prefix)
	}
	for i := range out {
		*p.Out[i] = out[i]
	}
}

// Level8 describes one level of eight Merkle trees, one per lane: for every pair j
// below Pairs, lane l hashes its children at In[l] + 2j·Stride (left) and
// In[l] + (2j+1)·Stride (right), both in bytes, into Out[l] + 32j. Out may be In (a
// level reduced in place): the pairs are hashed in order, each one's children read
// before its digest is written.
type Level8 struct {
	In, Out [8]*[32]byte
	Stride  int
	Pairs   int
}

// SumLevel8 hashes the level p describes with the given prefix. The caller
// guarantees that every child and output lies within its tree's memory.
func SumLevel8(p *Level8, prefix byte) {
	if useWide {
		pairsLevel8AVX512(p, uint64(prefix))
		return
	}
	var q Pairs8
	for j := 0; j < p.Pairs; j++ {
		for l := range q.Out {
			q.Left[l] = (*[32]byte)(unsafe.Add(unsafe.Pointer(p.In[l]), 2*j*p.Stride))
			q.Right[l] = (*[32]byte)(unsafe.Add(unsafe.Pointer(p.In[l]), (2*j+1)*p.Stride))
			q.Out[l] = (*[32]byte)(unsafe.Add(unsafe.Pointer(p.Out[l]), 32*j))
		}
		SumPairs8(&q, prefix)
	}
}
