import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  evaluate,
  loadMnist,
  makeBatch,
  seedStudent,
  selectSamples,
  silentProgress,
  softmaxCrossEntropy,
  train,
  useBestBackend,
  type Dataset,
} from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kmeansDequantize, kmeansQuantize } from '../schemes/kmeans.js';
import { CentroidSgd, clusterGradientSums, finetuneCentroids, type FinetuneCentroidsOptions } from './index.js';

let data: Dataset;
let pretrained: tf.Tensor[];

/** A seedStudent with the pretrained weights. */
function student(): tfl.LayersModel {
  const model = seedStudent({ seed: 0 });
  model.setWeights(pretrained);
  return model;
}

const KERNELS = ['conv1/kernel', 'conv2/kernel', 'fc1/kernel', 'fc2/kernel'];
/** A weight's variable, by its name (e.g. `fc1/kernel`). */
const weightOf = (model: tfl.LayersModel, name: string) => model.weights.find((w) => w.originalName === name)!.read() as tf.Variable;

beforeAll(async () => {
  await useBestBackend(() => {});
  const mnist = await loadMnist();
  data = selectSamples(mnist.train, Array.from({ length: 256 }, (_, i) => i * 29));
  const model = seedStudent({ seed: 0 });
  await train(model, data, { epochs: 8, batchSize: 32, learningRate: 0.1, progress: silentProgress });
  pretrained = model.getWeights().map((w) => w.clone());
  model.dispose();
});

describe('finetuneCentroids', () => {
  it('recovers loss lost to 2-bit clustering, and every kernel stays its codebook', async () => {
    const model = student();
    const before = await evaluate(model, data);
    // The clustered starting point, by hand: each kernel replaced by its 2-bit k-means values.
    for (const name of KERNELS) {
      const v = weightOf(model, name);
      const { codebook, indices } = kmeansQuantize(v.dataSync() as Float32Array, v.shape, { bits: 2 });
      v.assign(tf.tensor(kmeansDequantize(codebook, indices), v.shape));
    }
    const clustered = await evaluate(model, data);
    model.setWeights(pretrained);
    const biasBefore = weightOf(model, 'fc1/bias').dataSync().slice();

    const { codebooks, history } = await finetuneCentroids(model, data, { bits: 2, epochs: 2, batchSize: 32, progress: silentProgress });
    const after = await evaluate(model, data);
    console.log(`loss: fp32 ${before.loss.toFixed(4)}, 2-bit clustered ${clustered.loss.toFixed(4)}, fine-tuned ${after.loss.toFixed(4)} (epochs ${history.loss.map((l) => l.toFixed(4)).join(', ')})`);
    expect(clustered.loss).toBeGreaterThan(before.loss);
    expect(after.loss).toBeLessThan(clustered.loss * 0.9);
    expect(history.loss[1]).toBeLessThan(history.loss[0]);

    expect([...codebooks.keys()]).toEqual(KERNELS);
    for (const name of KERNELS) {
      const { codebook, indices } = codebooks.get(name)!;
      const values = weightOf(model, name).dataSync() as Float32Array;
      expect(codebook.length).toBeLessThanOrEqual(4);
      expect(new Set(values).size).toBe(codebook.length);
      expect(values).toEqual(kmeansDequantize(codebook, indices));
      for (let j = 1; j < codebook.length; j++) expect(codebook[j]).toBeGreaterThan(codebook[j - 1]);
    }
    // Biases train normally.
    const biasAfter = weightOf(model, 'fc1/bias').dataSync();
    expect(biasAfter).not.toEqual(biasBefore);
    model.dispose();
  });

  it('shares only the named layers, and leaks no tensors (flat across steps)', async () => {
    const model = student();
    const start = tf.memory().numTensors;
    const perStep: number[] = [];
    const { codebooks } = await finetuneCentroids(model, data, {
      bits: 3,
      layers: ['fc1'],
      batchSize: 32,
      progress: { batch: () => perStep.push(tf.memory().numTensors) },
    });
    expect(tf.memory().numTensors).toBe(start);
    expect(perStep).toHaveLength(8);
    expect(new Set(perStep).size).toBe(1);
    expect([...codebooks.keys()]).toEqual(['fc1/kernel']);
    expect(new Set(weightOf(model, 'fc1/kernel').dataSync()).size).toBeLessThanOrEqual(8);
    expect(new Set(weightOf(model, 'fc2/kernel').dataSync()).size).toBeGreaterThan(8);
    model.dispose();
  });

  it('moves each centroid by −lr × its cluster’s summed gradient (checked against a brute-force sum)', () => {
    const model = student();
    const variables = new Map(model.trainableWeights.map((w) => [(w.read() as tf.Variable).name, w.read() as tf.Variable]));
    const kernel = weightOf(model, 'fc1/kernel');
    const { codebook, indices } = kmeansQuantize(kernel.dataSync() as Float32Array, kernel.shape, { bits: 4 });
    const entry = { codebook: tf.tidy(() => tf.variable(tf.tensor1d(codebook), false)), indices: tf.tensor1d(Int32Array.from(indices), 'int32') };
    kernel.assign(tf.tidy(() => tf.reshape(tf.gather(entry.codebook, entry.indices), kernel.shape)));
    const batch = makeBatch(data, Array.from({ length: 64 }, (_, i) => i));
    const { grads, value } = tf.variableGrads(() => softmaxCrossEntropy(batch.ys, model.apply(batch.xs, { training: true }) as tf.Tensor2D, batch.xs), [...variables.values()]);
    const grad = grads[kernel.name].dataSync();

    const brute = new Float64Array(codebook.length);
    for (let i = 0; i < indices.length; i++) brute[indices[i]] += grad[i];
    const sums = clusterGradientSums(grads[kernel.name], entry.indices, codebook.length);
    const got = sums.dataSync();
    const scale = Math.max(...brute.map(Math.abs));
    for (let c = 0; c < codebook.length; c++) expect(Math.abs(got[c] - brute[c])).toBeLessThan(1e-5 * scale);

    const lr = 0.01;
    const biasName = weightOf(model, 'fc1/bias').name;
    const bias = variables.get(biasName)!.dataSync().slice();
    const optimizer = new CentroidSgd(lr, variables, new Map([[kernel.name, entry]]));
    optimizer.applyGradients(grads);
    const moved = entry.codebook.dataSync();
    for (let c = 0; c < codebook.length; c++) expect(moved[c]).toBeCloseTo(codebook[c] - lr * brute[c], 6);
    expect(kernel.dataSync()).toEqual(kmeansDequantize(moved as Float32Array, indices));
    const biasGrad = grads[biasName].dataSync();
    variables.get(biasName)!.dataSync().forEach((b, i) => expect(b).toBeCloseTo(bias[i] - lr * biasGrad[i], 6));
    tf.dispose([batch.xs, batch.ys, value, sums, entry.codebook, entry.indices, ...Object.values(grads)]);
    optimizer.dispose();
    model.dispose();
  });

  it('rejects bad options, saying what is allowed', async () => {
    const model = student();
    const bad: [FinetuneCentroidsOptions, RegExp][] = [
      [{ bits: 1 }, /bits must be an integer 2..8, not 1/],
      [{ bits: 9 }, /bits must be an integer 2..8/],
      [{ bits: 2.5 }, /bits must be an integer 2..8/],
      [{} as FinetuneCentroidsOptions, /bits must be an integer 2..8, not undefined/],
      [{ bits: 4, layers: ['nope'] }, /the model has no layer 'nope'; layers with kernels: conv1, conv2, fc1, fc2/],
      [{ bits: 4, layers: ['pool1'] }, /layer 'pool1' \(MaxPooling2D\) has no trainable kernel/],
      [{ bits: 4, layers: [] }, /non-empty array of layer names/],
      [{ bits: 4, learningRate: -1 }, /learningRate must be a positive number/],
      [{ bits: 4, epochs: 0 }, /epochs must be a positive integer/],
      [{ bits: 4, lr: 0.1 } as FinetuneCentroidsOptions, /unknown option 'lr'/],
    ];
    const weights = model.getWeights().map((w) => w.dataSync().slice());
    for (const [options, message] of bad) await expect(finetuneCentroids(model, data, options), JSON.stringify(options)).rejects.toThrow(message);
    await expect(finetuneCentroids(model, { ...data, count: 300 }, { bits: 4 })).rejects.toThrow(/dataset images hold/);
    // Nothing was changed by a rejected call.
    model.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(weights[i]));
    model.dispose();
  });
});
