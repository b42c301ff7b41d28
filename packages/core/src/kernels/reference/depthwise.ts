import type { Activation, ConvShape } from '../types.js';
import { activate } from './activation.js';

// Reference NHWC depthwise convolution, as tfjs's cpu backend computes it:
// filter [filterH, filterW, inC, multiplier]; output channel d1·multiplier + q
// reads only input channel d1. Taps outside the input are skipped; backprops
// are the exact adjoints of the forward pass. Sums are kept in float64.

/** y = act(depthwise(x, filter) + bias). */
export function depthwiseConv2d(
  x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array,
  s: ConvShape, activation?: Activation,
): void {
  const { inC, outC } = s;
  const mult = outC / inC;
  const acc = new Float64Array(outC);
  for (let b = 0; b < s.batch; b++) {
    for (let yR = 0; yR < s.outH; yR++) {
      for (let yC = 0; yC < s.outW; yC++) {
        acc.fill(0);
        for (let wR = 0; wR < s.filterH; wR++) {
          const xR = yR * s.strideH - s.padTop + wR * s.dilationH;
          if (xR < 0 || xR >= s.inH) continue;
          for (let wC = 0; wC < s.filterW; wC++) {
            const xC = yC * s.strideW - s.padLeft + wC * s.dilationW;
            if (xC < 0 || xC >= s.inW) continue;
            const xOff = ((b * s.inH + xR) * s.inW + xC) * inC;
            const wOff = (wR * s.filterW + wC) * outC;
            for (let d2 = 0; d2 < outC; d2++) acc[d2] += x[xOff + Math.floor(d2 / mult)] * filter[wOff + d2];
          }
        }
        const yOff = ((b * s.outH + yR) * s.outW + yC) * outC;
        for (let d2 = 0; d2 < outC; d2++) y[yOff + d2] = activate(acc[d2] + (bias ? bias[d2] : 0), activation);
      }
    }
  }
}

/** dx = ∂(Σ dy·depthwiseConv2d(x))/∂x, overwriting dx. */
export function depthwiseConv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, s: ConvShape): void {
  const { inC, outC } = s;
  const mult = outC / inC;
  const acc = new Float64Array(s.batch * s.inH * s.inW * inC);
  for (let b = 0; b < s.batch; b++) {
    for (let yR = 0; yR < s.outH; yR++) {
      for (let yC = 0; yC < s.outW; yC++) {
        const yOff = ((b * s.outH + yR) * s.outW + yC) * outC;
        for (let wR = 0; wR < s.filterH; wR++) {
          const xR = yR * s.strideH - s.padTop + wR * s.dilationH;
          if (xR < 0 || xR >= s.inH) continue;
          for (let wC = 0; wC < s.filterW; wC++) {
            const xC = yC * s.strideW - s.padLeft + wC * s.dilationW;
            if (xC < 0 || xC >= s.inW) continue;
            const xOff = ((b * s.inH + xR) * s.inW + xC) * inC;
            const wOff = (wR * s.filterW + wC) * outC;
            for (let d2 = 0; d2 < outC; d2++) acc[xOff + Math.floor(d2 / mult)] += dy[yOff + d2] * filter[wOff + d2];
          }
        }
      }
    }
  }
  dx.set(acc);
}

/** dw = ∂(Σ dy·depthwiseConv2d(x))/∂filter, overwriting dw. */
export function depthwiseConv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, s: ConvShape): void {
  const { inC, outC } = s;
  const mult = outC / inC;
  const acc = new Float64Array(s.filterH * s.filterW * outC);
  for (let b = 0; b < s.batch; b++) {
    for (let yR = 0; yR < s.outH; yR++) {
      for (let yC = 0; yC < s.outW; yC++) {
        const yOff = ((b * s.outH + yR) * s.outW + yC) * outC;
        for (let wR = 0; wR < s.filterH; wR++) {
          const xR = yR * s.strideH - s.padTop + wR * s.dilationH;
          if (xR < 0 || xR >= s.inH) continue;
          for (let wC = 0; wC < s.filterW; wC++) {
            const xC = yC * s.strideW - s.padLeft + wC * s.dilationW;
            if (xC < 0 || xC >= s.inW) continue;
            const xOff = ((b * s.inH + xR) * s.inW + xC) * inC;
            const wOff = (wR * s.filterW + wC) * outC;
            for (let d2 = 0; d2 < outC; d2++) acc[wOff + d2] += x[xOff + Math.floor(d2 / mult)] * dy[yOff + d2];
          }
        }
      }
    }
  }
  dw.set(acc);
}
