import type { Mask } from '../masks/index.js';

/**
 * The `zeros` entries with the lowest scores, as a mask (0 = pruned). Ties at the cut
 * go to the lowest index, so exactly `zeros` entries are pruned. Scores are compared
 * as numbers; NaN counts as the lowest.
 */
export function pruneLowest(scores: Float32Array, zeros: number): Mask {
  return pruneLowestAcross([scores], zeros)[0];
}

/**
 * Like {@link pruneLowest} over several score arrays ranked together (global
 * pruning): the `zeros` lowest scores of all arrays; ties go to the earlier array,
 * then the lower index.
 */
export function pruneLowestAcross(scores: readonly Float32Array[], zeros: number): Mask[] {
  const total = scores.reduce((n, s) => n + s.length, 0);
  if (!Number.isInteger(zeros) || zeros < 0 || zeros > total) throw new RangeError(`cannot prune ${zeros} of ${total} weights`);
  const masks = scores.map((s) => new Uint8Array(s.length).fill(1));
  if (zeros === 0) return masks;
  const clean = scores.map((s) => s.map((v) => (Number.isNaN(v) ? -Infinity : v)));
  const all = new Float32Array(total);
  let at = 0;
  for (const s of clean) {
    all.set(s, at);
    at += s.length;
  }
  all.sort();
  const cut = all[zeros - 1];
  let below = 0;
  for (let i = 0; i < zeros; i++) if (all[i] < cut) below++;
  let ties = zeros - below;
  clean.forEach((s, a) => {
    const mask = masks[a];
    for (let i = 0; i < s.length; i++) {
      if (s[i] < cut) mask[i] = 0;
      else if (s[i] === cut && ties > 0) {
        mask[i] = 0;
        ties--;
      }
    }
  });
  return masks;
}

/** The number of weights to prune for `sparsity` of `size` weights (rounded to the nearest). */
export function zerosFor(sparsity: number, size: number): number {
  return Math.min(size, Math.max(0, Math.round(sparsity * size)));
}

/** Per-layer targets: each layer loses its own fraction of its lowest-scored weights. */
export function layerMasks(scores: readonly Float32Array[], sparsities: readonly number[]): Mask[] {
  return scores.map((s, i) => pruneLowest(s, zerosFor(sparsities[i], s.length)));
}

/** A global target: the lowest-scored fraction of all weights together (layers end up with different sparsities). */
export function globalMasks(scores: readonly Float32Array[], sparsity: number): Mask[] {
  const total = scores.reduce((n, s) => n + s.length, 0);
  return pruneLowestAcross(scores, zerosFor(sparsity, total));
}

/** The first reference document's threshold pruning: |w| < threshold → 0 (a weight exactly at the threshold stays). */
export function thresholdMask(values: Float32Array, threshold: number): Mask {
  const mask = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) mask[i] = Math.abs(values[i]) < threshold ? 0 : 1;
  return mask;
}
