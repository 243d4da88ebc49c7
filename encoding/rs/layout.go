package rs

// Walrus symbols are byte strings of any even length s. reed-solomon-simd reads a symbol
// as 64-byte chunks (32 low bytes, then 32 high bytes of 32 elements); a final partial
// chunk of t = s mod 64 bytes holds its t/2 low bytes first and its t/2 high bytes after
// them. A batch of B symbols (one per codeword) is packed into one shard: every symbol's
// full chunks as they are, then the tail elements of all symbols densely in chunks —
// the Packing of the segment that covers whole symbols.

// shardPacking returns the packing of a batch of count whole symbols of symbolSize
// bytes into one shard.
func shardPacking(symbolSize, count int) Packing {
	return NewPacking(symbolSize, Segment{Lo: 0, Hi: symbolSize / 64 * 64, Tail: symbolSize%64 != 0}, count)
}

// identity reports whether a batch of whole symbols already is a packed shard (the
// symbols are whole chunks).
func (p *Packing) identity() bool { return p.te == 0 && p.lo == 0 && p.hi == p.s }
