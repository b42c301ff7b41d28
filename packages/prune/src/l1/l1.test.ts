import * as tf from '@tensorflow/tfjs-core';
import { silentProgress, softmaxCrossEntropy, train } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cloneModel } from '@lite/core';
import { kernelValues, prunableKernels } from '../layers.js';
import { type Fixture, trainedSeedCnn } from '../testing/fixture.js';
import { l1Loss } from './l1.js';

let f: Fixture;
beforeAll(async () => {
  f = await trainedSeedCnn();
});

const meanAbs = (m: Parameters<typeof prunableKernels>[0]) => {
  const ks = prunableKernels(m);
  return ks.reduce((s, k) => s + kernelValues(k).reduce((a, v) => a + Math.abs(v), 0), 0) / ks.reduce((n, k) => n + k.size, 0);
};

describe('l1Loss', () => {
  it('adds λ·Σ|w| of the kernels to the base loss', () => {
    const kernels = prunableKernels(f.model);
    const sumAbs = kernels.reduce((s, k) => s + kernelValues(k).reduce((a, v) => a + Math.abs(v), 0), 0);
    const labels = tf.cast(tf.oneHot([1, 2], 10), 'float32') as tf.Tensor2D;
    const logits = tf.randomNormal([2, 10], 0, 1, 'float32', 1) as tf.Tensor2D;
    const inputs = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    const base = softmaxCrossEntropy(labels, logits, inputs).dataSync()[0];
    const total = l1Loss(kernels, 1e-3)(labels, logits, inputs).dataSync()[0];
    expect(total).toBeCloseTo(base + 1e-3 * sumAbs, 3);
    expect(() => l1Loss(kernels, -1)).toThrow(/L1 strength must be a finite number ≥ 0/);
    tf.dispose([labels, logits, inputs]);
  });

  it('drives the weights toward zero compared with the same training without it', async () => {
    const plain = await cloneModel(f.model);
    const sparse = await cloneModel(f.model);
    const settings = { epochs: 2, optimizer: 'adam' as const, progress: silentProgress };
    await train(plain, f.train, settings);
    await train(sparse, f.train, { ...settings, hooks: { loss: l1Loss(prunableKernels(sparse), 1e-2) } });
    expect(meanAbs(sparse)).toBeLessThan(0.6 * meanAbs(plain));
    plain.dispose();
    sparse.dispose();
  });
});
