// The int8 convolution with uint8 activations on either side: x already
// quantized (the previous layer's uint8 output) and/or y requantized to uint8
// with the next layer's scale and zero point. Native equals the reference
// exactly on small geometries (k not a multiple of 4 included: im2col rows are
// padded to whole quads and read in place), odd shapes and threaded sizes; a
// uint8 x gives what the float32 x it quantizes gives; a fused max pool
// (options.pool; the direct kernel of native/src/conv_s8/lanes.h where the
// shape fits it) equals the reference too. Run once per ISA path.
import { describe, expect, it } from 'vitest';
import { Failures, guardedOutput, rng } from '../testing/kernel_checks.js';
import { conv2dS8Direct, kernelInfo, kernels, reference } from './index.js';
import { quantizeStatic as quantize } from './reference/conv_s8.js';
import type { Activation, ConvS8Options, ConvS8Pool, ConvShape } from './index.js';

const info = kernelInfo();
const ACTIVATIONS: Activation[] = ['linear', 'relu', 'relu6'];

function shape(batch: number, inH: number, inW: number, inC: number, outC: number, f: number, stride = 1, pad = 0): ConvShape {
  const out = (n: number) => Math.floor((n + 2 * pad - f) / stride) + 1;
  return {
    batch, inH, inW, inC, outC, filterH: f, filterW: f, outH: out(inH), outW: out(inW),
    strideH: stride, strideW: stride, dilationH: 1, dilationW: 1, padTop: pad, padLeft: pad,
  };
}

/** Native vs reference for one x/y type combination: '' when equal and native stays inside y. */
function compare(label: string, s: ConvShape, x: Float32Array | Uint8Array, packed: Uint8Array, bytesOut: boolean,
  options: ConvS8Options): string {
  const p = options.pool, pooled = (out: number, f: number, stride: number) => Math.floor((out - f) / stride) + 1;
  const n = p ? s.batch * pooled(s.outH, p.filterH, p.strideH) * pooled(s.outW, p.filterW, p.strideW) * s.outC : s.batch * s.outH * s.outW * s.outC;
  const want = bytesOut ? new Uint8Array(n) : new Float32Array(n);
  reference.conv2dS8(x, packed, want, s, options);
  const out = bytesOut ? guardedOutput(Uint8Array, n, 77, 0xEE, 64) : guardedOutput(Float32Array, n, 7.5, Number.NaN, 24);
  kernels.conv2dS8(x, packed, out.view, s, options);
  if (!out.guardsIntact()) return `${label}: wrote outside y`;
  for (let i = 0; i < n; i++)
    if (!Object.is(out.view[i], want[i])) return `${label}: y[${i}] native ${out.view[i]} vs reference ${want[i]}`;
  return '';
}

function runAll(s: ConvShape, seed: number, failures: Failures): void {
  const rand = rng(seed), k = s.filterH * s.filterW * s.inC;
  const x = Float32Array.from({ length: s.batch * s.inH * s.inW * s.inC }, () => -1 + 4 * rand());
  const bits = seed % 3 === 2 ? 4 : 8;
  const packed = bits === 8
    ? kernels.packS8(k, s.outC, Int8Array.from({ length: k * s.outC }, () => Math.floor(rand() * 256) - 128))
    : kernels.packS4(k, s.outC, Uint8Array.from({ length: Math.ceil((k * s.outC) / 2) }, () => Math.floor(rand() * 256)));
  const inputScale = 4 / 255, inputZeroPoint = 64;
  const options: ConvS8Options = {
    inputScale, inputZeroPoint, activation: ACTIVATIONS[seed % 3],
    scaleB: Float32Array.from({ length: s.outC }, () => 0.002 + 0.01 * rand()),
    bias: Float32Array.from({ length: s.outC }, () => -1 + 2 * rand()),
  };
  const bytes = { ...options, outScale: 0.02 + 0.1 * rand(), outZeroPoint: seed % 2 ? 0 : 100 };
  const q = quantize(x, inputScale, inputZeroPoint);
  const label = `${JSON.stringify(s)} int${bits} seed ${seed}`;
  failures.add(compare(`${label} f32→f32`, s, x, packed, false, options));
  failures.add(compare(`${label} u8→f32`, s, q, packed, false, options));
  failures.add(compare(`${label} f32→u8`, s, x, packed, true, bytes));
  failures.add(compare(`${label} u8→u8`, s, q, packed, true, bytes));
  // Fused max pools: disjoint 2×2 windows, and overlapping ones wider than their stride.
  const pools: ConvS8Pool[] = [{ filterH: 2, filterW: 2, strideH: 2, strideW: 2 }, { filterH: 3, filterW: 2, strideH: 1, strideW: 1 }];
  for (const pool of pools.filter((p) => p.filterH <= s.outH && p.filterW <= s.outW)) {
    const at = `${label} pool ${pool.filterH}×${pool.filterW}/${pool.strideH}×${pool.strideW}`;
    failures.add(compare(`${at} f32→u8`, s, x, packed, true, { ...bytes, pool }));
    failures.add(compare(`${at} u8→u8`, s, q, packed, true, { ...bytes, pool }));
    failures.add(compare(`${at} f32→f32`, s, x, packed, false, { ...options, pool }));
  }
  // A uint8 x is exactly the float32 x it quantizes.
  const fromFloat = new Float32Array(s.batch * s.outH * s.outW * s.outC), fromBytes = new Float32Array(fromFloat.length);
  kernels.conv2dS8(x, packed, fromFloat, s, options);
  kernels.conv2dS8(q, packed, fromBytes, s, options);
  if (!fromFloat.every((v, i) => Object.is(v, fromBytes[i]))) failures.add(`${label}: uint8 x differs from its float32 x`);
}

describe(`int8 conv with uint8 activations on the '${info.isa}' path equals the reference exactly`, () => {
  it('small geometries: filters 1–5, strides 1–2, padding, channels 1–7 (k = 1..175, ragged quads)', () => {
    const failures = new Failures();
    let seed = 0;
    let direct = 0;
    for (const f of [1, 2, 3, 5]) for (const stride of [1, 2]) for (const inC of [1, 2, 3, 7])
      for (const outC of [1, 10, 17]) {
        const pad = seed % 2 ? Math.floor(f / 2) : 0;
        const s = shape(1 + (seed % 2), f + 2 + (seed % 3), f + 1 + (seed % 4), inC, outC, f, stride, pad);
        if (conv2dS8Direct(s)) direct++;
        runAll(s, seed++, failures);
      }
    failures.expectNone();
    // Where this path has the direct kernel (seedCnn's conv1 runs on it), many of these shapes exercise it.
    if (conv2dS8Direct(shape(3, 28, 28, 1, 10, 5))) expect(direct).toBeGreaterThanOrEqual(10);
  });

  it('odd and large shapes: seedCnn layers, 1023 channels, threaded pixel counts', () => {
    const failures = new Failures();
    const shapes = [shape(3, 28, 28, 1, 10, 5), shape(4, 12, 12, 10, 20, 5), shape(1, 3, 3, 1023, 3, 1),
      shape(2, 9, 9, 33, 31, 3, 2, 1), shape(64, 28, 28, 1, 10, 5), shape(7, 1, 1, 320, 50, 1),
      // seedCnn's conv2 at a threaded batch: pooled 2×2/2 with a uint8 y, one strided conv per window position.
      shape(64, 12, 12, 10, 20, 5)];
    shapes.forEach((s, i) => runAll(s, 100 + i, failures));
    failures.expectNone();
  });

  it('a uint8 x or y needs the static input scale; outScale only with a uint8 y', () => {
    const s = shape(1, 3, 3, 2, 3, 2);
    const packed = kernels.packS8(8, 3, new Int8Array(24));
    for (const impl of [kernels, reference]) {
      expect(() => impl.conv2dS8(new Uint8Array(18), packed, new Float32Array(12), s, {})).toThrow(/inputScale/);
      expect(() => impl.conv2dS8(new Float32Array(18), packed, new Uint8Array(12), s, {})).toThrow(/inputScale/);
      expect(() => impl.conv2dS8(new Float32Array(18), packed, new Uint8Array(12), s, { inputScale: 0.1 })).toThrow(/outScale/);
      expect(() => impl.conv2dS8(new Float32Array(18), packed, new Float32Array(12), s, { inputScale: 0.1, outScale: 0.1 }))
        .toThrow(/outScale/);
    }
  });
});
