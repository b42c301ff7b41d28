import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, selectSamples } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import { createModel } from '../models/zoo.js';
import { evaluate } from './evaluate.js';
import { createOptimizer } from './optimizer.js';
import { type EpochLogs, consoleProgress, silentProgress } from './progress.js';
import { train } from './train.js';

// Pure-JS tfjs is slow on convolutions: these tests train the MLP on a small subset.
let small: Dataset;
let test: Dataset;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const mnist = await loadMnist();
  // Every 16th sample: 500 training digits of all classes.
  small = selectSamples(mnist.train, Array.from({ length: 500 }, (_, i) => i * 16));
  test = selectSamples(mnist.test, Array.from({ length: 400 }, (_, i) => i * 5));
});

describe('train', () => {
  it('lowers the loss and raises accuracy, with Adam and with SGD + momentum', async () => {
    for (const optimizer of ['adam', 'sgd'] as const) {
      const model = createModel('lenet300', { seed: 0 });
      const before = await evaluate(model, test);
      const history = await train(model, small, { optimizer, learningRate: optimizer === 'sgd' ? 0.05 : 0.001, epochs: 3, batchSize: 50, progress: silentProgress });
      const after = await evaluate(model, test);
      expect(history.loss).toHaveLength(3);
      expect(history.loss[2]).toBeLessThan(history.loss[0]);
      expect(after.loss).toBeLessThan(before.loss);
      expect(after.accuracy).toBeGreaterThan(0.7);
      model.dispose();
    }
  });

  it('leaks no tensors and is reproducible from its seed', async () => {
    const run = async (seed: number) => {
      const model = createModel('lenet300', { seed: 1 });
      const start = tf.memory().numTensors;
      const history = await train(model, small, { optimizer: 'adam', epochs: 2, batchSize: 64, maxBatches: 3, seed, progress: silentProgress, validation: test });
      await evaluate(model, test, { batchSize: 100 });
      expect(tf.memory().numTensors).toBe(start);
      model.dispose();
      return history.loss;
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
  });

  it('calls the hooks and uses a custom loss and a caller-owned optimizer', async () => {
    const model = createModel('lenet300', { seed: 2 });
    const steps: number[] = [];
    const epochs: EpochLogs[] = [];
    let lossCalls = 0;
    const optimizer = createOptimizer('sgd', { learningRate: 0.01, momentum: 0.9 });
    const history = await train(model, small, {
      optimizer,
      epochs: 2,
      batchSize: 100,
      maxBatches: 2,
      validation: test,
      progress: silentProgress,
      hooks: {
        onBatchEnd: (step, loss) => {
          steps.push(step);
          expect(loss).toBeGreaterThan(0);
        },
        onEpochEnd: (_, logs) => void epochs.push(logs),
        loss: (labels, logits, inputs) => {
          lossCalls++;
          expect(inputs.shape).toEqual([100, 28, 28, 1]);
          return tf.losses.meanSquaredError(labels, tf.softmax(logits)) as tf.Scalar;
        },
      },
    });
    expect(steps).toEqual([0, 1, 2, 3]);
    expect(lossCalls).toBe(4);
    expect(history.steps).toBe(4);
    expect(epochs.map((e) => e.samples)).toEqual([200, 200]);
    expect(epochs[1].valAccuracy).toBeGreaterThanOrEqual(0);
    // The caller's optimizer survives training.
    expect(optimizer.iterations).toBe(4);
    optimizer.dispose();
    model.dispose();
  });

  it('rejects bad settings with clear errors', async () => {
    const model = createModel('lenet300');
    await expect(train(model, small, { epochs: 0 })).rejects.toThrow(/epochs must be a positive integer/);
    await expect(train(model, small, { batchSize: 1.5 })).rejects.toThrow(/batch size/);
    await expect(train(model, small, { learningRate: -1 })).rejects.toThrow(/learning rate/);
    await expect(train(model, small, { momentum: 1 })).rejects.toThrow(/momentum/);
    await expect(train(model, { ...small, count: 3 })).rejects.toThrow(/dataset images hold/);
    model.dispose();
  });
});

describe('progress', () => {
  const logs: EpochLogs = { epoch: 0, loss: 0.5, samples: 10, batches: 2, seconds: 1, samplesPerSec: 10 };
  const batch = { epoch: 0, epochs: 2, batch: 2, batches: 2, loss: 0.5, samplesPerSec: 10, etaSec: 0 };

  it('prints one line per epoch off a terminal', () => {
    let out = '';
    const sink = consoleProgress({ write: (t: string) => (out += t) });
    sink.batch?.(batch);
    sink.epoch?.(logs, 2);
    expect(out).toBe('epoch 1/2  loss 0.5000  10 samples/s  1.0s\n');
  });

  it('draws a bar with batches, loss, samples/s and ETA on a terminal', () => {
    let out = '';
    const sink = consoleProgress({ write: (t: string) => (out += t), isTTY: true, columns: 100 });
    sink.batch?.(batch);
    expect(out).toMatch(/epoch 1\/2 \[=+\] 2\/2 {2}loss 0\.5000 {2}10 samples\/s {2}ETA 0s/);
  });
});
