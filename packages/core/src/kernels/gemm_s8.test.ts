// The int8 GEMM against its TypeScript reference, exactly: packing byte for byte,
// integer sums, the float32 and requantized epilogues and dynamic quantization,
// on every shape 1..6, odd and blocked shapes, full-range random data and the
// saturation patterns a 16-bit shortcut would get wrong. The test script runs
// this file once per instruction-set path (LITE_ISA); on a VNNI CPU
// int8_avx2.test.ts also runs it on the AVX2 int8 kernel (LITE_VNNI=0).
import { describe, expect, it } from 'vitest';
import { Failures, guardedOutput, range, rng } from '../testing/kernel_checks.js';
import native from '@lite/native';
import { kernelInfo, kernels, reference } from './index.js';
import { fma32 } from './reference/gemm_s8.js';
import type { Activation, GemmS8Options } from './types.js';

const info = kernelInfo();

/** Seeded uniform numbers in [0, 1) (@lite/core's mulberry32). */

const u8 = (n: number, rand: () => number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
const s8 = (n: number, rand: () => number) => Int8Array.from({ length: n }, () => Math.floor(rand() * 256) - 128);
const f32 = (n: number, rand: () => number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());

type Out = Int32Array | Float32Array | Uint8Array | Int8Array;
type OutType = 'int32' | 'float32' | 'uint8' | 'int8';
/** An output view inside guard bands (see guardedOutput). */
function output(type: OutType, n: number): { view: Out; guardsIntact(): boolean } {
  const make = { int32: Int32Array, float32: Float32Array, uint8: Uint8Array, int8: Int8Array }[type];
  return guardedOutput<Out>(make as new (length: number) => Out, n, 99, 99, 40);
}

/** '' when equal element for element (float32: the same value), else the first difference. */
function diff(actual: ArrayLike<number>, expected: ArrayLike<number>): string {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < expected.length; i++)
    if (actual[i] !== expected[i]) return `[${i}] native ${actual[i]} vs reference ${expected[i]}`;
  return '';
}


/** int4 codes for k·n weights, two per byte, all 16 codes. */
const int4 = (count: number, rand: () => number) => u8(Math.ceil(count / 2), rand);

function packBoth(bits: 8 | 4, k: number, n: number, b: Int8Array | Uint8Array): { packed: Uint8Array; same: string } {
  const mine = bits === 8 ? kernels.packS8(k, n, b as Int8Array) : kernels.packS4(k, n, b as Uint8Array);
  const ref = bits === 8 ? reference.packS8(k, n, b as Int8Array) : reference.packS4(k, n, b as Uint8Array);
  return { packed: mine, same: diff(mine, ref) && `packS${bits} ${k}×${n}: ${diff(mine, ref)}` };
}

/** gemmS8 through native and reference into fresh outputs; '' when they agree exactly. */
function checkGemm(label: string, m: number, n: number, k: number, a: Uint8Array, packed: Uint8Array, type: OutType,
  options: GemmS8Options = {}): string {
  const got = output(type, m * n);
  kernels.gemmS8(m, n, k, a, packed, got.view, options);
  if (!got.guardsIntact()) return `${label}: wrote outside its output`;
  const want = output(type, m * n).view;
  reference.gemmS8(m, n, k, a, packed, want, options);
  const d = diff(got.view, want);
  return d && `${label} → ${type}: ${d}`;
}

/** Random weights (int8 or int4), packed; also checks native packing equals the reference's. */
function weights(f: Failures, bits: 8 | 4, k: number, n: number, rand: () => number): Uint8Array {
  const { packed, same } = packBoth(bits, k, n, bits === 8 ? s8(k * n, rand) : int4(k * n, rand));
  f.add(same);
  return packed;
}

/** Exact int32 sums with a random zero point, for int8 and int4 weights. */
function checkInt32(f: Failures, m: number, n: number, k: number, seed: number): void {
  const rand = rng(seed);
  const a = u8(m * k, rand);
  for (const bits of [8, 4] as const) {
    const packed = weights(f, bits, k, n, rand);
    const zeroPointA = Math.floor(rand() * 256);
    f.add(checkGemm(`s${bits} ${m}×${n}×${k} zp ${zeroPointA}`, m, n, k, a, packed, 'int32', { zeroPointA }));
  }
}

/** Every epilogue: float32 (scalar or per-column scales, bias, activations) and requantized 8-bit outputs. */
function checkEpilogues(f: Failures, m: number, n: number, k: number, seed: number): void {
  const rand = rng(seed);
  const a = u8(m * k, rand), packed = weights(f, 8, k, n, rand);
  const zeroPointA = Math.floor(rand() * 256), scaleA = 0.001 + 0.05 * rand();
  const scaleB = f32(n, rand, 0.001, 0.05), bias = f32(n, rand, -3, 3);
  // Typical |y| ≈ sqrt(k)·128·74·scales: an output scale that saturates some values but not most.
  const typical = Math.sqrt(k) * 128 * 74 * scaleA * 0.025;
  const label = `${m}×${n}×${k}`;
  for (const activation of ['linear', 'relu', 'relu6'] as Activation[]) {
    f.add(checkGemm(label, m, n, k, a, packed, 'float32', { zeroPointA, scaleA, scaleB, bias, activation }));
    f.add(checkGemm(label, m, n, k, a, packed, 'float32', { zeroPointA, scaleA, scaleB: 0.02, activation }));
    f.add(checkGemm(label, m, n, k, a, packed, 'uint8', { zeroPointA, scaleA, scaleB, bias, activation, outScale: typical / 40, outZeroPoint: 100 }));
    f.add(checkGemm(label, m, n, k, a, packed, 'int8', { zeroPointA, scaleA, scaleB, bias, activation, outScale: typical / 60, outZeroPoint: -5 }));
  }
  f.add(checkGemm(label, m, n, k, a, packed, 'float32'));
  f.add(checkGemm(label, m, n, k, a, packed, 'uint8', { outScale: 0.5 }));
  f.add(checkGemm(label, m, n, k, a, packed, 'int8', { scaleA, scaleB, outScale: typical / 200, activation: 'relu6' }));
}

/** matmulDynamic per row and per tensor, with bias and activations. */
function checkDynamic(f: Failures, m: number, n: number, k: number, seed: number, bits: 8 | 4 = 8): void {
  const rand = rng(seed);
  const a = f32(m * k, rand, -2, 3);
  if (m > 2) a.fill(0, 0, k); // an all-zero row
  if (m > 3) a.fill(1.5, k, 2 * k); // a row without negatives
  const packed = weights(f, bits, k, n, rand);
  const scaleB = f32(n, rand, 0.001, 0.05), bias = f32(n, rand, -1, 1);
  for (const perRow of [true, false])
    for (const activation of ['linear', 'relu6'] as Activation[]) {
      const options = { perRow, scaleB, bias, activation };
      const got = output('float32', m * n);
      kernels.matmulDynamic(m, n, k, a, packed, got.view as Float32Array, options);
      const want = new Float32Array(m * n);
      reference.matmulDynamic(m, n, k, a, packed, want, options);
      const label = `matmulDynamic s${bits} ${m}×${n}×${k} ${JSON.stringify({ perRow, activation })}`;
      f.add(!got.guardsIntact() ? `${label}: wrote outside its output` : diff(got.view, want) && `${label}: ${diff(got.view, want)}`);
    }
}


// Odd sizes in each dimension, crossing the kernels' tiles (3..12 rows, 16-column
// panels) and blocks (96 rows, 4096 k, 4096 columns).
const ODD: [number, number, number][] = [
  [1, 1, 1], [3, 17, 31], [17, 3, 33], [31, 33, 3], [33, 31, 17], [127, 33, 31], [31, 127, 33], [33, 31, 127],
  [1023, 17, 3], [3, 1023, 17], [17, 3, 1023], [1, 1023, 1023], [3, 127, 1023], [127, 1023, 3], [97, 63, 513],
  [13, 49, 1025], [200, 800, 40], [3, 4100, 17], [13, 40, 5000],
];

describe(`int8 GEMM on the '${info.isa}' path (kernel ${native.int8Kernel()}) equals the reference exactly`, () => {
  it('runs the int8 kernel this path and CPU call for', () => {
    const cpu = native.cpuFeatures(), vnniOff = process.env.LITE_VNNI === '0';
    const expected = info.isa === 'ref' ? 'ref'
      : info.isa === 'avx512' && cpu.avx512Vnni && !vnniOff ? 'avx512vnni'
        : cpu.avxVnni && !vnniOff ? 'avxvnni' : 'avx2';
    expect(native.int8Kernel()).toBe(expected);
  });

  it('reference packing and product agree with a plain integer product', () => {
    const rand = rng(7);
    for (const [m, n, k] of [[3, 20, 9], [5, 33, 17], [1, 1, 1], [2, 16, 8]]) {
      const a = u8(m * k, rand), b = s8(k * n, rand), b4 = int4(k * n, rand), zp = 77;
      const v4 = (e: number) => { const nib = (b4[e >> 1] >> (4 * (e & 1))) & 15; return nib >= 8 ? nib - 16 : nib; };
      for (const [packed, value] of [[reference.packS8(k, n, b), (e: number) => b[e]], [reference.packS4(k, n, b4), v4]] as const) {
        const got = new Int32Array(m * n);
        reference.gemmS8(m, n, k, a, packed, got, { zeroPointA: zp });
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let kk = 0; kk < k; kk++) s += (a[i * k + kk] - zp) * value(kk * n + j);
            expect(got[i * n + j]).toBe(s);
          }
      }
    }
  });

  it('the float32 epilogue rounds once (an fma), even where rounding twice would tie the other way', () => {
    // x·m + bias = 1 + 2^-24 + 2^-54 exactly: above the midpoint of 1 and 1 + 2^-23,
    // but rounding x·m to float32 first lands on the midpoint, which ties to 1.
    const x = -32769, m = (1 - 2 ** -15) * 2 ** -39, bias = 1 + 2 ** -23;
    expect(Math.fround(Math.fround(x * m) + bias)).toBe(1);
    expect(fma32(x, m, bias)).toBe(1 + 2 ** -23);
    // The same through gemmS8: x = (0 − 255)·127 + (251 − 255)·96, scaleA·scaleB = m.
    const packed = kernels.packS8(2, 1, Int8Array.of(127, 96));
    const options = { zeroPointA: 255, scaleA: 1 - 2 ** -15, scaleB: 2 ** -39, bias: Float32Array.of(bias) };
    for (const k of [kernels, reference]) {
      const out = new Float32Array(1);
      k.gemmS8(1, 1, 2, Uint8Array.of(0, 251), packed, out, options);
      expect(out[0]).toBe(1 + 2 ** -23);
    }
  });

  it('int32 sums: every m, n, k in 1..6, int8 and int4 weights', () => {
    const f = new Failures();
    let seed = 1;
    for (const m of range(1, 6)) for (const n of range(1, 6)) for (const k of range(1, 6)) checkInt32(f, m, n, k, seed++);
    f.expectNone();
  });

  it('int32 sums: odd and blocked shapes (1, 3, 17, 31, 33, 127, 1023 …)', () => {
    const f = new Failures();
    ODD.forEach(([m, n, k], i) => checkInt32(f, m, n, k, 100 + i));
    f.expectNone();
  });

  it('saturation patterns: 255 × −128 and 255 × 127 sums that overflow int16 pairs, up to k = 65536', () => {
    const f = new Failures();
    for (const [m, n, k] of [[4, 20, 8], [7, 35, 64], [13, 50, 1000], [2, 16, 65536]] as const) {
      // Constant extremes, alternating extremes, and checkerboards of both signs.
      const patterns: Array<[string, (i: number, kk: number) => number, (kk: number, j: number) => number]> = [
        ['255×−128', () => 255, () => -128],
        ['255×127', () => 255, () => 127],
        ['255×±', () => 255, (kk, j) => ((kk + j) % 2 ? 127 : -128)],
        ['pairs', (i, kk) => (kk % 4 < 2 ? 255 : 0), (kk, j) => (kk % 2 ? -128 : j % 2 ? -128 : 127)],
      ];
      for (const [name, av, bv] of patterns) {
        const a = Uint8Array.from({ length: m * k }, (_, e) => av(Math.floor(e / k), e % k));
        const b = Int8Array.from({ length: k * n }, (_, e) => bv(Math.floor(e / n), e % n));
        const { packed, same } = packBoth(8, k, n, b);
        f.add(same);
        f.add(checkGemm(`${name} ${m}×${n}×${k}`, m, n, k, a, packed, 'int32'));
        if (name === '255×−128') {
          const got = new Int32Array(m * n);
          kernels.gemmS8(m, n, k, a, packed, got);
          f.add(got.every((v) => v === -255 * 128 * k) ? '' : `${name} ${m}×${n}×${k}: ${got[0]} ≠ ${-255 * 128 * k}`);
        }
      }
      // int4 extremes: −8 and 7 against 255.
      const b4 = new Uint8Array(Math.ceil((k * n) / 2)).fill(0x88);
      const a = new Uint8Array(m * k).fill(255);
      const { packed, same } = packBoth(4, k, n, b4);
      f.add(same);
      f.add(checkGemm(`int4 −8 ${m}×${n}×${k}`, m, n, k, a, packed, 'int32', { zeroPointA: 0 }));
    }
    f.expectNone();
  });

  it('epilogues: float32 with scales, bias and activations; uint8 and int8 requantized', () => {
    const f = new Failures();
    let seed = 500;
    for (const m of range(1, 6)) for (const n of range(1, 6)) checkEpilogues(f, m, n, 1 + ((m * n) % 6), seed++);
    for (const [m, n, k] of [[17, 33, 31], [3, 1023, 17], [127, 31, 513], [31, 49, 1023], [7, 35, 4200]]) checkEpilogues(f, m, n, k, seed++);
    f.expectNone();
  });

  it('dynamic matmul (float32 in, per-row or per-tensor uint8, int8/int4 weights)', () => {
    const f = new Failures();
    let seed = 900;
    for (const m of range(1, 6)) for (const k of range(1, 6)) checkDynamic(f, m, 1 + ((m + k) % 6), k, seed++);
    for (const [m, n, k] of ODD.slice(0, 12)) checkDynamic(f, m, n, k, seed++);
    checkDynamic(f, 9, 40, 300, seed++, 4);
    checkDynamic(f, 5, 20, 4500, seed++, 4);
    f.expectNone();
  });

  it('splits across threads by rows and by columns', () => {
    const f = new Failures();
    // Above the single-thread cutoff (2^25 multiply-adds): tall shapes split rows, wide ones columns.
    for (const [m, n, k] of [[700, 100, 520], [20, 3000, 600]]) {
      checkInt32(f, m, n, k, m);
      const rand = rng(k);
      f.add(checkGemm(`${m}×${n}×${k}`, m, n, k, u8(m * k, rand), weights(f, 8, k, n, rand), 'float32', { zeroPointA: 3, scaleA: 0.01, bias: f32(n, rand, -1, 1) }));
    }
    f.expectNone();
  });
});
