import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '../data/random.js';

/**
 * Gives every weight of `model` seeded random values that exercise a converter
 * or a runtime for real: kernels uniform in ±1.5/√fanIn (activations stay in a
 * normal range), BatchNormalization statistics far from the identity (γ 0.5–1.5,
 * β and μ ±0.5, σ² 0.5–2) so folding does work, PReLU slopes and other vectors
 * ±0.5. For tests and benchmarks; trained weights come from {@link train}.
 */
export function randomizeWeights(model: tfl.LayersModel, seed: number): void {
  const rng = createRng(seed);
  const uniform = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const values = layer.weights.map((w) => {
      const shape = w.shape as number[];
      const n = shape.reduce((a, b) => a * b, 1);
      const name = w.originalName;
      if (name.endsWith('moving_variance')) return tf.tensor(uniform(n, 0.5, 2), shape);
      if (name.endsWith('gamma')) return tf.tensor(uniform(n, 0.5, 1.5), shape);
      if (shape.length > 1 && !name.endsWith('alpha')) {
        // A depthwise kernel [fh, fw, inC, mult] sums fh·fw products per output.
        const fanIn = name.endsWith('depthwise_kernel') ? shape[0] * shape[1] : shape.slice(0, -1).reduce((a, b) => a * b, 1);
        const limit = 1.5 / Math.sqrt(fanIn);
        return tf.tensor(uniform(n, -limit, limit), shape);
      }
      return tf.tensor(uniform(n, -0.5, 0.5), shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}
