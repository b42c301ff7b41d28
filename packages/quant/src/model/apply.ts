import { type ActivationQuant, type CompressedTensor, type GraphNode, type LiteGraph, type Provenance } from '@lite/core';
import { encodeWeight, type WeightFormat } from './formats.js';
import { quantTargets } from './targets.js';

/** What {@link applyFormats} writes into a graph. */
export interface FormatPlan {
  /** Kernel format per conv/dense node name (absent: unchanged). */
  formats: ReadonlyMap<string, WeightFormat>;
  /** Static input quantization per node name (absent: dynamic, per batch). */
  inputQuant?: ReadonlyMap<string, ActivationQuant>;
  /** Encodes every other tensor (biases, scales) as f16 too (the fp16 mode). */
  halfOthers?: boolean;
  provenance?: Provenance;
}

/**
 * A copy of `graph` with each planned layer's kernel encoded in its format and
 * its input quantization recorded on the node. `graph` is not modified.
 */
export function applyFormats(graph: LiteGraph, plan: FormatPlan): LiteGraph {
  const tensors = new Map<string, CompressedTensor>(graph.tensors);
  const kernels = new Set<string>();
  for (const target of quantTargets(graph)) {
    const format = plan.formats.get(target.node.name);
    if (!format) continue;
    const kernel = graph.tensors.get(target.node.kernel);
    if (!kernel) throw new Error(`node '${target.node.name}' reads a kernel '${target.node.kernel}' the graph does not have`);
    tensors.set(kernel.name, encodeWeight(kernel, target.layout, format));
    kernels.add(kernel.name);
  }
  if (plan.halfOthers) {
    const half: WeightFormat = { kind: 'f16' };
    for (const [name, t] of graph.tensors) {
      if (!kernels.has(name) && t.encoding === 'f32') tensors.set(name, encodeWeight(t, 'dense', half));
    }
  }
  const nodes = graph.nodes.map((node): GraphNode => {
    const q = plan.inputQuant?.get(node.name);
    if (!q || (node.op !== 'conv2d' && node.op !== 'depthwiseConv2d' && node.op !== 'dense')) return node;
    return { ...node, inputQuant: { scale: q.scale, zeroPoint: q.zeroPoint } };
  });
  const provenance = plan.provenance ? [...graph.provenance, plan.provenance] : graph.provenance;
  return { ...graph, nodes, tensors, provenance };
}
