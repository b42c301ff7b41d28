import type { Activation, ConvShape } from '../types.js';
import { activate } from './activation.js';
import { convWindows } from './window.js';

// Reference NHWC depthwise convolution, as tfjs's cpu backend computes it (see
// convWindows): filter [filterH, filterW, inC, multiplier]; output channel
// d1·multiplier + q reads only input channel d1. Backprops visit the same taps
// and scatter. Sums are kept in float64.

/** y = act(depthwise(x, filter) + bias). */
export function depthwiseConv2d(
  x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array,
  s: ConvShape, activation?: Activation,
): void {
  const { inC, outC } = s;
  const mult = outC / inC;
  const acc = new Float64Array(outC);
  for (const { pixel, taps } of convWindows(s)) {
    acc.fill(0);
    for (const [xPixel, tap] of taps) {
      for (let d2 = 0; d2 < outC; d2++) acc[d2] += x[xPixel * inC + Math.floor(d2 / mult)] * filter[tap * outC + d2];
    }
    for (let d2 = 0; d2 < outC; d2++) y[pixel * outC + d2] = activate(acc[d2] + (bias ? bias[d2] : 0), activation);
  }
}

/** dx = ∂(Σ dy·depthwiseConv2d(x))/∂x, overwriting dx. */
export function depthwiseConv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, s: ConvShape): void {
  const { inC, outC } = s;
  const mult = outC / inC;
  const acc = new Float64Array(s.batch * s.inH * s.inW * inC);
  for (const { pixel, taps } of convWindows(s)) {
    for (const [xPixel, tap] of taps) {
      for (let d2 = 0; d2 < outC; d2++) acc[xPixel * inC + Math.floor(d2 / mult)] += dy[pixel * outC + d2] * filter[tap * outC + d2];
    }
  }
  dx.set(acc);
}

/** dw = ∂(Σ dy·depthwiseConv2d(x))/∂filter, overwriting dw. */
export function depthwiseConv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, s: ConvShape): void {
  const { inC, outC } = s;
  const mult = outC / inC;
  const acc = new Float64Array(s.filterH * s.filterW * outC);
  for (const { pixel, taps } of convWindows(s)) {
    for (const [xPixel, tap] of taps) {
      for (let d2 = 0; d2 < outC; d2++) acc[tap * outC + d2] += x[xPixel * inC + Math.floor(d2 / mult)] * dy[pixel * outC + d2];
    }
  }
  dw.set(acc);
}
