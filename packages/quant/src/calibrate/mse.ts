/**
 * MSE calibration: the range `[lo, hi]` (lo ≤ 0 ≤ hi) whose `2^bits`-level asymmetric
 * grid minimises the expected squared quantization error over the histogram:
 *
 *   E(lo, hi) = Σ_{x > hi'} (x − hi')² + Σ_{x < lo'} (lo' − x)² + n_in · s² / 12
 *
 * with `s = (hi − lo) / (2^bits − 1)`, the zero point `z = round(−lo / s)` and the
 * grid's true ends `lo' = −z·s`, `hi' = (2^bits − 1 − z)·s` (0 is a grid point); the
 * clipping terms are exact for values spread uniformly within each bin, the rounding
 * term is the uniform-error `s²/12` for each nonzero value inside (exact zeros cost
 * nothing). Each side's candidate ends are its bin edges. One-sided data searches
 * its one end; two-sided data starts from the best of a coarse grid of both ends
 * (32 × 32 fractions of the data's extents) and then refines one end at a time over
 * every bin edge until neither moves.
 */
import type { Histogram } from './histogram.js';
import type { MinMax } from './minmax.js';

/** One side's bins as suffix sums, so the clipping error beyond any threshold costs O(1). */
class Tail {
  private readonly n: Float64Array;
  private readonly m1: Float64Array;
  private readonly m2: Float64Array;

  constructor(
    private readonly side: Float64Array,
    private readonly width: number,
  ) {
    const bins = side.length;
    this.n = new Float64Array(bins + 1);
    this.m1 = new Float64Array(bins + 1);
    this.m2 = new Float64Array(bins + 1);
    for (let j = bins - 1; j >= 0; j--) {
      const c = side[j];
      this.n[j] = this.n[j + 1] + c;
      this.m1[j] = this.m1[j + 1] + c * (j + 0.5) * width;
      this.m2[j] = this.m2[j + 1] + c * (j * j + j + 1 / 3) * width * width;
    }
  }

  /** How many magnitudes exceed `t` ≥ 0, and Σ (m − t)² over them. */
  beyond(t: number): { count: number; squared: number } {
    const w = this.width;
    const j = Math.floor(t / w);
    if (w === 0 || j >= this.side.length) return { count: 0, squared: 0 };
    const c = this.side[j];
    const rest = (j + 1) * w - t;
    const count = this.n[j + 1] + (c * rest) / w;
    const full = this.m2[j + 1] - 2 * t * this.m1[j + 1] + t * t * this.n[j + 1];
    return { count, squared: Math.max(0, full) + (c * rest ** 3) / (3 * w) };
  }
}

/** The error model of one histogram: E(lo, hi) above. */
export class ExpectedError {
  private readonly pos: Tail;
  private readonly neg: Tail;
  private readonly nonzero: number;
  private readonly steps: number;

  constructor(hist: Histogram, bits: number) {
    this.pos = new Tail(hist.pos, hist.width);
    this.neg = new Tail(hist.neg, hist.width);
    this.nonzero = hist.count - hist.zeros;
    this.steps = 2 ** bits - 1;
  }

  /** Expected Σ (x − q(x))² over the histogram for the grid of `[−a, b]` (a, b ≥ 0). */
  of(a: number, b: number): number {
    const s = (a + b) / this.steps;
    if (s === 0) return this.pos.beyond(0).squared + this.neg.beyond(0).squared;
    const z = Math.round(a / s);
    const above = this.pos.beyond((this.steps - z) * s);
    const below = this.neg.beyond(z * s);
    const inside = Math.max(0, this.nonzero - above.count - below.count);
    return above.squared + below.squared + (inside * s * s) / 12;
  }
}

/** The best end on one side (as a magnitude among the bin edges 0..used), the other end fixed. */
function bestEnd(used: number, width: number, cost: (t: number) => number): number {
  let best = used * width;
  let bestCost = cost(best);
  for (let k = used - 1; k >= 1; k--) {
    const c = cost(k * width);
    if (c < bestCost) [best, bestCost] = [k * width, c];
  }
  return best;
}

export function mseRange(hist: Histogram, bounds: MinMax, bits: number): [number, number] {
  const err = new ExpectedError(hist, bits);
  const w = hist.width;
  const usedPos = hist.usedBins(hist.pos);
  const usedNeg = hist.usedBins(hist.neg);
  let a = 0;
  let b = 0;
  if (usedNeg === 0) b = bestEnd(usedPos, w, (t) => err.of(0, t));
  else if (usedPos === 0) a = bestEnd(usedNeg, w, (t) => err.of(t, 0));
  else {
    const GRID = 32;
    let bestCost = Infinity;
    for (let i = 1; i <= GRID; i++) {
      for (let k = 1; k <= GRID; k++) {
        const [ta, tb] = [(usedNeg * w * i) / GRID, (usedPos * w * k) / GRID];
        const c = err.of(ta, tb);
        if (c < bestCost) [a, b, bestCost] = [ta, tb, c];
      }
    }
    for (let round = 0; round < 50; round++) {
      const nb = bestEnd(usedPos, w, (t) => err.of(a, t));
      const na = bestEnd(usedNeg, w, (t) => err.of(t, nb));
      const moved = na !== a || nb !== b;
      [a, b] = [na, nb];
      if (!moved) break;
    }
  }
  return [Math.min(0, Math.max(bounds.min, -a)), Math.max(0, Math.min(bounds.max, b))];
}
