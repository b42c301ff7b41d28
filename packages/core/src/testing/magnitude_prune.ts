// Test helper: zeroes the smallest weights of a model in place (no @lite/prune
// here: core's tests need sparse models without depending on it).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Sets the smallest-magnitude fraction `sparsity` of every kernel (rank ≥ 2) of `model` to 0, per layer. */
export function magnitudePrune(model: tfl.LayersModel, sparsity: number): void {
  for (const w of model.weights) {
    if (w.shape.length < 2) continue;
    const v = w.read().dataSync() as Float32Array;
    const cut = Float32Array.from(v, Math.abs).sort()[Math.floor(sparsity * v.length)];
    w.write(tf.tensor(v.map((x) => (Math.abs(x) < cut ? 0 : x)), w.shape));
  }
}
