// The int8 convolution against its TypeScript reference, exactly: static and
// dynamic input quantization, uint8 im2col with zero-point padding, int8 and
// int4 weights, scales, bias and activations, on every small geometry (filters
// 1–3, strides 1–2, dilations 1–2, all paddings), odd and blocked shapes, the
// pointwise and dense shortcuts and the threaded parts. The test script runs
// this file once per instruction-set path (LITE_ISA); on a VNNI CPU
// int8_avx2.test.ts also runs it on the AVX2 int8 kernel (LITE_VNNI=0).
import { describe, expect, it } from 'vitest';
import { guardedOutput, rng } from '../testing/kernel_checks.js';
import { kernelInfo, kernels, reference } from './index.js';
import type { Activation, ConvS8Options, ConvShape } from './index.js';

const info = kernelInfo();
const ACTIVATIONS: Activation[] = ['linear', 'relu', 'relu6'];

interface Geometry {
  batch: number; inH: number; inW: number; inC: number; outC: number;
  filterH: number; filterW: number; strideH?: number; strideW?: number;
  dilationH?: number; dilationW?: number;
  /** Padding before and after, rows then columns (each below the effective filter extent). */
  pads?: [number, number, number, number];
}

/** The ConvShape of a geometry (outH/outW from the padded extent). */
function shapeOf(g: Geometry): ConvShape {
  const [top, bottom, left, right] = g.pads ?? [0, 0, 0, 0];
  const strideH = g.strideH ?? 1, strideW = g.strideW ?? 1, dilationH = g.dilationH ?? 1, dilationW = g.dilationW ?? 1;
  const effH = (g.filterH - 1) * dilationH + 1, effW = (g.filterW - 1) * dilationW + 1;
  return {
    batch: g.batch, inH: g.inH, inW: g.inW, inC: g.inC, outC: g.outC, filterH: g.filterH, filterW: g.filterW,
    outH: Math.floor((g.inH + top + bottom - effH) / strideH) + 1, outW: Math.floor((g.inW + left + right - effW) / strideW) + 1,
    strideH, strideW, dilationH, dilationW, padTop: top, padLeft: left,
  };
}

interface Case {
  bits: 8 | 4;
  /** Static input quantization (else dynamic). */
  input?: { scale: number; zeroPoint: number };
  activation: Activation;
  bias: boolean;
  perChannelScale: boolean;
}

/** Weights (int8 or int4 codes) for k×n, packed by the kernels in use. */
function packWeights(bits: 8 | 4, k: number, n: number, rand: () => number): Uint8Array {
  if (bits === 8) return kernels.packS8(k, n, Int8Array.from({ length: k * n }, () => Math.floor(rand() * 256) - 128));
  return kernels.packS4(k, n, Uint8Array.from({ length: Math.ceil((k * n) / 2) }, () => Math.floor(rand() * 256)));
}

/** Runs native and reference on one case; '' when they agree exactly and native stays inside y. */
function check(label: string, s: ConvShape, x: Float32Array, packed: Uint8Array, options: ConvS8Options): string {
  const n = s.batch * s.outH * s.outW * s.outC;
  const out = guardedOutput(Float32Array, n, 7.5, Number.NaN, 24);
  const got = out.view;
  kernels.conv2dS8(x, packed, got, s, options);
  if (!out.guardsIntact()) return `${label}: wrote outside y`;
  const want = new Float32Array(n);
  reference.conv2dS8(x, packed, want, s, options);
  for (let i = 0; i < n; i++)
    if (!Object.is(got[i], want[i])) return `${label}: y[${i}] native ${got[i]} vs reference ${want[i]}`;
  return '';
}

/** One geometry under one case, with random x in [−2, 3) (optionally a zeroed first image row). */
function run(g: Geometry, c: Case, seed: number): string {
  const rand = rng(seed), s = shapeOf(g);
  const k = s.filterH * s.filterW * s.inC;
  const x = Float32Array.from({ length: s.batch * s.inH * s.inW * s.inC }, () => -2 + 5 * rand());
  const packed = packWeights(c.bits, k, s.outC, rand);
  const options: ConvS8Options = {
    scaleB: c.perChannelScale ? Float32Array.from({ length: s.outC }, () => 0.001 + 0.05 * rand()) : 0.02,
    bias: c.bias ? Float32Array.from({ length: s.outC }, () => -1 + 2 * rand()) : undefined,
    activation: c.activation,
    ...(c.input ? { inputScale: c.input.scale, inputZeroPoint: c.input.zeroPoint } : {}),
  };
  return check(`${JSON.stringify(s)} ${JSON.stringify({ ...c })}`, s, x, packed, options);
}

/** Collects failures so one expect reports the first few, and counts the cases. */
function collect(cases: Array<() => string>): void {
  const failures = cases.map((c) => c()).filter(Boolean);
  expect(failures.slice(0, 8)).toEqual([]);
  expect(cases.length).toBeGreaterThan(0);
}

/** A case by index: int8/int4, static (various scales and zero points)/dynamic, activations, bias. */
function caseFor(i: number): Case {
  const inputs = [undefined, { scale: 5 / 255, zeroPoint: 102 }, { scale: 0.01, zeroPoint: 0 }, { scale: 0.05, zeroPoint: 255 }];
  return { bits: i % 5 === 4 ? 4 : 8, input: inputs[i % 4], activation: ACTIVATIONS[i % 3], bias: i % 2 === 0, perChannelScale: i % 7 !== 3 };
}

describe(`int8 conv on the '${info.isa}' path equals the reference exactly`, () => {
  it('the reference equals the fp32 reference conv on integer inputs (q − zp = x exactly)', () => {
    const rand = rng(3);
    for (const g of [
      { batch: 2, inH: 5, inW: 6, inC: 3, outC: 7, filterH: 3, filterW: 2, strideH: 2, dilationW: 2, pads: [2, 1, 1, 0] },
      { batch: 1, inH: 4, inW: 4, inC: 5, outC: 17, filterH: 1, filterW: 1 },
    ] as Geometry[]) {
      const s = shapeOf(g), k = s.filterH * s.filterW * s.inC, zeroPoint = 100;
      const x = Float32Array.from({ length: s.batch * s.inH * s.inW * s.inC }, () => Math.floor(rand() * 256) - zeroPoint);
      const w = Int8Array.from({ length: k * s.outC }, () => Math.floor(rand() * 256) - 128);
      const want = new Float32Array(s.batch * s.outH * s.outW * s.outC);
      reference.conv2d(x, Float32Array.from(w), null, want, s);
      for (const impl of [kernels, reference]) {
        const got = new Float32Array(want.length);
        impl.conv2dS8(x, impl.packS8(k, s.outC, w), got, s, { inputScale: 1, inputZeroPoint: zeroPoint });
        expect(got).toEqual(want);
      }
    }
  });

  it('every small geometry: filters 1–3, strides 1–2, dilations 1–2, paddings, int8/int4, static/dynamic', () => {
    const cases: Array<() => string> = [];
    let i = 0;
    for (const filterH of [1, 2, 3]) for (const filterW of [1, 2, 3])
      for (const strideH of [1, 2]) for (const strideW of [1, 2])
        for (const dilationH of [1, 2]) for (const dilationW of [1, 2])
          for (const padded of [false, true]) {
            const n = i++;
            const effH = (filterH - 1) * dilationH + 1, effW = (filterW - 1) * dilationW + 1;
            const pads: [number, number, number, number] = padded ? [effH - 1, (n % effH), n % effW, effW - 1] : [0, 0, 0, 0];
            const g: Geometry = {
              batch: 1 + (n % 2), inH: effH + (n % 3), inW: effW + ((n >> 1) % 4), inC: 1 + (n % 5), outC: 1 + ((n * 7) % 20),
              filterH, filterW, strideH, strideW, dilationH, dilationW, pads,
            };
            cases.push(() => run(g, caseFor(n), 1000 + n));
          }
    collect(cases);
  });

  it('every output channel count 1..20, 17 and 33 (panel edges), every option combination', () => {
    const cases: Array<() => string> = [];
    for (const outC of [...Array.from({ length: 20 }, (_, i) => i + 1), 31, 32, 33])
      for (let c = 0; c < 6; c++) {
        const g: Geometry = { batch: 2, inH: 5, inW: 4, inC: 3, outC, filterH: 3, filterW: 3, pads: [1, 1, 1, 1] };
        cases.push(() => run(g, caseFor(outC * 6 + c), outC * 10 + c));
      }
    collect(cases);
  });

  it('odd and blocked shapes: 1, 3, 17, 31, 1023 channels, k past the 4096 block, 5×5 seedCnn-like', () => {
    const geometries: Geometry[] = [
      { batch: 1, inH: 1, inW: 1, inC: 1, outC: 1, filterH: 1, filterW: 1 },
      { batch: 3, inH: 17, inW: 3, inC: 1, outC: 17, filterH: 3, filterW: 3, pads: [1, 1, 1, 1] },
      { batch: 1, inH: 17, inW: 17, inC: 3, outC: 33, filterH: 5, filterW: 5, pads: [2, 2, 2, 2] },
      { batch: 2, inH: 13, inW: 11, inC: 17, outC: 31, filterH: 3, filterW: 3, strideH: 2, strideW: 2, pads: [1, 0, 1, 0] },
      { batch: 2, inH: 12, inW: 12, inC: 10, outC: 20, filterH: 5, filterW: 5 },
      { batch: 1, inH: 3, inW: 3, inC: 1023, outC: 3, filterH: 1, filterW: 1 },
      { batch: 1, inH: 4, inW: 3, inC: 513, outC: 17, filterH: 3, filterW: 3, pads: [1, 1, 1, 1] },
      { batch: 1, inH: 7, inW: 7, inC: 31, outC: 19, filterH: 3, filterW: 3, dilationH: 2, dilationW: 2, pads: [2, 2, 2, 2] },
      { batch: 2, inH: 6, inW: 6, inC: 96, outC: 16, filterH: 1, filterW: 1 },
      { batch: 2, inH: 6, inW: 6, inC: 16, outC: 96, filterH: 1, filterW: 1 },
      { batch: 2, inH: 6, inW: 6, inC: 16, outC: 24, filterH: 1, filterW: 1, strideH: 2, strideW: 2 },
    ];
    const cases: Array<() => string> = [];
    geometries.forEach((g, i) => { for (let c = 0; c < 5; c++) cases.push(() => run(g, caseFor(i * 5 + c), 5000 + i * 5 + c)); });
    collect(cases);
  });

  it('dense layers: 1×1 over [m, 1, 1, k], static and dynamic', () => {
    const cases: Array<() => string> = [];
    for (const [m, k, n] of [[1, 1, 1], [3, 17, 33], [37, 1023, 17], [200, 40, 100], [5, 4500, 20]])
      for (let c = 0; c < 4; c++) cases.push(() => run({ batch: m, inH: 1, inW: 1, inC: k, outC: n, filterH: 1, filterW: 1 }, caseFor(c + m), m + c));
    collect(cases);
  });

  it('static scales that saturate to 0 and 255, and that send everything to the zero point', () => {
    const cases: Array<() => string> = [];
    const g: Geometry = { batch: 2, inH: 6, inW: 5, inC: 4, outC: 18, filterH: 3, filterW: 3, strideW: 2, pads: [1, 1, 2, 1] };
    for (const [scale, zeroPoint] of [[1e-4, 128], [1e-3, 0], [2e-3, 255], [1e6, 17], [1e-30, 128], [3.4e38, 255]])
      for (const bits of [8, 4] as const)
        for (const activation of ACTIVATIONS)
          cases.push(() => run(g, { bits, input: { scale, zeroPoint }, activation, bias: true, perChannelScale: true }, zeroPoint + bits));
    collect(cases);
  });

  it('dynamic: all-zero input (scale 1), inputs without negatives or positives', () => {
    const s = shapeOf({ batch: 2, inH: 5, inW: 5, inC: 3, outC: 20, filterH: 3, filterW: 3, pads: [1, 1, 1, 1] });
    const rand = rng(77), size = s.batch * s.inH * s.inW * s.inC;
    const packed = packWeights(8, 27, 20, rand);
    const cases = [new Float32Array(size), Float32Array.from({ length: size }, () => 4 * rand()),
      Float32Array.from({ length: size }, () => -4 * rand())]
      .flatMap((x) => ACTIVATIONS.map((activation) => () => check(`dynamic ${x[0]}`, s, x, packed, { activation, bias: new Float32Array(20).fill(0.25) })));
    collect(cases);
  });

  it('splits pixels over threads and L2 tiles (thousands of 5×5 pixels)', () => {
    const g: Geometry = { batch: 80, inH: 12, inW: 12, inC: 10, outC: 20, filterH: 5, filterW: 5 };
    collect([0, 1].map((c) => () => run(g, caseFor(c), 42 + c)));
  });

  it('rejects non-finite inputs in both modes, like the reference', () => {
    const s = shapeOf({ batch: 1, inH: 3, inW: 3, inC: 2, outC: 3, filterH: 2, filterW: 2 });
    const packed = kernels.packS8(8, 3, new Int8Array(24));
    for (const bad of [Number.NaN, Infinity, -Infinity])
      for (const options of [{}, { inputScale: 0.1, inputZeroPoint: 3 }]) {
        const x = new Float32Array(18);
        x[17] = bad;
        for (const impl of [kernels, reference])
          expect(() => impl.conv2dS8(x, packed, new Float32Array(12), s, options)).toThrow(RangeError);
      }
  });
});
