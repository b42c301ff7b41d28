import { describe, expect, it } from 'vitest';
import { createRng } from '../../data/random.js';
import type { CompressedTensor, NmTensor } from '../../graph/types.js';
import { decodeLite, encodeLite, inspectLite } from '../container.js';
import { LiteFormatError } from '../errors.js';
import { decodeTensor, encodeTensor, tensorByteSize } from '../registry.js';
import { gaussian } from '../samples.js';
import { editHeader } from './csr_test_util.js';
import { fitsNm, nmColumns } from './nm.js';

/** W[K×N] (row-major, N last) with at most `n` non-zeros in every group of `m` rows of each column. */
function nmValues(rows: number, cols: number, n: number, m: number, seed = 1): Float32Array {
  const rng = createRng(seed);
  const v = gaussian(rng, rows * cols, 0.1);
  for (let j = 0; j < cols; j++) {
    for (let g = 0; g < rows; g += m) {
      const size = Math.min(m, rows - g);
      const keep = new Set<number>();
      while (keep.size < Math.min(n, size)) keep.add(rng.int(size));
      for (let t = 0; t < size; t++) if (!keep.has(t) || rng.next() < 0.1) v[(g + t) * cols + j] = 0;
    }
  }
  return v;
}

const nm = (values: Float32Array, shape: number[], options: Record<string, unknown> = {}) => encodeTensor('nm', 'w', values, shape, options).tensor as NmTensor;
const roundTrip = (t: CompressedTensor) => decodeLite(encodeLite({ nodes: [], outputs: [], tensors: new Map([[t.name, t]]), provenance: [] })).tensors.get(t.name)!;

describe('nm encoding', () => {
  it('2:4, 1:4, 4:8 and 1:2 round trip exactly, with partial last groups', () => {
    for (const [rows, cols, n, m] of [[16, 6, 2, 4], [17, 3, 2, 4], [25, 4, 1, 4], [19, 5, 4, 8], [7, 2, 1, 2], [1, 3, 2, 4]]) {
      const v = nmValues(rows, cols, n, m, rows);
      expect(fitsNm(v, [rows, cols], n, m)).toBe(true);
      const t = nm(v, [rows, cols], { n, m });
      expect(Array.from(decodeTensor(t))).toEqual(Array.from(v));
      const back = roundTrip(t);
      expect(back).toEqual(t);
      expect(Array.from(decodeTensor(back))).toEqual(Array.from(v));
    }
  });

  it('stores n values and log2(m)-bit offsets per group, column by column', () => {
    // W[4×2]: column 0 keeps rows 1, 3; column 1 has one non-zero (row 0) and is padded with row 1.
    const v = Float32Array.of(0, 5, 1, 0, 0, 0, 2, 0);
    const t = nm(v, [4, 2]);
    expect(t.positions.length).toBe(1); // 4 offsets of 2 bits
    const c = nmColumns(t);
    expect(Array.from(c.rowIndex)).toEqual([1, 3, 0, 1]);
    expect(Array.from(c.values)).toEqual([1, 2, 5, 0]);
    expect(tensorByteSize(t)).toBe(1 + 4 * 4);
  });

  it('pads with zeros that stay zero in every value encoding (kmeans keeps 0 in its codebook)', () => {
    const v = nmValues(32, 8, 2, 4, 4);
    for (const valueEncoding of ['f16', 'int8', 'kmeans']) {
      const t = nm(v, [32, 8], { valueEncoding, bits: 3 });
      const d = decodeTensor(t);
      for (let i = 0; i < v.length; i++) if (v[i] === 0) expect(d[i]).toBe(0);
      expect(Array.from(decodeTensor(roundTrip(t)))).toEqual(Array.from(d));
    }
  });

  it('rejects tensors that break the pattern and bad patterns with clear errors', () => {
    const v = Float32Array.of(1, 1, 1, 0);
    expect(fitsNm(v, [4, 1], 2, 4)).toBe(false);
    expect(() => nm(v, [4, 1])).toThrow(/output channel 0, rows 0\.\.3 hold 3 non-zeros, but 2:4 keeps at most 2 .* prune the tensor to the 2:4 pattern first, or store it as csr/);
    expect(() => nm(v, [4, 1], { m: 3 })).toThrow(/m must be one of 2, 4, 8, 16/);
    expect(() => nm(v, [4, 1], { n: 4 })).toThrow(/n must be an integer 1\.\.3/);
  });

  it('the reader rejects hostile headers and offsets with LiteFormatErrors', () => {
    const t = nm(nmValues(16, 4, 2, 4, 2), [16, 4]);
    const good = encodeLite({ nodes: [], outputs: [], tensors: new Map([['w', t]]), provenance: [] }, { huffman: 'off' });
    const text = JSON.stringify(inspectLite(good).header);
    for (const [re, to] of [[/"n":2/, '"n":3'], [/"m":4/, '"m":5'], [/"n":2/, '"n":0'], [/"columnScale":false/, '"columnScale":7']] as [RegExp, string][]) {
      expect(re.test(text)).toBe(true);
      expect(() => decodeLite(editHeader(good, (j) => j.replace(re, to)))).toThrow(LiteFormatError);
    }
    // Offsets not increasing within a group.
    const bad = { ...t, positions: t.positions.slice() };
    bad.positions[0] = 0; // group 0 offsets 0, 0
    expect(() => encodeLite({ nodes: [], outputs: [], tensors: new Map([['w', bad]]), provenance: [] })).toThrow(/not above the previous offset/);
  });
});
