/**
 * Trains a binary/ternary network with latent float weights: core's `train` runs
 * Adam on the float variables while the hooked forward pass computes every
 * binary layer with XNOR-Net weights (α_c·sign(W)), ternary layers with TWN
 * weights, and binary inputs through sign (ste_sign or approx_sign gradients).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { train, type Dataset, type ForwardFn, type ProgressSink, type TrainHistory } from '@lite/core';
import type { BinaryLayerPlan } from './network.js';
import { ACTIVATION_QUANTIZERS, binaryWeight, ternaryWeight, type ActivationQuantizer } from './quantizers.js';

/** Options of {@link trainBinary}. */
export interface BinaryTrainOptions {
  epochs: number;
  /** Adam's initial rate (default 0.005), decayed linearly to a tenth over the run. */
  learningRate?: number;
  batchSize?: number;
  seed?: number;
  /** Gradient of the activations' sign (default 'steSign'). */
  activationQuantizer?: ActivationQuantizer;
  validation?: Dataset;
  progress?: ProgressSink;
}

/** The quantized kernel a layer computes with (latent weights in, binary/ternary values out). */
export function quantizedKernel(kernel: tf.Tensor, plan: BinaryLayerPlan | undefined): tf.Tensor {
  if (plan?.format === 'binary') return binaryWeight(kernel);
  if (plan?.format === 'ternary') return ternaryWeight(kernel);
  return kernel;
}

interface WeightedLayer extends tfl.layers.Layer {
  kernel: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
  strides: [number, number];
  padding: 'valid' | 'same';
  dilationRate: [number, number];
  activation: { apply(x: tf.Tensor): tf.Tensor };
}

/** The forward pass of a binary network for core's train/evaluate. */
export function binaryForward(plans: ReadonlyMap<string, BinaryLayerPlan>, quantizer: ActivationQuantizer = 'steSign'): ForwardFn {
  const sign = ACTIVATION_QUANTIZERS[quantizer];
  return (model, inputs, training) => {
    let x: tf.Tensor = inputs;
    for (const layer of model.layers) {
      const plan = plans.get(layer.name);
      const cls = layer.getClassName();
      if (cls === 'InputLayer') continue;
      if (plan && (cls === 'Conv2D' || cls === 'Dense')) {
        const l = layer as WeightedLayer;
        const xin = plan.binaryInput ? sign(x) : x;
        const k = quantizedKernel(l.kernel.read(), plan);
        let y = cls === 'Conv2D'
          ? tf.conv2d(xin as tf.Tensor4D, k as tf.Tensor4D, l.strides, l.padding, 'NHWC', l.dilationRate)
          : tf.matMul(xin as tf.Tensor2D, k as tf.Tensor2D);
        if (l.bias) y = tf.add(y, l.bias.read());
        x = l.activation.apply(y);
      } else {
        x = layer.apply(x, { training }) as tf.Tensor;
      }
    }
    return x as tf.Tensor2D;
  };
}

/** Trains `model` (built by buildNetwork) in place with Adam on its latent weights. */
export async function trainBinary(model: tfl.LayersModel, data: Dataset, plans: ReadonlyMap<string, BinaryLayerPlan>, o: BinaryTrainOptions): Promise<TrainHistory> {
  const lr = o.learningRate ?? 0.005;
  const optimizer = tf.train.adam(lr);
  const forward = binaryForward(plans, o.activationQuantizer);
  try {
    return await train(model, data, {
      epochs: o.epochs, batchSize: o.batchSize ?? 64, optimizer, seed: o.seed ?? 0, validation: o.validation, progress: o.progress,
      hooks: {
        forward,
        onEpochEnd: (epoch) => {
          // Linear decay to lr/10 by the last epoch.
          (optimizer as unknown as { learningRate: number }).learningRate = lr * (1 - (0.9 * (epoch + 1)) / Math.max(o.epochs, 1));
        },
      },
    });
  } finally {
    optimizer.dispose();
  }
}
