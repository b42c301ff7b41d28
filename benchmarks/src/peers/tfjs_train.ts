// Child process: seedCnn training epochs with @lite/core's train() on one tfjs
// backend ('lite' or 'cpu'), so that LITE_NUM_THREADS (read once when the addon
// loads) is the parent's choice and the two backends never share a process.
import * as tf from '@tensorflow/tfjs-core';
import { createModel, loadMnist, silentProgress, train } from '@lite/core';
import native from '@lite/native';
import { readRequest } from './child.js';
import type { EpochReply } from './pytorch.js';

export interface TfjsTrainRequest {
  backend: 'lite' | 'cpu';
  epochs: number;
  /** Batches per timed epoch; all of them when absent. */
  maxBatches?: number;
  warmupBatches: number;
  batchSize: number;
  lr: number;
  momentum: number;
}

export interface TfjsTrainReply extends EpochReply {
  /** Samples each timed epoch visited, and how many a full epoch has. */
  timedSamples: number;
  fullSamples: number;
}

const req = readRequest<TfjsTrainRequest>();
tf.env().set('PROD', true); // no "install tfjs-node" banner
if (!(await tf.setBackend(req.backend))) throw new Error(`tfjs backend ${req.backend} failed to initialise`);
const { train: data } = await loadMnist();
const model = createModel('seedCnn', { seed: 0 });
const recipe = { batchSize: req.batchSize, optimizer: 'sgd', learningRate: req.lr, momentum: req.momentum, progress: silentProgress } as const;

// warm-up: kernel JIT, first allocations, the native thread pool waking up
await train(model, data, { ...recipe, epochs: 1, maxBatches: req.warmupBatches, seed: 1 });
const history = await train(model, data, { ...recipe, epochs: req.epochs, seed: 0, ...(req.maxBatches ? { maxBatches: req.maxBatches } : {}) });

const reply: TfjsTrainReply = {
  info: {
    backend: tf.getBackend(),
    ...(req.backend === 'lite' ? { isa: native.isa(), threads: native.numThreads() } : { threads: 1 }),
    lastEpochLoss: history.loss.at(-1) ?? NaN,
  },
  epochSecs: history.epochs.map((e) => e.seconds),
  timedSamples: history.epochs[0]?.samples ?? 0,
  fullSamples: data.count,
};
process.stdout.write(JSON.stringify(reply));
model.dispose();
