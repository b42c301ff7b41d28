import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { GraphActivation, GraphNode, LiteGraph } from '../graph/index.js';

type Sym = tfl.SymbolicTensor;
type TfjsActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'softmax';

/** A value as fp32 values and shape. */
export type DecodedWeight = { shape: number[]; values: Float32Array };

/** Epsilon of the BatchNormalization layers that stand in for scaleShift nodes. */
const SCALE_SHIFT_EPSILON = 1e-3;

/** Layer-name-safe, unique names for graph nodes. */
function namer(): (name: string) => string {
  const used = new Set<string>();
  return (name) => {
    const base = name.replace(/[^A-Za-z0-9_.-]/g, '_');
    let out = base;
    for (let i = 1; used.has(out); i++) out = `${base}_${i}`;
    used.add(out);
    return out;
  };
}

function apply(layer: tfl.layers.Layer, x: Sym | Sym[], weights?: DecodedWeight[]): Sym {
  const y = layer.apply(x) as Sym;
  if (weights) {
    const tensors = weights.map((w) => tf.tensor(w.values, w.shape, 'float32'));
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
  return y;
}

/** The tfjs activation for a fused one, and whether a LeakyReLU layer must follow. */
function splitActivation(activation: GraphActivation): { activation: TfjsActivation; leaky: boolean } {
  return activation === 'leakyRelu' ? { activation: 'linear', leaky: true } : { activation, leaky: false };
}

/**
 * Expands a graph back into a functional tf.LayersModel computing the same
 * function with the given fp32 weights: every node becomes the tfjs layer it
 * came from (BatchNormalization stays folded into conv/dense weights; a
 * scaleShift becomes a BatchNormalization with mean 0 and variance 1 − ε; a
 * fused leakyRelu becomes a LeakyReLU layer after its conv/dense).
 */
export function graphToLayersModel(graph: LiteGraph, weight: (name: string) => DecodedWeight, name = 'lite'): tfl.LayersModel {
  const layerName = namer();
  const values = new Map<string, Sym>();
  const inputs: Sym[] = [];
  const get = (n: string): Sym => values.get(n)!;
  const w = weight;
  for (const node of graph.nodes) {
    values.set(node.name, build(node));
  }
  return tfl.model({ inputs, outputs: graph.outputs.map(get), name });

  function withActivation(node: GraphNode & { activation: GraphActivation; alpha?: number }, y: Sym): Sym {
    if (node.activation !== 'leakyRelu') return y;
    return apply(tfl.layers.leakyReLU({ name: layerName(`${node.name}_leaky_relu`), alpha: node.alpha ?? 0.3 }), y);
  }

  function build(node: GraphNode): Sym {
    switch (node.op) {
      case 'input': {
        const x = tfl.input({ batchShape: node.shape, name: layerName(node.name), dtype: 'float32' });
        inputs.push(x);
        return x;
      }
      case 'conv2d':
      case 'depthwiseConv2d': {
        const k = w(node.kernel);
        const { activation } = splitActivation(node.activation);
        const common = {
          name: layerName(node.name), kernelSize: [k.shape[0], k.shape[1]], strides: node.strides, padding: node.padding,
          dilationRate: node.dilation, activation, useBias: node.bias !== undefined,
        };
        const layer = node.op === 'conv2d'
          ? tfl.layers.conv2d({ ...common, filters: k.shape[3] })
          : tfl.layers.depthwiseConv2d({ ...common, kernelSize: [k.shape[0], k.shape[1]], depthMultiplier: k.shape[3] });
        const y = apply(layer, get(node.input), node.bias === undefined ? [k] : [k, w(node.bias)]);
        return withActivation(node, y);
      }
      case 'dense': {
        const k = w(node.kernel);
        const { activation } = splitActivation(node.activation);
        const layer = tfl.layers.dense({ name: layerName(node.name), units: k.shape[1], activation, useBias: node.bias !== undefined });
        const y = apply(layer, get(node.input), node.bias === undefined ? [k] : [k, w(node.bias)]);
        return withActivation(node, y);
      }
      case 'activation': {
        const lname = layerName(node.name);
        const x = get(node.input);
        switch (node.activation) {
          case 'relu':
            return apply(tfl.layers.reLU({ name: lname }), x);
          case 'relu6':
            return apply(tfl.layers.reLU({ name: lname, maxValue: 6 }), x);
          case 'leakyRelu':
            return apply(tfl.layers.leakyReLU({ name: lname, alpha: node.alpha ?? 0.3 }), x);
          default:
            return apply(tfl.layers.activation({ name: lname, activation: node.activation }), x);
        }
      }
      case 'prelu': {
        const x = get(node.input);
        const a = w(node.alpha);
        const trailing = x.shape.slice(1) as number[];
        const shape = [...new Array<number>(trailing.length - a.shape.length).fill(1), ...a.shape];
        const sharedAxes = shape.flatMap((d, i) => (d === 1 && trailing[i] !== 1 ? [i + 1] : []));
        const layer = tfl.layers.prelu({ name: layerName(node.name), ...(sharedAxes.length ? { sharedAxes } : {}) });
        return apply(layer, x, [{ shape, values: a.values }]);
      }
      case 'scaleShift': {
        const scale = w(node.scale);
        const shift = w(node.shift);
        const c = scale.values.length;
        const layer = tfl.layers.batchNormalization({ name: layerName(node.name), axis: -1, epsilon: SCALE_SHIFT_EPSILON });
        return apply(layer, get(node.input), [
          { shape: [c], values: scale.values },
          { shape: [c], values: shift.values },
          { shape: [c], values: new Float32Array(c) },
          { shape: [c], values: new Float32Array(c).fill(1 - SCALE_SHIFT_EPSILON) },
        ]);
      }
      case 'zeroPadding2d':
        return apply(tfl.layers.zeroPadding2d({ name: layerName(node.name), padding: node.padding }), get(node.input));
      case 'maxPool2d':
      case 'avgPool2d': {
        const args = { name: layerName(node.name), poolSize: node.poolSize, strides: node.strides, padding: node.padding };
        const layer = node.op === 'maxPool2d' ? tfl.layers.maxPooling2d(args) : tfl.layers.averagePooling2d(args);
        return apply(layer, get(node.input));
      }
      case 'globalAvgPool2d':
        return apply(tfl.layers.globalAveragePooling2d({ name: layerName(node.name) }), get(node.input));
      case 'flatten':
        return apply(tfl.layers.flatten({ name: layerName(node.name) }), get(node.input));
      case 'reshape':
        return apply(tfl.layers.reshape({ name: layerName(node.name), targetShape: node.targetShape }), get(node.input));
      case 'add':
        return apply(tfl.layers.add({ name: layerName(node.name) }), node.inputs.map(get));
      case 'concatenate':
        return apply(tfl.layers.concatenate({ name: layerName(node.name), axis: node.axis }), node.inputs.map(get));
    }
  }
}
