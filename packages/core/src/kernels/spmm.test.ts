// The sparse GEMM and sparse conv against their TypeScript reference: packing
// byte for byte; every shape 1..6 at sparsities 0%..100% on dyadic data (small
// multiples of powers of two: every product and sum is exact in float32, so
// any summation order must give the reference's value exactly); odd shapes
// (1, 3, 17, 1023) and random data within float32 rounding; K around the
// layout's 64-row segments (63..129, 4097, empty and full segments); int8 values;
// bias and activations; both kernels (few rows gather, more rows tile). The
// test script runs this file once per instruction-set path (LITE_ISA).
//
// Tolerance on random data: |native − reference| ≤ 1e-5·Σ|x·w| (+|bias|) per
// element, the sums' own condition: float32 rounding of a sum in any order is
// below (terms)·2^-24·Σ|x·w|, and the reference sums in float64.
import { describe, expect, it } from 'vitest';
import { Failures, guardedOutput, range, rng } from '../testing/kernel_checks.js';
import { kernelInfo, kernels, reference } from './index.js';
import type { Activation, ConvShape, SpmmOptions } from './index.js';

const info = kernelInfo();
const RTOL = 1e-5;

/** k×n weights, each nonzero with probability 1 − sparsity; `value` draws the nonzeros. */
function sparseWeights(k: number, n: number, sparsity: number, rand: () => number, value: () => number): Float32Array {
  return Float32Array.from({ length: k * n }, () => (rand() >= sparsity ? value() || 0.5 : 0));
}
/** Multiples of 1/8 in [−2, 2): exact products and sums. */
const dyadic = (rand: () => number) => () => Math.floor(rand() * 32 - 16) / 8;
const uniform = (rand: () => number) => () => rand() * 2 - 1;
const fill = (n: number, value: () => number) => Float32Array.from({ length: n }, value);

/** The output inside guard bands, starting NaN (see guardedOutput). */
const output = (n: number) => guardedOutput(Float32Array, n, 4242.5, Number.NaN);

interface Case {
  label: string;
  m: number; n: number; k: number;
  x: Float32Array;
  /** Packed by native and reference (the test checks they are equal). */
  w: { native: Uint8Array; reference: Uint8Array; abs: Uint8Array };
  options: SpmmOptions;
}

/** Packs float32 or int8 weights both ways; '' when the bytes agree. */
function packBoth(k: number, n: number, w: Float32Array, int8?: Float32Array): { packed: Case['w']; same: string } {
  let mine: Uint8Array, ref: Uint8Array, abs: Uint8Array;
  if (int8) {
    const q = Int8Array.from(w);
    mine = kernels.packSparseS8(k, n, q, int8);
    ref = reference.packSparseS8(k, n, q, int8);
    abs = reference.packSparseS8(k, n, q.map(Math.abs), int8);
  } else {
    mine = kernels.packSparse(k, n, w);
    ref = reference.packSparse(k, n, w);
    abs = reference.packSparse(k, n, w.map(Math.abs));
  }
  const at = mine.length === ref.length ? mine.findIndex((b, i) => b !== ref[i]) : 0;
  const same = at < 0 ? '' : `packing ${k}×${n}${int8 ? ' int8' : ''}: byte ${at} differs (lengths ${mine.length}, ${ref.length})`;
  return { packed: { native: mine, reference: ref, abs }, same };
}

/** '' when native equals the reference (exactly, or within RTOL·Σ|x·w|), else the first difference. */
function check(c: Case, exact: boolean): string {
  const { m, n, k } = c;
  const got = output(m * n);
  kernels.spmm(m, n, k, c.x, c.w.native, got.view, c.options);
  if (!got.guardsIntact()) return `${c.label}: wrote outside its output`;
  const want = new Float32Array(m * n);
  reference.spmm(m, n, k, c.x, c.w.reference, want, c.options);
  const mag = new Float32Array(m * n);
  if (!exact) reference.spmm(m, n, k, c.x.map(Math.abs), c.w.abs, mag, { bias: c.options.bias?.map(Math.abs) ?? null });
  for (let i = 0; i < m * n; i++) {
    const ok = exact ? got.view[i] === want[i] : Math.abs(got.view[i]! - want[i]!) <= RTOL * mag[i]!;
    if (!ok) return `${c.label}: y[${Math.floor(i / n)}, ${i % n}] native ${got.view[i]} vs reference ${want[i]}`;
  }
  return '';
}

const ACTIVATIONS: (Activation | undefined)[] = [undefined, 'relu', 'relu6', 'linear'];

/** One case: weights at `sparsity`, float32 or int8 (power-of-two scales on dyadic data), bias and activation by `variant`. */
function makeCase(f: Failures, m: number, k: number, n: number, sparsity: number, int8: boolean, exact: boolean, seed: number, variant: number): Case {
  const rand = rng(seed);
  const draw = exact ? dyadic(rand) : uniform(rand);
  const value = int8 ? () => Math.floor(rand() * 255) - 127 : draw;
  const w = sparseWeights(k, n, sparsity, rand, value);
  const scale = int8 ? fill(n, () => (exact ? 2 ** -Math.floor(rand() * 6) : 0.001 + rand() * 0.05)) : undefined;
  const { packed, same } = packBoth(k, n, w, scale);
  f.add(same);
  const bias = variant % 2 ? fill(n, draw) : null;
  const activation = ACTIVATIONS[variant % ACTIVATIONS.length];
  const label = `${m}×${k}·${k}×${n} ${int8 ? 'int8' : 'f32'} ${Math.round(sparsity * 100)}% ${bias ? 'bias ' : ''}${activation ?? ''}`;
  return { label, m, n, k, x: fill(m * k, draw), w: packed, options: { bias, activation } };
}

describe(`spmm (${info.isa})`, () => {
  it('every shape 1..6 at 0%, 50%, 90% and 100% sparsity: exact on dyadic data, float32 and int8', () => {
    const f = new Failures();
    let seed = 1;
    for (const m of range(1, 6))
      for (const k of range(1, 6))
        for (const n of range(1, 6))
          for (const sparsity of [0, 0.5, 0.9, 1])
            for (const int8 of [false, true]) f.add(check(makeCase(f, m, k, n, sparsity, int8, true, seed++, seed), true));
    f.expectNone();
  });

  it('an empty column, an empty row block and all-empty chunks beside full ones', () => {
    const f = new Failures();
    const k = 40, n = 37, rand = rng(5);
    const w = sparseWeights(k, n, 0.7, rand, dyadic(rand));
    for (let r = 0; r < k; r++) {
      w[r * n + 3] = 0; // one empty column
      for (let j = 16; j < 32; j++) w[r * n + j] = 0; // a whole empty chunk
    }
    for (let j = 0; j < n; j++) w[7 * n + j] = 1.25; // one full row
    for (const m of [1, 2, 5, 16, 19]) {
      const { packed, same } = packBoth(k, n, w);
      f.add(same);
      const x = fill(m * k, dyadic(rand));
      f.add(check({ label: `empty column m=${m}`, m, n, k, x, w: packed, options: { bias: fill(n, dyadic(rand)), activation: 'relu' } }, true));
    }
    f.expectNone();
  });

  it('odd and larger shapes (1, 3, 17, 1023 and both kernels), random data', () => {
    const f = new Failures();
    let seed = 100;
    const sizes = [1, 3, 17, 64, 1023];
    for (const m of [1, 3, 4, 8, 17, 33])
      for (const k of sizes)
        for (const n of sizes) {
          if (m * k * n > 2e6) continue;
          for (const int8 of [false, true])
            f.add(check(makeCase(f, m, k, n, 0.9, int8, false, seed++, seed), false));
        }
    f.expectNone();
  });

  it('64-row segments: K at and around segment boundaries, empty and full segments, exact on dyadic data', () => {
    const f = new Failures();
    let seed = 500;
    // K = 63, 64, 65, 127, 128, 129 and 4097 (one row past 64 segments); both kernels and the batch-1..3 permute kernel.
    for (const k of [63, 64, 65, 127, 128, 129, 4097])
      for (const m of k > 1000 ? [1, 3, 9] : [1, 2, 3, 4, 8, 17])
        for (const int8 of [false, true]) {
          const rand = rng(seed++), n = 33;
          const w = sparseWeights(k, n, 0.85, rand, int8 ? () => Math.floor(rand() * 255) - 127 : dyadic(rand));
          for (let r = 0; r < k; r++)
            for (let j = 0; j < n; j++) {
              if (r >= 64 && r < 128) w[r * n + j] = 0; // segment 1 empty in every chunk
              if (r === k - 1 || r === 63 || r === 0) w[r * n + j] = int8 ? 3 : 0.375; // first, last, boundary rows full
              if (j < 16 && r % 64 < 40) w[r * n + j] = int8 ? -5 : -1.5; // chunk 0: 40 steps per full segment
            }
          const scale = int8 ? fill(n, () => 2 ** -Math.floor(rand() * 6)) : undefined;
          const { packed, same } = packBoth(k, n, w, scale);
          f.add(same);
          const options = { bias: seed % 2 ? fill(n, dyadic(rand)) : null, activation: ACTIVATIONS[seed % 4] };
          const label = `segments ${m}×${k}·${k}×${n} ${int8 ? 'int8' : 'f32'}`;
          f.add(check({ label, m, n, k, x: fill(m * k, dyadic(rand)), w: packed, options }, true));
        }
    f.expectNone();
  });

  it('a 90%-sparse layer at batch 1, 8 and 64 (the benchmark shapes, K = N = 512), and 100 (row tiles in groups of 4 + 3)', () => {
    const f = new Failures();
    for (const m of [1, 8, 64, 100])
      for (const int8 of [false, true]) f.add(check(makeCase(f, m, 512, 512, 0.9, int8, false, 7 + m, 1), false));
    f.expectNone();
  });
});

describe(`sparseConv2d (${info.isa})`, () => {
  const conv = (s: Partial<ConvShape> & Pick<ConvShape, 'inH' | 'inW' | 'inC' | 'outC' | 'filterH' | 'filterW'>): ConvShape => {
    const full = { batch: 2, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0, ...s };
    const outH = s.outH ?? Math.floor((full.inH + 2 * full.padTop - ((full.filterH - 1) * full.dilationH + 1)) / full.strideH) + 1;
    const outW = s.outW ?? Math.floor((full.inW + 2 * full.padLeft - ((full.filterW - 1) * full.dilationW + 1)) / full.strideW) + 1;
    return { ...full, outH, outW };
  };
  const shapes: ConvShape[] = [
    conv({ inH: 5, inW: 6, inC: 7, outC: 19, filterH: 1, filterW: 1 }), // pointwise: x itself
    conv({ inH: 6, inW: 6, inC: 5, outC: 17, filterH: 3, filterW: 3, padTop: 1, padLeft: 1 }),
    conv({ inH: 9, inW: 7, inC: 3, outC: 33, filterH: 3, filterW: 2, strideH: 2, strideW: 2, dilationH: 1 }),
    conv({ inH: 8, inW: 8, inC: 4, outC: 8, filterH: 2, filterW: 3, dilationH: 2, dilationW: 2, padTop: 1, padLeft: 2 }),
    conv({ batch: 1, inH: 1, inW: 1, inC: 3, outC: 2, filterH: 1, filterW: 1 }),
  ];

  it('equals the dense reference conv on the same filters, float32 and int8, with bias and activations', () => {
    const f = new Failures();
    let seed = 300;
    for (const s of shapes)
      for (const int8 of [false, true])
        for (const activation of ACTIVATIONS) {
          const k = s.filterH * s.filterW * s.inC, rand = rng(seed++);
          const w = sparseWeights(k, s.outC, 0.8, rand, int8 ? () => Math.floor(rand() * 255) - 127 : dyadic(rand));
          const { packed, same } = packBoth(k, s.outC, w, int8 ? fill(s.outC, () => 2 ** -Math.floor(rand() * 8)) : undefined);
          f.add(same);
          const x = fill(s.batch * s.inH * s.inW * s.inC, dyadic(rand)), bias = fill(s.outC, dyadic(rand));
          const size = s.batch * s.outH * s.outW * s.outC;
          const got = output(size), want = new Float32Array(size);
          kernels.sparseConv2d(x, packed.native, bias, got.view, s, activation);
          reference.sparseConv2d(x, packed.reference, bias, want, s, activation);
          const label = `conv ${JSON.stringify(s)} ${int8 ? 'int8' : 'f32'} ${activation}`;
          if (!got.guardsIntact()) f.add(`${label}: wrote outside its output`);
          const at = want.findIndex((v, i) => v !== got.view[i]);
          f.add(at < 0 ? '' : `${label}: [${at}] native ${got.view[at]} vs reference ${want[at]}`);
        }
    f.expectNone();
  });
});

describe('packed sparse weights', () => {
  // Segment padding (each 64-row segment of a chunk is as long as its fullest
  // column there) takes random 90% sparsity to ~1.7 stored entries per nonzero
  // at 5 bytes each (float32 value, u8 row offset): ~22% of dense float32.
  it('are smaller than dense float32 at 90% sparsity (int8 smaller still)', () => {
    const rand = rng(9), k = 512, n = 512;
    const w = sparseWeights(k, n, 0.9, rand, () => Math.floor(rand() * 255) - 127);
    const f32 = kernels.packSparse(k, n, w).length, s8 = kernels.packSparseS8(k, n, Int8Array.from(w), fill(n, () => 0.01)).length;
    expect(f32).toBeLessThan(k * n * 4 * 0.25);
    expect(s8).toBeLessThan(f32 * 0.45);
  });

  it('are refused by spmm when they do not match k×n, are truncated or are not packed weights', () => {
    const rand = rng(11), k = 9, n = 20;
    const packed = kernels.packSparse(k, n, sparseWeights(k, n, 0.5, rand, uniform(rand)));
    const x = new Float32Array(2 * k), y = new Float32Array(2 * n);
    for (const impl of [kernels, reference]) {
      expect(() => impl.spmm(2, n, k + 1, new Float32Array(2 * (k + 1)), packed, y)).toThrow(RangeError);
      expect(() => impl.spmm(2, n, k, x, packed.slice(0, packed.length - 64), y)).toThrow(RangeError);
      expect(() => impl.spmm(2, n, k, x, new Uint8Array(packed.length), y)).toThrow(RangeError);
    }
  });
});
