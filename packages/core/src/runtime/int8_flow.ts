/**
 * uint8 flow between int8 layers of a statically quantized graph, as TFLite
 * runs one: a value is held as uint8 (in its Float32Array buffer's bytes, a
 * Uint8Array view) when its producer can write uint8 and every reader takes
 * uint8 with the same quantization — the readers' calibrated `inputQuant`. The
 * producer then requantizes its output to those parameters in its epilogue
 * (conv2dS8/depthwiseConv2dS8 with a Uint8Array y), and the reader skips
 * quantizing its input: 4× less memory traffic between layers than float32.
 *
 * Producers: int8 conv2d/dense with a static `inputQuant` and a kernel
 * activation; int8 depthwise convs reading uint8; maxPool2d/flatten/reshape of
 * uint8 values (same parameters: max commutes with the monotone quantization);
 * two-input adds (addU8 takes each operand as uint8 or float32). Readers that
 * take uint8: those conv/dense/depthwise layers (with exactly their
 * `inputQuant`), adds and average pools (any parameters: a value only they read
 * is uint8 when it is a relu6 output, over its fixed range [0, 6], or the
 * residual branch p of an add y = x + p whose x and y are uint8, over the
 * range [min y − max x, max y − min x] their calibrated ranges imply), and
 * maxPool2d/flatten/reshape and folded ZeroPadding2D (whatever their own
 * readers take). Anything else, and every graph output, stays float32.
 *
 * A uint8 conv read only by a max pool runs fused with it (conv2dS8's pool
 * option: one pass, the pool's windows' max taken on the int32 sums before the
 * epilogue); the pool's step is that conv and the conv's own step is empty.
 */
import type { ActivationQuant, GraphActivation, GraphNode, LiteGraph } from '../graph/index.js';
import { conv2dS8Direct, kernels, type AddU8Options, type ConvS8Pool, type ConvShape } from '../kernels/index.js';
import { isKernelActivation } from './activations.js';
import { nodeInputs } from './shapes.js';
import {
  convGeometry, epilogue, inputQuantOptions, MIN_INT8_DEPTH, poolShape, withActivation, type ExtraPadding, type Step, type StepContext,
} from './steps.js';
import { weightValues, type PackedIntWeight, type RuntimeWeight } from './weights.js';

/** The int8 weights of a depthwise conv run on depthwiseConv2dS8: codes [fh, fw, inC, mult] and one scale per output channel. */
export interface DepthwiseS8Weight {
  q: Int8Array;
  scale: Float32Array;
}

/** What the plan holds as uint8, and how the depthwise layers reading it run. */
export interface Int8Flow {
  /** Values held as uint8, by name, with their quantization. */
  values: Map<string, ActivationQuant>;
  /** Depthwise convs that read a uint8 value, with their int8 weights. */
  depthwise: Map<string, DepthwiseS8Weight>;
  /** Max pools run fused into the uint8 conv they read: pool name → conv name. */
  pooled: Map<string, string>;
}

/** No value held as uint8 (the flow disabled). */
export const NO_INT8_FLOW: Int8Flow = { values: new Map(), depthwise: new Map(), pooled: new Map() };

/**
 * A conv reading float32 (quantizing it itself) writes uint8 when its depth
 * K = fh·fw·inC reaches MIN_INT8_DEPTH, its input has at least this many
 * channels, or conv2dS8 runs it on its direct kernel (conv2dS8Direct); else it
 * runs the fp32 kernel and writes float32. im2col copies runs of inC bytes: at
 * batch 256, 1 thread, the MobileNetV2-style stem (3×3×3, K = 27) takes 7.9 ms
 * int8 vs 11.7 ms fp32, seedCnn's conv1 (5×5×1, K = 25) 1.5 ms int8 vs 0.53 ms
 * fp32 — and 0.29 ms on the direct kernel with pool1 fused, vs 0.74 ms for
 * both in fp32.
 */
export const MIN_FLOAT_INPUT_CHANNELS = 3;

/** conv2dS8's pool option for a max pool node over a conv output of shape `xs`, when its windows lie inside it. */
export function fusablePool(node: GraphNode, xs: number[] | undefined): ConvS8Pool | null {
  if (node.op !== 'maxPool2d' || xs?.length !== 4) return null;
  const s = poolShape(node, xs);
  const inside = (n: number, f: number, stride: number) => Math.floor((n - f) / stride) + 1;
  if (s.padTop !== 0 || s.padLeft !== 0 || s.outH !== inside(s.inH, s.filterH, s.strideH) || s.outW !== inside(s.inW, s.filterW, s.strideW)) return null;
  return { filterH: s.filterH, filterW: s.filterW, strideH: s.strideH, strideW: s.strideW };
}

/** The uint8 quantization of a relu6 output that no calibrated reader fixes: [0, 6] over 255 steps. */
export const RELU6_QUANT: ActivationQuant = { scale: Math.fround(6 / 255), zeroPoint: 0 };

/** uint8 parameters covering [lo, hi] (and 0), as static calibration picks them. */
function rangeQuant(lo: number, hi: number): ActivationQuant {
  const l = Math.min(0, lo), h = Math.max(0, hi);
  const scale = Math.fround((h - l) / 255) || 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-l / scale))) };
}

/** Readers' demand on a value: one quantization, any (adds), or none possible (null). */
type Demand = ActivationQuant | 'any' | null;

const sameQuant = (a: ActivationQuant, b: ActivationQuant): boolean =>
  Math.fround(a.scale) === Math.fround(b.scale) && a.zeroPoint === b.zeroPoint;

function meet(a: Demand, b: Demand): Demand {
  if (a === null || b === null) return null;
  if (a === 'any') return b;
  if (b === 'any') return a;
  return sameQuant(a, b) ? a : null;
}

/** A conv2d/dense node's packed int8 kernel when it runs statically quantized on the int8 kernels. */
function staticInt(node: GraphNode, weights: ReadonlyMap<string, RuntimeWeight>): PackedIntWeight | null {
  if ((node.op !== 'conv2d' && node.op !== 'dense') || node.binaryInput || !node.inputQuant) return null;
  const w = weights.get(node.kernel);
  return w?.kind === 'int' ? w : null;
}

/** A depthwise node's int8 codes and per-output-channel scales, when stored symmetric int8 with a static input. */
function depthwiseWeight(node: GraphNode, graph: LiteGraph): DepthwiseS8Weight | null {
  if (node.op !== 'depthwiseConv2d' || !node.inputQuant) return null;
  const t = graph.tensors.get(node.kernel);
  if (!t || t.encoding !== 'int8' || !t.params.symmetric || t.shape.length !== 4) return null;
  const outC = t.shape[2] * t.shape[3];
  const s = t.params.scale;
  if (s.length !== 1 && s.length !== outC) return null;
  return { q: t.q, scale: Float32Array.from({ length: outC }, (_, d) => s[s.length === 1 ? 0 : d]) };
}

/**
 * The graph's uint8 flow: which values are held as uint8 with which
 * quantization. `folded` names the ZeroPadding2D nodes the plan folds into
 * their readers (transparent here: their readers read the pad's input).
 */
export function int8Flow(
  graph: LiteGraph,
  weights: ReadonlyMap<string, RuntimeWeight>,
  shapes: ReadonlyMap<string, number[]>,
  folded: ReadonlySet<string>,
): Int8Flow {
  const readers = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    for (const input of nodeInputs(node)) readers.set(input, [...(readers.get(input) ?? []), node]);
  }
  const outputs = new Set(graph.outputs);
  const dwWeights = new Map<string, DepthwiseS8Weight>();
  for (const node of graph.nodes) {
    const w = depthwiseWeight(node, graph);
    if (w) dwWeights.set(node.name, w);
  }
  const memo = new Map<string, Demand>();
  const demand = (name: string): Demand => {
    if (memo.has(name)) return memo.get(name)!;
    const users = readers.get(name) ?? [];
    let d: Demand = outputs.has(name) || users.length === 0 ? null : 'any';
    for (const u of users) {
      if (d === null) break;
      let r: Demand = null;
      if (staticInt(u, weights) || dwWeights.has(u.name)) r = (u as { inputQuant: ActivationQuant }).inputQuant;
      else if (u.op === 'add') r = u.inputs.length === 2 ? 'any' : null;
      else if (u.op === 'avgPool2d' || u.op === 'globalAvgPool2d') r = shapes.get(name)?.length === 4 ? 'any' : null;
      else if (u.op === 'maxPool2d') r = shapes.get(name)?.length === 4 ? demand(u.name) : null;
      else if (u.op === 'flatten' || u.op === 'reshape' || (u.op === 'zeroPadding2d' && folded.has(u.name))) r = demand(u.name);
      d = meet(d, r);
    }
    memo.set(name, d);
    return d;
  };
  const pads = new Map(graph.nodes.flatMap((n) => (n.op === 'zeroPadding2d' && folded.has(n.name) ? [[n.name, n.input]] : [])));
  const sourceOf = (name: string): string => pads.get(name) ?? name;
  const values = new Map<string, ActivationQuant>();
  const depthwise = new Map<string, DepthwiseS8Weight>();
  const concrete = (d: Demand): ActivationQuant | null => (d === null || d === 'any' ? null : d);
  // Readers that take any quantization (adds, average pools): a relu6 output's range is [0, 6] without
  // calibration; a residual branch p read only by y = x + p, with x already uint8 and y's readers
  // calibrated, lies in [min y − max x, max y − min x] (the ranges' difference).
  const produced = (name: string, activation: GraphActivation): ActivationQuant | null => {
    const d = demand(name);
    if (d !== 'any') return concrete(d);
    if (activation === 'relu6') return RELU6_QUANT;
    const users = readers.get(name) ?? [];
    const add = users.length === 1 && users[0].op === 'add' && users[0].inputs.length === 2 ? users[0] : null;
    const other = add ? add.inputs.find((n) => n !== name) : undefined;
    const qx = other === undefined ? undefined : values.get(other);
    const qy = add ? concrete(demand(add.name)) : null;
    if (!qx || !qy) return null;
    const range = (q: ActivationQuant): [number, number] => [-q.zeroPoint * q.scale, (255 - q.zeroPoint) * q.scale];
    const [lx, hx] = range(qx), [ly, hy] = range(qy);
    return rangeQuant(ly - hx, hy - lx);
  };
  // The max pool a conv's output goes to alone (its windows inside it): the conv may run fused with it.
  const poolAfter = (node: GraphNode): { name: string; pool: ConvS8Pool } | null => {
    const users = readers.get(node.name) ?? [];
    const pool = users.length === 1 && !outputs.has(node.name) ? fusablePool(users[0], shapes.get(node.name)) : null;
    return pool ? { name: users[0].name, pool } : null;
  };
  // Whether conv2dS8 runs a conv reading float32 on its direct kernel (no folded padding: its own geometry).
  const direct = (node: Extract<GraphNode, { op: 'conv2d' }>, kernel: number[]): boolean => {
    const xs = shapes.get(node.input);
    if (pads.has(node.input) || xs?.length !== 4) return false;
    return conv2dS8Direct(convGeometry(node, xs, kernel), poolAfter(node)?.pool);
  };
  const pooled = new Map<string, string>();
  for (const node of graph.nodes) {
    let q: ActivationQuant | null = null;
    const int = staticInt(node, weights);
    if (int && (node.op === 'conv2d' || node.op === 'dense') && isKernelActivation(node.activation)) {
      const n = int.shape[int.shape.length - 1], depth = int.shape.reduce((a, b) => a * b, 1) / n;
      const inC = node.op === 'conv2d' ? int.shape[2] : depth;
      if (values.has(sourceOf(node.input)) || depth >= MIN_INT8_DEPTH || inC >= MIN_FLOAT_INPUT_CHANNELS
        || (node.op === 'conv2d' && direct(node, int.shape))) {
        q = produced(node.name, node.activation);
      }
      const after = q && node.op === 'conv2d' ? poolAfter(node) : null;
      if (after) pooled.set(after.name, node.name);
    } else if (node.op === 'depthwiseConv2d' && dwWeights.has(node.name)) {
      // Runs on the uint8 kernel exactly when its input (through a folded pad) is uint8.
      if (!values.has(sourceOf(node.input))) continue;
      depthwise.set(node.name, dwWeights.get(node.name)!);
      if (isKernelActivation(node.activation)) q = produced(node.name, node.activation);
    } else if (node.op === 'maxPool2d' || node.op === 'flatten' || node.op === 'reshape') {
      // A uint8 input has readers' demand, so this node's readers all take uint8 with its parameters.
      q = values.get(node.input) ?? null;
    } else if (node.op === 'add' && node.inputs.length === 2) {
      q = concrete(demand(node.name));
    }
    if (q) values.set(node.name, { scale: q.scale, zeroPoint: q.zeroPoint });
  }
  return { values, depthwise, pooled };
}

/** What the uint8 steps ask of the plan: its StepContext, a value's bytes (null for a float32 value) and a node by name. */
export interface Int8Context extends StepContext {
  bytes(name: string): Uint8Array | null;
  node(name: string): GraphNode;
}

const NO_PADDING: ExtraPadding = [[0, 0], [0, 0]];

/**
 * The step of an int8 conv2d/dense reading or writing uint8 into `y` (its own
 * value, or with `pool` the max pool's it runs fused with), or null when it
 * does neither (the plan builds its float32 step).
 */
function intStep(node: Extract<GraphNode, { op: 'conv2d' | 'dense' }>, ctx: Int8Context, y: Float32Array | Uint8Array,
  requant: { outScale?: number; outZeroPoint?: number }, pool?: ConvS8Pool): Step | null {
  const source = node.op === 'conv2d' ? ctx.convSource(node.input) : { name: node.input, padding: NO_PADDING };
  const xq = ctx.bytes(source.name);
  if (!xq && !(y instanceof Uint8Array)) return null;
  const int = ctx.weight(node.kernel) as PackedIntWeight;
  let shape: ConvShape;
  if (node.op === 'conv2d') {
    shape = convGeometry(node, ctx.shape(source.name), int.shape, source.padding);
  } else {
    const [k, n] = int.shape;
    const m = ctx.shape(node.input).reduce((a, b) => a * b, 1) / k;
    shape = {
      batch: m, inH: 1, inW: 1, inC: k, outH: 1, outW: 1, outC: n, filterH: 1, filterW: 1,
      strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0,
    };
  }
  const x = xq ?? ctx.value(source.name);
  const bias = node.bias === undefined ? null : weightValues(ctx.weight(node.bias));
  const { fused, after } = epilogue(node.activation);
  const options = { ...inputQuantOptions(node.inputQuant), scaleB: int.scale, bias, activation: fused, ...requant, ...(pool ? { pool } : {}) };
  const run = () => kernels.conv2dS8(x, int.packed, y, shape, options);
  return y instanceof Float32Array ? withActivation(run, after, node, y, shape.outC) : run;
}

/**
 * The step of a node that reads or writes a uint8 value, or null when the node
 * is not in the flow (the plan builds its float32 step).
 */
export function int8Step(node: GraphNode, flow: Int8Flow, ctx: Int8Context): Step | null {
  const out = flow.values.get(node.name);
  const requant = out ? { outScale: out.scale, outZeroPoint: out.zeroPoint } : {};
  switch (node.op) {
    case 'conv2d':
    case 'dense': {
      if ([...flow.pooled.values()].includes(node.name)) return () => {}; // runs fused in its pool's step
      return intStep(node, ctx, ctx.bytes(node.name) ?? ctx.value(node.name), requant);
    }
    case 'depthwiseConv2d': {
      const w = flow.depthwise.get(node.name);
      if (!w) return null;
      const source = ctx.convSource(node.input);
      const x = ctx.bytes(source.name)!;
      const shape = convGeometry(node, ctx.shape(source.name), ctx.weight(node.kernel).shape, source.padding);
      const y = ctx.bytes(node.name) ?? ctx.value(node.name);
      const bias = node.bias === undefined ? null : weightValues(ctx.weight(node.bias));
      const { fused, after } = epilogue(node.activation);
      const options = { ...inputQuantOptions(node.inputQuant), scaleB: w.scale, bias, activation: fused, ...requant };
      const run = () => kernels.depthwiseConv2dS8(x, w.q, y, shape, options as Parameters<typeof kernels.depthwiseConv2dS8>[4]);
      return y instanceof Float32Array ? withActivation(run, after, node, y, shape.outC) : run;
    }
    case 'maxPool2d': {
      const conv = flow.pooled.get(node.name);
      if (conv) {
        const producer = ctx.node(conv) as Extract<GraphNode, { op: 'conv2d' }>;
        return intStep(producer, ctx, ctx.bytes(node.name)!, requant, fusablePool(node, ctx.shape(conv))!);
      }
      if (!out) return null;
      const x = ctx.bytes(node.input)!, y = ctx.bytes(node.name)!;
      const shape = poolShape(node, ctx.shape(node.input));
      return () => kernels.maxPoolU8(x, y, shape);
    }
    case 'avgPool2d':
    case 'globalAvgPool2d': {
      const q = flow.values.get(node.input);
      if (!q) return null;
      const x = ctx.bytes(node.input)!, y = ctx.value(node.name);
      const shape = poolShape(node, ctx.shape(node.input));
      const options = { scale: q.scale, zeroPoint: q.zeroPoint };
      return () => kernels.avgPoolU8(x, y, shape, options);
    }
    case 'add': {
      if (node.inputs.length !== 2) return null;
      const [qa, qb] = node.inputs.map((n) => flow.values.get(n));
      if (!qa && !qb && !out) return null;
      const [a, b] = node.inputs.map((n) => ctx.bytes(n) ?? ctx.value(n));
      const y = ctx.bytes(node.name) ?? ctx.value(node.name);
      const options: AddU8Options = {
        ...(qa ? { aScale: qa.scale, aZeroPoint: qa.zeroPoint } : {}),
        ...(qb ? { bScale: qb.scale, bZeroPoint: qb.zeroPoint } : {}),
        ...requant,
      };
      return () => kernels.addU8(a, b, y, options);
    }
    default:
      return null;
  }
}
