import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type Dataset, batchIndices, createRng, defaultForward, makeBatch, softmaxCrossEntropy, type LossFn } from '@lite/core';
import { type PrunableKernel, kernelValues } from '../layers.js';

/** How a weight's importance is scored: its magnitude, first-order Taylor |g·w|, or at random (a baseline). */
export type ImportanceMethod = 'magnitude' | 'taylor' | 'random';

export const IMPORTANCE_METHODS: readonly ImportanceMethod[] = ['magnitude', 'taylor', 'random'];

/** Options of {@link importanceScores}. */
export interface ImportanceOptions {
  /** For 'taylor': the samples whose loss gradient is taken. */
  data?: Dataset;
  /** For 'taylor': batches of `batchSize` averaged (default 8). */
  batches?: number;
  /** For 'taylor': default 64. */
  batchSize?: number;
  /** For 'taylor': the loss (default softmax cross-entropy). */
  loss?: LossFn;
  /** For 'random' and the batch order of 'taylor' (default 0). */
  seed?: number;
}

/** |w| of each weight. */
export function magnitudeScores(kernels: readonly PrunableKernel[]): Float32Array[] {
  return kernels.map((k) => kernelValues(k).map(Math.abs));
}

/** Uniform random scores in [0, 1), seeded: pruning by them is the random baseline. */
export function randomScores(kernels: readonly PrunableKernel[], seed: number): Float32Array[] {
  const rng = createRng(seed);
  return kernels.map((k) => Float32Array.from({ length: k.size }, () => rng.next()));
}

/**
 * First-order Taylor importance (Molchanov et al.): the estimated loss change from
 * removing a weight, |∂L/∂w · w|, averaged over `batches` batches of `data` (each
 * batch's |g·w|, so gradients that cancel across batches still count).
 */
export function taylorScores(model: tfl.LayersModel, kernels: readonly PrunableKernel[], data: Dataset, options: ImportanceOptions = {}): Float32Array[] {
  if (data.count === 0) throw new RangeError('Taylor importance needs data with at least one sample');
  const batchSize = options.batchSize ?? 64;
  const order = batchIndices(data.count, batchSize, { seed: options.seed ?? 0 }).slice(0, options.batches ?? 8);
  const loss = options.loss ?? softmaxCrossEntropy;
  const variables = kernels.map((k) => k.variable.read() as tf.Variable);
  const sums = tf.tidy(() => kernels.map((k) => tf.zeros(k.shape)));
  try {
    for (const indices of order) {
      const batch = makeBatch(data, indices);
      try {
        const next = tf.tidy(() => {
          const { grads } = tf.variableGrads(() => loss(batch.ys, defaultForward(model, batch.xs, false), batch.xs), variables);
          return variables.map((v, i) => tf.add(sums[i], tf.abs(tf.mul(grads[v.name], v))));
        });
        tf.dispose(sums.splice(0, sums.length, ...next));
      } finally {
        tf.dispose([batch.xs, batch.ys]);
      }
    }
    return sums.map((s) => (s.dataSync() as Float32Array).map((v) => v / order.length));
  } finally {
    tf.dispose(sums);
  }
}

/** Scores every kernel's weights by `method` (higher = more important). */
export function importanceScores(model: tfl.LayersModel, kernels: readonly PrunableKernel[], method: ImportanceMethod, options: ImportanceOptions = {}): Float32Array[] {
  switch (method) {
    case 'magnitude':
      return magnitudeScores(kernels);
    case 'random':
      return randomScores(kernels, options.seed ?? 0);
    case 'taylor':
      if (!options.data) throw new TypeError("Taylor importance needs data: pass options.data (training samples whose loss gradient is taken)");
      return taylorScores(model, kernels, options.data, options);
  }
}
