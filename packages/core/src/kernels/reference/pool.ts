import type { PoolShape } from '../types.js';

// Reference NHWC pooling, as tfjs's cpu backend computes it: window (yR, yC)
// covers input rows yR·strideH − padTop … + filterH − 1 (likewise columns),
// clipped to the input; padding never takes part. Channels are independent.

/**
 * Calls fn(yIndex, xStart, rows, cols) once per output element: xStart is the
 * index of (b, 0, 0, d) in x; rows/cols are the window's in-bounds [begin, end).
 */
function forEachWindow(
  s: PoolShape,
  fn: (yIndex: number, xStart: number, rows: [number, number], cols: [number, number]) => void,
): void {
  for (let b = 0; b < s.batch; b++) {
    for (let yR = 0; yR < s.outH; yR++) {
      const r0 = yR * s.strideH - s.padTop;
      const rows: [number, number] = [Math.max(0, r0), Math.min(s.inH, r0 + s.filterH)];
      for (let yC = 0; yC < s.outW; yC++) {
        const c0 = yC * s.strideW - s.padLeft;
        const cols: [number, number] = [Math.max(0, c0), Math.min(s.inW, c0 + s.filterW)];
        for (let d = 0; d < s.channels; d++) {
          fn(((b * s.outH + yR) * s.outW + yC) * s.channels + d, b * s.inH * s.inW * s.channels + d, rows, cols);
        }
      }
    }
  }
}

/** Index into x of the window's first maximum (strict >, so NaN never wins), or -1 when none. */
function argMax(x: Float32Array, s: PoolShape, xStart: number, rows: [number, number], cols: [number, number]): number {
  let best = Number.NEGATIVE_INFINITY;
  let at = -1;
  for (let r = rows[0]; r < rows[1]; r++) {
    for (let c = cols[0]; c < cols[1]; c++) {
      const i = xStart + (r * s.inW + c) * s.channels;
      if (x[i] > best) {
        best = x[i];
        at = i;
      }
    }
  }
  return at;
}

/** y = max over each window (−∞ when the window holds only NaN or −∞). */
export function maxPool(x: Float32Array, y: Float32Array, s: PoolShape): void {
  forEachWindow(s, (yi, xStart, rows, cols) => {
    const at = argMax(x, s, xStart, rows, cols);
    y[yi] = at < 0 ? Number.NEGATIVE_INFINITY : x[at];
  });
}

/** dx = gradient of maxPool: each window's dy goes to its first maximum. */
export function maxPoolBackprop(dy: Float32Array, x: Float32Array, dx: Float32Array, s: PoolShape): void {
  const acc = new Float64Array(dx.length);
  forEachWindow(s, (yi, xStart, rows, cols) => {
    const at = argMax(x, s, xStart, rows, cols);
    if (at >= 0) acc[at] += dy[yi];
  });
  dx.set(acc);
}

/** In-bounds elements of a window (0 for a window wholly in the padding). */
function count(rows: [number, number], cols: [number, number]): number {
  return Math.max(0, rows[1] - rows[0]) * Math.max(0, cols[1] - cols[0]);
}

/** y = mean over each window's in-bounds elements. */
export function avgPool(x: Float32Array, y: Float32Array, s: PoolShape): void {
  forEachWindow(s, (yi, xStart, rows, cols) => {
    let sum = 0;
    for (let r = rows[0]; r < rows[1]; r++) {
      for (let c = cols[0]; c < cols[1]; c++) sum += x[xStart + (r * s.inW + c) * s.channels];
    }
    y[yi] = sum / count(rows, cols);
  });
}

/**
 * dx = the true gradient of avgPool: dy / (in-bounds count) to each element of
 * the window. (tfjs's cpu AvgPoolGrad divides by filterH·filterW instead, which
 * differs where padding cuts a window; for VALID padding the two agree.)
 */
export function avgPoolBackprop(dy: Float32Array, dx: Float32Array, s: PoolShape): void {
  const acc = new Float64Array(dx.length);
  forEachWindow(s, (yi, xStart, rows, cols) => {
    const g = dy[yi] / count(rows, cols);
    for (let r = rows[0]; r < rows[1]; r++) {
      for (let c = cols[0]; c < cols[1]; c++) acc[xStart + (r * s.inW + c) * s.channels] += g;
    }
  });
  dx.set(acc);
}
