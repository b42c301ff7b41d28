import type { CompressedTensor, GraphActivation, GraphNode, LiteGraph } from '../graph/index.js';
import { decodeTensor } from '../format/registry.js';
import { sizeOf } from './geometry.js';
import { inferShapes, nodeInputs, nodeTensors } from './shapes.js';
import { storedBytes } from './weights.js';

/** One weight tensor as stored. */
export interface TensorSummary {
  name: string;
  shape: number[];
  encoding: string;
  /** Values in the tensor. */
  params: number;
  /** Bytes of the stored payload in its encoding. */
  bytes: number;
}

/** One node of the graph. */
export interface LayerSummary {
  name: string;
  op: GraphNode['op'];
  /** Names of the nodes it reads. */
  inputs: string[];
  /** Output shape, batch first (null). */
  outputShape: (number | null)[];
  /** Fused activation of a conv/dense node, or the activation of an activation node. */
  activation?: GraphActivation;
  params: number;
  bytes: number;
  /** Multiply-accumulates per sample. */
  macs: number;
  /** Conv/dense layers: the fraction of exact zeros in the kernel (0..1). */
  sparsity?: number;
  tensors: TensorSummary[];
}

/** What `lite inspect` shows of a model. */
export interface ModelSummary {
  inputs: { name: string; shape: (number | null)[] }[];
  outputs: { name: string; shape: (number | null)[] }[];
  layers: LayerSummary[];
  /** Totals over all weights. */
  params: number;
  bytes: number;
  /** Multiply-accumulates per sample over all layers. */
  macs: number;
  /** Fraction of exact zeros over all conv/dense kernels (0 when there are none). */
  sparsity: number;
  /** Stored bytes per encoding. */
  bytesByEncoding: Record<string, number>;
  /** What was done to the model, oldest first. */
  provenance: LiteGraph['provenance'];
}

/** Bytes of a tensor as stored: the format's encoding registry when it knows the encoding. */
export type ByteSize = (tensor: CompressedTensor) => number;

function macsOf(node: GraphNode, out: number[], weightShape: (name: string) => number[]): number {
  const perSampleOut = sizeOf(out.slice(1));
  switch (node.op) {
    case 'conv2d': {
      const k = weightShape(node.kernel);
      return perSampleOut * k[0] * k[1] * k[2];
    }
    case 'depthwiseConv2d': {
      const k = weightShape(node.kernel);
      return perSampleOut * k[0] * k[1];
    }
    case 'dense':
      return perSampleOut * weightShape(node.kernel)[0];
    default:
      return 0;
  }
}

/** Zeros and elements of a conv/dense node's kernel (decoded), or undefined for other nodes. */
function kernelZeros(node: GraphNode, graph: LiteGraph): { zeros: number; total: number } | undefined {
  if (node.op !== 'conv2d' && node.op !== 'depthwiseConv2d' && node.op !== 'dense') return undefined;
  const t = graph.tensors.get(node.kernel);
  if (!t) return undefined;
  const v = t.encoding === 'f32' ? t.values : decodeTensor(t);
  let zeros = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === 0) zeros++;
  return { zeros, total: v.length };
}

/**
 * Summarises a graph: every node with its output shape (for one sample),
 * parameters, stored bytes per tensor and encoding, multiply-accumulates and the
 * sparsity (fraction of exact zeros) of conv/dense kernels, per layer and overall.
 */
export function summarizeGraph(graph: LiteGraph, byteSize: ByteSize = storedBytes): ModelSummary {
  const weightShape = (name: string): number[] => {
    const t = graph.tensors.get(name);
    if (!t) throw new Error(`the graph reads weight '${name}', which the model does not have`);
    return t.shape;
  };
  const inputNodes = graph.nodes.filter((n): n is Extract<GraphNode, { op: 'input' }> => n.op === 'input');
  const inputShapes = new Map(inputNodes.map((n) => [n.name, n.shape.map((d) => d ?? 1)]));
  const shapes = inferShapes(graph, inputShapes, weightShape);
  const withBatch = (s: number[]): (number | null)[] => [null, ...s.slice(1)];
  const bytesByEncoding: Record<string, number> = {};
  const seen = new Set<string>();
  let kernelTotal = 0;
  let kernelZeroCount = 0;
  const layers = graph.nodes.map((node): LayerSummary => {
    const tensors = nodeTensors(node).map((name): TensorSummary => {
      const t = graph.tensors.get(name)!;
      return { name, shape: [...t.shape], encoding: t.encoding, params: sizeOf(t.shape), bytes: byteSize(t) };
    });
    for (const t of tensors) {
      if (seen.has(t.name)) continue;
      seen.add(t.name);
      bytesByEncoding[t.encoding] = (bytesByEncoding[t.encoding] ?? 0) + t.bytes;
    }
    const activation = 'activation' in node ? node.activation : undefined;
    const kz = kernelZeros(node, graph);
    if (kz) {
      kernelTotal += kz.total;
      kernelZeroCount += kz.zeros;
    }
    return {
      name: node.name,
      op: node.op,
      inputs: nodeInputs(node),
      outputShape: node.op === 'input' ? [...node.shape] : withBatch(shapes.get(node.name)!),
      ...(activation ? { activation } : {}),
      params: tensors.reduce((s, t) => s + t.params, 0),
      bytes: tensors.reduce((s, t) => s + t.bytes, 0),
      macs: macsOf(node, shapes.get(node.name)!, weightShape),
      ...(kz ? { sparsity: kz.total === 0 ? 0 : kz.zeros / kz.total } : {}),
      tensors,
    };
  });
  let params = 0;
  let bytes = 0;
  for (const name of seen) {
    const t = graph.tensors.get(name)!;
    params += sizeOf(t.shape);
    bytes += byteSize(t);
  }
  return {
    inputs: inputNodes.map((n) => ({ name: n.name, shape: [...n.shape] })),
    outputs: graph.outputs.map((name) => ({ name, shape: withBatch(shapes.get(name)!) })),
    layers,
    params,
    bytes,
    macs: layers.reduce((s, l) => s + l.macs, 0),
    sparsity: kernelTotal === 0 ? 0 : kernelZeroCount / kernelTotal,
    bytesByEncoding,
    provenance: graph.provenance,
  };
}
