package encoding

import "github.com/tuskstore/tusk/encoding/rs"

// transformsAlone runs the erasure-code transforms of one encode with a blob's symbol
// size s — the tiles of the row pass and of the column pass, with the same plans and
// arena as EncodeTo — and nothing else: no packing, hashing or sliver writes. The
// transforms' cost does not depend on the values, so the arena's contents are left as
// they are. It measures what an encode costs beyond the hashing floor at the least.
func (e *Codec) transformsAlone(ws *Workspace, s int) {
	p := e.params
	n, k1 := p.NShards, p.PrimarySymbols()
	w := ws.crew(e)[0]
	for _, code := range []struct {
		tile      *rs.Tile
		codewords int
	}{{w.rowTile, k1}, {w.colTile, n}} {
		count, segs := tilePlan(code.tile, s)
		for first := 0; first < code.codewords; first += count {
			batch := min(count, code.codewords-first)
			for _, seg := range segs {
				pk := rs.NewPacking(s, seg, batch)
				w.resetTile(code.tile, pk.Len())
				code.tile.Encode()
			}
		}
	}
}
