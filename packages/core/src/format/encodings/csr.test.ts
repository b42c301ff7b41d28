import { describe, expect, it } from 'vitest';
import { createRng } from '../../data/random.js';
import type { CompressedTensor, CsrTensor, LiteGraph } from '../../graph/types.js';
import { decodeLite, encodeLite, inspectLite } from '../container.js';
import { editHeader } from './csr_test_util.js';
import { LiteFormatError } from '../errors.js';
import { decodeTensor, encodeTensor, tensorByteSize } from '../registry.js';
import { gaussian } from '../samples.js';
import { csrColumns } from './csr.js';

/** Gaussian values with a fraction `sparsity` of them set to exactly 0 (at random positions). */
function sparseValues(n: number, sparsity: number, seed = 1): Float32Array {
  const rng = createRng(seed);
  const v = gaussian(rng, n, 0.1);
  for (let i = 0; i < n; i++) if (rng.next() < sparsity) v[i] = 0;
  return v;
}

const csr = (values: Float32Array, shape: number[], options: Record<string, unknown> = {}) => encodeTensor('csr', 'w', values, shape, options).tensor as CsrTensor;

function roundTrip(t: CompressedTensor): CompressedTensor {
  const g: LiteGraph = { nodes: [], outputs: [], tensors: new Map([[t.name, t]]), provenance: [] };
  return decodeLite(encodeLite(g)).tensors.get(t.name)!;
}

const same = (a: Float32Array, b: Float32Array) => expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);

describe('csr encoding', () => {
  it('round trips exactly with f32 values in every index form, through the file', () => {
    const v = sparseValues(25 * 50, 0.9);
    for (const index of ['bitmask', 'delta4', 'delta8'] as const) {
      const t = csr(v, [25, 50], { index });
      expect(t.index).toBe(index);
      same(decodeTensor(t), v);
      same(decodeTensor(roundTrip(t)), v);
    }
  });

  it('picks the smallest index form: bitmask when dense-ish, 4-bit deltas when sparse, 8-bit deltas when very sparse', () => {
    const n = 4000;
    const pick = (sparsity: number) => csr(sparseValues(n, sparsity, 3), [40, 100]);
    const half = pick(0.5);
    expect(half.index).toBe('bitmask');
    expect(half.indices.length).toBe(n / 8);
    const ninety = pick(0.9);
    expect(ninety.index).toBe('delta4');
    expect(ninety.indices.length).toBeLessThan(n / 8);
    const veryFew = pick(0.995);
    expect(veryFew.index).toBe('delta8');
    for (const t of [half, ninety, veryFew]) {
      for (const index of ['bitmask', 'delta4', 'delta8'] as const) expect(tensorByteSize(t)).toBeLessThanOrEqual(tensorByteSize(csr(decodeTensor(t), [40, 100], { index })));
    }
  });

  it('stores long gaps with filler codes (no value) and positions column by column', () => {
    // One column of 100 rows: non-zeros at rows 0, 40 and 99 → 4-bit deltas 0, then 39 = 15+15+9, then 58 = 15·3+13.
    const v = new Float32Array(100);
    v[0] = 1;
    v[40] = 2;
    v[99] = 3;
    const t = csr(v, [100, 1], { index: 'delta4' });
    const codes = Array.from({ length: t.codes }, (_, c) => (t.indices[c >> 1] >> ((c & 1) << 2)) & 15);
    expect(codes).toEqual([0, 15, 15, 9, 15, 15, 15, 13]);
    expect(t.values.tensor.shape).toEqual([3]);
    same(decodeTensor(roundTrip(t)), v);
    const d8 = csr(v, [100, 1], { index: 'delta8' });
    expect(Array.from(d8.indices)).toEqual([0, 39, 58]);
    // Column-major: W[K=2, N=3] = [[0, 5, 0], [7, 0, 9]] keeps (k=1, j=0), (k=0, j=1), (k=1, j=2).
    const c = csrColumns(csr(Float32Array.of(0, 5, 0, 7, 0, 9), [2, 3]));
    expect({ rows: c.rows, cols: c.cols, colPtr: Array.from(c.colPtr), rowIndex: Array.from(c.rowIndex), values: Array.from(c.values) }).toEqual({ rows: 2, cols: 3, colPtr: [0, 1, 2, 3], rowIndex: [1, 0, 1], values: [7, 5, 9] });
  });

  it('handles 0% and 100% sparse, empty, scalar and odd shapes', () => {
    const cases: [Float32Array, number[]][] = [
      [Float32Array.from({ length: 17 * 3 }, (_, i) => i + 1), [17, 3]],
      [new Float32Array(1023), [1023]],
      [new Float32Array(0), [0, 5]],
      [Float32Array.of(2.5), []],
      [sparseValues(3 * 3 * 7 * 5, 0.8, 9), [3, 3, 7, 5]],
      [Float32Array.of(0, -1, NaN, Infinity, 0, 1e-45), [6]],
    ];
    for (const [v, shape] of cases) {
      for (const index of ['auto', 'bitmask', 'delta4', 'delta8']) {
        const t = csr(v, shape, { index });
        const back = roundTrip(t);
        expect(back).toEqual(t);
        const d = decodeTensor(back);
        expect(Array.from(d)).toEqual(Array.from(v));
      }
    }
    expect(csr(new Float32Array(64), [8, 8]).values.tensor.shape).toEqual([0]);
  });

  it('stores values in f16, int8 per channel and per tensor, and kmeans', () => {
    const v = sparseValues(30 * 20, 0.8, 5);
    const f16 = csr(v, [30, 20], { valueEncoding: 'f16' });
    expect(f16.values.tensor.encoding).toBe('f16');
    const int8 = csr(v, [30, 20], { valueEncoding: 'int8' });
    expect(int8.values.columnScale?.length).toBe(20);
    const int8t = csr(v, [30, 20], { valueEncoding: 'int8', perChannel: false });
    expect(int8t.values.columnScale).toBeUndefined();
    const km = csr(v, [30, 20], { valueEncoding: 'kmeans', bits: 3 });
    expect(km.values.tensor.encoding).toBe('kmeans');
    for (const t of [f16, int8, int8t, km]) {
      const d = decodeTensor(t);
      same(decodeTensor(roundTrip(t)), d);
      for (let i = 0; i < v.length; i++) {
        if (v[i] === 0) expect(d[i]).toBe(0);
        else expect(Math.abs(d[i] - v[i])).toBeLessThan(0.1);
      }
    }
    // int8 per channel equals the dense int8 encoding with the same scales on the kept values.
    const denseInt8 = decodeTensor(encodeTensor('int8', 'w', v, [30, 20], { params: { bits: 8, axis: 1, symmetric: true, narrowRange: true, scale: Array.from(int8.values.columnScale!), zeroPoint: new Array(20).fill(0) } }).tensor);
    same(decodeTensor(int8), denseInt8);
    expect(tensorByteSize(int8)).toBeLessThan(tensorByteSize(f16));
  });

  it('rejects bad options with clear errors', () => {
    expect(() => csr(new Float32Array(4), [2, 2], { index: 'rle' })).toThrow(/index must be 'auto' or one of bitmask, delta4, delta8/);
    expect(() => csr(new Float32Array(4), [2, 2], { valueEncoding: 'int4' })).toThrow(/must be one of f32, f16, int8, kmeans/);
    expect(() => csr(Float32Array.of(1, 0, 0, 1), [2, 2], { valueEncoding: 'int8', columnScale: [1] })).toThrow(/2 scales \(one per output channel\)/);
  });
});

describe('csr in hostile files', () => {
  const base = (): CsrTensor => csr(sparseValues(40 * 10, 0.85, 11), [40, 10], { index: 'delta4' });
  const write = (t: CsrTensor) => encodeLite({ nodes: [], outputs: [], tensors: new Map([[t.name, t]]), provenance: [] }, { huffman: 'off' });

  it('the writer refuses inconsistent tensors with a LiteFormatError', () => {
    const t = base();
    for (const bad of [
      { ...t, codes: t.codes + 2 },
      { ...t, index: 'bitmask' as const },
      { ...t, indices: t.indices.slice(0, -1) },
      { ...t, values: { tensor: { ...t.values.tensor, shape: [1] } as CsrTensor['values']['tensor'] } },
    ]) {
      expect(() => write(bad)).toThrow(LiteFormatError);
    }
  });

  it('the reader rejects edited headers and index bytes with located LiteFormatErrors', () => {
    const t = base();
    const good = write(t);
    const text = JSON.stringify(inspectLite(good).header);
    const edits: [RegExp, string][] = [
      [/"count":\d+/, '"count":999999'],
      [/"codes":\d+/, '"codes":401'],
      [/"index":"delta4"/, '"index":"delta2"'],
      [/"columnScale":false/, '"columnScale":true'],
      [/"encoding":"f32"/, '"encoding":"csr"'],
    ];
    for (const [re, to] of edits) {
      expect(re.test(text)).toBe(true);
      expect(() => decodeLite(editHeader(good, (j) => j.replace(re, to)))).toThrow(LiteFormatError);
    }
    // Trailing filler code / positions past the end.
    const filler = { ...t, indices: t.indices.slice(), codes: t.codes };
    filler.indices[filler.indices.length - 1] |= t.codes & 1 ? 0xf : 0xf0;
    expect(() => write(filler)).toThrow(/filler|unused|past|keeps/);
  });
});

