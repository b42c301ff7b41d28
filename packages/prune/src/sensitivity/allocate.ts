import type { SensitivityTable } from './sensitivity.js';

/** One point of a layer's cost curve: sparsity and the accuracy points lost there. */
interface Point {
  sparsity: number;
  drop: number;
}

/** A layer's cost curve from its table row: starts at (0, 0), drops made non-decreasing and ≥ 0. */
function curve(sparsities: readonly number[], accuracy: readonly number[], baseline: number): Point[] {
  const points: Point[] = [{ sparsity: 0, drop: 0 }];
  let worst = 0;
  sparsities.forEach((s, i) => {
    worst = Math.max(worst, baseline - accuracy[i]);
    points.push({ sparsity: s, drop: worst });
  });
  return points;
}

/**
 * Per-layer sparsities that prune `globalTarget` of all the table's weights together
 * with the least predicted accuracy loss. Greedy on the measured curves: the move
 * (one layer to one of its higher measured sparsities) that costs the fewest points
 * per weight removed is taken until enough weights are removed; the last move stops
 * part way, and the result is rounded to whole weights (largest remainders), so
 * the layers' pruned counts add up to round(globalTarget · total) exactly.
 * `weightCounts` overrides the table's weight counts (by layer).
 * Throws a RangeError when the table does not reach the target (measure higher sparsities).
 */
export function allocateSparsity(table: SensitivityTable, globalTarget: number, weightCounts?: Readonly<Record<string, number>>): Record<string, number> {
  if (typeof globalTarget !== 'number' || !(globalTarget >= 0 && globalTarget < 1)) throw new RangeError(`the global target must be a sparsity in [0, 1), got ${JSON.stringify(globalTarget)}`);
  if (table.layers.length === 0) throw new RangeError('the sensitivity table has no layers');
  const counts = table.layers.map((l) => {
    const n = weightCounts?.[l.layer] ?? l.weights;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`layer ${l.layer} needs a positive integer weight count, got ${JSON.stringify(n)}`);
    return n;
  });
  const curves = table.layers.map((l) => curve(table.sparsities, l.accuracy, table.baseline));
  const total = counts.reduce((a, b) => a + b, 0);
  const wanted = Math.round(globalTarget * total);
  const level = curves.map(() => 0);
  const zeros = curves.map(() => 0);
  let removed = 0;
  while (removed < wanted) {
    let best: { layer: number; to: number; cost: number } | undefined;
    curves.forEach((c, l) => {
      const from = c[level[l]];
      for (let to = level[l] + 1; to < c.length; to++) {
        const gained = (c[to].sparsity - from.sparsity) * counts[l];
        const cost = (c[to].drop - from.drop) / gained;
        // Cheaper per weight wins; on a tie, the move that removes more.
        if (!best || cost < best.cost - 1e-12 || (Math.abs(cost - best.cost) <= 1e-12 && gained > (curves[best.layer][best.to].sparsity - curves[best.layer][level[best.layer]].sparsity) * counts[best.layer])) {
          best = { layer: l, to, cost };
        }
      }
    });
    if (!best) {
      const most = curves.reduce((n, c, l) => n + c[c.length - 1].sparsity * counts[l], 0) / total;
      throw new RangeError(`the sensitivity table reaches only ${(100 * most).toFixed(1)}% sparsity overall, below the target ${(100 * globalTarget).toFixed(1)}%; measure higher sparsities`);
    }
    const { layer, to } = best;
    const step = (curves[layer][to].sparsity - curves[layer][level[layer]].sparsity) * counts[layer];
    const take = Math.min(step, wanted - removed);
    zeros[layer] += take;
    removed += take;
    level[layer] = to;
  }
  return Object.fromEntries(roundZeros(zeros, counts, wanted).map((z, l) => [table.layers[l].layer, z / counts[l]]));
}

/** Whole-weight counts from real ones that add up to `wanted` (largest remainders), each within its layer's size. */
function roundZeros(zeros: readonly number[], counts: readonly number[], wanted: number): number[] {
  const whole = zeros.map((z, l) => Math.min(counts[l], Math.floor(z + 1e-9)));
  let left = wanted - whole.reduce((a, b) => a + b, 0);
  const order = zeros.map((z, l) => l).sort((a, b) => zeros[b] - whole[b] - (zeros[a] - whole[a]));
  for (const l of order) {
    if (left <= 0) break;
    if (whole[l] < counts[l]) {
      whole[l]++;
      left--;
    }
  }
  return whole;
}
