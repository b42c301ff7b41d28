import * as tf from '@tensorflow/tfjs-core';
import { createRng, permutation } from './random.js';

/** Side of an MNIST image in pixels. */
export const IMAGE_SIDE = 28;
/** Pixels per MNIST image (28·28). */
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
/** Number of MNIST classes. */
export const NUM_CLASSES = 10;

/**
 * A set of normalised 28×28 grey images and their labels, held in flat typed arrays.
 * `images` is laid out as [count, 28, 28, 1] (NHWC), `labels` holds digits 0–9.
 */
export interface Dataset {
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** A train/test pair of datasets. */
export interface DataSplit {
  readonly train: Dataset;
  readonly test: Dataset;
}

/** One batch as tensors: images [n, 28, 28, 1] and one-hot labels [n, 10] (float32). */
export interface Batch {
  readonly xs: tf.Tensor4D;
  readonly ys: tf.Tensor2D;
  /** The labels of the batch as plain digits, for accuracy without a download. */
  readonly labels: Uint8Array;
}

/** Checks that a dataset's arrays agree with its count; throws a RangeError if not. */
export function checkDataset(data: Dataset): void {
  if (!Number.isInteger(data.count) || data.count < 0) throw new RangeError(`dataset count must be a non-negative integer, got ${data.count}`);
  if (data.images.length !== data.count * IMAGE_PIXELS) {
    throw new RangeError(`dataset images hold ${data.images.length} values, expected ${data.count}·784 = ${data.count * IMAGE_PIXELS}`);
  }
  if (data.labels.length !== data.count) throw new RangeError(`dataset has ${data.labels.length} labels for ${data.count} images`);
}

/** The samples at `indices` (in that order) as a new dataset (copies). */
export function selectSamples(data: Dataset, indices: ArrayLike<number>): Dataset {
  const count = indices.length;
  const images = new Float32Array(count * IMAGE_PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const src = indices[i];
    if (!(src >= 0 && src < data.count)) throw new RangeError(`sample index ${src} is outside 0..${data.count - 1}`);
    images.set(data.images.subarray(src * IMAGE_PIXELS, (src + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
    labels[i] = data.labels[src];
  }
  return { images, labels, count };
}

/** The first `count` samples (no copy: views into `data`); all of them if `count` ≥ data.count. */
export function takeSamples(data: Dataset, count: number): Dataset {
  const n = Math.max(0, Math.min(Math.floor(count), data.count));
  return { images: data.images.subarray(0, n * IMAGE_PIXELS), labels: data.labels.subarray(0, n), count: n };
}

/** A copy of `data` in a seeded random order. */
export function shuffleDataset(data: Dataset, seed: number): Dataset {
  return selectSamples(data, permutation(data.count, createRng(seed)));
}

/** Counts samples per label: result[d] = number of samples with label d. */
export function labelCounts(data: Dataset): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < data.count; i++) counts[data.labels[i]]++;
  return counts;
}

/**
 * Builds the tensors of one batch from the samples at `indices`.
 * The caller owns (and must dispose) `xs` and `ys`.
 */
export function makeBatch(data: Dataset, indices: ArrayLike<number>): Batch {
  const picked = selectSamples(data, indices);
  const xs = tf.tensor4d(picked.images, [picked.count, IMAGE_SIDE, IMAGE_SIDE, 1]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(picked.labels, 'int32'), NUM_CLASSES, 1, 0, 'float32') as tf.Tensor2D);
  return { xs, ys, labels: picked.labels };
}

/** Options for {@link batches}. */
export interface BatchOptions {
  /** Shuffle the order with this seed; in file order when omitted. */
  seed?: number;
  /** Keep a last, smaller batch (default true). */
  keepRemainder?: boolean;
}

/**
 * Index lists of consecutive batches over `count` samples, in a seeded random order
 * when `seed` is given. Tensors are made per batch with {@link makeBatch}, so memory
 * stays at one batch.
 */
export function batchIndices(count: number, batchSize: number, options: BatchOptions = {}): Uint32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const order = options.seed === undefined ? Uint32Array.from({ length: count }, (_, i) => i) : permutation(count, createRng(options.seed));
  const out: Uint32Array[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    if (end - start < batchSize && options.keepRemainder === false) break;
    out.push(order.subarray(start, end));
  }
  return out;
}

/**
 * Iterates over `data` in batches of tensors. Each yielded batch is disposed when the
 * loop moves on, so do not keep its tensors (clone them if you must).
 */
export function* batches(data: Dataset, batchSize: number, options: BatchOptions = {}): Generator<Batch> {
  for (const indices of batchIndices(data.count, batchSize, options)) {
    const batch = makeBatch(data, indices);
    try {
      yield batch;
    } finally {
      batch.xs.dispose();
      batch.ys.dispose();
    }
  }
}
