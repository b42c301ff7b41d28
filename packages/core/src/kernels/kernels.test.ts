// Every native kernel against its TypeScript reference: exhaustive small shapes,
// odd sizes, strides/pads/dilations, bias and activations, random data. The
// test script runs this file once per instruction-set path (LITE_ISA).
import { describe, expect, it } from 'vitest';
import { Failures, guardedOutput, range, rng } from '../testing/kernel_checks.js';
import { kernelInfo, kernels, reference } from './index.js';
import type { Activation, ConvShape, GemmOptions, PoolShape } from './index.js';

const info = kernelInfo();

/** Seeded uniform numbers in [0, 1) (@lite/core's mulberry32). */

/** Uniform in [-scale, scale). */
function random(n: number, rand: () => number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * scale;
  return out;
}

/** Small integers: many ties, for max pooling. */
function ties(n: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 4) - 2;
  return out;
}

/** An output filled with NaN inside guard bands (see guardedOutput). */
const output = (n: number) => guardedOutput(Float32Array, n, 12345.5, Number.NaN);

/** '' when actual ≈ expected (error ≤ rtol·max(1, max|expected|)), else what differs. */
function compare(actual: Float32Array, expected: Float32Array, rtol = 1e-4): string {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  let scale = 1;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) {
    const ok = rtol === 0 ? actual[i] === expected[i] || (Number.isNaN(actual[i]) && Number.isNaN(expected[i]))
      : Math.abs(actual[i] - expected[i]) <= rtol * scale;
    if (!ok) return `[${i}] native ${actual[i]} vs reference ${expected[i]}`;
  }
  return '';
}

/** Runs native and reference, each writing a fresh output; returns what differs ('' when equal). */
function check(label: string, n: number, run: (k: typeof kernels, out: Float32Array) => void, rtol = 1e-4): string {
  const got = output(n);
  run(kernels, got.view);
  if (!got.guardsIntact()) return `${label}: wrote outside its output`;
  const want = new Float32Array(n);
  run(reference, want);
  const d = compare(got.view, want, rtol);
  return d && `${label}: ${d}`;
}


// ---------------------------------------------------------------- shapes

type Padding = 'same' | 'valid' | [number, number];

/** Output size and leading pad along one axis, as tfjs computes them; null when the shape is impossible. */
function axis(input: number, filter: number, stride: number, dilation: number, padding: Padding): [number, number] | null {
  const eff = (filter - 1) * dilation + 1;
  if (padding === 'same') {
    const out = Math.ceil(input / stride);
    return [out, Math.floor(Math.max(0, (out - 1) * stride + eff - input) / 2)];
  }
  if (padding === 'valid') return input < eff ? null : [Math.ceil((input - eff + 1) / stride), 0];
  const [before, after] = padding;
  const out = Math.floor((input + before + after - eff) / stride) + 1;
  if (out < 1 || before >= eff || (out - 1) * stride - before >= input) return null;
  return [out, before];
}

interface ConvSpec {
  batch: number; inH: number; inW: number; inC: number; outC: number;
  filterH: number; filterW: number; strideH?: number; strideW?: number;
  dilationH?: number; dilationW?: number; padH: Padding; padW: Padding;
}

function convShape(c: ConvSpec): ConvShape | null {
  const [sh, sw, dh, dw] = [c.strideH ?? 1, c.strideW ?? 1, c.dilationH ?? 1, c.dilationW ?? 1];
  const h = axis(c.inH, c.filterH, sh, dh, c.padH), w = axis(c.inW, c.filterW, sw, dw, c.padW);
  if (!h || !w) return null;
  return {
    batch: c.batch, inH: c.inH, inW: c.inW, inC: c.inC, outH: h[0], outW: w[0], outC: c.outC,
    filterH: c.filterH, filterW: c.filterW, strideH: sh, strideW: sw, dilationH: dh, dilationW: dw,
    padTop: h[1], padLeft: w[1],
  };
}

function poolShape(batch: number, inH: number, inW: number, channels: number, filterH: number, filterW: number,
  strideH: number, strideW: number, padH: Padding, padW: Padding): PoolShape | null {
  const h = axis(inH, filterH, strideH, 1, padH), w = axis(inW, filterW, strideW, 1, padW);
  if (!h || !w) return null;
  return { batch, inH, inW, channels, outH: h[0], outW: w[0], filterH, filterW, strideH, strideW, padTop: h[1], padLeft: w[1] };
}

// ---------------------------------------------------------------- per-kernel checks

const ACTIVATIONS: Activation[] = ['linear', 'relu', 'relu6'];

/** conv2d (+bias, activation) and both backprops on one shape. */
function checkConv(f: Failures, s: ConvShape, seed: number, activation: Activation = 'linear', withBias = true): void {
  const rand = rng(seed);
  const xs = s.batch * s.inH * s.inW * s.inC, ws = s.filterH * s.filterW * s.inC * s.outC, ys = s.batch * s.outH * s.outW * s.outC;
  // Scaled so relu6 clips some outputs at 6.
  const x = random(xs, rand, 2), w = random(ws, rand, 2), dy = random(ys, rand), bias = withBias ? random(s.outC, rand) : null;
  const label = JSON.stringify(s);
  f.add(check(`conv2d ${activation} ${label}`, ys, (k, y) => k.conv2d(x, w, bias, y, s, activation)));
  f.add(check(`conv2dBackpropInput ${label}`, xs, (k, dx) => k.conv2dBackpropInput(dy, w, dx, s)));
  f.add(check(`conv2dBackpropFilter ${label}`, ws, (k, dw) => k.conv2dBackpropFilter(x, dy, dw, s)));
}

/** depthwiseConv2d (+bias, activation) and both backprops; s.outC = s.inC · multiplier. */
function checkDepthwise(f: Failures, s: ConvShape, seed: number, activation: Activation = 'linear', withBias = true): void {
  const rand = rng(seed);
  const xs = s.batch * s.inH * s.inW * s.inC, ws = s.filterH * s.filterW * s.outC, ys = s.batch * s.outH * s.outW * s.outC;
  const x = random(xs, rand, 2), w = random(ws, rand, 2), dy = random(ys, rand), bias = withBias ? random(s.outC, rand) : null;
  const label = JSON.stringify(s);
  f.add(check(`depthwiseConv2d ${activation} ${label}`, ys, (k, y) => k.depthwiseConv2d(x, w, bias, y, s, activation)));
  f.add(check(`depthwiseConv2dBackpropInput ${label}`, xs, (k, dx) => k.depthwiseConv2dBackpropInput(dy, w, dx, s)));
  f.add(check(`depthwiseConv2dBackpropFilter ${label}`, ws, (k, dw) => k.depthwiseConv2dBackpropFilter(x, dy, dw, s)));
}

/** The four pooling kernels on one shape; max pooling forward must match exactly. */
function checkPool(f: Failures, s: PoolShape, seed: number, tied = true): void {
  const rand = rng(seed);
  const xs = s.batch * s.inH * s.inW * s.channels, ys = s.batch * s.outH * s.outW * s.channels;
  const x = tied ? ties(xs, rand) : random(xs, rand), dy = random(ys, rand);
  const label = JSON.stringify(s);
  f.add(check(`maxPool ${label}`, ys, (k, y) => k.maxPool(x, y, s), 0));
  f.add(check(`maxPoolBackprop ${label}`, xs, (k, dx) => k.maxPoolBackprop(dy, x, dx, s)));
  f.add(check(`avgPool ${label}`, ys, (k, y) => k.avgPool(x, y, s)));
  f.add(check(`avgPoolBackprop ${label}`, xs, (k, dx) => k.avgPoolBackprop(dy, dx, s)));
}

function checkGemm(f: Failures, m: number, n: number, k: number, options: GemmOptions, seed: number): void {
  const rand = rng(seed);
  const a = random(m * k, rand), b = random(k * n, rand), c0 = random(m * n, rand, 4);
  // A bias given as an array is replaced by random values of length n.
  const opts = { ...options, bias: options.bias ? random(n, rand) : options.bias };
  f.add(check(`gemm ${m}x${n}x${k} ${JSON.stringify({ ...options, bias: !!options.bias })}`, m * n, (kern, c) => {
    if (options.accumulate) c.set(c0);
    kern.gemm(m, n, k, a, b, c, opts);
  }));
}


// ---------------------------------------------------------------- tests

describe(`native kernels on the '${info.isa}' path equal the reference`, () => {
  it('loads the addon', () => {
    expect(info.native).toBe(true);
    expect(['ref', 'avx2', 'avx512']).toContain(info.isa);
  });

  it('gemm: every m, n, k in 1..6, every transpose', () => {
    const f = new Failures();
    let seed = 1;
    for (const m of range(1, 6)) for (const n of range(1, 6)) for (const k of range(1, 6))
      for (const transA of [false, true]) for (const transB of [false, true]) checkGemm(f, m, n, k, { transA, transB }, seed++);
    f.expectNone();
  });

  it('gemm: odd sizes (1, 3, 17, 31, 33, 127, 1023), transposes, bias, activations, accumulate', () => {
    const f = new Failures();
    const odd = [1, 3, 17, 31, 33, 127];
    let seed = 100;
    for (const m of odd) for (const n of odd) for (const k of odd)
      checkGemm(f, m, n, k, { transA: seed % 2 === 1, transB: seed % 3 === 1 }, seed++);
    for (const small of [1, 17, 33]) {
      for (const other of [3, 31]) {
        checkGemm(f, 1023, small, other, { transA: true }, seed++);
        checkGemm(f, small, 1023, other, { transB: true }, seed++);
        checkGemm(f, small, other, 1023, { transA: true, transB: true }, seed++);
      }
    }
    for (const [m, n, k] of [[1, 1, 1], [17, 33, 31], [33, 17, 127], [127, 31, 3], [5, 1023, 17]]) {
      for (const activation of ACTIVATIONS) {
        checkGemm(f, m, n, k, { bias: null, activation }, seed++);
        checkGemm(f, m, n, k, { bias: new Float32Array(1), activation, transA: true }, seed++);
      }
      checkGemm(f, m, n, k, { accumulate: true }, seed++);
      checkGemm(f, m, n, k, { accumulate: true, transA: true, transB: true }, seed++);
    }
    f.expectNone();
  });

  it('conv2d: every input and filter size in 1..6, SAME and VALID', () => {
    const f = new Failures();
    let seed = 1000;
    for (const inH of range(1, 6)) for (const inW of range(1, 6)) for (const filterH of range(1, 6)) for (const filterW of range(1, 6))
      for (const pad of ['same', 'valid'] as const) {
        const s = convShape({ batch: 2, inH, inW, inC: 2, outC: 3, filterH, filterW, padH: pad, padW: pad });
        if (s) checkConv(f, s, seed++, seed % 3 === 0 ? 'relu' : 'linear', seed % 2 === 0);
      }
    f.expectNone();
  });

  it('conv2d: every batch, inC, outC in 1..6', () => {
    const f = new Failures();
    let seed = 2000;
    for (const batch of range(1, 6)) for (const inC of range(1, 6)) for (const outC of range(1, 6))
      checkConv(f, convShape({ batch, inH: 5, inW: 4, inC, outC, filterH: 3, filterW: 2, padH: 'same', padW: 'same' })!, seed++);
    f.expectNone();
  });

  it('conv2d: strides and dilations 1..3, SAME, VALID and explicit pads', () => {
    const f = new Failures();
    let seed = 3000;
    const pads: Padding[] = ['same', 'valid', [1, 2], [2, 0], [0, 1]];
    for (const sh of range(1, 3)) for (const sw of range(1, 3)) for (const dh of range(1, 3)) for (const dw of range(1, 3))
      for (const [padH, padW] of [[pads[0], pads[0]], [pads[1], pads[1]], [pads[2], pads[3]], [pads[4], pads[2]]] as const) {
        const s = convShape({ batch: 2, inH: 7, inW: 6, inC: 2, outC: 3, filterH: 3, filterW: 2, strideH: sh, strideW: sw,
          dilationH: dh, dilationW: dw, padH, padW });
        if (s) checkConv(f, s, seed++);
      }
    f.expectNone();
  });

  it('conv2d: odd channels, 1×1 fast path, activations, larger shapes (several threads and tiles)', () => {
    const f = new Failures();
    let seed = 4000;
    for (const [inC, outC] of [[17, 31], [33, 17], [31, 33], [1, 33]]) {
      for (const activation of ACTIVATIONS) {
        checkConv(f, convShape({ batch: 2, inH: 6, inW: 5, inC, outC, filterH: 3, filterW: 3, strideH: 2, padH: 'same', padW: 'same' })!, seed++, activation);
        checkConv(f, convShape({ batch: 3, inH: 5, inW: 7, inC, outC, filterH: 1, filterW: 1, padH: 'valid', padW: 'valid' })!, seed++, activation);
      }
      // 1×1 but strided or padded: not the fast path.
      checkConv(f, convShape({ batch: 2, inH: 5, inW: 5, inC, outC, filterH: 1, filterW: 1, strideH: 2, strideW: 2, padH: 'same', padW: 'same' })!, seed++);
    }
    // The MNIST CNN's layers, and shapes whose pixels span several per-thread tiles.
    checkConv(f, convShape({ batch: 4, inH: 28, inW: 28, inC: 1, outC: 10, filterH: 5, filterW: 5, padH: 'valid', padW: 'valid' })!, seed++, 'relu');
    checkConv(f, convShape({ batch: 8, inH: 12, inW: 12, inC: 10, outC: 20, filterH: 5, filterW: 5, padH: 'valid', padW: 'valid' })!, seed++, 'relu');
    checkConv(f, convShape({ batch: 4, inH: 10, inW: 9, inC: 64, outC: 9, filterH: 3, filterW: 3, padH: 'same', padW: 'same' })!, seed++);
    checkConv(f, convShape({ batch: 1, inH: 45, inW: 47, inC: 64, outC: 3, filterH: 3, filterW: 3, padH: [1, 1], padW: [2, 0] })!, seed++);
    checkConv(f, convShape({ batch: 40, inH: 9, inW: 9, inC: 3, outC: 5, filterH: 3, filterW: 3, strideH: 2, strideW: 2, padH: 'same', padW: 'same' })!, seed++);
    // Stride 1 with many channels: the direct kernels split each image into several bands.
    checkConv(f, convShape({ batch: 3, inH: 40, inW: 36, inC: 24, outC: 17, filterH: 5, filterW: 5, padH: 'same', padW: [1, 3] })!, seed++, 'relu6');
    // Filters wider than the direct kernels compile for (7), and than one chunk of their masks (16).
    checkConv(f, convShape({ batch: 2, inH: 6, inW: 20, inC: 2, outC: 3, filterH: 2, filterW: 9, padH: 'valid', padW: 'same' })!, seed++);
    checkConv(f, convShape({ batch: 2, inH: 5, inW: 40, inC: 3, outC: 2, filterH: 3, filterW: 18, padH: 'same', padW: 'same' })!, seed++);
    // A filter too large for per-thread partial gradients (one threaded GEMM instead).
    checkConv(f, convShape({ batch: 1, inH: 2, inW: 3, inC: 256, outC: 1024, filterH: 3, filterW: 3, padH: 'same', padW: 'same' })!, seed++);
    f.expectNone();
  });

  it('depthwise: every input and filter size in 1..6, SAME and VALID', () => {
    const f = new Failures();
    let seed = 5000;
    for (const inH of range(1, 6)) for (const inW of range(1, 6)) for (const filterH of range(1, 6)) for (const filterW of range(1, 6))
      for (const pad of ['same', 'valid'] as const) {
        const s = convShape({ batch: 2, inH, inW, inC: 3, outC: 3 * (seed % 2 + 1), filterH, filterW, padH: pad, padW: pad });
        if (s) checkDepthwise(f, s, seed++, seed % 3 === 0 ? 'relu6' : 'linear', seed % 2 === 0);
      }
    f.expectNone();
  });

  it('depthwise: every batch, inC, multiplier in 1..6; strides, dilations, pads; odd channels', () => {
    const f = new Failures();
    let seed = 6000;
    for (const batch of range(1, 6)) for (const inC of range(1, 6)) for (const mult of range(1, 6))
      checkDepthwise(f, convShape({ batch, inH: 5, inW: 4, inC, outC: inC * mult, filterH: 3, filterW: 2, padH: 'same', padW: 'same' })!, seed++);
    for (const sh of range(1, 3)) for (const sw of range(1, 3)) for (const dh of range(1, 3)) for (const dw of range(1, 3))
      for (const [padH, padW] of [['same', 'same'], ['valid', 'valid'], [[1, 2], [2, 0]]] as [Padding, Padding][]) {
        const s = convShape({ batch: 2, inH: 7, inW: 6, inC: 3, outC: 6, filterH: 3, filterW: 2, strideH: sh, strideW: sw,
          dilationH: dh, dilationW: dw, padH, padW });
        if (s) checkDepthwise(f, s, seed++);
      }
    for (const [inC, mult] of [[17, 1], [31, 2], [33, 1], [127, 1], [3, 17]]) {
      for (const activation of ACTIVATIONS)
        checkDepthwise(f, convShape({ batch: 3, inH: 6, inW: 7, inC, outC: inC * mult, filterH: 3, filterW: 3, strideH: 2, padH: 'same', padW: 'same' })!, seed++, activation);
    }
    checkDepthwise(f, convShape({ batch: 16, inH: 14, inW: 14, inC: 32, outC: 32, filterH: 3, filterW: 3, padH: 'same', padW: 'same' })!, seed++);
    f.expectNone();
  });

  it('pooling: every input and window size in 1..6, strides, SAME and VALID (many ties)', () => {
    const f = new Failures();
    let seed = 7000;
    for (const inH of range(1, 6)) for (const inW of range(1, 6)) for (const filterH of range(1, 6)) for (const filterW of range(1, 6))
      for (const [strideH, strideW] of [[1, 1], [2, 2], [3, 1]]) for (const pad of ['same', 'valid'] as const) {
        const s = poolShape(2, inH, inW, 3, filterH, filterW, strideH, strideW, pad, pad);
        if (s) checkPool(f, s, seed++);
      }
    f.expectNone();
  });

  it('pooling: every batch and channel count in 1..6, odd channel counts, explicit pads, random data', () => {
    const f = new Failures();
    let seed = 8000;
    for (const batch of range(1, 6)) for (const channels of range(1, 6))
      checkPool(f, poolShape(batch, 5, 6, channels, 3, 2, 2, 2, 'same', 'same')!, seed++);
    for (const channels of [17, 31, 33, 63, 64, 65, 127, 130])
      for (const tied of [true, false]) checkPool(f, poolShape(2, 7, 6, channels, 3, 3, 2, 1, 'same', 'valid')!, seed++, tied);
    for (const [padH, padW] of [[[1, 2], [2, 0]], [[2, 2], [0, 1]], [[0, 2], [1, 1]]] as [Padding, Padding][])
      for (const [sh, sw] of [[1, 1], [2, 3], [3, 2]]) {
        const s = poolShape(2, 7, 6, 5, 3, 3, sh, sw, padH, padW);
        if (s) checkPool(f, s, seed++);
      }
    checkPool(f, poolShape(64, 24, 24, 10, 2, 2, 2, 2, 'valid', 'valid')!, seed++, false);
    checkPool(f, poolShape(16, 15, 15, 32, 3, 3, 2, 2, 'same', 'same')!, seed++);
    // Inputs of a million floats or more run on several threads.
    checkPool(f, poolShape(16, 64, 64, 16, 2, 2, 2, 2, 'valid', 'valid')!, seed++, false);
    checkPool(f, poolShape(12, 64, 65, 24, 3, 3, 2, 2, 'same', 'same')!, seed++);
    f.expectNone();
  });

  it('random shapes anywhere in what the bindings accept (any pads and output sizes they allow)', () => {
    const f = new Failures();
    const rand = rng(424242);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    // An axis: any pad below the (effective) filter, any output size whose last window starts inside the input.
    const axisOf = (input: number, eff: number, stride: number): [number, number] => {
      const pad = int(0, eff - 1);
      return [int(1, Math.floor((input - 1 + pad) / stride) + 1), pad];
    };
    for (let i = 0; i < 150; i++) {
      const [inH, inW, fh, fw, sh, sw, dh, dw] = [int(1, 9), int(1, 9), int(1, 5), int(1, 5), int(1, 4), int(1, 4), int(1, 3), int(1, 3)];
      const [outH, padTop] = axisOf(inH, (fh - 1) * dh + 1, sh), [outW, padLeft] = axisOf(inW, (fw - 1) * dw + 1, sw);
      const inC = int(1, 5), batch = int(1, 3);
      const s = { batch, inH, inW, inC, outH, outW, outC: int(1, 5), filterH: fh, filterW: fw, strideH: sh, strideW: sw,
        dilationH: dh, dilationW: dw, padTop, padLeft };
      checkConv(f, s, 9000 + i, ACTIVATIONS[i % 3], i % 2 === 0);
      checkDepthwise(f, { ...s, outC: inC * int(1, 3) }, 9500 + i, ACTIVATIONS[i % 3], i % 2 === 1);
      const [pOutH, pPadTop] = axisOf(inH, fh, sh), [pOutW, pPadLeft] = axisOf(inW, fw, sw);
      checkPool(f, { batch, inH, inW, channels: inC, outH: pOutH, outW: pOutW, filterH: fh, filterW: fw, strideH: sh, strideW: sw,
        padTop: pPadTop, padLeft: pPadLeft }, 9900 + i, i % 2 === 0);
    }
    f.expectNone();
  });

  it('max pooling skips NaN and gives −∞ windows no gradient, as tfjs', () => {
    const f = new Failures();
    const s = poolShape(1, 4, 4, 3, 2, 2, 2, 2, 'valid', 'valid')!;
    const x = ties(48, rng(9));
    for (let i = 0; i < 48; i += 5) x[i] = Number.NaN;
    x.fill(Number.NEGATIVE_INFINITY, 0, 3);
    x.fill(Number.NEGATIVE_INFINITY, 12, 15);
    const dy = random(s.batch * s.outH * s.outW * 3, rng(10));
    f.add(check('maxPool NaN', 12, (k, y) => k.maxPool(x, y, s), 0));
    f.add(check('maxPoolBackprop NaN', 48, (k, dx) => k.maxPoolBackprop(dy, x, dx, s), 0));
    const allNeg = new Float32Array(48).fill(Number.NEGATIVE_INFINITY);
    f.add(check('maxPool −∞', 12, (k, y) => k.maxPool(allNeg, y, s), 0));
    f.add(check('maxPoolBackprop −∞', 48, (k, dx) => k.maxPoolBackprop(dy, allNeg, dx, s), 0));
    f.expectNone();
  });
});
