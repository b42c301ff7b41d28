import * as tf from '@tensorflow/tfjs-core';
import { type LossFn, softmaxCrossEntropy } from '@lite/core';
import type { PrunableKernel } from '../layers.js';

/** The default L1 strength λ of {@link l1Loss}. */
export const DEFAULT_L1_STRENGTH = 1e-4;

/**
 * A training loss with an L1 penalty on the kernels: base(labels, logits) + λ·Σ|w|.
 * Its gradient λ·sign(w) pulls every weight toward zero at the same rate, so
 * unimportant weights end near zero, where pruning them costs little (the first
 * reference document's "sparsity pruning"). Pass it as the trainer's `hooks.loss`.
 */
export function l1Loss(kernels: readonly PrunableKernel[], strength = DEFAULT_L1_STRENGTH, base: LossFn = softmaxCrossEntropy): LossFn {
  if (!(strength >= 0) || !Number.isFinite(strength)) throw new RangeError(`the L1 strength must be a finite number ≥ 0, got ${strength}`);
  return (labels, logits, inputs) => {
    const penalty = tf.addN(kernels.map((k) => tf.sum(tf.abs(k.variable.read()))));
    return tf.add(base(labels, logits, inputs), tf.mul(strength, penalty)) as tf.Scalar;
  };
}
