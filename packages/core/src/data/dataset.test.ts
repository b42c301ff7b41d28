import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchIndices, batches, makeBatch, selectSamples, shuffleDataset, takeSamples } from './dataset.js';
import { createRng, permutation } from './random.js';

const data = {
  images: Float32Array.from({ length: 5 * 784 }, (_, i) => Math.floor(i / 784)),
  labels: Uint8Array.from([0, 1, 2, 3, 4]),
  count: 5,
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('seeded randomness', () => {
  it('repeats with equal seeds and differs with others', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(createRng(43).next()).not.toBe(xs[0]);
    xs.forEach((x) => expect(x >= 0 && x < 1).toBe(true));
    const p = permutation(100, createRng(1));
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(p)).toEqual(Array.from(permutation(100, createRng(1))));
  });
});

describe('datasets and batches', () => {
  it('selects, takes and shuffles samples with their labels', () => {
    const picked = selectSamples(data, [4, 1]);
    expect(Array.from(picked.labels)).toEqual([4, 1]);
    expect(picked.images[0]).toBe(4);
    expect(picked.images[784]).toBe(1);
    expect(takeSamples(data, 2).count).toBe(2);
    expect(takeSamples(data, 99).count).toBe(5);
    const shuffled = shuffleDataset(data, 7);
    for (let i = 0; i < 5; i++) expect(shuffled.images[i * 784]).toBe(shuffled.labels[i]);
    expect(() => selectSamples(data, [5])).toThrow(/outside 0..4/);
  });

  it('cuts batches with a remainder, seeded or in order', () => {
    expect(batchIndices(5, 2).map((b) => Array.from(b))).toEqual([[0, 1], [2, 3], [4]]);
    expect(batchIndices(5, 2, { keepRemainder: false })).toHaveLength(2);
    const seeded = batchIndices(5, 5, { seed: 3 })[0];
    expect(Array.from(seeded)).toEqual(Array.from(batchIndices(5, 5, { seed: 3 })[0]));
    expect(() => batchIndices(5, 0)).toThrow(/batch size/);
  });

  it('makes image and one-hot tensors, and disposes them as it goes', () => {
    const batch = makeBatch(data, [2, 0]);
    expect(batch.xs.shape).toEqual([2, 28, 28, 1]);
    expect(batch.ys.arraySync()[0]).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    tf.dispose([batch.xs, batch.ys]);
    const before = tf.memory().numTensors;
    let n = 0;
    for (const b of batches(data, 2, { seed: 1 })) n += b.xs.shape[0];
    expect(n).toBe(5);
    expect(tf.memory().numTensors).toBe(before);
  });
});
