// The int8 bindings (packS8, packS4, gemmS8, matmulDynamic, conv2dS8) reject every bad
// argument with a TypeError or RangeError naming it, and never crash Node:
// wrong types, lengths and counts, non-integers, out-of-range values, corrupt or
// mismatched packed weights, overlapping outputs and options that do not apply.
import { describe, expect, it } from 'vitest';
import native from '../index.js';
import type { ConvShape } from '../index.js';
import { type Call, rejects, replace, tooFewArgs } from './reject.js';

const call = (fn: (...args: never[]) => unknown): Call => (args) => { (fn as (...a: unknown[]) => unknown)(...args); };

/** An integer argument at `index`: wrong type, non-integer, NaN, negative, huge. */
function badIntegers(c: Call, args: unknown[], index: number, name: string): void {
  const re = new RegExp(`^${name}\\b`);
  for (const v of ['3', null, undefined, {}]) rejects(c, replace(args, index, v), TypeError, re);
  for (const v of [1.5, Number.NaN, Infinity]) rejects(c, replace(args, index, v), TypeError, re);
  for (const v of [-1, 2 ** 41]) rejects(c, replace(args, index, v), RangeError, re);
}

/** A typed-array argument at `index`: wrong types, then one element short and long. */
function badArray(c: Call, args: unknown[], index: number, name: string, make: (n: number) => ArrayLike<number>, wrongType: unknown): void {
  const re = new RegExp(`^${name}\\b`);
  const good = args[index] as ArrayLike<number>;
  for (const v of [wrongType, Array.from(good), undefined, 'x']) rejects(c, replace(args, index, v), TypeError, re);
  rejects(c, replace(args, index, make(good.length + 1)), RangeError, re);
  if (good.length > 0) rejects(c, replace(args, index, make(good.length - 1)), RangeError, re);
}


const k = 7, n = 5, m = 3;
const weights = new Int8Array(k * n).map((_, i) => (i * 37) % 256 - 128);
const packed = native.packS8(k, n, weights);

describe('packS8 and packS4 reject bad arguments', () => {
  const pack8 = call(native.packS8), pack4 = call(native.packS4);
  const args8 = [k, n, weights], args4 = [k, n, new Uint8Array(Math.ceil((k * n) / 2))];

  it('accept valid calls (and empty weights)', () => {
    expect(native.packS8(k, n, weights)).toBeInstanceOf(Uint8Array);
    expect(native.packS4(k, n, args4[2] as Uint8Array)).toBeInstanceOf(Uint8Array);
    expect(native.packS8(0, 3, new Int8Array(0)).length).toBeGreaterThan(0);
    expect(native.packS4(3, 0, new Uint8Array(0)).length).toBeGreaterThan(0);
  });

  it('argument count, sizes and arrays', () => {
    for (const [c, args] of [[pack8, args8], [pack4, args4]] as const) {
      tooFewArgs(c, args, 3);
      badIntegers(c, args, 0, 'k');
      badIntegers(c, args, 1, 'n');
      rejects(c, replace(args, 0, 65537), RangeError, /^k must be at most 65536/);
      rejects(c, replace(args, 1, 2 ** 31 + 1), RangeError, /^n must be at most/);
    }
    badArray(pack8, args8, 2, 'b', (len) => new Int8Array(len), new Uint8Array(k * n));
    badArray(pack4, args4, 2, 'b', (len) => new Uint8Array(len), new Int8Array(18));
  });
});

describe('gemmS8 rejects bad arguments', () => {
  const gemm = call(native.gemmS8);
  const a = new Uint8Array(m * k).fill(9);
  const args = (out: unknown = new Float32Array(m * n), options?: unknown) => [m, n, k, a, packed, out, options];

  it('accepts every output type and empty shapes', () => {
    expect(() => native.gemmS8(m, n, k, a, packed, new Int32Array(m * n), { zeroPointA: 4 })).not.toThrow();
    expect(() => native.gemmS8(m, n, k, a, packed, new Float32Array(m * n), { scaleA: 0.5, scaleB: new Float32Array(n).fill(0.1), bias: new Float32Array(n), activation: 'relu6' })).not.toThrow();
    expect(() => native.gemmS8(m, n, k, a, packed, new Uint8Array(m * n), { outScale: 3, outZeroPoint: 255 })).not.toThrow();
    expect(() => native.gemmS8(m, n, k, a, packed, new Int8Array(m * n), { outScale: 3, outZeroPoint: -128, activation: 'relu' })).not.toThrow();
    expect(() => native.gemmS8(0, n, k, new Uint8Array(0), packed, new Int32Array(0))).not.toThrow();
  });

  it('argument count, sizes, arrays and output types', () => {
    tooFewArgs(gemm, args(), 6);
    badIntegers(gemm, args(), 0, 'm');
    badIntegers(gemm, args(), 1, 'n');
    badIntegers(gemm, args(), 2, 'k');
    badArray(gemm, args(), 3, 'a', (len) => new Uint8Array(len), new Int8Array(m * k));
    for (const out of [new Float64Array(m * n), new Uint16Array(m * n), [0], null, undefined])
      rejects(gemm, replace(args(), 5, out), TypeError, /^out must be an Int32Array, Float32Array, Uint8Array or Int8Array/);
    for (const out of [new Int32Array(m * n + 1), new Float32Array(m * n - 1), new Uint8Array(0)])
      rejects(gemm, args(out), RangeError, /^out has/);
    rejects(gemm, args(undefined, 3), TypeError, /^options must be an object/);
    rejects(gemm, args(undefined, [1]), TypeError, /^options must be an object/);
  });

  it('packed weights: wrong type, corrupt, truncated, for another shape, misaligned', () => {
    const at = (p: unknown) => [m, n, k, a, p, new Int32Array(m * n)];
    rejects(gemm, at(new Int8Array(packed.length)), TypeError, /^packedB must be a Uint8Array/);
    rejects(gemm, at(Array.from(packed)), TypeError, /^packedB must be a Uint8Array/);
    rejects(gemm, at(new Uint8Array(10)), RangeError, /^packedB is too short/);
    const corrupt = (at: number, v: number) => { const p = packed.slice(); p[at] = v; return p; };
    rejects(gemm, at(corrupt(0, 0)), RangeError, /^packedB is not packed weights/);
    rejects(gemm, at(corrupt(4, 9)), RangeError, /^packedB was packed by another version/);
    rejects(gemm, at(corrupt(8, 7)), RangeError, /^packedB has a corrupt header/);
    rejects(gemm, at(corrupt(20, 99)), RangeError, /^packedB has a corrupt header/);
    rejects(gemm, at(packed.subarray(0, packed.length - 1)), RangeError, /^packedB has the wrong length/);
    rejects(gemm, at(native.packS8(k, n + 1, new Int8Array(k * (n + 1)))), RangeError, /^packedB holds 7×6 weights but k×n is 7×5/);
    rejects(gemm, [m, n, k + 1, new Uint8Array(m * (k + 1)), packed, new Int32Array(m * n)], RangeError, /^packedB holds 7×5/);
    const shifted = new Uint8Array(packed.length + 1);
    shifted.set(packed, 1);
    rejects(gemm, at(shifted.subarray(1)), RangeError, /^packedB must start at a multiple of 4 bytes/);
  });

  it('out may not overlap a or packedB', () => {
    const buffer = new Uint8Array(m * k + m * n);
    rejects(gemm, [m, n, k, buffer.subarray(0, m * k), packed, buffer.subarray(m * k - 1, m * k - 1 + m * n), { outScale: 1 }], RangeError, /^out must not share memory/);
    const p = native.packS8(k, n, weights);
    rejects(gemm, [m, n, k, a, p, new Uint8Array(p.buffer, 64, m * n), { outScale: 1 }], RangeError, /^out must not share memory/);
  });

  it('options: each one checked, and only where it applies', () => {
    const f32 = (options: unknown) => args(new Float32Array(m * n), options);
    const i32 = (options: unknown) => args(new Int32Array(m * n), options);
    const u8 = (options: unknown) => args(new Uint8Array(m * n), options);
    const s8 = (options: unknown) => args(new Int8Array(m * n), options);
    for (const v of ['3', true]) rejects(gemm, i32({ zeroPointA: v }), TypeError, /^options\.zeroPointA must be a number/);
    for (const v of [1.5, Number.NaN]) rejects(gemm, i32({ zeroPointA: v }), TypeError, /^options\.zeroPointA must be an integer/);
    for (const v of [-1, 256]) rejects(gemm, i32({ zeroPointA: v }), RangeError, /^options\.zeroPointA must be between 0 and 255/);
    for (const key of ['scaleA', 'outScale']) {
      const make = (v: unknown) => (key === 'scaleA' ? f32({ scaleA: v }) : u8({ outScale: v }));
      rejects(gemm, make('2'), TypeError, new RegExp(`^options\\.${key} must be a number`));
      for (const v of [0, -1, Number.NaN, Infinity, 1e-50, 1e40])
        rejects(gemm, make(v), RangeError, new RegExp(`^options\\.${key} must be a positive finite float32`));
    }
    for (const v of ['2', [1, 2, 3, 4, 5], new Float64Array(n)]) rejects(gemm, f32({ scaleB: v }), TypeError, /^options\.scaleB must be a number or a Float32Array/);
    for (const v of [0, -2, Number.NaN]) rejects(gemm, f32({ scaleB: v }), RangeError, /^options\.scaleB must be a positive finite float32/);
    rejects(gemm, f32({ scaleB: new Float32Array(n + 1) }), RangeError, /^options\.scaleB has 6 elements but n is 5/);
    rejects(gemm, f32({ scaleB: new Float32Array(n).fill(1).fill(0, 2, 3) }), RangeError, /^options\.scaleB\[2\] must be positive and finite/);
    rejects(gemm, f32({ scaleB: new Float32Array(n).fill(Number.NaN) }), RangeError, /^options\.scaleB\[0\]/);
    for (const v of [[0, 0, 0, 0, 0], new Float64Array(n), 1]) rejects(gemm, f32({ bias: v }), TypeError, /^options\.bias must be a Float32Array/);
    rejects(gemm, f32({ bias: new Float32Array(n - 1) }), RangeError, /^options\.bias has 4 elements but n is 5/);
    rejects(gemm, f32({ bias: new Float32Array(n).fill(Infinity) }), RangeError, /^options\.bias\[0\] must be finite/);
    rejects(gemm, f32({ activation: 'tanh' }), RangeError, /^options\.activation/);
    rejects(gemm, f32({ activation: 1 }), TypeError, /^options\.activation/);
    rejects(gemm, f32({ scaleA: 1e30, scaleB: 1e30 }), RangeError, /^options\.scaleA·scaleB\[0\] overflows float32/);
    rejects(gemm, u8({ scaleA: 1e30, scaleB: 1e30, outScale: 1e-30 }), RangeError, /overflows float32/);
    // Options that do not apply to the output type.
    for (const key of ['scaleA', 'scaleB', 'bias', 'activation', 'outScale', 'outZeroPoint'])
      rejects(gemm, i32({ [key]: key === 'bias' ? new Float32Array(n) : key === 'activation' ? 'relu' : 1 }), RangeError, new RegExp(`^options\\.${key} does not apply to an Int32Array out`));
    for (const key of ['outScale', 'outZeroPoint'])
      rejects(gemm, f32({ [key]: 1 }), RangeError, new RegExp(`^options\\.${key} applies only to a Uint8Array or Int8Array out`));
    rejects(gemm, u8({}), TypeError, /^options\.outScale is missing/);
    rejects(gemm, s8({ outZeroPoint: 1 }), TypeError, /^options\.outScale is missing/);
    for (const v of [-1, 256]) rejects(gemm, u8({ outScale: 1, outZeroPoint: v }), RangeError, /^options\.outZeroPoint must be between 0 and 255/);
    for (const v of [-129, 128]) rejects(gemm, s8({ outScale: 1, outZeroPoint: v }), RangeError, /^options\.outZeroPoint must be between -128 and 127/);
    rejects(gemm, s8({ outScale: 1, outZeroPoint: 0.5 }), TypeError, /^options\.outZeroPoint must be an integer/);
  });
});

describe('matmulDynamic rejects bad arguments', () => {
  const dyn = call(native.matmulDynamic);
  const a = new Float32Array(m * k).fill(0.5);
  const args = (options?: unknown) => [m, n, k, a, packed, new Float32Array(m * n), options];

  it('accepts valid calls', () => {
    expect(() => native.matmulDynamic(m, n, k, a, packed, new Float32Array(m * n), { perRow: false, scaleB: 0.1, bias: new Float32Array(n), activation: 'relu' })).not.toThrow();
    expect(() => native.matmulDynamic(0, n, k, new Float32Array(0), packed, new Float32Array(0))).not.toThrow();
  });

  it('argument count, sizes, arrays, options', () => {
    tooFewArgs(dyn, args(), 6);
    badIntegers(dyn, args(), 0, 'm');
    badIntegers(dyn, args(), 1, 'n');
    badIntegers(dyn, args(), 2, 'k');
    badArray(dyn, args(), 3, 'a', (len) => new Float32Array(len), new Float64Array(m * k));
    badArray(dyn, args(), 5, 'out', (len) => new Float32Array(len), new Int32Array(m * n));
    rejects(dyn, replace(args(), 4, new Uint8Array(70)), RangeError, /^packedB/);
    rejects(dyn, replace(args(), 4, packed.slice(0, 80)), RangeError, /^packedB/);
    rejects(dyn, args(1), TypeError, /^options must be an object/);
    rejects(dyn, args({ perRow: 1 }), TypeError, /^options\.perRow must be a boolean/);
    rejects(dyn, args({ scaleB: new Float32Array(2) }), RangeError, /^options\.scaleB has 2 elements/);
    rejects(dyn, args({ bias: new Float32Array(n + 2) }), RangeError, /^options\.bias has 7 elements/);
    rejects(dyn, args({ activation: 'gelu' }), RangeError, /^options\.activation/);
    const p = native.packS8(k, n, weights);
    rejects(dyn, [m, n, k, a, p, new Float32Array(p.buffer, 64, m * n)], RangeError, /^out must not share memory with packedB/);
  });

  it('non-finite activations are an error, per row and per tensor', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity])
      for (const perRow of [true, false]) {
        const x = a.slice();
        x[k + 2] = bad;
        rejects(dyn, replace(args({ perRow }), 3, x), RangeError, /^a must be finite/);
      }
  });
});

describe('conv2dS8 rejects bad arguments', () => {
  const conv = call(native.conv2dS8);
  // 2×5×6×3 → 2×3×4×4 with a 3×3 filter: K = 27, N = 4.
  const shape: ConvShape = {
    batch: 2, inH: 5, inW: 6, inC: 3, outH: 3, outW: 4, outC: 4, filterH: 3, filterW: 3,
    strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0,
  };
  const x = new Float32Array(2 * 5 * 6 * 3).fill(0.5), w = native.packS4(27, 4, new Uint8Array(54));
  const args = (options?: unknown) => [x, w, new Float32Array(2 * 3 * 4 * 4), shape, options];

  it('accepts static and dynamic calls, and the dense 1×1 shape', () => {
    expect(() => native.conv2dS8(x, w, new Float32Array(96), shape)).not.toThrow();
    expect(() => native.conv2dS8(x, w, new Float32Array(96), shape, { inputScale: 0.1, inputZeroPoint: 255, scaleB: new Float32Array(4).fill(2), bias: new Float32Array(4), activation: 'relu6' })).not.toThrow();
    const dense = { ...shape, batch: 3, inH: 1, inW: 1, inC: 7, outH: 1, outW: 1, outC: n, filterH: 1, filterW: 1 };
    expect(() => native.conv2dS8(new Float32Array(21), packed, new Float32Array(3 * n), dense, { inputScale: 1 })).not.toThrow();
  });

  it('argument count, arrays and lengths, the shape', () => {
    tooFewArgs(conv, args(), 4);
    badArray(conv, args(), 0, 'x', (len) => new Float32Array(len), new Float64Array(x.length));
    badArray(conv, args(), 2, 'y', (len) => new Float32Array(len), new Int32Array(96));
    for (const v of [undefined, null, 3, [1, 2]]) rejects(conv, replace(args(), 3, v), TypeError, /^shape/);
    rejects(conv, replace(args(), 3, { ...shape, strideH: 0 }), RangeError, /^shape\.strideH/);
    rejects(conv, replace(args(), 3, { ...shape, inC: 1.5 }), TypeError, /^shape\.inC must be an integer/);
    rejects(conv, replace(args(), 3, { ...shape, outH: 6 }), RangeError, /^shape\.outH \(6\) is too large/);
    const huge = { ...shape, inC: 8000, filterH: 3, filterW: 3 };
    rejects(conv, [new Float32Array(1), w, new Float32Array(96), huge], RangeError, /^shape: filterH·filterW·inC must be at most 65536/);
    rejects(conv, replace(args(), 3, { ...shape, batch: 2 ** 40, inH: 2 ** 40 }), RangeError, /too large/);
    rejects(conv, args(3), TypeError, /^options must be an object/);
  });

  it('packed weights: wrong type, corrupt, for another shape, misaligned', () => {
    const at = (p: unknown) => replace(args(), 1, p);
    rejects(conv, at(new Int8Array(w.length)), TypeError, /^packedW must be a Uint8Array/);
    rejects(conv, at(new Uint8Array(10)), RangeError, /^packedW is too short/);
    rejects(conv, at(w.subarray(0, w.length - 1)), RangeError, /^packedW has the wrong length/);
    rejects(conv, at(native.packS8(27, 5, new Int8Array(135))), RangeError, /^packedW holds 27×5 weights but filterH·filterW·inC × outC is 27×4/);
    rejects(conv, at(native.packS8(28, 4, new Int8Array(112))), RangeError, /^packedW holds 28×4/);
    const shifted = new Uint8Array(w.length + 1);
    shifted.set(w, 1);
    rejects(conv, at(shifted.subarray(1)), RangeError, /^packedW must start at a multiple of 4 bytes/);
  });

  it('y may not overlap x or packedW', () => {
    const buffer = new Float32Array(x.length + 96);
    rejects(conv, [buffer.subarray(0, x.length), w, buffer.subarray(x.length - 1, x.length + 95), shape], RangeError, /^y must not share memory/);
    const p = native.packS8(27, 4, new Int8Array(108));
    rejects(conv, [x, p, new Float32Array(p.buffer, 64, 96), shape], RangeError, /^y must not share memory/);
  });

  it('options: input scale and zero point, scaleB, bias, activation', () => {
    rejects(conv, args({ inputScale: '2' }), TypeError, /^options\.inputScale must be a number/);
    for (const v of [0, -1, Number.NaN, Infinity, 1e-50, 1e40])
      rejects(conv, args({ inputScale: v }), RangeError, /^options\.inputScale must be a positive finite float32/);
    rejects(conv, args({ inputZeroPoint: 3 }), TypeError, /^options\.inputZeroPoint needs options\.inputScale/);
    for (const v of ['3', true]) rejects(conv, args({ inputScale: 1, inputZeroPoint: v }), TypeError, /^options\.inputZeroPoint must be a number/);
    for (const v of [1.5, Number.NaN]) rejects(conv, args({ inputScale: 1, inputZeroPoint: v }), TypeError, /^options\.inputZeroPoint must be an integer/);
    for (const v of [-1, 256]) rejects(conv, args({ inputScale: 1, inputZeroPoint: v }), RangeError, /^options\.inputZeroPoint must be between 0 and 255/);
    rejects(conv, args({ scaleB: '1' }), TypeError, /^options\.scaleB must be a number or a Float32Array/);
    rejects(conv, args({ scaleB: new Float32Array(5) }), RangeError, /^options\.scaleB has 5 elements but outC is 4/);
    rejects(conv, args({ scaleB: new Float32Array(4) }), RangeError, /^options\.scaleB\[0\] must be positive and finite/);
    rejects(conv, args({ bias: [0, 0, 0, 0] }), TypeError, /^options\.bias must be a Float32Array/);
    rejects(conv, args({ bias: new Float32Array(3) }), RangeError, /^options\.bias has 3 elements but outC is 4/);
    rejects(conv, args({ bias: new Float32Array(4).fill(Number.NaN) }), RangeError, /^options\.bias\[0\] must be finite/);
    rejects(conv, args({ activation: 'gelu' }), RangeError, /^options\.activation/);
    rejects(conv, args({ inputScale: 1e30, scaleB: 1e30 }), RangeError, /^options\.inputScale·scaleB\[0\] overflows float32/);
  });

  it('uint8 x and y: need the static input scale; outScale and outZeroPoint only with a uint8 y', () => {
    const xq = new Uint8Array(x.length), yq = new Uint8Array(96);
    const ok = { inputScale: 0.1, inputZeroPoint: 3, outScale: 0.5, outZeroPoint: 7, activation: 'relu' };
    expect(() => native.conv2dS8(xq, w, yq, shape, ok)).not.toThrow();
    expect(() => native.conv2dS8(x, w, yq, shape, ok)).not.toThrow();
    expect(() => native.conv2dS8(xq, w, new Float32Array(96), shape, { inputScale: 0.1 })).not.toThrow();
    badArray(conv, [xq, w, yq, shape, ok], 0, 'x', (len) => new Uint8Array(len), new Int8Array(x.length));
    badArray(conv, [xq, w, yq, shape, ok], 2, 'y', (len) => new Uint8Array(len), new Int8Array(96));
    rejects(conv, [xq, w, yq, shape, {}], TypeError, /^options\.inputScale is missing: a Uint8Array x/);
    rejects(conv, [x, w, yq, shape, {}], TypeError, /^options\.inputScale is missing: a Uint8Array y/);
    rejects(conv, [x, w, yq, shape, { inputScale: 0.1 }], TypeError, /^options\.outScale is missing/);
    rejects(conv, args({ inputScale: 0.1, outScale: 0.5 }), RangeError, /^options\.outScale applies only to a Uint8Array y/);
    rejects(conv, args({ inputScale: 0.1, outZeroPoint: 1 }), RangeError, /^options\.outZeroPoint applies only/);
    for (const v of [0, Number.NaN]) rejects(conv, [x, w, yq, shape, { ...ok, outScale: v }], RangeError, /^options\.outScale must be a positive/);
    rejects(conv, [x, w, yq, shape, { ...ok, outZeroPoint: 256 }], RangeError, /^options\.outZeroPoint must be between 0 and 255/);
    rejects(conv, [x, w, yq, shape, { ...ok, scaleB: 1e30, outScale: 1e-30 }], RangeError, /overflows float32/);
    const bytes = new Uint8Array(x.length + 96);
    rejects(conv, [bytes.subarray(0, x.length), w, bytes.subarray(x.length - 1, x.length + 95), shape, ok], RangeError, /^y must not share memory/);
  });

  it('options.pool: a max pool inside the output, y of the pooled size; conv2dS8Direct checks the same', () => {
    const pool = { filterH: 2, filterW: 2, strideH: 1, strideW: 2 }; // 3×4 → 2×2
    const pooled = (options: object) => [x, w, new Float32Array(2 * 2 * 2 * 4), shape, { inputScale: 0.1, ...options }];
    expect(() => native.conv2dS8(...(pooled({ pool }) as Parameters<typeof native.conv2dS8>))).not.toThrow();
    rejects(conv, pooled({ pool: 3 }), TypeError, /^options\.pool must be an object/);
    rejects(conv, pooled({ pool: { ...pool, strideW: undefined } }), TypeError, /^options\.pool\.strideW must be a number/);
    const { filterH: _, ...noFilterH } = pool;
    rejects(conv, pooled({ pool: noFilterH }), TypeError, /^options\.pool\.filterH is missing/);
    rejects(conv, pooled({ pool: { ...pool, filterW: 0 } }), RangeError, /^options\.pool\.filterW must be between 1/);
    rejects(conv, pooled({ pool: { ...pool, strideH: 1.5 } }), TypeError, /^options\.pool\.strideH must be an integer/);
    rejects(conv, pooled({ pool: { ...pool, filterH: 4 } }), RangeError, /^options\.pool's window \(4×2\) must fit the conv's output \(3×4\)/);
    rejects(conv, args({ inputScale: 0.1, pool }), RangeError, /^y has 96 elements but batch·pooledH·pooledW·outC \(pooledH = .*\) is 32$/);
    const direct = call(native.conv2dS8Direct);
    tooFewArgs(direct, [shape], 1);
    rejects(direct, [{ ...shape, outH: 6 }], RangeError, /^shape\.outH \(6\) is too large/);
    rejects(direct, [shape, 3], TypeError, /^options must be an object/);
    rejects(direct, [shape, { pool: { ...pool, filterH: 4 } }], RangeError, /^options\.pool's window/);
    expect(typeof native.conv2dS8Direct(shape, { pool })).toBe('boolean');
    // 5×5×1 → 10 channels pooled 2×2: the direct kernel where the CPU has AVX-512 VNNI + VBMI.
    const seed = { ...shape, batch: 1, inH: 28, inW: 28, inC: 1, outH: 24, outW: 24, outC: 10, filterH: 5, filterW: 5 };
    const f = native.cpuFeatures();
    expect(native.conv2dS8Direct(seed, { pool: { filterH: 2, filterW: 2, strideH: 2, strideW: 2 } }))
      .toBe(native.isa() === 'avx512' && native.int8Kernel() === 'avx512vnni' && f.avx512Vbmi);
    expect(native.conv2dS8Direct({ ...seed, inC: 10, inH: 12, inW: 12, outH: 8, outW: 8, outC: 20 })).toBe(false); // 20 channels
  });

  it('non-finite x is an error, static and dynamic', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity])
      for (const options of [undefined, { inputScale: 0.5, inputZeroPoint: 7 }]) {
        const bx = x.slice();
        bx[40] = bad;
        rejects(conv, replace(args(options), 0, bx), RangeError, /^x must be finite/);
      }
  });
});

describe('int8Kernel', () => {
  it('names a kernel of the chosen path', () => {
    expect(['ref', 'avx2', 'avxvnni', 'avx512vnni']).toContain(native.int8Kernel());
  });
});
