/**
 * Reference int8 convolution: x quantized to uint8 (static scale and zero point,
 * or dynamic per tensor as matmulDynamic's per-tensor mode; a Uint8Array x is
 * already quantized), the uint8 im2col matrix built from the shared window
 * iterator (padding taps hold the zero point), then the reference gemmS8 with
 * y's type as its out (float32, or uint8 requantized with outScale and
 * outZeroPoint). Native results must equal these exactly
 * (native/src/conv_s8/conv_s8.h).
 */
import type { ConvS8Options, ConvShape } from '../types.js';
import { gemmS8, quantizeInto, roundHalfEven } from './gemm_s8.js';
import { convWindows } from './window.js';

/** q = clamp(roundHalfEven(x / scale) + zp, 0, 255), the division in float32. */
export function quantizeStatic(x: Float32Array, scale: number, zp: number): Uint8Array {
  return Uint8Array.from(x, (v) => Math.min(255, Math.max(0, roundHalfEven(Math.fround(v / scale)) + zp)));
}

/** Reference of NativeKernels.conv2dS8. */
export function conv2dS8(x: Float32Array | Uint8Array, packedW: Uint8Array, y: Float32Array | Uint8Array, s: ConvShape,
  options: ConvS8Options = {}): void {
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
