import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
// tfjs-layers registers every op's gradient (tfjs-core alone registers none).
import '@tensorflow/tfjs-layers';
import { type Dataset, batchIndices, checkDataset, makeBatch } from '../data/dataset.js';
import { createRng } from '../data/random.js';
import { evaluate } from './evaluate.js';
import { type ForwardFn, defaultForward } from './forward.js';
import { type OptimizerName, createOptimizer } from './optimizer.js';
import { type EpochLogs, type ProgressSink, consoleProgress } from './progress.js';

/** A training loss: a scalar from one-hot labels [n, 10], logits [n, 10] and the batch's inputs. */
export type LossFn = (labels: tf.Tensor2D, logits: tf.Tensor2D, inputs: tf.Tensor4D) => tf.Scalar;

/** Softmax cross-entropy averaged over the batch: the default training loss. */
export const softmaxCrossEntropy: LossFn = (labels, logits) => tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;

/**
 * Hooks into the training loop. Later stages use them: pruning re-applies masks in
 * `onBatchEnd`, QAT swaps `forward`, distillation passes a teacher-aware `loss`.
 */
export interface TrainHooks {
  /** After each optimizer step; `step` counts batches from 0 across epochs. */
  onBatchEnd?(step: number, loss: number): void | Promise<void>;
  /** After each epoch (and its validation, when asked for). */
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  /** Replaces softmax cross-entropy. Called inside the gradient tape. */
  loss?: LossFn;
  /** Replaces the model's forward pass (e.g. with fake-quantised weights). */
  forward?: ForwardFn;
}

/** Options for {@link train}; the defaults are the seed recipe (SGD 0.01, momentum 0.5, batch 64, 10 epochs, seed 0). */
export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  /** A name, or your own tfjs optimizer (which the trainer then does not dispose). */
  optimizer?: OptimizerName | tf.Optimizer;
  /** For a named optimizer: default 0.01 (SGD) or 0.001 (Adam). */
  learningRate?: number;
  /** For SGD: default 0.5. */
  momentum?: number;
  /** Seeds each epoch's shuffle (default 0). */
  seed?: number;
  /** Stop each epoch after this many batches (quick runs, timing). */
  maxBatches?: number;
  /** Evaluated after each epoch; its accuracy and loss go into the epoch logs. */
  validation?: Dataset;
  hooks?: TrainHooks;
  /** Progress output: console (stderr) by default; pass `silentProgress` to silence. */
  progress?: ProgressSink;
}

/** What {@link train} returns. */
export interface TrainHistory {
  /** One entry per epoch. */
  epochs: EpochLogs[];
  /** Mean training loss per epoch (same as epochs[i].loss). */
  loss: number[];
  /** Optimizer steps taken. */
  steps: number;
  seconds: number;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** The model's trainable variables, for the optimizer. */
function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * Trains a logits model on `data` with a custom loop (not model.fit), so callers can
 * hook every step. Each epoch visits the samples in a seeded random order. Disposes
 * every tensor it makes (and the optimizer it built), so tf.memory() stays flat.
 */
export async function train(model: tfl.LayersModel, data: Dataset, options: TrainOptions = {}): Promise<TrainHistory> {
  checkDataset(data);
  const epochs = positiveInt('epochs', options.epochs ?? 10);
  const batchSize = positiveInt('batch size', options.batchSize ?? 64);
  const maxBatches = options.maxBatches === undefined ? Infinity : positiveInt('maxBatches', options.maxBatches);
  const hooks = options.hooks ?? {};
  const lossFn = hooks.loss ?? softmaxCrossEntropy;
  const forward = hooks.forward ?? defaultForward;
  const progress = options.progress ?? consoleProgress();
  const ownOptimizer = typeof options.optimizer !== 'object';
  const optimizer =
    typeof options.optimizer === 'object'
      ? options.optimizer
      : createOptimizer(options.optimizer ?? 'sgd', { learningRate: options.learningRate, momentum: options.momentum });
  const variables = trainableVariables(model);
  const rng = createRng(options.seed ?? 0);
  const history: TrainHistory = { epochs: [], loss: [], steps: 0, seconds: 0 };
  const started = performance.now();
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = batchIndices(data.count, batchSize, { seed: rng.int(2 ** 31) }).slice(0, maxBatches);
      const epochStart = performance.now();
      let samples = 0;
      let lossSum = 0;
      for (let b = 0; b < order.length; b++) {
        const batch = makeBatch(data, order[b]);
        let cost: tf.Scalar;
        try {
          cost = tf.tidy(() => {
            const c = optimizer.minimize(() => lossFn(batch.ys, forward(model, batch.xs, true), batch.xs), true, variables);
            if (!c) throw new Error('optimizer returned no loss');
            return c;
          });
        } finally {
          tf.dispose([batch.xs, batch.ys]);
        }
        const loss = (await cost.data())[0];
        cost.dispose();
        if (!Number.isFinite(loss)) throw new Error(`training diverged: loss is ${loss} at epoch ${epoch + 1}, batch ${b + 1}; lower the learning rate`);
        const n = order[b].length;
        samples += n;
        lossSum += loss * n;
        await hooks.onBatchEnd?.(history.steps, loss);
        history.steps++;
        const elapsed = (performance.now() - epochStart) / 1000;
        const rate = samples / Math.max(elapsed, 1e-9);
        progress.batch?.({ epoch, epochs, batch: b + 1, batches: order.length, loss: lossSum / samples, samplesPerSec: rate, etaSec: (order.length - b - 1) * (elapsed / (b + 1)) });
      }
      const seconds = (performance.now() - epochStart) / 1000;
      const logs: EpochLogs = { epoch, loss: lossSum / Math.max(samples, 1), samples, batches: order.length, seconds, samplesPerSec: samples / Math.max(seconds, 1e-9) };
      if (options.validation) {
        const val = await evaluate(model, options.validation, { forward });
        logs.valAccuracy = val.accuracy;
        logs.valLoss = val.loss;
      }
      history.epochs.push(logs);
      history.loss.push(logs.loss);
      progress.epoch?.(logs, epochs);
      await hooks.onEpochEnd?.(epoch, logs);
    }
  } finally {
    if (ownOptimizer) optimizer.dispose();
  }
  history.seconds = (performance.now() - started) / 1000;
  return history;
}
