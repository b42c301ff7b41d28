import type { GraphNode, LiteGraph } from '@lite/core';
import type { WeightLayout } from '../schemes/affine.js';

/** A conv, depthwise or dense node: the layers whose kernels quantization rewrites. */
export type WeightNode = Extract<GraphNode, { op: 'conv2d' | 'depthwiseConv2d' | 'dense' }>;

/** One quantizable layer of a graph. */
export interface QuantTarget {
  node: WeightNode;
  layout: WeightLayout;
}

/** The graph's conv/depthwise/dense nodes, in graph order. */
export function quantTargets(graph: LiteGraph): QuantTarget[] {
  const out: QuantTarget[] = [];
  for (const node of graph.nodes) {
    if (node.op === 'conv2d' || node.op === 'depthwiseConv2d' || node.op === 'dense') out.push({ node, layout: node.op });
  }
  return out;
}
