import * as tf from '@tensorflow/tfjs-core';
import { defaultForward, makeBatch, softmaxCrossEntropy } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelValues, prunableKernels } from '../layers.js';
import { type Fixture, trainedSeedCnn } from '../testing/fixture.js';
import { importanceScores, magnitudeScores, randomScores, taylorScores } from './importance.js';

let f: Fixture;
beforeAll(async () => {
  f = await trainedSeedCnn();
});

describe('importance', () => {
  it('Taylor importance of one batch is |g·w| of that batch’s loss gradient', () => {
    const kernels = prunableKernels(f.model);
    const indices = Uint32Array.from({ length: 64 }, (_, i) => i);
    const data = { images: f.train.images.subarray(0, 64 * 784), labels: f.train.labels.subarray(0, 64), count: 64 };
    const scores = taylorScores(f.model, kernels, data, { batches: 1, batchSize: 64, seed: 3 });
    // Independently: the gradient of the same batch's mean loss (order does not matter for a mean).
    const batch = makeBatch(f.train, indices);
    const vars = kernels.map((k) => k.variable.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => softmaxCrossEntropy(batch.ys, defaultForward(f.model, batch.xs, false), batch.xs), vars);
    kernels.forEach((k, i) => {
      const g = grads[vars[i].name].dataSync();
      const w = kernelValues(k);
      const expected = w.map((x, j) => Math.abs(g[j] * x));
      scores[i].forEach((s, j) => expect(s).toBeCloseTo(expected[j], 6));
    });
    tf.dispose([batch.xs, batch.ys, ...Object.values(grads)]);
  });

  it('magnitude is |w|; random is seeded; Taylor without data is a clear error', () => {
    const kernels = prunableKernels(f.model);
    const w = kernelValues(kernels[0]);
    expect(magnitudeScores(kernels)[0]).toEqual(w.map(Math.abs));
    expect(randomScores(kernels, 5)[1]).toEqual(randomScores(kernels, 5)[1]);
    expect(randomScores(kernels, 5)[1]).not.toEqual(randomScores(kernels, 6)[1]);
    expect(() => importanceScores(f.model, kernels, 'taylor')).toThrow(/Taylor importance needs data: pass options.data/);
  });
});
