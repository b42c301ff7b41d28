import * as tfl from '@tensorflow/tfjs-layers';
import { SeededInit } from './init.js';

/**
 * Every zoo model takes NHWC images [batch, 28, 28, 1] and returns raw logits
 * [batch, 10] (no softmax): the trainer and evaluator apply softmax cross-entropy,
 * and distillation needs logits anyway.
 */
export const MODEL_INPUT_SHAPE = [28, 28, 1] as const;

/** Options of a zoo builder. */
export interface ModelOptions {
  /** Seed of the weight initialisers (default 0); equal seeds give equal weights. */
  seed?: number;
}

function conv(init: SeededInit, name: string, filters: number, kernel: number, inChannels: number, input?: boolean): tfl.layers.Layer {
  return tfl.layers.conv2d({
    name,
    filters,
    kernelSize: kernel,
    padding: 'valid',
    activation: 'relu',
    ...(input ? { inputShape: [...MODEL_INPUT_SHAPE] } : {}),
    ...init.layer(kernel * kernel * inChannels),
  });
}

function dense(init: SeededInit, name: string, units: number, inFeatures: number, relu: boolean, input?: boolean): tfl.layers.Layer {
  return tfl.layers.dense({
    name,
    units,
    activation: relu ? 'relu' : 'linear',
    ...(input ? { inputShape: [inFeatures] } : {}),
    ...init.layer(inFeatures),
  });
}

const pool = (name: string) => tfl.layers.maxPooling2d({ name, poolSize: 2, strides: 2 });

/** A conv-pool-conv-pool-fc-fc network (valid padding, 2×2 max pools). */
function convNet(name: string, seed: number, c1: number, k1: number, c2: number, k2: number, fc: number): tfl.Sequential {
  const init = new SeededInit(seed);
  const side1 = (28 - k1 + 1) / 2;
  const side2 = Math.floor((side1 - k2 + 1) / 2);
  const flat = side2 * side2 * c2;
  return tfl.sequential({
    name,
    layers: [
      conv(init, 'conv1', c1, k1, 1, true),
      pool('pool1'),
      conv(init, 'conv2', c2, k2, c1),
      pool('pool2'),
      tfl.layers.flatten({ name: 'flatten' }),
      dense(init, 'fc1', fc, flat, true),
      dense(init, 'fc2', 10, fc, false),
    ],
  });
}

/** The reference CNN: conv 10@5×5, pool, conv 20@5×5, pool, fc 50, fc 10 (21,840 parameters). */
export function seedCnn(options: ModelOptions = {}): tfl.Sequential {
  return convNet('seedCnn', options.seed ?? 0, 10, 5, 20, 5, 50);
}

/** A small student: conv 5@3×3, pool, conv 10@3×3, pool, fc 25, fc 10 (28→26→13→11→5: 250 inputs to fc1). */
export function seedStudent(options: ModelOptions = {}): tfl.Sequential {
  return convNet('seedStudent', options.seed ?? 0, 5, 3, 10, 3, 25);
}

/** LeNet-5 (Caffe variant): conv 20@5×5, pool, conv 50@5×5, pool, fc 500, fc 10. */
export function lenet5(options: ModelOptions = {}): tfl.Sequential {
  return convNet('lenet5', options.seed ?? 0, 20, 5, 50, 5, 500);
}

/** LeNet-300-100: a 784-300-100-10 MLP over the flattened image. */
export function lenet300(options: ModelOptions = {}): tfl.Sequential {
  const init = new SeededInit(options.seed ?? 0);
  return tfl.sequential({
    name: 'lenet300',
    layers: [
      tfl.layers.flatten({ name: 'flatten', inputShape: [...MODEL_INPUT_SHAPE] }),
      dense(init, 'fc1', 300, 784, true),
      dense(init, 'fc2', 100, 300, true),
      dense(init, 'fc3', 10, 100, false),
    ],
  });
}

/** The builders of the zoo, by name. */
export const MODEL_ZOO = { seedCnn, seedStudent, lenet300, lenet5 } as const;

/** A zoo model name. */
export type ModelName = keyof typeof MODEL_ZOO;

/** The zoo's model names. */
export const MODEL_NAMES = Object.keys(MODEL_ZOO) as ModelName[];

/** Whether `name` names a zoo model. */
export function isModelName(name: string): name is ModelName {
  return Object.prototype.hasOwnProperty.call(MODEL_ZOO, name);
}

/**
 * Builds a zoo model with seeded initial weights. The model outputs logits.
 * Throws a RangeError naming the known models when `name` is not one.
 */
export function createModel(name: string, options: ModelOptions = {}): tfl.Sequential {
  if (!isModelName(name)) throw new RangeError(`unknown model '${name}'; choose one of: ${MODEL_NAMES.join(', ')}`);
  return MODEL_ZOO[name](options);
}
