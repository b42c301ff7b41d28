/**
 * Reference uint8-activation kernels (native/src/dw_s8/dw_s8.h): the int8
 * depthwise convolution on uint8 x with the int8 GEMM's epilogue (the output
 * scale folded into the per-channel constants in double, then float32, as
 * gemmS8 folds it), uint8 max pooling and the quantized add. Native results
 * must equal these exactly.
 */
import type { AddU8Options, ConvShape, DepthwiseS8Options, PoolShape } from '../types.js';
import { fma32, roundHalfEven } from './gemm_s8.js';
import { convWindows } from './window.js';

/** min(max(y, lo), hi) as max_ps/min_ps compute it. */
const clamp = (y: number, lo: number, hi: number): number => {
  const t = y > lo ? y : lo;
  return t < hi ? t : hi;
};

/** A positive finite float32 scale, or a RangeError naming it. */
function scaleOf(v: number | undefined, name: string): number {
  const s = Math.fround(v ?? NaN);
  if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`${name} must be a positive finite float32, got ${v}`);
  return s;
}

function zeroPointOf(v: number | undefined, name: string): number {
  const z = v ?? 0;
  if (!Number.isInteger(z) || z < 0 || z > 255) throw new RangeError(`${name} must be an integer in 0..255, got ${v}`);
  return z;
}

/** q = clamp(roundHalfEven(float32(v · inverse)), −zp, 255 − zp) + zp, inverse = float32(1 / scale). */
function requantize(v: number, inverse: number, zp: number): number {
  return roundHalfEven(clamp(Math.fround(v * inverse), -zp, 255 - zp)) + zp;
}

/** Reference of NativeKernels.depthwiseConv2dS8. */
export function depthwiseConv2dS8(x: Uint8Array, w: Int8Array, y: Float32Array | Uint8Array, s: ConvShape,
  options: DepthwiseS8Options): void {
  const ch = s.outC, mult = ch / s.inC;
  if (!Number.isInteger(mult)) throw new RangeError(`shape.outC (${ch}) must be a multiple of shape.inC (${s.inC})`);
  if (x.length !== s.batch * s.inH * s.inW * s.inC) throw new RangeError(`x has ${x.length} elements but batch·inH·inW·inC is ${s.batch * s.inH * s.inW * s.inC}`);
  if (w.length !== s.filterH * s.filterW * ch) throw new RangeError(`w has ${w.length} elements but filterH·filterW·outC is ${s.filterH * s.filterW * ch}`);
  if (y.length !== s.batch * s.outH * s.outW * ch) throw new RangeError(`y has ${y.length} elements but batch·outH·outW·outC is ${s.batch * s.outH * s.outW * ch}`);
  const scaleA = scaleOf(options.inputScale, 'options.inputScale');
  const zp = zeroPointOf(options.inputZeroPoint, 'options.inputZeroPoint');
  const u8 = y instanceof Uint8Array;
  if (!u8 && (options.outScale !== undefined || options.outZeroPoint !== undefined))
    throw new RangeError('options.outScale and outZeroPoint apply only to a Uint8Array y');
  const act = options.activation ?? 'linear';
  const colScale = new Float32Array(ch), colBias = new Float32Array(ch);
  for (let d = 0; d < ch; d++) {
    colScale[d] = options.scaleB === undefined ? 1 : typeof options.scaleB === 'number' ? options.scaleB : options.scaleB[d];
    colBias[d] = options.bias ? options.bias[d] : 0;
  }
  let lo = act === 'linear' ? -Infinity : 0, hi = act === 'relu6' ? 6 : Infinity, outZp = 0;
  if (u8) {
    const so = scaleOf(options.outScale, 'options.outScale');
    outZp = zeroPointOf(options.outZeroPoint, 'options.outZeroPoint');
    for (let d = 0; d < ch; d++) {
      colScale[d] = (scaleA * colScale[d]) / so;
      colBias[d] = colBias[d] / so;
    }
    lo = act === 'linear' ? -outZp : Math.max(-outZp, 0);
    hi = act === 'relu6' ? Math.min(255 - outZp, roundHalfEven(6 / so)) : 255 - outZp;
  } else {
    for (let d = 0; d < ch; d++) colScale[d] = scaleA * colScale[d];
  }
  for (const { pixel, taps } of convWindows(s)) {
    for (let d = 0; d < ch; d++) {
      const c = Math.floor(d / mult);
      let acc = 0;
      for (const [xPixel, tap] of taps) acc += (x[xPixel * s.inC + c] - zp) * w[tap * ch + d];
      const v = clamp(fma32(Math.fround(acc), colScale[d], colBias[d]), lo, hi);
      y[pixel * ch + d] = u8 ? roundHalfEven(v) + outZp : v;
    }
  }
}

/** Calls fn(y index, x indices of the window's in-bounds taps) for every output element. */
function forEachPoolWindow(s: PoolShape, fn: (yi: number, taps: number[]) => void): void {
  for (let b = 0; b < s.batch; b++)
    for (let yR = 0; yR < s.outH; yR++) {
      const r0 = yR * s.strideH - s.padTop;
      for (let yC = 0; yC < s.outW; yC++) {
        const c0 = yC * s.strideW - s.padLeft;
        for (let d = 0; d < s.channels; d++) {
          const taps: number[] = [];
          for (let r = Math.max(0, r0); r < Math.min(s.inH, r0 + s.filterH); r++)
            for (let c = Math.max(0, c0); c < Math.min(s.inW, c0 + s.filterW); c++) taps.push(((b * s.inH + r) * s.inW + c) * s.channels + d);
          fn(((b * s.outH + yR) * s.outW + yC) * s.channels + d, taps);
        }
      }
    }
}

/** Reference of NativeKernels.maxPoolU8. */
export function maxPoolU8(x: Uint8Array, y: Uint8Array, s: PoolShape): void {
  forEachPoolWindow(s, (yi, taps) => {
    y[yi] = taps.reduce((m, i) => Math.max(m, x[i]), 0);
  });
}

/** Reference of NativeKernels.avgPoolU8. */
export function avgPoolU8(x: Uint8Array, y: Float32Array, s: PoolShape, options: { scale: number; zeroPoint?: number }): void {
  const scale = scaleOf(options.scale, 'options.scale'), zp = zeroPointOf(options.zeroPoint, 'options.zeroPoint');
  forEachPoolWindow(s, (yi, taps) => {
    let acc = 0;
    for (const i of taps) acc += x[i] - zp;
    y[yi] = Math.fround(Math.fround(acc * scale) / taps.length);
  });
}

/** Reference of NativeKernels.addU8. */
export function addU8(a: Uint8Array | Float32Array, b: Uint8Array | Float32Array, y: Uint8Array | Float32Array,
  options: AddU8Options): void {
  if (a.length !== y.length || b.length !== y.length) throw new RangeError(`a, b and y must have the same length (${a.length}, ${b.length}, ${y.length})`);
  const aU8 = a instanceof Uint8Array, bU8 = b instanceof Uint8Array, yU8 = y instanceof Uint8Array;
  const sa = aU8 ? scaleOf(options.aScale, 'options.aScale') : 1, za = aU8 ? zeroPointOf(options.aZeroPoint, 'options.aZeroPoint') : 0;
  const sb = bU8 ? scaleOf(options.bScale, 'options.bScale') : 1, zb = bU8 ? zeroPointOf(options.bZeroPoint, 'options.bZeroPoint') : 0;
  const so = yU8 ? scaleOf(options.outScale, 'options.outScale') : 1, zo = yU8 ? zeroPointOf(options.outZeroPoint, 'options.outZeroPoint') : 0;
  const inverse = Math.fround(1 / so);
  const act = options.activation ?? 'linear';
  const lo = act === 'linear' ? -Infinity : 0, hi = act === 'relu6' ? 6 : Infinity;
  for (let i = 0; i < y.length; i++) {
    let v: number;
    if (aU8 && bU8) v = fma32(b[i] - zb, sb, Math.fround((a[i] - za) * sa));
    else if (aU8) v = fma32(a[i] - za, sa, b[i]);
    else if (bU8) v = fma32(b[i] - zb, sb, a[i]);
    else v = Math.fround(a[i] + b[i]);
    v = clamp(v, lo, hi);
    y[i] = yU8 ? requantize(v, inverse, zo) : v;
  }
}
