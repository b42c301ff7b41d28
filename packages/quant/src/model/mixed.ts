import { LiteModel, liteAccuracy, tensorByteSize, type Dataset, type LiteGraph, type ProgressSink } from '@lite/core';
import { applyFormats } from './apply.js';
import { encodeWeight, formatLabel, type WeightFormat } from './formats.js';
import { quantTargets } from './targets.js';

/** How much one layer costs and hurts at each candidate format. */
export interface LayerSensitivity {
  layer: string;
  params: number;
  /** Per candidate (by {@link formatLabel}): accuracy drop in points when only this layer is quantized so. */
  drop: Record<string, number>;
  /** Per candidate: the kernel's stored bytes. */
  bytes: Record<string, number>;
}

/** A size or accuracy target for {@link allocateFormats}; at least one is needed. */
export interface MixedBudget {
  /** Most bytes all quantized kernels may take together. */
  maxBytes?: number;
  /** Most accuracy points the model may lose (estimated as the sum of the layers' drops, then checked). */
  maxAccuracyDrop?: number;
}

/** The candidates of mixed precision: 4, 8 and 16 bits. */
export const MIXED_CANDIDATES: readonly WeightFormat[] = [
  { kind: 'int', bits: 4, perChannel: true },
  { kind: 'int', bits: 8, perChannel: true },
  { kind: 'f16' },
];

/** Accuracy in points of `graph` on `data`. */
export function graphAccuracy(graph: LiteGraph, data: Dataset): number {
  return 100 * liteAccuracy(LiteModel.fromGraph(graph), data);
}

/**
 * Per-layer sensitivity: the accuracy drop (points, vs `baseline`) when only
 * that layer's kernel is stored in each candidate format, all else fp32.
 */
export function layerSensitivity(
  graph: LiteGraph, data: Dataset, baseline: number,
  candidates: readonly WeightFormat[] = MIXED_CANDIDATES, progress?: ProgressSink,
): LayerSensitivity[] {
  const targets = quantTargets(graph);
  const total = targets.length * candidates.length;
  const out: LayerSensitivity[] = [];
  let done = 0;
  for (const target of targets) {
    const kernel = graph.tensors.get(target.node.kernel)!;
    const row: LayerSensitivity = { layer: target.node.name, params: kernel.shape.reduce((a, b) => a * b, 1), drop: {}, bytes: {} };
    for (const format of candidates) {
      const label = formatLabel(format);
      row.bytes[label] = tensorByteSize(encodeWeight(kernel, target.layout, format));
      const one = applyFormats(graph, { formats: new Map([[target.node.name, format]]) });
      row.drop[label] = baseline - graphAccuracy(one, data);
      progress?.task?.({ label: 'sensitivity', done: ++done, total, detail: `${target.node.name} ${label}` });
    }
    out.push(row);
  }
  return out;
}

/**
 * Chooses one candidate per layer to meet `budget` with the least estimated
 * accuracy loss: every layer starts at its smallest candidate, then the
 * upgrade with the most drop removed per byte added is taken while the byte
 * budget allows it and (for an accuracy budget) the estimated drop is over it.
 */
export function allocateFormats(sens: readonly LayerSensitivity[], budget: MixedBudget, candidates: readonly WeightFormat[] = MIXED_CANDIDATES): Map<string, WeightFormat> {
  const { maxBytes, maxAccuracyDrop } = budget;
  if (maxBytes === undefined && maxAccuracyDrop === undefined) throw new RangeError('mixed precision needs a budget: maxBytes and/or maxAccuracyDrop');
  if (maxBytes !== undefined && !(maxBytes > 0)) throw new RangeError(`maxBytes must be a positive number, got ${maxBytes}`);
  if (maxAccuracyDrop !== undefined && !(maxAccuracyDrop >= 0)) throw new RangeError(`maxAccuracyDrop must be ≥ 0 points, got ${maxAccuracyDrop}`);
  const labels = candidates.map(formatLabel);
  // Per layer, candidate indices from the smallest to the largest.
  const order = sens.map((s) => labels.map((_, i) => i).sort((a, b) => s.bytes[labels[a]] - s.bytes[labels[b]]));
  const level = sens.map(() => 0);
  const pick = (l: number) => labels[order[l][level[l]]];
  const drop = (l: number, label = pick(l)) => Math.max(0, sens[l].drop[label]);
  let bytes = sens.reduce((sum, s, l) => sum + s.bytes[pick(l)], 0);
  if (maxBytes !== undefined && bytes > maxBytes) {
    throw new RangeError(`no allocation fits ${maxBytes} bytes: the smallest takes ${bytes} (raise maxBytes)`);
  }
  const estimated = () => sens.reduce((sum, _, l) => sum + drop(l), 0);
  for (;;) {
    if (maxAccuracyDrop !== undefined && estimated() <= maxAccuracyDrop) break;
    let best = -1;
    let bestGain = 0;
    for (let l = 0; l < sens.length; l++) {
      if (level[l] + 1 >= labels.length) continue;
      const next = labels[order[l][level[l] + 1]];
      const added = sens[l].bytes[next] - sens[l].bytes[pick(l)];
      if (maxBytes !== undefined && bytes + added > maxBytes) continue;
      const gain = (drop(l) - drop(l, next)) / Math.max(1, added);
      if (gain > bestGain) [best, bestGain] = [l, gain];
    }
    if (best < 0) break;
    bytes += sens[best].bytes[labels[order[best][level[best] + 1]]] - sens[best].bytes[pick(best)];
    level[best]++;
  }
  return new Map(sens.map((s, l) => [s.layer, candidates[order[l][level[l]]]]));
}
