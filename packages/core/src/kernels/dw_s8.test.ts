// The uint8-activation kernels against their TypeScript reference, exactly:
// the int8 depthwise convolution (every small geometry: filters 1–3, strides
// 1–2, dilations 1–2, paddings; channel counts hitting every block and tail of
// the vectorized path; multipliers 1 and 2; float32 and uint8 y; activations,
// bias, scales, zero points), uint8 max pooling and the quantized add (every
// operand type, in place). The test script runs this file once per
// instruction-set path (LITE_ISA=ref|avx2|avx512).
import { describe, expect, it } from 'vitest';
import { Failures, guardedOutput, rng } from '../testing/kernel_checks.js';
import { kernels, reference } from './index.js';
import type { Activation, AddU8Options, ConvShape, DepthwiseS8Options, PoolShape } from './index.js';

const ACTIVATIONS: Activation[] = ['linear', 'relu', 'relu6'];

function dwShape(batch: number, inH: number, inW: number, inC: number, mult: number, f: number, stride: number,
  dilation: number, pads: [number, number, number, number]): ConvShape | null {
  const [top, bottom, left, right] = pads;
  const eff = (f - 1) * dilation + 1;
  const outH = Math.floor((inH + top + bottom - eff) / stride) + 1, outW = Math.floor((inW + left + right - eff) / stride) + 1;
  if (outH < 1 || outW < 1 || top >= eff || left >= eff) return null;
  if ((outH - 1) * stride - top >= inH || (outW - 1) * stride - left >= inW) return null;
  return {
    batch, inH, inW, inC, outC: inC * mult, outH, outW, filterH: f, filterW: f, strideH: stride, strideW: stride,
    dilationH: dilation, dilationW: dilation, padTop: top, padLeft: left,
  };
}

function checkDw(label: string, s: ConvShape, rand: () => number, u8: boolean, options: Omit<DepthwiseS8Options, 'scaleB' | 'bias'>,
  perChannel: boolean, bias: boolean): string {
  const x = Uint8Array.from({ length: s.batch * s.inH * s.inW * s.inC }, () => Math.floor(rand() * 256));
  const w = Int8Array.from({ length: s.filterH * s.filterW * s.outC }, () => Math.floor(rand() * 255) - 127);
  const opts: DepthwiseS8Options = {
    ...options,
    scaleB: perChannel ? Float32Array.from({ length: s.outC }, () => 0.001 + rand() * 0.01) : 0.004,
    bias: bias ? Float32Array.from({ length: s.outC }, () => rand() * 4 - 2) : null,
    ...(u8 ? { outScale: 0.02 + rand() * 0.05, outZeroPoint: Math.floor(rand() * 256) } : {}),
  };
  const n = s.batch * s.outH * s.outW * s.outC;
  const out = u8 ? guardedOutput(Uint8Array, n, 77, 13) : guardedOutput(Float32Array, n, 7.5, Number.NaN);
  kernels.depthwiseConv2dS8(x, w, out.view, s, opts);
  if (!out.guardsIntact()) return `${label}: wrote outside y`;
  const want = u8 ? new Uint8Array(n) : new Float32Array(n);
  reference.depthwiseConv2dS8(x, w, want, s, opts);
  for (let i = 0; i < n; i++) if (!Object.is(out.view[i], want[i])) return `${label}: y[${i}] = ${out.view[i]}, reference ${want[i]}`;
  return '';
}

describe('depthwiseConv2dS8', () => {
  it('equals the reference on every small geometry', () => {
    const rand = rng(1);
    const failures = new Failures();
    for (const f of [1, 2, 3]) for (const stride of [1, 2]) for (const dilation of [1, 2])
      for (const pads of [[0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 1], [1, 0, 0, 1]] as [number, number, number, number][]) {
        const s = dwShape(2, 5, 6, 3, 1, f, stride, dilation, pads);
        if (!s) continue;
        for (const u8 of [false, true]) {
          const act = ACTIVATIONS[failures.cases % 3];
          failures.add(checkDw(`f${f} s${stride} d${dilation} p${pads} ${u8 ? 'u8' : 'f32'} ${act}`, s, rand, u8,
            { inputScale: 0.02, inputZeroPoint: Math.floor(rand() * 256), activation: act }, failures.cases % 2 === 0, true));
        }
      }
    failures.expectNone();
  });

  it('equals the reference over odd and blocked channel counts, multipliers, scales and activations', () => {
    const rand = rng(2);
    const failures = new Failures();
    for (const c of [1, 3, 16, 17, 48, 63, 64, 65, 96, 130]) for (const mult of [1, 2]) for (const u8 of [false, true])
      for (const activation of ACTIVATIONS) {
        const s = dwShape(2, 7, 5, c, mult, 3, c % 2 === 0 ? 2 : 1, 1, [1, 1, 1, 1])!;
        failures.add(checkDw(`c${c} m${mult} ${u8 ? 'u8' : 'f32'} ${activation}`, s, rand, u8,
          { inputScale: 0.01 + rand() * 0.05, inputZeroPoint: Math.floor(rand() * 256), activation }, rand() < 0.5, rand() < 0.7));
      }
    // Larger, threaded, and the 5×5/9×9 filters (the 9×9 one takes the any-filter path).
    for (const [c, f] of [[144, 3], [20, 5], [7, 9]]) {
      const s = dwShape(3, 19, 21, c, 1, f, 1, 1, [1, 1, 1, 1])!;
      failures.add(checkDw(`large c${c} f${f}`, s, rand, true, { inputScale: 0.03, inputZeroPoint: 9, activation: 'relu6' }, true, true));
    }
    failures.expectNone();
  });

  it('checks its arguments', () => {
    const s = dwShape(1, 3, 3, 2, 1, 3, 1, 1, [1, 1, 1, 1])!;
    const x = new Uint8Array(18), w = new Int8Array(18), y = new Uint8Array(18);
    expect(() => kernels.depthwiseConv2dS8(new Float32Array(18) as unknown as Uint8Array, w, y, s, { inputScale: 1, outScale: 1 })).toThrow(TypeError);
    expect(() => kernels.depthwiseConv2dS8(x, new Int8Array(17), y, s, { inputScale: 1, outScale: 1 })).toThrow(RangeError);
    expect(() => kernels.depthwiseConv2dS8(x, w, y, s, { inputScale: 1 })).toThrow(/outScale/);
    expect(() => kernels.depthwiseConv2dS8(x, w, new Float32Array(18), s, { inputScale: 1, outScale: 1 })).toThrow(/Uint8Array y/);
    expect(() => kernels.depthwiseConv2dS8(x, w, y, s, { inputScale: 0, outScale: 1 })).toThrow(RangeError);
    expect(() => kernels.depthwiseConv2dS8(x, w, y, s, { inputScale: 1, inputZeroPoint: 256, outScale: 1 })).toThrow(RangeError);
    expect(() => kernels.depthwiseConv2dS8(x, w, y, { ...s, outC: 3 }, { inputScale: 1, outScale: 1 })).toThrow(RangeError);
  });
});

describe('maxPoolU8', () => {
  it('equals the reference and the float max pool of the same values', () => {
    const rand = rng(3);
    const failures = new Failures();
    for (const c of [1, 5, 20, 64, 67]) for (const [f, stride, pad] of [[2, 2, 0], [3, 2, 1], [3, 1, 1], [2, 1, 0]]) {
      const inH = 7, inW = 6;
      const outH = Math.floor((inH + 2 * pad - f) / stride) + 1, outW = Math.floor((inW + 2 * pad - f) / stride) + 1;
      const s: PoolShape = { batch: 2, inH, inW, channels: c, outH, outW, filterH: f, filterW: f, strideH: stride, strideW: stride, padTop: pad, padLeft: pad };
      const x = Uint8Array.from({ length: 2 * inH * inW * c }, () => Math.floor(rand() * 256));
      const n = 2 * outH * outW * c;
      const out = guardedOutput(Uint8Array, n, 77, 13);
      kernels.maxPoolU8(x, out.view, s);
      const want = new Uint8Array(n), float = new Float32Array(n);
      reference.maxPoolU8(x, want, s);
      reference.maxPool(Float32Array.from(x), float, s);
      const bad = out.view.findIndex((v, i) => v !== want[i] || v !== float[i]);
      failures.add(!out.guardsIntact() ? `c${c} f${f}: wrote outside y` : bad >= 0 ? `c${c} f${f} s${stride} p${pad}: y[${bad}] = ${out.view[bad]}, reference ${want[bad]}` : '');
    }
    failures.expectNone();
  });
});

describe('avgPoolU8', () => {
  it('equals the reference, global and windowed with padding', () => {
    const rand = rng(5);
    const failures = new Failures();
    for (const c of [1, 7, 64, 1283]) for (const [inH, f, stride, pad] of [[6, 6, 1, 0], [7, 3, 2, 1], [5, 2, 1, 0]]) {
      const outH = Math.floor((inH + 2 * pad - f) / stride) + 1;
      const s: PoolShape = { batch: 2, inH, inW: inH, channels: c, outH, outW: outH, filterH: f, filterW: f, strideH: stride, strideW: stride, padTop: pad, padLeft: pad };
      const x = Uint8Array.from({ length: 2 * inH * inH * c }, () => Math.floor(rand() * 256));
      const options = { scale: 0.01 + rand() * 0.1, zeroPoint: Math.floor(rand() * 256) };
      const n = 2 * outH * outH * c;
      const out = guardedOutput(Float32Array, n, 7.5, Number.NaN);
      kernels.avgPoolU8(x, out.view, s, options);
      const want = new Float32Array(n);
      reference.avgPoolU8(x, want, s, options);
      const bad = want.findIndex((v, i) => !Object.is(v, out.view[i]));
      failures.add(!out.guardsIntact() ? `c${c} f${f}: wrote outside y` : bad >= 0 ? `c${c} f${f}: y[${bad}] = ${out.view[bad]}, reference ${want[bad]}` : '');
    }
    failures.expectNone();
  });
});

describe('addU8', () => {
  it('equals the reference for every operand type, activation and in place', () => {
    const rand = rng(4);
    const failures = new Failures();
    const n = 1000 + 37;
    const make = (u8: boolean): Uint8Array | Float32Array =>
      u8 ? Uint8Array.from({ length: n }, () => Math.floor(rand() * 256)) : Float32Array.from({ length: n }, () => rand() * 8 - 4);
    for (const aU8 of [false, true]) for (const bU8 of [false, true]) for (const yU8 of [false, true]) for (const activation of ACTIVATIONS)
      for (const inPlace of [false, true]) {
        if (inPlace && aU8 !== yU8) continue;
        const a = make(aU8), b = make(bU8);
        const options: AddU8Options = {
          activation,
          ...(aU8 ? { aScale: 0.01 + rand() * 0.05, aZeroPoint: Math.floor(rand() * 256) } : {}),
          ...(bU8 ? { bScale: 0.01 + rand() * 0.05, bZeroPoint: Math.floor(rand() * 256) } : {}),
          ...(yU8 ? { outScale: 0.01 + rand() * 0.05, outZeroPoint: Math.floor(rand() * 256) } : {}),
        };
        const want = yU8 ? new Uint8Array(n) : new Float32Array(n);
        reference.addU8(a, b, want, options);
        const y = inPlace ? a : (yU8 ? new Uint8Array(n) : new Float32Array(n));
        kernels.addU8(a, b, y, options);
        const bad = want.findIndex((v, i) => !Object.is(v, y[i]));
        failures.add(bad >= 0 ? `a ${aU8} b ${bU8} y ${yU8} ${activation} inPlace ${inPlace}: y[${bad}] = ${y[bad]}, reference ${want[bad]}` : '');
      }
    failures.expectNone();
  });

  it('checks its arguments', () => {
    const u = new Uint8Array(8), f = new Float32Array(8);
    expect(() => kernels.addU8(u, f, f, {})).toThrow(/aScale/);
    expect(() => kernels.addU8(f, f, u, {})).toThrow(/outScale/);
    expect(() => kernels.addU8(f, new Float32Array(7), f, {})).toThrow(RangeError);
    expect(() => kernels.addU8(f, f, f, { aScale: 1 })).toThrow(/Uint8Array a/);
    expect(() => kernels.addU8(f, f, f.subarray(1) as Float32Array, {})).toThrow(RangeError);
  });
});
