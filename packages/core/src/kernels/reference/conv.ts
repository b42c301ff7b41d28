import type { Activation, ConvShape } from '../types.js';
import { activate } from './activation.js';

// Reference NHWC convolution (filter HWIO), as tfjs's cpu backend computes it:
// output (yR, yC) reads input row yR·strideH − padTop + wR·dilationH (likewise
// columns); taps that fall outside the input are skipped (zero padding).
// Backprops are the exact adjoints: they visit the same taps and scatter.
// Sums are kept in float64.

/** y = act(conv(x, filter) + bias). */
export function conv2d(
  x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array,
  s: ConvShape, activation?: Activation,
): void {
  const { inC, outC } = s;
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
            const wOff = (wR * s.filterW + wC) * inC * outC;
            for (let d1 = 0; d1 < inC; d1++) {
              const xv = x[xOff + d1];
              for (let d2 = 0; d2 < outC; d2++) acc[d2] += xv * filter[wOff + d1 * outC + d2];
            }
          }
        }
        const yOff = ((b * s.outH + yR) * s.outW + yC) * outC;
        for (let d2 = 0; d2 < outC; d2++) y[yOff + d2] = activate(acc[d2] + (bias ? bias[d2] : 0), activation);
      }
    }
  }
}

/** dx = ∂(Σ dy·conv2d(x))/∂x, overwriting dx. */
export function conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, s: ConvShape): void {
  const { inC, outC } = s;
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
            const wOff = (wR * s.filterW + wC) * inC * outC;
            for (let d1 = 0; d1 < inC; d1++) {
              let sum = 0;
              for (let d2 = 0; d2 < outC; d2++) sum += dy[yOff + d2] * filter[wOff + d1 * outC + d2];
              acc[xOff + d1] += sum;
            }
          }
        }
      }
    }
  }
  dx.set(acc);
}

/** dw = ∂(Σ dy·conv2d(x))/∂filter, overwriting dw. */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, s: ConvShape): void {
  const { inC, outC } = s;
  const acc = new Float64Array(s.filterH * s.filterW * inC * outC);
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
            const wOff = (wR * s.filterW + wC) * inC * outC;
            for (let d1 = 0; d1 < inC; d1++) {
              const xv = x[xOff + d1];
              for (let d2 = 0; d2 < outC; d2++) acc[wOff + d1 * outC + d2] += xv * dy[yOff + d2];
            }
          }
        }
      }
    }
  }
  dw.set(acc);
}
