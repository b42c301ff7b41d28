import type * as tfl from '@tensorflow/tfjs-layers';
import type { GraphActivation, GraphNode, Padding } from '../graph/index.js';

/**
 * What one tfjs layer becomes before optimisation: graph nodes, plus two
 * conversion-only forms that {@link optimizeNodes} removes: `identity`
 * (Dropout, linear activations) and `batchNorm` (folded into its producer or
 * turned into a `scaleShift`).
 */
export type RawNode =
  | GraphNode
  | { op: 'identity'; name: string; input: string }
  | { op: 'batchNorm'; name: string; input: string; scale: Float32Array; shift: Float32Array };

/** Gives a tfjs weight a name in the model's tensor table (its tfjs name) and stores its values as fp32. */
export type AddWeight = (weight: tfl.LayerVariable) => string;

/** Layer classes {@link convertLayer} understands. */
export const SUPPORTED_LAYERS = [
  'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense', 'BatchNormalization',
  'ReLU', 'LeakyReLU', 'PReLU', 'Activation', 'ZeroPadding2D', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalAveragePooling2D', 'Flatten', 'Reshape', 'Add', 'Concatenate', 'Dropout',
] as const;

const ACTIVATIONS: Record<string, GraphActivation> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax',
};

type Config = Record<string, unknown>;

/** A conversion error naming the layer and its class. */
export function layerError(layer: tfl.layers.Layer, message: string): Error {
  return new Error(`layer '${layer.name}' (class ${layer.getClassName()}): ${message}`);
}

function activationOf(layer: tfl.layers.Layer, config: Config): GraphActivation {
  const name = (config.activation as string | undefined) ?? 'linear';
  const act = ACTIVATIONS[name];
  if (!act) {
    throw layerError(layer, `activation '${name}' is not supported by the lite runtime (supported: ${Object.keys(ACTIVATIONS).join(', ')}); use one of those or convert another model`);
  }
  return act;
}

function pair(v: unknown, fallback: number): [number, number] {
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0], a.length > 1 ? a[1] : a[0]];
}

function requireChannelsLast(layer: tfl.layers.Layer, config: Config): void {
  const format = config.dataFormat as string | undefined;
  if (format !== undefined && format !== 'channelsLast') {
    throw layerError(layer, `data format '${format}' is not supported; the lite runtime runs channelsLast (NHWC) models`);
  }
}

/** The layer's weight whose tfjs name ends with `/suffix`. */
function weightOf(layer: tfl.layers.Layer, suffix: string): tfl.LayerVariable {
  const w = layer.weights.find((v) => v.originalName.endsWith(`/${suffix}`) || v.originalName === suffix);
  if (!w) throw layerError(layer, `has no weight '${suffix}' (weights: ${layer.weights.map((v) => v.originalName).join(', ') || 'none'})`);
  return w;
}

function values(weight: tfl.LayerVariable): Float32Array {
  return new Float32Array(weight.read().dataSync());
}

/**
 * Converts one application of a tfjs layer, whose inputs are the graph values
 * `inputs` and whose (last) output value is named `name`. Throws an Error
 * naming the layer and its class when the runtime cannot run it.
 */
export function convertLayer(
  layer: tfl.layers.Layer,
  name: string,
  inputs: string[],
  inputRanks: number[],
  addWeight: AddWeight,
  uniqueName: (base: string) => string,
): RawNode[] {
  const cls = layer.getClassName();
  const config = layer.getConfig() as Config;
  const input = inputs[0];
  const one = (): void => {
    if (inputs.length !== 1) throw layerError(layer, `expects one input, got ${inputs.length}`);
  };
  switch (cls) {
    case 'Conv2D':
    case 'DepthwiseConv2D': {
      one();
      requireChannelsLast(layer, config);
      const kernel = addWeight(weightOf(layer, cls === 'Conv2D' ? 'kernel' : 'depthwise_kernel'));
      const bias = config.useBias ? addWeight(weightOf(layer, 'bias')) : undefined;
      return [{
        op: cls === 'Conv2D' ? 'conv2d' : 'depthwiseConv2d', name, input, kernel, ...(bias ? { bias } : {}),
        strides: pair(config.strides, 1), padding: config.padding as Padding, dilation: pair(config.dilationRate, 1),
        activation: activationOf(layer, config),
      }];
    }
    case 'SeparableConv2D': {
      one();
      requireChannelsLast(layer, config);
      const depthName = uniqueName(`${name}_depthwise`);
      const bias = config.useBias ? addWeight(weightOf(layer, 'bias')) : undefined;
      return [
        {
          op: 'depthwiseConv2d', name: depthName, input, kernel: addWeight(weightOf(layer, 'depthwise_kernel')),
          strides: pair(config.strides, 1), padding: config.padding as Padding, dilation: pair(config.dilationRate, 1),
          activation: 'linear',
        },
        {
          op: 'conv2d', name, input: depthName, kernel: addWeight(weightOf(layer, 'pointwise_kernel')), ...(bias ? { bias } : {}),
          strides: [1, 1], padding: 'valid', dilation: [1, 1], activation: activationOf(layer, config),
        },
      ];
    }
    case 'Dense': {
      one();
      const kernel = addWeight(weightOf(layer, 'kernel'));
      const bias = config.useBias ? addWeight(weightOf(layer, 'bias')) : undefined;
      return [{ op: 'dense', name, input, kernel, ...(bias ? { bias } : {}), activation: activationOf(layer, config) }];
    }
    case 'BatchNormalization': {
      one();
      const axis = config.axis as number;
      const rank = inputRanks[0];
      if ((axis < 0 ? axis + rank : axis) !== rank - 1) {
        throw layerError(layer, `normalises axis ${axis} of a rank-${rank} input; the lite runtime supports only the last (channel) axis`);
      }
      const mean = values(weightOf(layer, 'moving_mean'));
      const variance = values(weightOf(layer, 'moving_variance'));
      const gamma = config.scale ? values(weightOf(layer, 'gamma')) : undefined;
      const beta = config.center ? values(weightOf(layer, 'beta')) : undefined;
      const eps = config.epsilon as number;
      const scale = new Float32Array(mean.length);
      const shift = new Float32Array(mean.length);
      for (let c = 0; c < mean.length; c++) {
        const s = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + eps);
        scale[c] = s;
        shift[c] = (beta ? beta[c] : 0) - mean[c] * s;
      }
      return [{ op: 'batchNorm', name, input, scale, shift }];
    }
    case 'ReLU': {
      one();
      const max = config.maxValue as number | null | undefined;
      if (max === null || max === undefined) return [{ op: 'activation', name, input, activation: 'relu' }];
      if (max === 6) return [{ op: 'activation', name, input, activation: 'relu6' }];
      throw layerError(layer, `maxValue ${max} is not supported (only none, for relu, or 6, for relu6)`);
    }
    case 'LeakyReLU':
      one();
      return [{ op: 'activation', name, input, activation: 'leakyRelu', alpha: (config.alpha as number | undefined) ?? 0.3 }];
    case 'PReLU':
      one();
      return [{ op: 'prelu', name, input, alpha: addWeight(weightOf(layer, 'alpha')) }];
    case 'Activation': {
      one();
      const activation = activationOf(layer, config);
      return [activation === 'linear' ? { op: 'identity', name, input } : { op: 'activation', name, input, activation }];
    }
    case 'ZeroPadding2D': {
      one();
      requireChannelsLast(layer, config);
      const p = config.padding as number | [number, number] | [[number, number], [number, number]];
      const padding: [[number, number], [number, number]] = typeof p === 'number'
        ? [[p, p], [p, p]]
        : typeof p[0] === 'number'
          ? [[p[0], p[0]], [p[1] as number, p[1] as number]]
          : [[...(p[0] as [number, number])], [...(p[1] as [number, number])]];
      return [{ op: 'zeroPadding2d', name, input, padding }];
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      one();
      requireChannelsLast(layer, config);
      const poolSize = pair(config.poolSize, 2);
      return [{
        op: cls === 'MaxPooling2D' ? 'maxPool2d' : 'avgPool2d', name, input, poolSize,
        strides: config.strides === null || config.strides === undefined ? poolSize : pair(config.strides, 1),
        padding: config.padding as Padding,
      }];
    }
    case 'GlobalAveragePooling2D':
      one();
      requireChannelsLast(layer, config);
      return [{ op: 'globalAvgPool2d', name, input }];
    case 'Flatten':
      one();
      requireChannelsLast(layer, config);
      return [{ op: 'flatten', name, input }];
    case 'Reshape':
      one();
      return [{ op: 'reshape', name, input, targetShape: (config.targetShape as (number | null)[]).map((d) => (d === null ? -1 : d)) }];
    case 'Add':
      return [{ op: 'add', name, inputs }];
    case 'Concatenate':
      return [{ op: 'concatenate', name, inputs, axis: (config.axis as number | undefined) ?? -1 }];
    case 'Dropout':
      one();
      return [{ op: 'identity', name, input }];
    default:
      throw layerError(layer, `is not supported by the lite runtime (supported layers: ${SUPPORTED_LAYERS.join(', ')})`);
  }
}
