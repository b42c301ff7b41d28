import type * as tfl from '@tensorflow/tfjs-layers';
import { type Dataset, type ProgressSink, cloneModel, evaluate } from '@lite/core';
import { type ImportanceMethod, importanceScores } from '../importance/index.js';
import { kernelValues, prunableKernels, setKernelValues } from '../layers.js';
import { applyMask } from '../masks/index.js';
import { pruneLowest, zerosFor } from '../targets/index.js';

/** The sparsities {@link sensitivity} measures by default. */
export const DEFAULT_SENSITIVITY_SPARSITIES: readonly number[] = [0.5, 0.7, 0.8, 0.9, 0.95, 0.98];

/** Options of {@link sensitivity}. */
export interface SensitivityOptions {
  /** Sparsities to try per layer, each in (0, 1) (default {@link DEFAULT_SENSITIVITY_SPARSITIES}). */
  sparsities?: readonly number[];
  /** How weights are ranked (default 'magnitude'). */
  method?: ImportanceMethod;
  /** For 'taylor': the samples whose loss gradients rank the weights (default: the measured data; pass training data to keep the two apart). */
  gradientData?: Dataset;
  /** Layers left out of the table. */
  exclude?: readonly string[];
  seed?: number;
  progress?: ProgressSink;
}

/** One row of a {@link SensitivityTable}: a layer's accuracy at each sparsity with only it pruned. */
export interface LayerSensitivity {
  layer: string;
  weights: number;
  /** Accuracy in percent at each of the table's sparsities (same order). */
  accuracy: number[];
}

/** Accuracy vs sparsity per layer. */
export interface SensitivityTable {
  sparsities: number[];
  /** Accuracy (percent) of the unpruned model on the same data. */
  baseline: number;
  method: ImportanceMethod;
  layers: LayerSensitivity[];
}

/** Checks a list of sparsities: each in (0, 1), at least one. Returns them sorted ascending without duplicates. */
export function checkSparsities(sparsities: readonly number[]): number[] {
  if (!Array.isArray(sparsities) || sparsities.length === 0) throw new RangeError('sensitivity needs at least one sparsity to try, e.g. [0.5, 0.9]');
  for (const s of sparsities) {
    if (typeof s !== 'number' || !(s > 0 && s < 1)) throw new RangeError(`each sparsity to try must be in (0, 1), got ${JSON.stringify(s)}`);
  }
  return [...new Set(sparsities)].sort((a, b) => a - b);
}

/**
 * Sensitivity analysis: for each prunable layer and each sparsity, prunes only that
 * layer (by `method`, no fine-tuning) and measures accuracy on `data`. Layers whose
 * accuracy falls early are sensitive and should be pruned less. The model is not modified.
 */
export async function sensitivity(model: tfl.LayersModel, data: Dataset, options: SensitivityOptions = {}): Promise<SensitivityTable> {
  const sparsities = checkSparsities(options.sparsities ?? DEFAULT_SENSITIVITY_SPARSITIES);
  const method = options.method ?? 'magnitude';
  if (data.count === 0) throw new RangeError('sensitivity needs data with at least one sample (held-out data to measure accuracy on)');
  const copy = await cloneModel(model);
  try {
    const kernels = prunableKernels(copy, options.exclude);
    const scores = importanceScores(copy, kernels, method, { data: options.gradientData ?? data, seed: options.seed });
    const baseline = 100 * (await evaluate(copy, data)).accuracy;
    const total = kernels.length * sparsities.length;
    let done = 0;
    const layers: LayerSensitivity[] = [];
    for (const [i, kernel] of kernels.entries()) {
      const original = kernelValues(kernel);
      const accuracy: number[] = [];
      for (const s of sparsities) {
        applyMask(kernel, pruneLowest(scores[i], zerosFor(s, kernel.size)));
        accuracy.push(100 * (await evaluate(copy, data)).accuracy);
        setKernelValues(kernel, original);
        options.progress?.task?.({ label: 'sensitivity', done: ++done, total, detail: `${kernel.layer} ${(100 * s).toFixed(0)}%` });
      }
      layers.push({ layer: kernel.layer, weights: kernel.size, accuracy });
    }
    return { sparsities, baseline, method, layers };
  } finally {
    copy.dispose();
  }
}
