/**
 * Entropy (KL) calibration, as in TensorRT's int8 calibrator: for each candidate
 * threshold `t = i·w` (bin `i` of the magnitude histogram, from `levels` bins up to the
 * data's extent), compare the reference distribution P — the first `i` bins, with
 * everything beyond folded into the last — to Q, the same `i` bins merged into
 * `levels` groups and spread back evenly over each group's nonempty bins (without
 * the folded outliers, so clipping costs). Pick the `t` of least KL(P‖Q).
 *
 * - Unsigned data (no negative value: after a ReLU): the histogram of x with all
 *   `2^bits` levels over `[0, t]`; the range is `[0, t]`.
 * - Signed data: the histogram of |x| with `2^(bits−1)` levels over `[0, t]` (each
 *   sign gets half the grid, as with TensorRT's symmetric int8); the range is
 *   `[−t, t]` clamped to the data's bounds.
 *
 * Exact zeros are left out of P and Q: every grid has 0 exactly, so they lose nothing
 * whatever the threshold, while counting them in the first bin (half the mass after a
 * ReLU) would smear their spike over Q's first level and drag the threshold down.
 * A level of Q that is empty where P is not gets a count of 1e−4 (then both are
 * normalised), so the divergence stays finite; of equal divergences the larger
 * threshold wins (degenerate data, e.g. a single value, keeps its whole range).
 */
import type { Histogram } from './histogram.js';
import type { MinMax } from './minmax.js';

const EMPTY_LEVEL = 1e-4;

/** KL(P‖Q) for the first `i` bins of `h` quantized to `levels` levels (i ≥ levels). */
export function klDivergence(h: Float64Array, i: number, levels: number): number {
  const p = h.slice(0, i);
  for (let k = i; k < h.length; k++) p[i - 1] += h[k];
  const q = new Float64Array(i);
  for (let g = 0; g < levels; g++) {
    const start = Math.floor((g * i) / levels);
    const end = Math.floor(((g + 1) * i) / levels);
    let sum = 0;
    let nonempty = 0;
    for (let k = start; k < end; k++) {
      sum += h[k];
      if (p[k] > 0) nonempty++;
    }
    for (let k = start; k < end; k++) if (p[k] > 0) q[k] = sum / nonempty;
  }
  let sumP = 0;
  let sumQ = 0;
  for (let k = 0; k < i; k++) {
    if (p[k] > 0 && q[k] === 0) q[k] = EMPTY_LEVEL;
    sumP += p[k];
    sumQ += q[k];
  }
  let kl = 0;
  for (let k = 0; k < i; k++) if (p[k] > 0) kl += (p[k] / sumP) * Math.log((p[k] / sumP) / (q[k] / sumQ));
  return kl;
}

export function klRange(hist: Histogram, bounds: MinMax, bits: number): [number, number] {
  const signed = hist.usedBins(hist.neg) > 0;
  const used = Math.max(hist.usedBins(hist.pos), hist.usedBins(hist.neg));
  const h = new Float64Array(used);
  for (let k = 0; k < used; k++) h[k] = hist.pos[k] + hist.neg[k];
  const levels = signed ? 2 ** (bits - 1) : 2 ** bits;
  let best = used;
  let bestKl = Infinity;
  for (let i = Math.min(levels, used); i <= used; i++) {
    const kl = klDivergence(h, i, levels);
    if (kl <= bestKl) [best, bestKl] = [i, kl];
  }
  const t = best * hist.width;
  return [Math.min(0, Math.max(bounds.min, -t)), Math.max(0, Math.min(bounds.max, t))];
}
