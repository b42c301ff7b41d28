import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Computes logits [n, 10] for images [n, 28, 28, 1]; `training` is true inside the training step. */
export type ForwardFn = (model: tfl.LayersModel, inputs: tf.Tensor4D, training: boolean) => tf.Tensor2D;

/** The model's own forward pass (model.apply), returning its output as logits. */
export const defaultForward: ForwardFn = (model, inputs, training) => {
  const out = model.apply(inputs, { training });
  if (Array.isArray(out) || !(out instanceof tf.Tensor)) throw new TypeError('train/evaluate need a model with one tensor output (logits)');
  return out as tf.Tensor2D;
};
