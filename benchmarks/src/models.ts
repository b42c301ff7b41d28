// The models of the runtime latency benchmark, built the same way in every
// child process so that every engine runs identical weights on identical inputs.
import * as tfl from '@tensorflow/tfjs-layers';
import { createModel, createRng, randomizeWeights } from '@lite/core';

export const LATENCY_MODELS = ['seedCnn', 'mobileNetV2'] as const;
export type LatencyModelName = (typeof LATENCY_MODELS)[number];

export const MODEL_LABELS: Record<LatencyModelName, string> = {
  seedCnn: 'seedCnn',
  mobileNetV2: 'MobileNetV2-style',
};

type T = tfl.SymbolicTensor;
const apply = (layer: tfl.layers.Layer, x: T | T[]) => layer.apply(x) as T;
const bn = (name: string) => tfl.layers.batchNormalization({ name, epsilon: 1e-3, momentum: 0.999 });
const relu6 = (name: string) => tfl.layers.reLU({ name, maxValue: 6 });
/** Keras MobileNetV2 pads before a stride-2 'valid' 3×3 conv: one row and column at the bottom/right for even sizes. */
const pad = (name: string) => tfl.layers.zeroPadding2d({ name, padding: [[0, 1], [0, 1]] });

/** One inverted-residual block: expand 1×1 (t > 1), depthwise 3×3 (stride s), linear project 1×1, Add when shapes allow. */
function invertedResidual(x: T, name: string, expansion: number, out: number, stride: 1 | 2): T {
  const inC = x.shape[3]!;
  let y = x;
  if (expansion > 1) {
    y = apply(tfl.layers.conv2d({ name: `${name}_expand`, filters: inC * expansion, kernelSize: 1, useBias: false }), y);
    y = apply(bn(`${name}_expand_bn`), y);
    y = apply(relu6(`${name}_expand_relu`), y);
  }
  if (stride === 2) y = apply(pad(`${name}_pad`), y);
  y = apply(tfl.layers.depthwiseConv2d({ name: `${name}_dw`, kernelSize: 3, strides: stride, padding: stride === 2 ? 'valid' : 'same', useBias: false }), y);
  y = apply(bn(`${name}_dw_bn`), y);
  y = apply(relu6(`${name}_dw_relu`), y);
  y = apply(tfl.layers.conv2d({ name: `${name}_project`, filters: out, kernelSize: 1, useBias: false }), y);
  y = apply(bn(`${name}_project_bn`), y);
  return stride === 1 && inC === out ? apply(tfl.layers.add({ name: `${name}_add` }), [x, y]) : y;
}

/** Input side of the MobileNetV2-style model. */
export const MOBILENET_INPUT = [96, 96, 3] as const;

/**
 * A MobileNetV2-style network (α = 0.35 widths, 96×96×3 input, 7 of the 17
 * inverted-residual blocks): ZeroPadding2D + Conv2D 3×3 stride 2 + BN + ReLU6
 * stem, blocks with DepthwiseConv2D, linear 1×1 projections and residual Adds
 * (48² → 24² → 12² → 6²), a 1×1 conv to 1280 channels, GlobalAveragePooling2D
 * and a 1000-way softmax Dense — about 13 M multiply-accumulates per image.
 */
export function mobileNetV2Style(): tfl.LayersModel {
  const input = tfl.input({ shape: [...MOBILENET_INPUT], name: 'image' });
  let x = apply(pad('stem_pad'), input);
  x = apply(tfl.layers.conv2d({ name: 'stem_conv', filters: 16, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }), x);
  x = apply(bn('stem_bn'), x);
  x = apply(relu6('stem_relu'), x);
  x = invertedResidual(x, 'b0', 1, 8, 1);
  x = invertedResidual(x, 'b1', 6, 16, 2);
  x = invertedResidual(x, 'b2', 6, 16, 1);
  x = invertedResidual(x, 'b3', 6, 24, 2);
  x = invertedResidual(x, 'b4', 6, 24, 1);
  x = invertedResidual(x, 'b5', 6, 32, 2);
  x = invertedResidual(x, 'b6', 6, 32, 1);
  x = apply(tfl.layers.conv2d({ name: 'head_conv', filters: 1280, kernelSize: 1, useBias: false }), x);
  x = apply(bn('head_bn'), x);
  x = apply(relu6('head_relu'), x);
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'pool' }), x);
  x = apply(tfl.layers.dropout({ name: 'dropout', rate: 0.2 }), x);
  const out = apply(tfl.layers.dense({ name: 'logits', units: 1000, activation: 'softmax' }), x);
  const model = tfl.model({ inputs: input, outputs: out, name: 'mobilenetv2_style' });
  randomizeWeights(model, 11);
  return model;
}

/** The model and its per-sample input shape. */
export function buildModel(name: LatencyModelName): { model: tfl.LayersModel; inputShape: number[] } {
  if (name === 'seedCnn') return { model: createModel('seedCnn', { seed: 0 }), inputShape: [28, 28, 1] };
  return { model: mobileNetV2Style(), inputShape: [...MOBILENET_INPUT] };
}

/** The benchmark's input: `batch` samples, values in [0, 1); the first samples do not depend on `batch`. */
export function benchInput(inputShape: readonly number[], batch: number): Float32Array {
  const rng = createRng(12345);
  return Float32Array.from({ length: batch * inputShape.reduce((a, b) => a * b, 1) }, () => rng.next());
}
