/**
 * The trainable form of a binary/ternary network: a tfjs Sequential rebuilt from a
 * chain graph (conv2d, dense, max/avg pooling, flatten, activation), starting from
 * its weights, with the plan of each conv/dense layer: weight format and whether
 * its input is binarized. In a binary network every hidden conv/dense layer whose
 * output is binarized downstream loses its activation (sign follows) and gets a
 * BatchNormalization after it (Larq's BNN recipe: the BN is what the sign
 * thresholds; it folds into the layer's per-channel scale and bias on export).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { decodeTensor, type GraphNode, type LiteGraph } from '@lite/core';

/** How one conv/dense layer is stored: binary/ternary weights or the first/last layers' int8/f32. */
export type BinaryLayerFormat = 'binary' | 'ternary' | 'int8' | 'f32';

/** The plan of one conv/dense layer. */
export interface BinaryLayerPlan {
  format: BinaryLayerFormat;
  /** Its input is sign(x) (±1). */
  binaryInput: boolean;
  /** A BatchNormalization follows it (its activation then becomes linear). */
  batchNorm: boolean;
}

type Target = Extract<GraphNode, { op: 'conv2d' | 'dense' }>;

/** The conv/dense nodes of a chain graph, in order; throws for ops training does not support. */
export function chainTargets(graph: LiteGraph): Target[] {
  const out: Target[] = [];
  for (const node of graph.nodes) {
    if (node.op === 'conv2d' || node.op === 'dense') out.push(node);
    else if (!['input', 'maxPool2d', 'avgPool2d', 'flatten', 'activation'].includes(node.op)) {
      throw new TypeError(`binary/ternary training supports chains of conv2d, dense, pooling, flatten and activation layers; layer '${node.name}' is ${node.op}`);
    }
  }
  if (graph.nodes.filter((n) => n.op === 'input').length !== 1) throw new TypeError('binary/ternary training needs a model with one input');
  if (out.length < 2) throw new TypeError('binary/ternary training needs at least two conv/dense layers (the first and last stay int8/f32 by default)');
  return out;
}

/**
 * Default plans: the first and last layers int8 (weights), the hidden ones `mode`;
 * in binary mode every layer after the first reads binarized inputs and every layer
 * before the last gets a BatchNormalization. `overrides` sets formats per layer.
 */
export function planLayers(targets: Target[], mode: 'binary' | 'ternary', overrides: Readonly<Record<string, BinaryLayerFormat>> = {}): Map<string, BinaryLayerPlan> {
  for (const name of Object.keys(overrides)) {
    if (!targets.some((t) => t.name === name)) throw new RangeError(`layers: no conv/dense layer named '${name}' (layers: ${targets.map((t) => t.name).join(', ')})`);
    if (!['binary', 'ternary', 'int8', 'f32'].includes(overrides[name])) throw new RangeError(`layers.${name} must be 'binary', 'ternary', 'int8' or 'f32', got ${JSON.stringify(overrides[name])}`);
  }
  const last = targets.length - 1;
  return new Map(targets.map((t, i): [string, BinaryLayerPlan] => [t.name, {
    format: overrides[t.name] ?? (i === 0 || i === last ? 'int8' : mode),
    binaryInput: mode === 'binary' && i > 0,
    batchNorm: mode === 'binary' && i < last,
  }]));
}

const values = (graph: LiteGraph, name: string) => decodeTensor(graph.tensors.get(name)!);

function layerFor(node: GraphNode, graph: LiteGraph, plan: BinaryLayerPlan | undefined): tfl.layers.Layer {
  const activation = plan?.batchNorm ? 'linear' : ('activation' in node ? node.activation : 'linear');
  switch (node.op) {
    case 'conv2d': {
      const k = graph.tensors.get(node.kernel)!.shape;
      return tfl.layers.conv2d({ name: node.name, filters: k[3], kernelSize: [k[0], k[1]], strides: node.strides, padding: node.padding, dilationRate: node.dilation, activation: activation as 'linear', useBias: node.bias !== undefined });
    }
    case 'dense':
      return tfl.layers.dense({ name: node.name, units: graph.tensors.get(node.kernel)!.shape[1], activation: activation as 'linear', useBias: node.bias !== undefined });
    case 'maxPool2d':
      return tfl.layers.maxPooling2d({ name: node.name, poolSize: node.poolSize, strides: node.strides, padding: node.padding });
    case 'avgPool2d':
      return tfl.layers.averagePooling2d({ name: node.name, poolSize: node.poolSize, strides: node.strides, padding: node.padding });
    case 'flatten':
      return tfl.layers.flatten({ name: node.name });
    case 'activation':
      return tfl.layers.activation({ name: node.name, activation: node.activation as 'relu' });
    default:
      throw new TypeError(`unsupported layer ${node.op}`);
  }
}

/** The BatchNormalization inserted after a layer. */
export const bnName = (layer: string): string => `${layer}_bn`;

/** Builds the trainable Sequential (initialized from the graph's weights) for a plan. */
export function buildNetwork(graph: LiteGraph, plans: ReadonlyMap<string, BinaryLayerPlan>): tfl.Sequential {
  const input = graph.nodes[0] as Extract<GraphNode, { op: 'input' }>;
  const model = tfl.sequential({ name: 'binary' });
  let first = true;
  for (const node of graph.nodes.slice(1)) {
    const layer = layerFor(node, graph, plans.get(node.name));
    if (first) {
      model.add(tfl.layers.inputLayer({ inputShape: input.shape.slice(1) as number[] }));
      first = false;
    }
    model.add(layer);
    if (node.op === 'conv2d' || node.op === 'dense') {
      layer.setWeights([tf.tensor(values(graph, node.kernel), graph.tensors.get(node.kernel)!.shape), ...(node.bias ? [tf.tensor(values(graph, node.bias))] : [])]);
      if (plans.get(node.name)?.batchNorm) model.add(tfl.layers.batchNormalization({ name: bnName(node.name), momentum: 0.9 }));
    }
  }
  return model;
}
