// Extra quilt vectors from the official Walrus TypeScript SDK (@mysten/walrus encodeQuilt).
// Run from an oracle directory made by shared/oracle/regen.sh:
//   cp quilts_extra.mjs DIR/ && cd DIR && node quilts_extra.mjs > quilts_extra.jsonl
// Each line: {name, nShards, inputs: [{identifier, tags, data}], quiltLength, quiltSha256,
// quiltBlobId, symbolSize, indexBcsHex, patches: [{identifier, tags, startIndex, endIndex, patchId}]}.
// data is {text: "..."} (UTF-8) or {len: L, seed: S} meaning byte i = (i + S) % 251.
import { createHash } from 'node:crypto';
import { encodeQuilt } from '@mysten/walrus';
import { getWasmBindings } from './node_modules/@mysten/walrus/dist/wasm.mjs';
import { encodeQuiltPatchId } from './node_modules/@mysten/walrus/dist/utils/quilts.mjs';
import { QuiltIndexV1 } from './node_modules/@mysten/walrus/dist/utils/bcs.mjs';

const bytesOf = (d) =>
	d.text !== undefined ? new TextEncoder().encode(d.text) : Uint8Array.from({ length: d.len }, (_, i) => (i + d.seed) % 251);
const pad = (s, n, c) => (s + c.repeat(n)).slice(0, n);
// Deterministic small PRNG (mulberry32) for the "many" case.
function rng(seed) {
	return () => {
		seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const cases = [];
cases.push({ name: 'tags_order_n10', nShards: 10, inputs: [
	{ identifier: 'k', tags: { b: '1', aa: '2', ccc: '3', '': 'empty key', zz: '' }, data: { text: 'tags' } },
	{ identifier: 'j', data: { len: 0, seed: 0 } },
] });
cases.push({ name: 'max_patches_n10', nShards: 10, inputs: [
	{ identifier: 'p3', data: { len: 100, seed: 3 } },
	{ identifier: 'p0', data: { len: 0, seed: 0 } },
	{ identifier: 'p5', tags: { size: 'big' }, data: { len: 999, seed: 5 } },
	{ identifier: 'p1', data: { len: 1, seed: 1 } },
	{ identifier: 'p4', tags: { a: 'b', c: 'd' }, data: { len: 250, seed: 4 } },
	{ identifier: 'p2', data: { len: 37, seed: 2 } },
] });
cases.push({ name: 'unicode_n13', nShards: 13, inputs: [
	{ identifier: 'ñandú.txt', tags: { 'content-type': 'text/plain; charset=utf-8', idioma: 'español' }, data: { text: '¡Hola, ñandú!' } },
	{ identifier: '日本語', tags: { 言語: '日本語' }, data: { text: 'こんにちは、セイウチ' } },
	{ identifier: 'emoji-🦭', data: { text: '🦭🦭🦭' } },
	{ identifier: 'Zeta', data: { len: 500, seed: 9 } },
	{ identifier: 'alpha beta', data: { len: 64, seed: 1 } },
] });
{
	const inputs = [];
	for (let i = 0; i < 40; i++)
		inputs.push({
			identifier: pad(`patch-${String(i).padStart(2, '0')}-`, 100, 'x'),
			tags: { description: pad(`tag value ${i} `, 90, 'y'), i: String(i) },
			data: { len: 10 + i, seed: i },
		});
	cases.push({ name: 'index_10_columns_n100', nShards: 100, inputs });
}
cases.push({ name: 'index_multi_column_n10', nShards: 10, inputs: [
	{ identifier: pad('one-', 300, 'a'), data: { len: 3, seed: 1 } },
	{ identifier: pad('two-', 300, 'b'), data: { len: 4, seed: 2 } },
	{ identifier: pad('three-', 300, 'c'), data: { len: 5, seed: 3 } },
] });
cases.push({ name: 'big_n1000', nShards: 1000, inputs: [
	{ identifier: 'large.bin', tags: { kind: 'large' }, data: { len: 1 << 20, seed: 7 } },
	{ identifier: 'medium.bin', data: { len: 70000, seed: 8 } },
	{ identifier: 'tiny.bin', data: { len: 3, seed: 9 } },
] });
{
	const r = rng(42);
	const inputs = [];
	for (let i = 0; i < 66; i++) {
		const input = { identifier: `file-${(i * 37) % 66}.dat`, data: { len: Math.floor(r() * 3000), seed: i } };
		if (i % 5 === 0) input.tags = { n: String(i), parity: i % 2 ? 'odd' : 'even' };
		inputs.push(input);
	}
	cases.push({ name: 'max_patches_n100', nShards: 100, inputs });
}
cases.push({ name: 'single_n4', nShards: 4, inputs: [{ identifier: 'only', data: { len: 1000, seed: 0 } }] });

const w = await getWasmBindings();
for (const c of cases) {
	const blobs = c.inputs.map((x) => ({ identifier: x.identifier, tags: x.tags, contents: bytesOf(x.data) }));
	const { quilt, index } = encodeQuilt({ blobs, numShards: c.nShards });
	const { blobId } = w.computeMetadata(c.nShards, quilt);
	const f = Math.floor((c.nShards - 1) / 3);
	console.log(JSON.stringify({
		name: c.name,
		nShards: c.nShards,
		inputs: c.inputs,
		quiltLength: quilt.length,
		quiltSha256: createHash('sha256').update(quilt).digest('hex'),
		quiltBlobId: blobId,
		symbolSize: quilt.length / ((c.nShards - 2 * f) * (c.nShards - f)),
		indexBcsHex: Buffer.from(QuiltIndexV1.serialize(index).toBytes()).toString('hex'),
		patches: index.patches.map((p) => ({
			identifier: p.identifier,
			tags: p.tags ?? {},
			startIndex: p.startIndex,
			endIndex: p.endIndex,
			patchId: encodeQuiltPatchId({ quiltId: blobId, patchId: { version: 1, startIndex: p.startIndex, endIndex: p.endIndex } }),
		})),
	}));
}
