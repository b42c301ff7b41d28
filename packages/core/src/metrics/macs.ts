import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Multiply-accumulates of one layer for one input sample. Conv (1D/2D/3D), depthwise,
 * separable, transposed conv and dense layers count; pooling, activations and reshapes
 * count 0. Weight shapes are read by position (kernel first, as tfjs stores them),
 * since tfjs may suffix weight names to keep them unique.
 */
export function layerMacs(layer: tfl.layers.Layer): number {
  const out = outputElements(layer);
  const kernel = layer.weights[0]?.shape as number[] | undefined;
  if (!kernel) return 0;
  switch (layer.getClassName()) {
    case 'Dense':
      // Each output value is a dot product over the kernel's input dimension.
      return out * kernel[0];
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
      // Each output value sums over the window and the input channels: the kernel
      // without its last (output-channel) dimension. Layout-independent.
      return out * product(kernel.slice(0, -1));
    case 'DepthwiseConv2D':
      // Each output value sums over its kh·kw window only.
      return out * kernel[0] * kernel[1];
    case 'SeparableConv2D': {
      // Depthwise [kh, kw, in, mult] then pointwise [1, 1, in·mult, out].
      const pointwise = layer.weights[1]?.shape as number[] | undefined;
      if (!pointwise) return 0;
      const positions = out / pointwise[3];
      return positions * kernel[2] * kernel[3] * kernel[0] * kernel[1] + out * pointwise[2];
    }
    case 'Conv2DTranspose':
      // Every input value is scattered through the kernel: [kh, kw, out, in].
      return inputElements(layer) * kernel[0] * kernel[1] * kernel[2];
    default:
      return 0;
  }
}

function product(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((p, d) => p * (d ?? 1), 1);
}

/** Elements per sample of a layer's single output (0 for multi-output layers). */
function outputElements(layer: tfl.layers.Layer): number {
  const shape = layer.outputShape;
  return Array.isArray(shape[0]) ? 0 : product((shape as (number | null)[]).slice(1));
}

function inputElements(layer: tfl.layers.Layer): number {
  const input = layer.input;
  return Array.isArray(input) ? 0 : product(input.shape.slice(1));
}
