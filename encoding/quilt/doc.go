// Package quilt packs several small blobs ("patches") into one Walrus blob, byte-identical
// to Walrus QuiltV1 (walrus-core quilt_encoding.rs), and reads them back. It does no I/O.
//
// A quilt is an ordinary RS2 blob whose message matrix (n-2f rows × n-f columns of
// symbols) is cut into columns. Each column is one secondary sliver. The first columns
// (at most MaxIndexColumns) hold the index: the version byte 0x01, the u32 LE length of
// the index and the index itself, BCS QuiltIndexV1. Every patch then takes a run of
// consecutive columns, in identifier order, written column by column, top to bottom:
// a 6-byte header (0x01, u32 LE length of what follows, a mask whose bit 0 says "has
// tags"), the u16 LE length and BCS form of the identifier, if there are tags their u16
// LE length and BCS map, then the patch's bytes. The symbol size is the smallest even
// size that lets every part fit, found by the same search Walrus runs.
//
// A patch is addressed by its identifier or by its patch ID: the quilt's blob ID, 0x01,
// and the patch's first and end column as u16 LE, shown as URL-safe base64 without
// padding.
//
// Everything that decodes (Open, IndexFromSlivers, PatchFromSlivers, ParsePatchID,
// Index.UnmarshalBCS) treats its input as hostile: every length is checked against what
// is there before anything is allocated, and failures are errors, never panics.
package quilt
