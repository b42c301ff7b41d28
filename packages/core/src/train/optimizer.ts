import * as tf from '@tensorflow/tfjs-core';

/** Optimizers the trainer builds by name. */
export type OptimizerName = 'sgd' | 'adam';

/** The optimizer names, for argument checking. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam'];

/** Settings of a named optimizer. */
export interface OptimizerSettings {
  /** Default 0.01 for SGD, 0.001 for Adam. */
  learningRate?: number;
  /** SGD momentum (PyTorch semantics: v = m·v + g; w −= lr·v); default 0.5. Ignored by Adam. */
  momentum?: number;
}

/** Default learning rate of each optimizer (the seed recipe's for SGD). */
export function defaultLearningRate(name: OptimizerName): number {
  return name === 'adam' ? 0.001 : 0.01;
}

/** Builds a tfjs optimizer: SGD (with momentum when > 0) or Adam. */
export function createOptimizer(name: OptimizerName, settings: OptimizerSettings = {}): tf.Optimizer {
  const lr = settings.learningRate ?? defaultLearningRate(name);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`learning rate must be a positive number, got ${lr}`);
  if (name === 'adam') return tf.train.adam(lr);
  if (name !== 'sgd') throw new RangeError(`unknown optimizer '${String(name)}'; choose one of: ${OPTIMIZER_NAMES.join(', ')}`);
  const momentum = settings.momentum ?? 0.5;
  if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${momentum}`);
  return momentum > 0 ? tf.train.momentum(lr, momentum) : tf.train.sgd(lr);
}
