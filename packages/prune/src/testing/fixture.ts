// Test helper (not built): a small trained seedCnn on real MNIST, on the lite backend.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { LITE_BACKEND, loadMnist, registerLiteBackend, seedCnn, selectSamples, silentProgress, train, type Dataset } from '@lite/core';

export interface Fixture {
  model: tfl.LayersModel;
  /** 1,000 training digits (every 8th). */
  train: Dataset;
  /** 500 test digits (every 4th). */
  test: Dataset;
}

/** seedCnn trained 3 epochs with Adam on 1,000 digits (~90% on the test subset). */
export async function trainedSeedCnn(): Promise<Fixture> {
  registerLiteBackend();
  await tf.setBackend(LITE_BACKEND);
  const mnist = await loadMnist();
  const trainSet = selectSamples(mnist.train, Array.from({ length: 1000 }, (_, i) => i * 8));
  const testSet = selectSamples(mnist.test, Array.from({ length: 500 }, (_, i) => i * 4));
  const model = seedCnn({ seed: 0 });
  await train(model, trainSet, { epochs: 3, optimizer: 'adam', progress: silentProgress });
  return { model, train: trainSet, test: testSet };
}

/** Every kernel's values by layer name (copies). */
export function kernelsOf(model: tfl.LayersModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const layer of model.layers) {
    const k = layer.trainableWeights.find((w) => w.originalName.endsWith('/kernel'));
    if (k) out.set(layer.name, (k.read().dataSync() as Float32Array).slice());
  }
  return out;
}

export const zerosIn = (v: Float32Array) => v.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);
