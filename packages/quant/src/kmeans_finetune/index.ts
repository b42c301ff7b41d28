/**
 * K-means centroid fine-tuning (Deep Compression, Han et al. 2016): cluster each
 * chosen kernel into `2^bits` shared values with {@link kmeansQuantize} (linear
 * initialisation, Lloyd), set the kernel to its centroids, then train with
 * {@link CentroidSgd}: each step sums the loss gradient over every cluster's members
 * and moves the centroid by −lr · that sum, so the kernel stays `codebook[index]`
 * (the assignments are fixed); biases and other weights train by plain SGD.
 * Training is core's `train` (seeded shuffles, progress bar, no leaked tensors).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkDataset, train, type Dataset, type ProgressSink, type TrainHistory } from '@lite/core';
import { kmeansQuantize } from '../schemes/kmeans.js';
import { CentroidSgd, type SharedKernel } from './centroid_sgd.js';

export { CentroidSgd, clusterGradientSums, type SharedKernel } from './centroid_sgd.js';

/** Options of {@link finetuneCentroids}. */
export interface FinetuneCentroidsOptions {
  /** Bits per index, 2–8 (2^bits centroids per kernel). */
  bits: number;
  /** Names of the layers whose kernels to share (default: every Dense and Conv layer's). */
  layers?: string[];
  /** Default 1. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** SGD step of centroids (on the summed gradient) and biases; default 0.001. */
  learningRate?: number;
  /** Seeds each epoch's shuffle (default 0). */
  seed?: number;
  /** Stop each epoch after this many batches (quick runs). */
  maxBatches?: number;
  /** Most Lloyd iterations of the clustering (default 100). */
  iterations?: number;
  /** Training progress: a progress bar on stderr by default; core's `silentProgress` silences it. */
  progress?: ProgressSink;
}

/** One shared kernel after fine-tuning: its values are `codebook[indices[i]]`, row-major. */
export interface CentroidCodebook {
  /** Sorted distinct float32 centroids (at most 2^bits). */
  codebook: Float32Array;
  indices: Uint8Array | Uint16Array;
}

/** What {@link finetuneCentroids} returns. */
export interface FinetuneCentroidsResult {
  /** By weight name (e.g. `"conv1/kernel"`). */
  codebooks: Map<string, CentroidCodebook>;
  history: TrainHistory;
}

/** Default centroid learning rate: the summed gradient of a cluster is large. */
export const DEFAULT_CENTROID_LEARNING_RATE = 0.001;

const KERNEL_LAYER = /^(Dense|Conv[123]D|Conv2DTranspose|DepthwiseConv2D|SeparableConv2D)$/;
const OPTION_NAMES = ['bits', 'layers', 'epochs', 'batchSize', 'learningRate', 'seed', 'maxBatches', 'iterations', 'progress'];

/** Every layer, nested models' layers included. */
function allLayers(layers: readonly tfl.layers.Layer[]): tfl.layers.Layer[] {
  return layers.flatMap((l) => ('layers' in l && Array.isArray(l.layers) ? allLayers(l.layers as tfl.layers.Layer[]) : [l]));
}

/** The kernels (weights named `…kernel`) of the chosen layers. */
function chosenKernels(model: tfl.LayersModel, names: string[] | undefined): tfl.LayerVariable[] {
  const layers = allLayers(model.layers);
  const kernels = (l: tfl.layers.Layer) => l.trainableWeights.filter((w) => /kernel$/.test(w.originalName));
  const candidates = layers.filter((l) => KERNEL_LAYER.test(l.getClassName()) && kernels(l).length > 0);
  if (names === undefined) {
    if (candidates.length === 0) throw new TypeError('finetuneCentroids: the model has no trainable Dense or Conv kernel to share');
    return candidates.flatMap(kernels);
  }
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
    throw new TypeError(`finetuneCentroids option layers must be a non-empty array of layer names, not ${JSON.stringify(names)}`);
  }
  return [...new Set(names)].flatMap((name) => {
    const layer = layers.find((l) => l.name === name);
    if (!layer || !candidates.includes(layer)) {
      const why = layer ? `layer '${name}' (${layer.getClassName()}) has no trainable kernel` : `the model has no layer '${name}'`;
      throw new RangeError(`finetuneCentroids: ${why}; layers with kernels: ${candidates.map((l) => l.name).join(', ')}`);
    }
    return kernels(layer);
  });
}

function checkOptions(options: FinetuneCentroidsOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('finetuneCentroids needs options, at least { bits }');
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) throw new TypeError(`finetuneCentroids: unknown option '${key}'; the options are: ${OPTION_NAMES.join(', ')}`);
  }
  const { bits, learningRate } = options;
  if (!Number.isInteger(bits) || bits < 2 || bits > 8) throw new RangeError(`finetuneCentroids option bits must be an integer 2..8, not ${JSON.stringify(bits)}`);
  if (learningRate !== undefined && !(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(`finetuneCentroids option learningRate must be a positive number, not ${JSON.stringify(learningRate)}`);
  }
  for (const key of ['epochs', 'batchSize', 'maxBatches', 'iterations'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= (key === 'iterations' ? 0 : 1))) {
      throw new RangeError(`finetuneCentroids option ${key} must be a ${key === 'iterations' ? 'non-negative' : 'positive'} integer, not ${JSON.stringify(v)}`);
    }
  }
}

/** The codebook's distinct values, sorted, and the indices remapped to them (centroids may cross or meet while training). */
function canonical(codebook: Float32Array, indices: Uint8Array): CentroidCodebook {
  const values = [...new Set(codebook)].sort((a, b) => a - b);
  const slot = new Map(values.map((v, i) => [v, i]));
  const remap = Uint8Array.from(codebook, (v) => slot.get(v)!);
  return { codebook: Float32Array.from(values), indices: indices.map((i) => remap[i]) };
}

/**
 * Shares the chosen kernels' values among `2^bits` centroids each and fine-tunes the
 * centroids (and the other trainable weights) on `data`; the model is changed in place
 * and ends with every shared kernel equal to `codebook[indices]`. Throws a RangeError
 * or TypeError for a bad option or layer name, naming what is allowed.
 */
export async function finetuneCentroids(model: tfl.LayersModel, data: Dataset, options: FinetuneCentroidsOptions): Promise<FinetuneCentroidsResult> {
  checkOptions(options);
  checkDataset(data);
  const kernels = chosenKernels(model, options.layers);
  const variableOf = (w: tfl.LayerVariable) => w.read() as tf.Variable;
  const variables = new Map(model.trainableWeights.map((w) => [variableOf(w).name, variableOf(w)]));
  const shared = new Map<string, SharedKernel>();
  const assignments = new Map<string, Uint8Array>();
  const optimizer = new CentroidSgd(options.learningRate ?? DEFAULT_CENTROID_LEARNING_RATE, variables, shared);
  try {
    for (const kernel of kernels) {
      const variable = variableOf(kernel);
      const { codebook, indices } = kmeansQuantize(variable.dataSync() as Float32Array, variable.shape, {
        bits: options.bits,
        iterations: options.iterations,
        name: kernel.originalName,
      });
      const entry: SharedKernel = { codebook: tf.tidy(() => tf.variable(tf.tensor1d(codebook), false)), indices: tf.tensor1d(Int32Array.from(indices), 'int32') };
      shared.set(variable.name, entry);
      assignments.set(kernel.originalName, indices);
      tf.tidy(() => variable.assign(tf.reshape(tf.gather(entry.codebook, entry.indices), variable.shape)));
    }
    const history = await train(model, data, {
      optimizer,
      epochs: options.epochs ?? 1,
      batchSize: options.batchSize ?? 64,
      seed: options.seed ?? 0,
      maxBatches: options.maxBatches,
      progress: options.progress,
    });
    const codebooks = new Map<string, CentroidCodebook>();
    for (const kernel of kernels) {
      const entry = shared.get(variableOf(kernel).name)!;
      codebooks.set(kernel.originalName, canonical(entry.codebook.dataSync() as Float32Array, assignments.get(kernel.originalName)!));
    }
    return { codebooks, history };
  } finally {
    optimizer.dispose();
    for (const entry of shared.values()) tf.dispose([entry.codebook, entry.indices]);
  }
}
