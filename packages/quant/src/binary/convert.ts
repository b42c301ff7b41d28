/**
 * From a trained binary/ternary network to a LiteGraph: the latent weights are
 * replaced by their binary (α_c·sign) or ternary (TWN) values, BatchNormalization
 * is folded into the layer before it (a per-channel factor keeps a binary kernel
 * binary: ±|α_c·γ_c/σ_c|, signs flipped where the factor is negative), binary-input
 * layers are marked `binaryInput`, and kernels are stored `binary`/`ternary`
 * (first/last layers int8 per channel or f32).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { encodeTensor, fromLayersModel, type LiteGraph } from '@lite/core';
import { encodeWeight } from '../model/formats.js';
import type { BinaryLayerPlan } from './network.js';
import { quantizedKernel } from './train.js';

/** Sets each binary/ternary layer's kernel to its quantized values (in place). */
function freezeKernels(model: tfl.LayersModel, plans: ReadonlyMap<string, BinaryLayerPlan>): void {
  for (const layer of model.layers) {
    const plan = plans.get(layer.name);
    if (!plan || (plan.format !== 'binary' && plan.format !== 'ternary')) continue;
    const [kernel, ...rest] = layer.getWeights();
    const q = tf.tidy(() => quantizedKernel(kernel, plan));
    layer.setWeights([q, ...rest]);
    q.dispose();
  }
}

/** Converts a trained network (its kernels are overwritten) to a graph with binary/ternary/int8 kernels. */
export function binaryGraph(model: tfl.LayersModel, plans: ReadonlyMap<string, BinaryLayerPlan>): LiteGraph {
  freezeKernels(model, plans);
  const graph = fromLayersModel(model);
  const tensors = new Map(graph.tensors);
  const nodes = graph.nodes.map((node) => {
    if (node.op !== 'conv2d' && node.op !== 'dense') return node;
    const plan = plans.get(node.name);
    if (!plan) throw new Error(`binary export: layer '${node.name}' has no plan`);
    const kernel = tensors.get(node.kernel)!;
    if (plan.format === 'binary' || plan.format === 'ternary') {
      const values = kernel.encoding === 'f32' ? kernel.values : new Float32Array(0);
      tensors.set(node.kernel, encodeTensor(plan.format, node.kernel, values, kernel.shape).tensor);
    } else if (plan.format === 'int8') {
      tensors.set(node.kernel, encodeWeight(kernel, node.op, { kind: 'int', bits: 8, perChannel: true }));
    }
    return plan.binaryInput ? { ...node, binaryInput: true as const } : node;
  });
  return { ...graph, nodes, tensors };
}
