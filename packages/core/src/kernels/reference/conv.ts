import type { Activation, ConvShape } from '../types.js';
import { activate } from './activation.js';
import { convWindows } from './window.js';

// Reference NHWC convolution (filter HWIO), as tfjs's cpu backend computes it
// (see convWindows). Backprops visit the same taps and scatter. Sums are kept
// in float64.

/** y = act(conv(x, filter) + bias). */
export function conv2d(
  x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array,
  s: ConvShape, activation?: Activation,
): void {
  const { inC, outC } = s;
  const acc = new Float64Array(outC);
  for (const { pixel, taps } of convWindows(s)) {
    acc.fill(0);
    for (const [xPixel, tap] of taps) {
      for (let d1 = 0; d1 < inC; d1++) {
        const xv = x[xPixel * inC + d1];
        const w = (tap * inC + d1) * outC;
        for (let d2 = 0; d2 < outC; d2++) acc[d2] += xv * filter[w + d2];
      }
    }
    for (let d2 = 0; d2 < outC; d2++) y[pixel * outC + d2] = activate(acc[d2] + (bias ? bias[d2] : 0), activation);
  }
}

/** dx = ∂(Σ dy·conv2d(x))/∂x, overwriting dx. */
export function conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, s: ConvShape): void {
  const { inC, outC } = s;
  const acc = new Float64Array(s.batch * s.inH * s.inW * inC);
  for (const { pixel, taps } of convWindows(s)) {
    for (const [xPixel, tap] of taps) {
      for (let d1 = 0; d1 < inC; d1++) {
        const w = (tap * inC + d1) * outC;
        let sum = 0;
        for (let d2 = 0; d2 < outC; d2++) sum += dy[pixel * outC + d2] * filter[w + d2];
        acc[xPixel * inC + d1] += sum;
      }
    }
  }
  dx.set(acc);
}

/** dw = ∂(Σ dy·conv2d(x))/∂filter, overwriting dw. */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, s: ConvShape): void {
  const { inC, outC } = s;
  const acc = new Float64Array(s.filterH * s.filterW * inC * outC);
  for (const { pixel, taps } of convWindows(s)) {
    for (const [xPixel, tap] of taps) {
      for (let d1 = 0; d1 < inC; d1++) {
        const xv = x[xPixel * inC + d1];
        const w = (tap * inC + d1) * outC;
        for (let d2 = 0; d2 < outC; d2++) acc[w + d2] += xv * dy[pixel * outC + d2];
      }
    }
  }
  dw.set(acc);
}
