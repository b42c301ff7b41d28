import type { ConvShape } from '../types.js';

/** One output pixel of a convolution and the taps of its window that land inside the input. */
export interface ConvWindow {
  /** The output pixel's index, batch-major (NHWC without the channel). */
  pixel: number;
  /** [input pixel index, tap = wR·filterW + wC]; taps in the padding are skipped (zero). */
  taps: [number, number][];
}

/**
 * Every window of an NHWC convolution, as tfjs's cpu backend visits them:
 * output (yR, yC) reads input row yR·strideH − padTop + wR·dilationH (likewise
 * columns). The conv and depthwise references, forward and backprops, all walk
 * these windows, so their backprops are the exact adjoints of their forwards.
 */
export function* convWindows(s: ConvShape): Generator<ConvWindow> {
  for (let b = 0; b < s.batch; b++) {
    for (let yR = 0; yR < s.outH; yR++) {
      for (let yC = 0; yC < s.outW; yC++) {
        const taps: [number, number][] = [];
        for (let wR = 0; wR < s.filterH; wR++) {
          const xR = yR * s.strideH - s.padTop + wR * s.dilationH;
          if (xR < 0 || xR >= s.inH) continue;
          for (let wC = 0; wC < s.filterW; wC++) {
            const xC = yC * s.strideW - s.padLeft + wC * s.dilationW;
            if (xC >= 0 && xC < s.inW) taps.push([(b * s.inH + xR) * s.inW + xC, wR * s.filterW + wC]);
          }
        }
        yield { pixel: (b * s.outH + yR) * s.outW + yC, taps };
      }
    }
  }
}
