// The sparse bindings (packSparse, packSparseS8, spmm, sparseConv2d) reject
// every bad argument with a TypeError or RangeError naming it, and never crash
// Node: wrong types and lengths, non-integers, sizes past the layout's limits,
// bad scales, packed buffers that are truncated, corrupted, misaligned or of
// another shape, and outputs that share memory with an input.
import { describe, expect, it } from 'vitest';
import native from '../index.js';
import type { ConvShape } from '../index.js';
import { throwsError as rejects } from './reject.js';

const k = 9, n = 20, m = 3;
const w = Float32Array.from({ length: k * n }, (_, i) => (i % 3 === 0 ? (i % 7) - 3 : 0));
const packed = native.packSparse(k, n, w);
const x = new Float32Array(m * k).fill(0.5);
const y = () => new Float32Array(m * n);
/** A packed copy with one header word (u32 index `word`) or int64 chunk start (`start`) changed. */
function corrupt(change: (view: DataView) => void): Uint8Array {
  const copy = packed.slice();
  change(new DataView(copy.buffer));
  return copy;
}

describe('packSparse and packSparseS8 reject bad arguments', () => {
  it('accept valid calls, empty weights and all-zero weights', () => {
    expect(native.packSparse(0, 3, new Float32Array(0))).toBeInstanceOf(Uint8Array);
    expect(native.packSparse(3, 0, new Float32Array(0))).toBeInstanceOf(Uint8Array);
    expect(native.packSparseS8(2, 2, new Int8Array(4), new Float32Array([1, 2]))).toBeInstanceOf(Uint8Array);
  });

  it('sizes, arrays and scales', () => {
    rejects(() => (native.packSparse as (...a: unknown[]) => unknown)(k, n), TypeError, /expected 3 arguments/);
    for (const bad of ['3', null, 1.5, Number.NaN]) rejects(() => native.packSparse(bad as number, n, w), TypeError, /^k\b/);
    rejects(() => native.packSparse(-1, n, w), RangeError, /^k\b/);
    rejects(() => native.packSparse(65537, 1, new Float32Array(65537)), RangeError, /^k must be at most 65536/);
    rejects(() => native.packSparse(k, 2 ** 31 + 1, w), RangeError, /^n must be at most/);
    rejects(() => native.packSparse(k, n, Array.from(w) as unknown as Float32Array), TypeError, /^w must be a Float32Array/);
    rejects(() => native.packSparse(k, n, w.subarray(1)), RangeError, /^w has 179 elements but k·n is 180/);
    const q = new Int8Array(k * n), scale = new Float32Array(n).fill(0.1);
    rejects(() => native.packSparseS8(k, n, new Uint8Array(k * n) as unknown as Int8Array, scale), TypeError, /^q must be an Int8Array/);
    rejects(() => native.packSparseS8(k, n, q, scale.subarray(1)), RangeError, /^scale has 19 elements but n is 20/);
    for (const bad of [0, -1, Number.NaN, Infinity])
      rejects(() => native.packSparseS8(k, n, q, scale.map((s, j) => (j === 4 ? bad : s))), RangeError, /^scale\[4\] must be positive and finite/);
  });
});

describe('spmm rejects bad arguments', () => {
  it('accepts valid calls and empty shapes', () => {
    native.spmm(m, n, k, x, packed, y(), { bias: new Float32Array(n), activation: 'relu6' });
    native.spmm(0, n, k, new Float32Array(0), packed, new Float32Array(0));
  });

  it('sizes, arrays, options and overlap', () => {
    rejects(() => native.spmm(1.5, n, k, x, packed, y()), TypeError, /^m must be an integer/);
    rejects(() => native.spmm(m, n, 70000, x, packed, y()), RangeError, /^k must be at most 65536/);
    rejects(() => native.spmm(m, n, k, x.subarray(1), packed, y()), RangeError, /^x has 26 elements but m·k is 27/);
    rejects(() => native.spmm(m, n, k, x, packed, new Float32Array(m * n + 1)), RangeError, /^y has 61 elements/);
    rejects(() => native.spmm(m, n, k, x, w as unknown as Uint8Array, y()), TypeError, /^packed must be a Uint8Array/);
    rejects(() => native.spmm(m, n, k, x, packed, y(), { bias: new Float32Array(n - 1) }), RangeError, /^options\.bias has 19 elements but n is 20/);
    rejects(() => native.spmm(m, n, k, x, packed, y(), { bias: [1] as unknown as Float32Array }), TypeError, /^options\.bias must be a Float32Array/);
    rejects(() => native.spmm(m, n, k, x, packed, y(), { activation: 'gelu' as 'relu' }), RangeError, /^options\.activation/);
    rejects(() => native.spmm(m, n, k, x, packed, y(), 'relu' as never), TypeError, /^options must be an object/);
    const shared = new Float32Array(m * n + m * k);
    rejects(() => native.spmm(m, n, k, shared.subarray(0, m * k), packed, shared.subarray(m * k - 1, m * k - 1 + m * n)), RangeError, /must not share memory/);
  });

  it('packed weights: another shape, truncated, misaligned or corrupt', () => {
    rejects(() => native.spmm(m, n + 1, k, x, packed, new Float32Array(m * (n + 1))), RangeError, /^packed holds 9×20 weights but k×n is 9×21/);
    rejects(() => native.spmm(m, n, k, x, packed.subarray(0, 40), y()), RangeError, /^packed is too short/);
    rejects(() => native.spmm(m, n, k, x, packed.subarray(0, packed.length - 64), y()), RangeError, /^packed is corrupt: its length/);
    rejects(() => native.spmm(m, n, k, x, native.packS8(k, n, new Int8Array(k * n)), y()), RangeError, /^packed is not packed sparse weights/);
    const unaligned = new Uint8Array(packed.length + 4);
    unaligned.set(packed, 4);
    rejects(() => native.spmm(m, n, k, x, unaligned.subarray(4), y()), RangeError, /^packed must start at a multiple of 8 bytes/);
    const cases: [(v: DataView) => void, RegExp][] = [
      [(v) => v.setUint32(4, 99, true), /another version/],
      [(v) => v.setUint32(8, 16, true), /value type/],
      [(v) => v.setUint32(20, 5, true), /chunk count/],
      [(v) => v.setBigInt64(24, 1n << 40n, true), /impossible/],
      [(v) => v.setBigInt64(32, -1n, true), /impossible/],
      [(v) => v.setBigInt64(64 + 8, 1000n, true), /more steps than k|negative length/],
      [(v) => v.setBigInt64(64, 1n, true), /do not span/],
      // seg_steps (one u8 per chunk and 64-row segment) at 128: 64-byte header + 3 chunk starts, aligned.
      [(v) => v.setUint8(128, v.getUint8(128) + 1), /segment step counts do not sum/],
      [(v) => v.setUint8(129, 0), /segment step counts do not sum/],
    ];
    for (const [change, message] of cases) rejects(() => native.spmm(m, n, k, x, corrupt(change), y()), RangeError, message);
  });

  it('corrupt indices and values give numbers, never an out-of-bounds read', () => {
    const bad = packed.slice();
    bad.fill(0xff, packed.length - 256); // indices section: row offset 255 everywhere at the end
    const out = y();
    native.spmm(m, n, k, x, bad, out);
    expect(out.every((v) => Number.isFinite(v) || Number.isNaN(v))).toBe(true);
    // Offsets past a partial last segment (k = 100: rows 64..99), on every kernel (rows 1..3, 5, 17).
    const kk = 100, big = native.packSparse(kk, n, Float32Array.from({ length: kk * n }, (_, i) => (i % 5 ? 0 : 1)));
    const view = new DataView(big.buffer);
    const steps = Number(view.getBigInt64(24, true));
    big.fill(0xff, big.length - Math.ceil((steps * 16) / 64) * 64 + 0, big.length);
    for (const rows of [1, 2, 3, 5, 17]) {
      const o = new Float32Array(rows * n);
      native.spmm(rows, n, kk, new Float32Array(rows * kk).fill(1), big, o);
      expect(o.every((v) => Number.isFinite(v))).toBe(true);
    }
  });
});

describe('sparseConv2d rejects bad arguments', () => {
  const shape: ConvShape = {
    batch: 1, inH: 4, inW: 4, inC: 2, outH: 2, outW: 2, outC: 5, filterH: 3, filterW: 3,
    strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0,
  };
  const kc = 3 * 3 * 2, wc = native.packSparse(kc, 5, Float32Array.from({ length: kc * 5 }, (_, i) => (i % 4 ? 0 : 1)));
  const xc = new Float32Array(32), yc = () => new Float32Array(20);

  it('accepts a valid call', () => {
    native.sparseConv2d(xc, wc, new Float32Array(5), yc(), shape, 'relu');
    native.sparseConv2d(xc, wc, null, yc(), shape);
  });

  it('arrays, shape and packed weights of another filter', () => {
    rejects(() => native.sparseConv2d(xc.subarray(1), wc, null, yc(), shape), RangeError, /^x has 31 elements but batch·inH·inW·inC is 32/);
    rejects(() => native.sparseConv2d(xc, wc, null, new Float32Array(19), shape), RangeError, /^y has 19 elements/);
    rejects(() => native.sparseConv2d(xc, wc, new Float32Array(4), yc(), shape), RangeError, /^bias has 4 elements but n is 5/);
    rejects(() => native.sparseConv2d(xc, wc, null, yc(), { ...shape, outC: 6 }), RangeError, /^packed holds 18×5 weights but \(filterH·filterW·inC\)×outC is 18×6/);
    rejects(() => native.sparseConv2d(xc, wc, null, yc(), { ...shape, filterH: 1.5 }), TypeError, /^shape\.filterH/);
    rejects(() => native.sparseConv2d(xc, wc, null, yc(), { ...shape, inC: 2 ** 15, filterH: 3 }), RangeError, /at most 65536|x has/);
    rejects(() => native.sparseConv2d(xc, wc, null, yc(), shape, 'tanh' as 'relu'), RangeError, /^activation/);
  });
});
