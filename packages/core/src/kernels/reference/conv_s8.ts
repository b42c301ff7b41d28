/**
 * Reference int8 convolution: x quantized to uint8 (static scale and zero point,
 * or dynamic per tensor as matmulDynamic's per-tensor mode; a Uint8Array x is
 * already quantized), the uint8 im2col matrix built from the shared window
 * iterator (padding taps hold the zero point), then the reference gemmS8 with
 * y's type as its out (float32, or uint8 requantized with outScale and
 * outZeroPoint), max pooled by options.pool when given. Native results must
 * equal these exactly (native/src/conv_s8/conv_s8.h).
 */
import type { ConvS8Options, ConvShape, PoolShape } from '../types.js';
import { maxPoolU8 } from './dw_s8.js';
import { gemmS8, quantizeInto, roundHalfEven } from './gemm_s8.js';
import { maxPool } from './pool.js';
import { convWindows } from './window.js';

/** q = clamp(roundHalfEven(x / scale) + zp, 0, 255), the division in float32. */
export function quantizeStatic(x: Float32Array, scale: number, zp: number): Uint8Array {
  return Uint8Array.from(x, (v) => Math.min(255, Math.max(0, roundHalfEven(Math.fround(v / scale)) + zp)));
}

/** The max pool of options.pool over the conv's output, checked, or null without one. */
function poolOf(s: ConvShape, options: ConvS8Options): PoolShape | null {
  const p = options.pool;
  if (p === undefined || p === null) return null;
  for (const key of ['filterH', 'filterW', 'strideH', 'strideW'] as const) {
    if (typeof p[key] !== 'number') throw new TypeError(`options.pool.${key} must be a number`);
    if (!Number.isInteger(p[key]) || p[key] < 1) throw new RangeError(`options.pool.${key} must be an integer ≥ 1, got ${p[key]}`);
  }
  if (p.filterH > s.outH || p.filterW > s.outW)
    throw new RangeError(`options.pool's window (${p.filterH}×${p.filterW}) must fit the conv's output (${s.outH}×${s.outW})`);
  return {
    batch: s.batch, inH: s.outH, inW: s.outW, channels: s.outC,
    outH: Math.floor((s.outH - p.filterH) / p.strideH) + 1, outW: Math.floor((s.outW - p.filterW) / p.strideW) + 1,
    filterH: p.filterH, filterW: p.filterW, strideH: p.strideH, strideW: p.strideW, padTop: 0, padLeft: 0,
  };
}

/** Reference of NativeKernels.conv2dS8. */
export function conv2dS8(x: Float32Array | Uint8Array, packedW: Uint8Array, y: Float32Array | Uint8Array, s: ConvShape,
  options: ConvS8Options = {}): void {
  const pool = poolOf(s, options);
  if (pool) {
    const { pool: _, ...unpooled } = options;
    const n = s.batch * s.outH * s.outW * s.outC, want = pool.batch * pool.outH * pool.outW * pool.channels;
    if (y.length !== want) throw new RangeError(`y has ${y.length} elements but batch·pooledH·pooledW·outC is ${want}`);
    if (y instanceof Uint8Array) {
      const whole = new Uint8Array(n);
      conv2dS8(x, packedW, whole, s, unpooled);
      maxPoolU8(whole, y, pool);
    } else {
      const whole = new Float32Array(n);
      conv2dS8(x, packedW, whole, s, unpooled);
      maxPool(whole, y, pool);
    }
    return;
  }
  const m = s.batch * s.outH * s.outW, k = s.filterH * s.filterW * s.inC, n = s.outC;
  const inSize = s.batch * s.inH * s.inW * s.inC;
  if (x.length !== inSize) throw new RangeError(`x has ${x.length} elements but batch·inH·inW·inC is ${inSize}`);
  if (y.length !== m * n) throw new RangeError(`y has ${y.length} elements but batch·outH·outW·outC is ${m * n}`);
  const bytesIn = x instanceof Uint8Array, bytesOut = y instanceof Uint8Array;
  if (!bytesIn && !x.every(Number.isFinite)) throw new RangeError('x must be finite (it holds NaN or ±Infinity)');
  let q: Uint8Array, scale: number, zp: number;
  if (options.inputScale === undefined) {
    if (options.inputZeroPoint !== undefined) throw new TypeError('options.inputZeroPoint needs options.inputScale');
    if (bytesIn || bytesOut) throw new TypeError(`options.inputScale is missing: a Uint8Array ${bytesIn ? 'x' : 'y'} needs the input's static quantization`);
    q = new Uint8Array(inSize);
    ({ scale, zp } = quantizeInto(x, 0, inSize, q));
  } else {
    scale = Math.fround(options.inputScale);
    zp = options.inputZeroPoint ?? 0;
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`options.inputScale must be a positive finite float32, got ${options.inputScale}`);
    if (!Number.isInteger(zp) || zp < 0 || zp > 255) throw new RangeError(`options.inputZeroPoint must be an integer in 0..255, got ${zp}`);
    q = x instanceof Uint8Array ? x : quantizeStatic(x, scale, zp);
  }
  const cols = new Uint8Array(m * k).fill(zp);
  for (const { pixel, taps } of convWindows(s))
    for (const [xPixel, tap] of taps) cols.set(q.subarray(xPixel * s.inC, (xPixel + 1) * s.inC), pixel * k + tap * s.inC);
  if (!bytesOut && (options.outScale !== undefined || options.outZeroPoint !== undefined))
    throw new RangeError('options.outScale and outZeroPoint apply only to a Uint8Array y');
  gemmS8(m, n, k, cols, packedW, y, {
    zeroPointA: zp, scaleA: scale, scaleB: options.scaleB, bias: options.bias, activation: options.activation,
    ...(bytesOut ? { outScale: options.outScale, outZeroPoint: options.outZeroPoint } : {}),
  });
}
