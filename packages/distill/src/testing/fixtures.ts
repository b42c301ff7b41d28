import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { LITE_BACKEND, createModel, loadMnist, registerLiteBackend, selectSamples, silentProgress, train, type Dataset } from '@lite/core';

/** Small real-MNIST splits and a briefly trained seedCnn teacher, on the native `lite` backend. */
export interface Fixture {
  train: Dataset;
  test: Dataset;
  teacher: tfl.LayersModel;
}

let cached: Promise<Fixture> | undefined;

/** The shared fixture of a test file (built once): 1,000 training and 500 test digits, a seedCnn trained 4 epochs with Adam. */
export function fixture(): Promise<Fixture> {
  cached ??= (async () => {
    registerLiteBackend();
    await tf.setBackend(LITE_BACKEND);
    const mnist = await loadMnist();
    const trainSet = selectSamples(mnist.train, Array.from({ length: 1000 }, (_, i) => i * 7));
    const test = selectSamples(mnist.test, Array.from({ length: 500 }, (_, i) => i * 3));
    const teacher = createModel('seedCnn', { seed: 0 });
    await train(teacher, trainSet, { epochs: 4, optimizer: 'adam', learningRate: 0.003, progress: silentProgress });
    return { train: trainSet, test, teacher };
  })();
  return cached;
}

/** A batch of `n` training images [n, 28, 28, 1]. */
export function images(data: Dataset, n: number): tf.Tensor4D {
  return tf.tensor4d(data.images.subarray(0, n * 784), [n, 28, 28, 1]);
}
