/**
 * What `lite inspect` shows of a tfjs model directory or a graph model in a .lite
 * file: nodes or layers, shapes, weights as stored, parameters and MACs.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfconv from '@tensorflow/tfjs-converter';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Provenance } from '../graph/index.js';
import { layerMacs } from '../metrics/index.js';
import { manifestEntryBytes, manifestEntryDtype, type TfjsModelFiles } from './read.js';

/** One weight as stored (in a .lite encoding, or a tfjs dtype in a model directory). */
export interface StoredTensorSummary {
  name: string;
  shape: number[];
  encoding: string;
  params: number;
  /** Bytes of the stored payload (before any entropy coding). */
  bytes: number;
}

/** One node of a GraphDef, or one layer of a Layers model. */
export interface TfjsLayerSummary {
  name: string;
  /** The TensorFlow op (Const, Placeholder, MatMul, Conv2D, …) or the Layers class (Conv2D, Dense, …). */
  op: string;
  /** Names of the nodes or layers it reads (control inputs left out). */
  inputs: string[];
  /**
   * Shape of its (first) output: for a graph model, as computed for a batch of 1,
   * or null where it could not be determined; for a Layers model, batch first (null).
   */
  outputShape: (number | null)[] | null;
  params: number;
  bytes: number;
  /** Multiply-accumulates for one sample (0 for ops that do none; null when shapes are unknown). */
  macs: number | null;
  /** The weights the node holds (a Const node holds the weight of its name). */
  tensors: StoredTensorSummary[];
}

/** What {@link summarizeGraphModel} and {@link summarizeTfjsModel} return. */
export interface TfjsModelSummary {
  inputs: { name: string; shape: (number | null)[] | null; dtype: string }[];
  outputs: { name: string; shape: (number | null)[] | null; dtype: string }[];
  layers: TfjsLayerSummary[];
  /** Totals over all weights. */
  params: number;
  bytes: number;
  /** Multiply-accumulates per sample over all nodes; null when the shapes could not be determined. */
  macs: number | null;
  bytesByEncoding: Record<string, number>;
  provenance: Provenance[];
}

interface GraphDefNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { b?: boolean } | undefined>;
}

/** Ops that count multiply-accumulates, and how. */
const MAC_OPS = new Set([
  'MatMul', '_FusedMatMul', 'BatchMatMul', 'BatchMatMulV2', 'Conv2D', '_FusedConv2D', 'Conv3D',
  'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'Conv2DBackpropInput',
]);
const NO_SHAPE_OPS = new Set(['Const', 'Placeholder', 'NoOp']);

const product = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
const nodeName = (input: string): string => input.replace(/^\^/, '').replace(/:\d+$/, '');

/** The GraphDef nodes of a model.json topology (validated to the extent this summary needs). */
export function graphDefNodes(topology: unknown): GraphDefNode[] {
  const nodes = (topology as { node?: unknown } | null)?.node;
  if (!Array.isArray(nodes)) return [];
  return nodes.filter((n): n is GraphDefNode => n !== null && typeof n === 'object' && typeof n.name === 'string' && typeof n.op === 'string');
}

function macsOf(node: GraphDefNode, shapeOf: (name: string) => number[] | undefined): number | null {
  if (!MAC_OPS.has(node.op)) return 0;
  const out = shapeOf(node.name);
  const ins = (node.input ?? []).filter((i) => !i.startsWith('^')).map((i) => shapeOf(nodeName(i)));
  const flag = (k: string) => node.attr?.[k]?.b === true;
  switch (node.op) {
    case 'MatMul':
    case '_FusedMatMul': {
      const a = ins[0];
      if (!out || !a || a.length !== 2) return null;
      return product(out) * (flag('transpose_a') ? a[0] : a[1]);
    }
    case 'BatchMatMul':
    case 'BatchMatMulV2': {
      const a = ins[0];
      if (!out || !a || a.length < 2) return null;
      return product(out) * (flag('adj_x') ? a[a.length - 2] : a[a.length - 1]);
    }
    case 'Conv2D':
    case '_FusedConv2D':
    case 'Conv3D': {
      const f = ins[1];
      if (!out || !f || f.length < 3) return null;
      return product(out) * product(f.slice(0, -1));
    }
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2dNative': {
      const f = ins[1];
      if (!out || !f || f.length !== 4) return null;
      return product(out) * f[0] * f[1];
    }
    case 'Conv2DBackpropInput': {
      // Inputs: output shape, filter [h, w, out, in], dy: every dy value scatters through h·w·out weights.
      const f = ins[1];
      const dy = ins[2];
      if (!f || !dy || f.length !== 4) return null;
      return product(dy) * f[0] * f[1] * f[2];
    }
    default:
      return 0;
  }
}

/** Runs the model once on zeros (batch 1) and returns the first-output shape of every node it could compute. */
async function nodeShapes(model: tfconv.GraphModel, nodes: GraphDefNode[]): Promise<Map<string, number[]>> {
  const shapes = new Map<string, number[]>();
  const feed: tf.NamedTensorMap = {};
  try {
    for (const input of model.inputs) {
      if (!input.shape) return shapes;
      feed[input.name] = tf.zeros(input.shape.map((d) => (d === null || d < 0 ? 1 : d)), input.dtype);
    }
    const attempts = [
      nodes.filter((n) => !NO_SHAPE_OPS.has(n.op)).map((n) => n.name),
      // Fallback: only what MACs need (some graphs cannot return every intermediate).
      nodes.filter((n) => MAC_OPS.has(n.op)).flatMap((n) => [n.name, ...(n.input ?? []).filter((i) => !i.startsWith('^')).map(nodeName)]),
    ];
    for (const [name, t] of Object.entries(feed)) shapes.set(nodeName(name), [...t.shape]);
    const computed = new Set(nodes.filter((n) => !NO_SHAPE_OPS.has(n.op)).map((n) => n.name));
    for (const names of attempts) {
      const wanted = [...new Set(names)].filter((n) => computed.has(n));
      if (wanted.length === 0) return shapes;
      try {
        // execute() for plain graphs (executeAsync() warns about them); executeAsync() for control flow.
        const outs = await Promise.resolve().then(() => model.execute(feed, wanted)).catch(() => model.executeAsync(feed, wanted));
        const list = Array.isArray(outs) ? outs : [outs];
        list.forEach((t, i) => shapes.set(wanted[i], [...t.shape]));
        tf.dispose(list);
        return shapes;
      } catch {
        // try the next, smaller request
      }
    }
    return shapes;
  } finally {
    tf.dispose(Object.values(feed));
  }
}

/**
 * Summarises a graph model: every GraphDef node with its op, inputs, output shape
 * (batch 1), the weights it holds (`tensors`, as stored) and its multiply-accumulates
 * (MatMul, BatchMatMul, Conv2D/3D, depthwise and transposed convolutions; shapes come
 * from one run of `model` on zeros, so MACs are null where it cannot run that way).
 */
export async function summarizeGraphModel(
  model: tfconv.GraphModel,
  topology: unknown,
  tensors: readonly StoredTensorSummary[],
  provenance: Provenance[] = [],
): Promise<TfjsModelSummary> {
  const nodes = graphDefNodes(topology);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const executed = await nodeShapes(model, nodes);
  const shapeOf = (name: string): number[] | undefined => byName.get(name)?.shape ?? executed.get(name);
  const layers = nodes.map((node): TfjsLayerSummary => {
    const held = byName.get(node.name);
    const own = held ? [held] : [];
    return {
      name: node.name,
      op: node.op,
      inputs: (node.input ?? []).filter((i) => !i.startsWith('^')),
      outputShape: shapeOf(node.name) ?? null,
      params: own.reduce((s, t) => s + t.params, 0),
      bytes: own.reduce((s, t) => s + t.bytes, 0),
      macs: macsOf(node, shapeOf),
      tensors: own,
    };
  });
  const bytesByEncoding: Record<string, number> = {};
  for (const t of tensors) bytesByEncoding[t.encoding] = (bytesByEncoding[t.encoding] ?? 0) + t.bytes;
  // Signature shapes (-1 for the batch) where tfjs knows them, else the shapes of the batch-1 run.
  const io = (list: tfconv.GraphModel['inputs']) =>
    list.map((t) => ({ name: t.name, shape: t.shape ? [...t.shape] : (executed.get(nodeName(t.name)) ?? null), dtype: String(t.dtype) }));
  const macs = layers.some((l) => l.macs === null) ? null : layers.reduce((s, l) => s + (l.macs ?? 0), 0);
  return {
    inputs: io(model.inputs),
    outputs: io(model.outputs),
    layers,
    params: tensors.reduce((s, t) => s + t.params, 0),
    bytes: tensors.reduce((s, t) => s + t.bytes, 0),
    macs,
    bytesByEncoding,
    provenance,
  };
}

/** The weights of a manifest as stored in its shards (dtype, or quantization dtype, and bytes). */
export function manifestTensors(specs: readonly tf.io.WeightsManifestEntry[]): StoredTensorSummary[] {
  return specs.map((spec) => {
    const params = spec.shape.reduce((p, d) => p * d, 1);
    return { name: spec.name, shape: [...spec.shape], encoding: manifestEntryDtype(spec), params, bytes: manifestEntryBytes(spec) ?? 0 };
  });
}

/** The model's artifacts in memory, as tfjs loaders take them. */
export function tfjsArtifacts(files: TfjsModelFiles): tf.io.ModelArtifacts {
  return tf.io.getModelArtifactsForJSONSync(files.modelJson, files.weightSpecs, files.weightData);
}

/** Builds the Layers model of a "layers-model" directory; errors name the file. */
export async function loadTfjsLayersModel(files: TfjsModelFiles): Promise<tfl.LayersModel> {
  const artifacts = tfjsArtifacts(files);
  try {
    return await tfl.loadLayersModel({ load: async () => artifacts });
  } catch (err) {
    throw new Error(`${files.jsonPath}: cannot build the Layers model (${(err as Error).message})`);
  }
}

function summarizeLayers(model: tfl.LayersModel, specs: readonly tf.io.WeightsManifestEntry[]): TfjsModelSummary {
  const stored = new Map(manifestTensors(specs).map((t) => [t.name, t]));
  const layers = model.layers.map((layer): TfjsLayerSummary => {
    const tensors = layer.weights.map((w): StoredTensorSummary => {
      const known = stored.get(w.originalName) ?? stored.get(w.name);
      const shape = [...w.shape] as number[];
      const params = shape.reduce((p, d) => p * d, 1);
      return known ? { ...known, name: w.originalName } : { name: w.originalName, shape, encoding: w.dtype, params, bytes: 4 * params };
    });
    const out = layer.outputShape;
    const inbound = layer.inboundNodes[0];
    return {
      name: layer.name,
      op: layer.getClassName(),
      inputs: inbound ? inbound.inboundLayers.map((l) => l.name) : [],
      outputShape: Array.isArray(out[0]) ? [...(out[0] as (number | null)[])] : [...(out as (number | null)[])],
      params: tensors.reduce((s, t) => s + t.params, 0),
      bytes: tensors.reduce((s, t) => s + t.bytes, 0),
      macs: layerMacs(layer),
      tensors,
    };
  });
  const all = manifestTensors(specs);
  const bytesByEncoding: Record<string, number> = {};
  for (const t of all) bytesByEncoding[t.encoding] = (bytesByEncoding[t.encoding] ?? 0) + t.bytes;
  const io = (list: tfl.SymbolicTensor[]) => list.map((t) => ({ name: t.name, shape: [...t.shape], dtype: String(t.dtype) }));
  return {
    inputs: io(model.inputs),
    outputs: io(model.outputs),
    layers,
    params: all.reduce((s, t) => s + t.params, 0),
    bytes: all.reduce((s, t) => s + t.bytes, 0),
    macs: layers.reduce((s, l) => s + (l.macs ?? 0), 0),
    bytesByEncoding,
    provenance: [],
  };
}

/**
 * Summarises a tfjs model directory as stored (see {@link readTfjsModel}): a Layers
 * model layer by layer (class, output shape, weights, MACs), a graph model node by
 * node (see {@link summarizeGraphModel}). Weights are reported in their stored dtype.
 */
export async function summarizeTfjsModel(files: TfjsModelFiles): Promise<TfjsModelSummary> {
  if (files.format === 'layers-model') {
    const model = await loadTfjsLayersModel(files);
    try {
      return summarizeLayers(model, files.weightSpecs);
    } finally {
      model.dispose();
    }
  }
  const artifacts = tfjsArtifacts(files);
  const model = await tfconv.loadGraphModel({ load: async () => artifacts });
  try {
    return await summarizeGraphModel(model, files.modelJson.modelTopology, manifestTensors(files.weightSpecs));
  } finally {
    model.dispose();
  }
}
