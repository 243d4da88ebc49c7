package rs

// Walrus symbols are byte strings of any even length s. reed-solomon-simd reads a symbol
// as 64-byte chunks (32 low bytes, then 32 high bytes of 32 elements); a final partial
// chunk of t = s mod 64 bytes holds its t/2 low bytes first and its t/2 high bytes after
// them. A batch of B symbols (one per codeword) is packed into one shard: every symbol's
// full chunks as they are, then the tail elements of all symbols densely in chunks.

// layout describes how a batch of symbols maps onto a packed shard.
type layout struct {
	symbolSize int // s, even
	fullBytes  int // bytes of complete 64-byte chunks per symbol
	tailElems  int // elements in the partial chunk per symbol
}

func newLayout(symbolSize int) layout {
	return layout{
		symbolSize: symbolSize,
		fullBytes:  symbolSize / 64 * 64,
		tailElems:  symbolSize % 64 / 2,
	}
}

// identity reports whether a batch of symbols already is a packed shard.
func (l layout) identity() bool { return l.tailElems == 0 }

// packedLen is the packed size of a batch of count symbols.
func (l layout) packedLen(count int) int {
	tail := count * l.tailElems
	return count*l.fullBytes + (tail+31)/32*64
}

// pack writes the batch src (count*symbolSize bytes) into dst (packedLen bytes).
func (l layout) pack(dst, src []byte) {
	count := len(src) / l.symbolSize
	if l.fullBytes > 0 {
		for b := 0; b < count; b++ {
			copy(dst[b*l.fullBytes:(b+1)*l.fullBytes], src[b*l.symbolSize:])
		}
	}
	if l.tailElems == 0 {
		return
	}
	tail := dst[count*l.fullBytes:]
	clear(tail)
	te := l.tailElems
	e := 0
	for b := 0; b < count; b++ {
		sym := src[b*l.symbolSize+l.fullBytes : (b+1)*l.symbolSize]
		lo, hi := sym[:te], sym[te:2*te]
		for j := 0; j < te; j++ {
			c := (e >> 5) << 6
			lane := e & 31
			tail[c+lane] = lo[j]
			tail[c+32+lane] = hi[j]
			e++
		}
	}
}

// unpack is the inverse of pack: it writes count symbols from src into dst.
func (l layout) unpack(dst, src []byte) {
	count := len(dst) / l.symbolSize
	if l.fullBytes > 0 {
		for b := 0; b < count; b++ {
			copy(dst[b*l.symbolSize:b*l.symbolSize+l.fullBytes], src[b*l.fullBytes:])
		}
	}
	if l.tailElems == 0 {
		return
	}
	tail := src[count*l.fullBytes:]
	te := l.tailElems
	e := 0
	for b := 0; b < count; b++ {
		sym := dst[b*l.symbolSize+l.fullBytes : (b+1)*l.symbolSize]
		lo, hi := sym[:te], sym[te:2*te]
		for j := 0; j < te; j++ {
			c := (e >> 5) << 6
			lane := e & 31
			lo[j] = tail[c+lane]
			hi[j] = tail[c+32+lane]
			e++
		}
	}
}
