import { describe, expect, it } from 'vitest';
import type { CompressedTensor, Int4Tensor, Int8Tensor, KMeansTensor, LiteGraph, QuantParams } from '../../graph/types.js';
import { LiteModel } from '../../runtime/lite_model.js';
import { decodeLite, encodeLite } from '../container.js';
import { LiteFormatError } from '../errors.js';
import { decodeTensor, encodeTensor, getEncoding, reencodeGraph, tensorByteSize } from '../registry.js';
import { quantized, tinyCnn } from '../samples.js';
import { packNibbles, unpackNibbles } from './int4.js';
import { float32AtLeast, roundHalfEven } from './int8.js';
import { f16ToF32, f32ToF16 } from '../half.js';
import { bitsAt, kmeans1d, nearestIndex, packBits, unpackBits } from './kmeans.js';

/** Seeded values in [lo, hi). */
function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (hi - lo) * (s / 2 ** 32);
  });
}

const single = (t: CompressedTensor): LiteGraph => ({ nodes: [], outputs: [], tensors: new Map([[t.name, t]]), provenance: [] });
const roundTrip = <T extends CompressedTensor>(t: T, huffman: 'auto' | 'off' = 'auto'): T => decodeLite(encodeLite(single(t), { huffman })).tensors.get(t.name) as T;

/** The LiteFormatError a thunk throws (fails the test if none). */
function formatError(fn: () => unknown): LiteFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LiteFormatError);
    return err as LiteFormatError;
  }
  throw new Error('expected a LiteFormatError');
}

describe('round half to even', () => {
  it('rounds ties to the even neighbour and everything else to nearest', () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 126.5, -127.5].map(roundHalfEven)).toEqual([-2, -2, -0, 0, 2, 2, 4, 126, -128]);
    expect([-2.6, -2.4, 0.49999999999999994, 1.2, 7.7].map(roundHalfEven)).toEqual([-3, -2, 0, 1, 8]);
  });
});

describe('float32AtLeast', () => {
  it('is the smallest float32 not below x', () => {
    for (const x of [1 / 127, 2 / 127, 0.1, 1e-30, 3, 0]) {
      const f = float32AtLeast(x);
      expect(Math.fround(f)).toBe(f);
      expect(f).toBeGreaterThanOrEqual(x);
      expect(Math.fround(f * (1 - 2 ** -23))).toBeLessThan(x === 0 ? 1e-300 : x);
    }
  });
});

describe('int8 encoding', () => {
  it('defaults to symmetric narrow-range per-channel scales on the last axis', () => {
    const v = Float32Array.of(0.5, -2, 0, 1, 0.25, 0, -1, 2, 0);
    const { tensor, warnings } = encodeTensor('int8', 'w', v, [3, 3]);
    expect(warnings).toEqual([]);
    const t = tensor as Int8Tensor;
    expect(t.params).toEqual({ bits: 8, axis: 1, symmetric: true, narrowRange: true, scale: [1 / 127, 2 / 127, 1].map(float32AtLeast), zeroPoint: [0, 0, 0] });
    // 0.5 / scale is just below 63.5 (the scale was rounded up), so 63.
    expect(Array.from(t.q)).toEqual([63, -127, 0, 127, 16, 0, -127, 127, 0]);
    expect(tensorByteSize(t)).toBe(9 + 12);
    // Rank ≤ 1 is per tensor.
    expect((encodeTensor('int8', 'b', Float32Array.of(1, -3), [2]).tensor as Int8Tensor).params.axis).toBeNull();
  });

  it('stays within scale/2 of every value and round-trips exactly through .lite files', () => {
    const v = uniform(4 * 3 * 5, 11, -0.7, 0.9);
    const { tensor } = encodeTensor('int8', 'k', v, [4, 3, 5]);
    const t = tensor as Int8Tensor;
    const d = decodeTensor(t);
    for (let i = 0; i < v.length; i++) expect(Math.abs(d[i] - v[i])).toBeLessThanOrEqual(t.params.scale[i % 5] / 2 + 1e-7);
    for (const huffman of ['auto', 'off'] as const) {
      const back = roundTrip(t, huffman);
      expect(back.params).toEqual(t.params);
      expect(Array.from(back.q)).toEqual(Array.from(t.q));
      expect(decodeTensor(back)).toEqual(d);
    }
  });

  it('takes explicit parameters: asymmetric, full range, depthwise channel span; warns about clipping and non-finite values', () => {
    const params: QuantParams = { bits: 8, axis: 2, symmetric: false, narrowRange: false, scale: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06].map(Math.fround), zeroPoint: [-128, 0, 5, 127, -3, 1] };
    const v = uniform(2 * 2 * 3 * 2, 5, -1, 1);
    v[0] = 100;
    v[1] = NaN;
    v[2] = -Infinity;
    const { tensor, warnings } = encodeTensor('int8', 'dw', v, [2, 2, 3, 2], { params });
    const t = tensor as Int8Tensor;
    expect(warnings.map((w) => w.kind)).toEqual(['clipped', 'nonFinite']);
    expect(warnings[1].count).toBe(2);
    expect(warnings[0].message).toMatch(/^dw: \d+ of 24 values lie outside the quantization range and were clamped to -128\.\.127/);
    expect(t.q[0]).toBe(127);
    expect(t.q[1]).toBe(0); // NaN → zero point of channel 1
    expect(t.q[2]).toBe(-128);
    expect(roundTrip(t).params).toEqual(params);
    expect(t.params).not.toBe(params);
  });

  it('rejects bad parameters with messages naming the field', () => {
    const v = new Float32Array(6);
    const p = (over: Partial<QuantParams>) => ({ params: { bits: 8, axis: 1, symmetric: true, narrowRange: true, scale: [1, 1, 1], zeroPoint: [0, 0, 0], ...over } });
    expect(() => encodeTensor('int8', 'w', v, [2, 3], p({ axis: 2 }))).toThrow(/params\.axis must be null \(per tensor\) or an axis 0\.\.1/);
    expect(() => encodeTensor('int8', 'w', v, [2, 3], p({ scale: [1, 1] }))).toThrow(/params\.scale must be an array of 3 scale\(s\) \(per channel on axis 1\)/);
    expect(() => encodeTensor('int8', 'w', v, [2, 3], p({ scale: [1, 0, 1] }))).toThrow(/params\.scale\[1\] must be a positive finite float32/);
    expect(() => encodeTensor('int8', 'w', v, [2, 3], p({ scale: [1, 0.1, 1] }))).toThrow(/float32/);
    expect(() => encodeTensor('int8', 'w', v, [2, 3], p({ zeroPoint: [0, 1, 0] }))).toThrow(/symmetric parameters have zero points 0/);
    expect(() => encodeTensor('int8', 'w', v, [2, 3], p({ symmetric: false, zeroPoint: [0, -128, 0] }))).toThrow(/zeroPoint\[1\] must be an integer in -127\.\.127/);
    expect(() => encodeTensor('int8', 'w', v, [2, 3], p({ bits: 4 as 8 }))).toThrow(/params\.bits must be 8/);
  });
});

describe('decoding from a Buffer', () => {
  it('reads each tensor from its own section, not the Buffer\'s whole (pooled) memory', () => {
    // A Buffer's slice() shares memory: the codes must not be read from the pool around the file.
    const t = encodeTensor('int8', 'w', uniform(300, 4), [30, 10]).tensor;
    const file = encodeLite(single(t), { huffman: 'off' });
    const pool = Buffer.alloc(file.length + 512, 0x80); // −128 everywhere around the file
    file.forEach((b, i) => (pool[256 + i] = b));
    const back = decodeLite(pool.subarray(256, 256 + file.length)).tensors.get('w') as Int8Tensor;
    expect(back.q).toEqual(t.q);
  });
});

describe('int4 encoding', () => {
  it('packs two signed nibbles per byte, low nibble first, for odd and even counts', () => {
    for (const n of [0, 1, 2, 3, 7, 8, 33]) {
      const q = Int8Array.from({ length: n }, (_, i) => ((i * 5 + 3) % 16) - 8);
      const packed = packNibbles(q);
      expect(packed.length).toBe((n + 1) >> 1);
      expect(Array.from(unpackNibbles(packed, n))).toEqual(Array.from(q));
      if (n & 1) expect(packed[packed.length - 1] >> 4).toBe(0);
    }
    expect(Array.from(packNibbles(Int8Array.of(-1, 2, -8)))).toEqual([0x2f, 0x08]);
  });

  it('quantizes per channel within scale/2, in half the bytes, and round-trips through .lite files', () => {
    const v = uniform(5 * 7, 3, -2, 1);
    const { tensor, warnings } = encodeTensor('int4', 'k', v, [5, 7]);
    expect(warnings).toEqual([]);
    const t = tensor as Int4Tensor;
    expect(t.packed.length).toBe(18);
    expect(tensorByteSize(t)).toBe(18 + 28);
    expect(t.params.axis).toBe(1);
    const d = decodeTensor(t);
    for (let i = 0; i < v.length; i++) {
      expect(Math.abs(d[i] - v[i])).toBeLessThanOrEqual(t.params.scale[i % 7] / 2 + 1e-7);
      expect(Math.abs(Math.round(d[i] / t.params.scale[i % 7]))).toBeLessThanOrEqual(7);
    }
    const back = roundTrip(t);
    expect(Array.from(back.packed)).toEqual(Array.from(t.packed));
    expect(decodeTensor(back)).toEqual(d);
  });

  it('asymmetric full range uses −8..7', () => {
    const params: QuantParams = { bits: 4, axis: null, symmetric: false, narrowRange: false, scale: [1], zeroPoint: [-3] };
    const { tensor } = encodeTensor('int4', 'b', Float32Array.of(-10, -5, 0, 4, 9, 11, 2.5), [7], { params });
    const t = tensor as Int4Tensor;
    expect(Array.from(unpackNibbles(t.packed, 7))).toEqual([-8, -8, -3, 1, 6, 7, -1]);
    expect(Array.from(decodeTensor(t))).toEqual([-5, -5, 0, 4, 9, 10, 2]);
    expect(roundTrip(t).params).toEqual(params);
  });
});

describe('kmeans encoding', () => {
  it('bit-packs indices of 1–8 bits, least significant bit first', () => {
    for (let bits = 1; bits <= 8; bits++) {
      for (const n of [0, 1, 5, 17, 64]) {
        const idx = Uint8Array.from({ length: n }, (_, i) => (i * 7 + bits) % 2 ** bits);
        const packed = packBits(idx, bits);
        expect(packed.length).toBe(Math.ceil((n * bits) / 8));
        expect(Array.from(unpackBits(packed, bits, n))).toEqual(Array.from(idx));
        for (let i = 0; i < n; i++) expect(bitsAt(packed, bits, i)).toBe(idx[i]);
      }
    }
    expect(Array.from(packBits([1, 2, 3, 4], 3))).toEqual([0b11010001, 0b1000]);
  });

  it('clusters with linear initialisation and Lloyd steps: sorted centroids, error falls with bits', () => {
    const v = uniform(2000, 9, -1, 1).map((x) => x * x * x);
    let prevErr = Infinity;
    for (let bits = 1; bits <= 8; bits++) {
      const { codebook, converged } = kmeans1d(v, 2 ** bits);
      expect(converged).toBe(true);
      expect(codebook.length).toBeLessThanOrEqual(2 ** bits);
      for (let j = 1; j < codebook.length; j++) expect(codebook[j]).toBeGreaterThan(codebook[j - 1]);
      let err = 0;
      for (const x of v) err += (x - codebook[nearestIndex(codebook, x)]) ** 2;
      expect(err).toBeLessThan(prevErr);
      prevErr = err;
    }
    // Degenerate inputs.
    expect(Array.from(kmeans1d(new Float32Array(5).fill(0.5), 16).codebook)).toEqual([0.5]);
    expect(Array.from(kmeans1d(new Float32Array(0), 16).codebook)).toEqual([0]);
    expect(Array.from(kmeans1d(Float32Array.of(1, 1, 1, 3), 4).codebook)).toEqual([1, 3]);
  });

  it('encodes to the nearest centroid, decodes to codebook values and round-trips through .lite files', () => {
    const v = uniform(3 * 11, 4, -0.5, 0.5);
    for (const bits of [2, 3, 4, 8]) {
      const { tensor, warnings } = encodeTensor('kmeans', 'w', v, [3, 11], { bits });
      expect(warnings).toEqual([]);
      const t = tensor as KMeansTensor;
      expect(t.bits).toBe(bits);
      expect(tensorByteSize(t)).toBe(Math.ceil((33 * bits) / 8) + 4 * t.codebook.length);
      const d = decodeTensor(t);
      for (let i = 0; i < v.length; i++) {
        const best = Math.min(...Array.from(t.codebook, (c) => Math.abs(c - v[i])));
        expect(Math.abs(d[i] - v[i])).toBe(best);
      }
      const back = roundTrip(t);
      expect(Array.from(back.packed)).toEqual(Array.from(t.packed));
      expect(back.codebook).toEqual(t.codebook);
    }
  });

  it('stores a half-precision codebook: centroids rounded to f16 and merged where they meet, 2 bytes each, strictly read', () => {
    const v = uniform(3 * 11, 5, -0.5, 0.5);
    const { tensor } = encodeTensor('kmeans', 'w', v, [3, 11], { bits: 4, halfCodebook: true });
    const t = tensor as KMeansTensor;
    expect(t.halfCodebook).toBe(true);
    expect(Array.from(f16ToF32(f32ToF16(t.codebook).bits))).toEqual(Array.from(t.codebook));
    expect(tensorByteSize(t)).toBe(Math.ceil((33 * 4) / 8) + 2 * t.codebook.length);
    const d = decodeTensor(t);
    for (let i = 0; i < v.length; i++) expect(Math.abs(d[i] - v[i])).toBe(Math.min(...Array.from(t.codebook, (c) => Math.abs(c - v[i]))));
    const back = roundTrip(t);
    expect(back.halfCodebook).toBe(true);
    expect(back.codebook).toEqual(t.codebook);
    const s = getEncoding('kmeans').serialize(t);
    expect(s.meta).toEqual({ bits: 4, centroids: t.codebook.length, codebook: 'f16' });
    // Two centroids one f16 step apart stay apart; closer ones merge.
    const merged = encodeTensor('kmeans', 'w', Float32Array.of(1, 1.0001, 2), [3], { bits: 2, codebook: [1, 1.0001, 2], halfCodebook: true }).tensor as KMeansTensor;
    expect(Array.from(merged.codebook)).toEqual([1, 2]);
    // A codebook that is not f16 cannot be written as one; bad meta is a located error.
    expect(() => getEncoding('kmeans').serialize({ ...t, codebook: t.codebook.map((c, j) => (j === 0 ? 0.1 : c)) })).toThrow(/half-precision codebook must hold f16 values/);
    const layout = (meta: unknown) => () => getEncoding('kmeans').checkLayout([3, 11], meta, [s.streams[0].length, s.streams[1].length], 'header.tensors[0]');
    expect(layout({ ...s.meta, codebook: 'f8' })).toThrow(/header\.tensors\[0\]\.meta\.codebook/);
    expect(layout({ bits: 4, centroids: t.codebook.length })).toThrow(LiteFormatError);
    expect(layout(s.meta)).not.toThrow();
  });

  it('takes a given codebook, and warns about non-finite values', () => {
    const { tensor, warnings } = encodeTensor('kmeans', 'w', Float32Array.of(-3, 0.4, 0.5, 0.6, NaN, Infinity), [6], { bits: 2, codebook: [-1, 0, 1] });
    const t = tensor as KMeansTensor;
    expect(Array.from(unpackBits(t.packed, 2, 6))).toEqual([0, 1, 1, 2, 1, 2]);
    expect(warnings.map((w) => [w.kind, w.count])).toEqual([['nonFinite', 2]]);
    expect(() => encodeTensor('kmeans', 'w', new Float32Array(2), [2], { bits: 1, codebook: [0, 1, 2] })).toThrow(/codebook must hold 1\.\.2 values/);
    expect(() => encodeTensor('kmeans', 'w', new Float32Array(2), [2], { bits: 2, codebook: [1, 0] })).toThrow(/strictly increasing/);
    expect(() => encodeTensor('kmeans', 'w', new Float32Array(2), [2], { bits: 9 })).toThrow(/bits must be an integer 1\.\.8/);
    expect(() => encodeTensor('kmeans', 'w', new Float32Array(2), [2], { iterations: -1 })).toThrow(/iterations/);
  });
});

describe('quantized tensors in .lite files', () => {
  it('the quantized sample round-trips byte for byte', () => {
    const g = quantized();
    const bytes = encodeLite(g);
    const back = decodeLite(bytes);
    expect(Buffer.from(encodeLite(back)).equals(Buffer.from(bytes))).toBe(true);
    for (const [name, t] of g.tensors) expect(decodeTensor(back.tensors.get(name)!)).toEqual(decodeTensor(t));
  });

  /** Serialized form of a tensor, for layout/deserialize checks. */
  const stored = (t: CompressedTensor) => getEncoding(t.encoding).serialize(t);

  it('malformed int8/int4 meta and data are LiteFormatErrors at a path', () => {
    for (const enc of ['int8', 'int4'] as const) {
      const codec = getEncoding(enc);
      const t = encodeTensor(enc, 't', uniform(6, 1), [2, 3], { params: { bits: enc === 'int8' ? 8 : 4, axis: 1, symmetric: false, narrowRange: true, scale: [0.1, 0.2, 0.3].map(Math.fround), zeroPoint: [1, -1, 0] } }).tensor;
      const s = stored(t);
      const lengths = s.streams.map((x) => x.length);
      expect(s.meta).toEqual({ axis: 1, symmetric: false, narrowRange: true });
      expect(lengths).toEqual([enc === 'int8' ? 6 : 3, 15]);
      const layout = (meta: unknown, ls = lengths) => formatError(() => codec.checkLayout([2, 3], meta, ls, 'p'));
      expect(layout({ ...s.meta, extra: 1 }).path).toBe('p.meta.extra');
      expect(layout({ axis: 1, symmetric: false }).path).toBe('p.meta.narrowRange');
      expect(layout({ ...s.meta, axis: 2 }).message).toMatch(/null \(per tensor\) or an axis 0\.\.1 .*\(at p\.meta\.axis\)/);
      expect(layout({ ...s.meta, axis: '1' }).path).toBe('p.meta.axis');
      expect(layout({ ...s.meta, symmetric: 1 }).path).toBe('p.meta.symmetric');
      expect(layout({ ...s.meta, symmetric: true }).message).toMatch(/needs 12 bytes in section 1, the file has 15/);
      expect(layout({ ...s.meta, axis: null }).message).toMatch(/needs 5 bytes in section 1/);
      expect(layout(s.meta, [lengths[0] + 1, 15]).path).toBe('p.sections[0]');
      expect(layout(s.meta, [lengths[0]]).message).toMatch(/needs 2 section\(s\), the file lists 1/);
      // Data: a zero or NaN scale, a zero point out of range, a code −128/−8 in narrow range.
      const bad = (edit: (streams: Uint8Array[]) => void) => {
        const streams = s.streams.map((x) => x.slice());
        edit(streams);
        return formatError(() => codec.deserialize('t', [2, 3], s.meta, streams, 'p'));
      };
      expect(bad((st) => new DataView(st[1].buffer).setFloat32(4, 0, true)).message).toMatch(/scale 1 is 0; scales must be positive and finite \(at p\.sections\[1\]\)/);
      expect(bad((st) => new DataView(st[1].buffer).setFloat32(8, NaN, true)).message).toMatch(/scale 2 is NaN/);
      expect(bad((st) => new DataView(st[1].buffer).setFloat32(0, -1, true)).message).toMatch(/scale 0 is -1/);
      expect(bad((st) => (st[1][13] = 0x80)).message).toMatch(enc === 'int8' ? /zero point 1 is -128, outside -127\.\.127/ : /zero point 1 is -128, outside -7\.\.7/);
      if (enc === 'int8') expect(bad((st) => (st[0][4] = 0x80)).message).toMatch(/value 4 has code −128, outside the narrow range/);
      else {
        expect(bad((st) => (st[0][1] = 0x8f)).message).toMatch(/value 3 has code −8, outside the narrow range −7\.\.7/);
        const odd = stored(encodeTensor('int4', 'o', uniform(3, 2), [3]).tensor);
        odd.streams[0][1] |= 0x10;
        expect(formatError(() => codec.deserialize('o', [3], odd.meta, odd.streams, 'p')).message).toMatch(/unused high nibble of the last byte is 1, not 0 \(at p\.sections\[0\]\)/);
      }
    }
  });

  it('malformed kmeans meta and data are LiteFormatErrors at a path', () => {
    const codec = getEncoding('kmeans');
    const t = encodeTensor('kmeans', 't', uniform(5, 3), [5], { bits: 3, codebook: [-0.5, 0, 0.5] }).tensor;
    const s = stored(t);
    expect(s.meta).toEqual({ bits: 3, centroids: 3 });
    expect(s.streams.map((x) => x.length)).toEqual([2, 12]);
    const layout = (meta: unknown, ls = [2, 12]) => formatError(() => codec.checkLayout([5], meta, ls, 'p'));
    expect(layout({ bits: 0, centroids: 3 }).path).toBe('p.meta.bits');
    expect(layout({ bits: 9, centroids: 3 }).path).toBe('p.meta.bits');
    expect(layout({ bits: 1, centroids: 3 }).message).toMatch(/3 is outside 1\.\.2 \(at p\.meta\.centroids\)/);
    expect(layout({ bits: 3, centroids: 0 }).path).toBe('p.meta.centroids');
    expect(layout({ bits: 3 }).path).toBe('p.meta.centroids');
    expect(layout({ bits: 3, centroids: 3, k: 1 }).path).toBe('p.meta.k');
    expect(layout({ bits: 3, centroids: 4 }).message).toMatch(/needs 16 bytes in section 1/);
    expect(layout({ bits: 4, centroids: 3 }).message).toMatch(/needs 3 bytes in section 0/);
    const bad = (edit: (streams: Uint8Array[]) => void) => {
      const streams = s.streams.map((x) => x.slice());
      edit(streams);
      return formatError(() => codec.deserialize('t', [5], s.meta, streams, 'p'));
    };
    expect(bad((st) => (st[0][0] = 0b111)).message).toMatch(/index 0 is 7, but the codebook has 3 centroid\(s\) \(at p\.sections\[0\]\)/);
    expect(bad((st) => (st[0][1] |= 0x80)).message).toMatch(/unused high bits of the last byte are not 0/);
    expect(bad((st) => new DataView(st[1].buffer).setFloat32(4, Infinity, true)).message).toMatch(/centroid 1 is Infinity; centroids must be finite \(at p\.sections\[1\]\)/);
  });

  it('encodeLite refuses inconsistent in-memory tensors', () => {
    const t8 = encodeTensor('int8', 'a', uniform(4, 1), [2, 2]).tensor as Int8Tensor;
    expect(() => encodeLite(single({ ...t8, params: { ...t8.params, scale: [1] } }))).toThrow(/params\.scale must be an array of 2/);
    expect(() => encodeLite(single({ ...t8, q: Int8Array.of(1, 2, -128, 3) }))).toThrow(/code −128 in a narrow-range tensor/);
    const t4 = encodeTensor('int4', 'b', uniform(3, 1), [3]).tensor as Int4Tensor;
    expect(() => encodeLite(single({ ...t4, packed: new Uint8Array(1) }))).toThrow(LiteFormatError);
    const km = encodeTensor('kmeans', 'c', uniform(3, 1), [3], { bits: 2 }).tensor as KMeansTensor;
    expect(() => encodeLite(single({ ...km, codebook: km.codebook.slice(0, 1) }))).toThrow(/codebook has 1 centroid/);
    expect(() => encodeLite(single({ ...km, bits: 9 }))).toThrow(/bits must be an integer 1\.\.8/);
  });
});

describe('the runtime runs quantized weights (decoded to fp32 at load)', () => {
  it('int8, int4 and kmeans tinyCnn match the fp32 model run on the dequantized weights', async () => {
    const g = tinyCnn();
    const x = uniform(2 * 6 * 6, 8, 0, 1);
    for (const [enc, options] of [['int8', {}], ['int4', {}], ['kmeans', { bits: 4 }]] as const) {
      const q = reencodeGraph(g, enc, options).graph;
      const dequant: LiteGraph = { ...q, tensors: new Map([...q.tensors].map(([n, t]) => [n, { name: n, shape: t.shape, encoding: 'f32', values: decodeTensor(t) }])) };
      const loaded = await LiteModel.load(encodeLite(q));
      const a = loaded.predict({ shape: [2, 6, 6, 1], data: x });
      const b = LiteModel.fromGraph(dequant).predict({ shape: [2, 6, 6, 1], data: x });
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      expect(loaded.summary().bytesByEncoding[enc]).toBe([...q.tensors.values()].reduce((s, t) => s + tensorByteSize(t), 0));
    }
  });
});
