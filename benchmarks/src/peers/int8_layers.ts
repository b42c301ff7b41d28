// Child process: the per-layer cost of one model at one batch on the .lite
// runtime, in several encodings (fp32, int8 static, int8 dynamic). Each compute
// layer is cut out into a one-layer graph (its weights as the encoding stored
// them; a ZeroPadding2D it reads comes along, as the runtime folds it into the
// conv) and that graph's planned steps are timed alone on inputs of the layer's
// shape (uniform [0, 1) values: kernel time does not depend on them). Layers run
// interleaved: every encoding of a layer before the next layer. Conv and dense
// layers also get their GEMM alone (M = batch·outH·outW, K, N = outC) timed on
// native.gemmS8 and native.gemm, to separate the GEMM from the rest of the layer
// (quantizing the input, im2col, the epilogue).
// The parent sets LITE_NUM_THREADS, which the addon reads once when it loads.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { LiteModel, createRng, type GraphNode, type LiteGraph, type LayerSummary } from '@lite/core';
import native from '@lite/native';
import { buildModel, type LatencyModelName } from '../models.js';
import { runtimeGraph, type RuntimeEncoding } from '../quantized.js';
import { measure, type Protocol } from '../timing.js';
import { readRequest, type Shape } from './child.js';
import { fp32GemmCall, int8GemmCall } from './gemm_calls.js';

export interface LayersRequest {
  model: LatencyModelName;
  batch: number;
  encodings: RuntimeEncoding[];
  protocol: Protocol;
}

export interface LayerTiming {
  name: string;
  op: GraphNode['op'];
  /** e.g. "5×5 1→10" for a conv, "320→50" for a dense layer. */
  detail: string;
  /** Multiply-adds per output (K of the layer's GEMM), for conv and dense layers. */
  depth?: number;
  /** Multiply-accumulates per sample. */
  macs: number;
  /** Weight encoding per model encoding (f32, int8, ...), for layers with a kernel. */
  weights: Partial<Record<RuntimeEncoding, string>>;
  /** Seconds per call at the batch, one per sample, per encoding. */
  secPerCall: Partial<Record<RuntimeEncoding, number[]>>;
  /** Conv and dense layers: the layer's GEMM at the batch and its seconds per call alone. */
  gemm?: Shape & { int8: number[]; fp32: number[] };
}

export interface LayersReply {
  info: Record<string, string | number | boolean>;
  /** How the layers were timed: 'steps' (the plan's steps alone) or 'predict' (whole predict calls). */
  timed: 'steps' | 'predict';
  layers: LayerTiming[];
}

/** The planned steps of a model for some input shapes: LiteModel's (private) plan, when it has one. */
interface PlanLike {
  inputs: { buffer: Float32Array }[];
  steps: (() => void)[];
}
type Planner = { plan?: (shapes: number[][]) => PlanLike };

const req = readRequest<LayersRequest>();
tf.env().set('PROD', true);
await tf.setBackend('cpu');
const { model } = buildModel(req.model);
const graphs = new Map<RuntimeEncoding, LiteGraph>();
for (const e of req.encodings) graphs.set(e, await runtimeGraph(model, req.model, e));
model.dispose();

const reference = graphs.get(req.encodings[0]!)!;
const summary = new Map<string, LayerSummary>(LiteModel.fromGraph(reference).summary().layers.map((l) => [l.name, l]));
const byName = new Map(reference.nodes.map((n) => [n.name, n]));
const rng = createRng(7);
let timed: LayersReply['timed'] = 'steps';

/** Names of the values a node reads. */
function inputsOf(node: GraphNode): string[] {
  return summary.get(node.name)!.inputs;
}

/** The one-layer graph of `node` in `graph`: input nodes for what it reads (through a ZeroPadding2D), the pad, the node. */
function isolate(graph: LiteGraph, node: GraphNode): { sub: LiteGraph; shapes: number[][] } {
  const nodes: GraphNode[] = [];
  const inputs: GraphNode[] = [];
  for (const name of inputsOf(node)) {
    const pad = byName.get(name);
    const source = pad?.op === 'zeroPadding2d' ? pad.input : name;
    if (pad?.op === 'zeroPadding2d') nodes.push(pad);
    inputs.push({ op: 'input', name: source, shape: summary.get(source)!.outputShape });
  }
  const names = new Set([...nodes, node].flatMap((n) => summary.get(n.name)!.tensors.map((t) => t.name)));
  const tensors = new Map([...graph.tensors].filter(([name]) => names.has(name)));
  const sub: LiteGraph = { nodes: [...inputs, ...nodes, node], outputs: [node.name], tensors, provenance: [] };
  const shapes = inputs.map((n) => [req.batch, ...(n as Extract<GraphNode, { op: 'input' }>).shape.slice(1).map((d) => d ?? 1)]);
  return { sub, shapes };
}

/** A call that runs the layer once on fixed inputs. */
function layerCall(sub: LiteGraph, shapes: number[][]): () => void {
  const lite = LiteModel.fromGraph(sub);
  const data = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.next()));
  const planner = lite as unknown as Planner;
  if (typeof planner.plan === 'function') {
    const plan = planner.plan(shapes);
    plan.inputs.forEach((input, i) => input.buffer.set(data[i]!));
    return () => {
      for (const step of plan.steps) step();
    };
  }
  // The runtime's plan is not reachable: whole predict calls (they add copying inputs in and outputs out).
  timed = 'predict';
  const inputs = shapes.map((shape, i) => ({ data: data[i]!, shape }));
  return () => void lite.predict(inputs);
}

function describe(node: GraphNode, layer: LayerSummary): { detail: string; depth?: number } {
  const k = layer.tensors[0]?.shape;
  if (node.op === 'conv2d' && k) return { detail: `${k[0]}×${k[1]} ${k[2]}→${k[3]}${node.strides[0] > 1 ? ` /${node.strides[0]}` : ''}`, depth: k[0]! * k[1]! * k[2]! };
  if (node.op === 'depthwiseConv2d' && k) return { detail: `${k[0]}×${k[1]} ×${k[2]}${node.strides[0] > 1 ? ` /${node.strides[0]}` : ''}` };
  if (node.op === 'dense' && k) return { detail: `${k[0]}→${k[1]}`, depth: k[0]! };
  return { detail: layer.outputShape.slice(1).join('×') };
}

const layers: LayerTiming[] = [];
for (const node of reference.nodes) {
  if (node.op === 'input' || node.op === 'flatten' || node.op === 'reshape' || node.op === 'zeroPadding2d') continue;
  const layer = summary.get(node.name)!;
  const timing: LayerTiming = { name: node.name, op: node.op, ...describe(node, layer), macs: layer.macs, weights: {}, secPerCall: {} };
  for (const [encoding, graph] of graphs) {
    const own = graph.nodes.find((n) => n.name === node.name)!;
    const { sub, shapes } = isolate(graph, own);
    if (layer.tensors.length) timing.weights[encoding] = sub.tensors.get(layer.tensors[0]!.name)!.encoding;
    timing.secPerCall[encoding] = measure(layerCall(sub, shapes), req.protocol);
  }
  if (timing.depth !== undefined) {
    const out = layer.outputShape;
    const n = out[out.length - 1]!;
    const m = (req.batch * out.slice(1, -1).reduce<number>((a, d) => a * (d ?? 1), 1));
    const k = timing.depth;
    timing.gemm = { m, n, k, int8: measure(int8GemmCall(m, n, k, 'float32'), req.protocol), fp32: measure(fp32GemmCall(m, n, k), req.protocol) };
  }
  layers.push(timing);
}

const reply: LayersReply = { info: { isa: native.isa(), int8Kernel: native.int8Kernel(), threads: native.numThreads() }, timed, layers };
process.stdout.write(JSON.stringify(reply));
