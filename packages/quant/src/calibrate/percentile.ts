/**
 * Percentile calibration: clip each tail separately. With percentile `p`, at most
 * `(100 − p)%` of all observed values lie above the range's upper end and at most
 * `(100 − p)%` below its lower end (the ends interpolated within a histogram bin,
 * then clamped to the data's bounds and widened to contain 0). Tails rather than
 * `|x|`: the range is asymmetric anyway, and one-sided data (after a ReLU) keeps its
 * whole clipping budget for its one tail. `p = 100` is the data's bounds.
 */
import type { Histogram } from './histogram.js';
import type { MinMax } from './minmax.js';

/** The default percentile. */
export const DEFAULT_PERCENTILE = 99.99;

export function percentileRange(hist: Histogram, bounds: MinMax, percentile: number): [number, number] {
  const outside = (bounds.count * (100 - percentile)) / 100;
  const hi = Math.min(bounds.max, hist.tailThreshold(hist.pos, outside));
  const lo = Math.max(bounds.min, -hist.tailThreshold(hist.neg, outside));
  return [Math.min(0, lo), Math.max(0, hi)];
}
