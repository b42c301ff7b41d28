import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type Dataset, batchIndices, makeBatch } from '../data/dataset.js';
import { type ForwardFn, defaultForward } from './forward.js';

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  /** Samples per forward pass (default 256). */
  batchSize?: number;
  /** How to compute logits; the model's own forward pass by default. */
  forward?: ForwardFn;
}

/** Accuracy and mean softmax cross-entropy of a model on a dataset. */
export interface EvaluateResult {
  /** Fraction of samples whose arg-max logit is the label, in [0, 1]. */
  accuracy: number;
  /** Mean softmax cross-entropy over the samples. */
  loss: number;
  count: number;
}

/**
 * Evaluates a logits model on `data`: accuracy and mean softmax cross-entropy.
 * Leaves no tensors behind.
 */
export async function evaluate(model: tfl.LayersModel, data: Dataset, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const forward = options.forward ?? defaultForward;
  let correct = 0;
  let lossSum = 0;
  for (const indices of batchIndices(data.count, options.batchSize ?? 256)) {
    const batch = makeBatch(data, indices);
    const [loss, hits] = tf.tidy(() => {
      const logits = forward(model, batch.xs, false);
      const perSample = tf.losses.softmaxCrossEntropy(batch.ys, logits, undefined, 0, tf.Reduction.NONE);
      const right = tf.equal(tf.argMax(logits, 1), tf.argMax(batch.ys, 1));
      return [tf.sum(perSample), tf.sum(tf.cast(right, 'int32'))];
    });
    lossSum += (await loss.data())[0];
    correct += (await hits.data())[0];
    tf.dispose([loss, hits, batch.xs, batch.ys]);
  }
  const n = Math.max(1, data.count);
  return { accuracy: correct / n, loss: lossSum / n, count: data.count };
}
