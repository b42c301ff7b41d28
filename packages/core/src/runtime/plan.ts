import type { GraphNode, LiteGraph } from '../graph/index.js';
import { needsRepack, packedFlow, packedStep } from './binary_flow.js';
import { int8Flow, int8Step, NO_INT8_FLOW } from './int8_flow.js';
import { sizeOf } from './geometry.js';
import { inferShapes, nodeInputs } from './shapes.js';
import { buildStep, convGeometry, kernelAcceptsGeometry, runsInPlace, type ExtraPadding, type Step } from './steps.js';
import type { RuntimeWeight } from './weights.js';

/**
 * Everything needed to run a graph for one set of input shapes: the steps in
 * order and the buffers they share, allocated once and reused on every run.
 */
export interface Plan {
  /** Buffers the caller fills before {@link runPlan}, in the graph's input order. */
  inputs: { name: string; shape: number[]; buffer: Float32Array }[];
  /** Where each output lies after a run (views into the plan's buffers; copy them out). */
  outputs: { name: string; shape: number[]; value: Float32Array }[];
  steps: Step[];
  /** Floats allocated for all the plan's buffers. */
  floats: number;
}

/** A buffer several node values may share over the plan (aliases and in-place ops). */
interface Storage {
  size: number;
  /** Index of the last step that reads it (Infinity for outputs). */
  end: number;
  array?: Float32Array;
  /** Holds a uint8 value (int8_flow.ts) in its bytes. */
  u8?: boolean;
}

/** Free buffers, handed out best-fit. */
class BufferPool {
  private free: Float32Array[] = [];
  floats = 0;

  take(size: number): Float32Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i].length;
      if (len >= size && (best < 0 || len < this.free[best].length)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0];
    this.floats += size;
    return new Float32Array(size);
  }

  give(array: Float32Array): void {
    this.free.push(array);
  }
}

/**
 * ZeroPadding2D nodes whose only readers are convolutions that can apply the
 * padding themselves (the kernels pad with zeros): those readers take the
 * unpadded input and the padding is never materialised.
 */
function foldablePads(
  graph: LiteGraph,
  shapes: Map<string, number[]>,
  weights: ReadonlyMap<string, RuntimeWeight>,
  readers: Map<string, GraphNode[]>,
  outputs: Set<string>,
): Map<string, { name: string; padding: ExtraPadding }> {
  const folded = new Map<string, { name: string; padding: ExtraPadding }>();
  for (const node of graph.nodes) {
    if (node.op !== 'zeroPadding2d' || outputs.has(node.name)) continue;
    const users = readers.get(node.name) ?? [];
    const ok = users.length > 0 && users.every((u) => {
      if (u.op !== 'conv2d' && u.op !== 'depthwiseConv2d') return false;
      const k = weights.get(u.kernel)?.shape;
      return k !== undefined && kernelAcceptsGeometry(convGeometry(u, shapes.get(node.input)!, k, node.padding));
    });
    if (ok) folded.set(node.name, { name: node.input, padding: node.padding });
  }
  return folded;
}

export interface PlanOptions {
  /**
   * Hold the values between binary layers as packed sign bits (BN + sign folded
   * into thresholds, max pooling on the bits; binary_flow.ts). Default: when
   * the batch is at most {@link PACKED_BITS_MAX_BATCH}; false runs every value
   * in float32 (the reference the packed path must equal).
   */
  packedBits?: boolean;
  /**
   * Hold the values between statically quantized int8 layers as uint8, each
   * layer requantizing its output to its readers' input quantization
   * (int8_flow.ts). Default true; false runs every value in float32 (each int8
   * layer quantizing its own input).
   */
  uint8Activations?: boolean;
}

/**
 * The largest batch the packed-bit flow runs at by default: on the
 * seedCnn-shaped binary network it wins at batch 1 (1.14×) and loses at 256
 * (0.89×: the bit re-layout at flatten and the packed pool cost more than
 * packBits saves) — `npx vite-node packages/core/scripts/bench_binary_flow.ts`.
 */
export const PACKED_BITS_MAX_BATCH = 16;

/**
 * Plans a graph for concrete input shapes (batch included, one per input node
 * in graph order): infers every shape, assigns buffers (a value's buffer goes
 * back to the pool after its last reader; elementwise ops write over an input
 * that dies with them; flatten/reshape share their input's buffer) and builds
 * the steps.
 */
export function buildPlan(graph: LiteGraph, weights: ReadonlyMap<string, RuntimeWeight>, inputShapes: number[][], options: PlanOptions = {}): Plan {
  const inputNodes = graph.nodes.filter((n) => n.op === 'input');
  const weightShape = (name: string): number[] => {
    const w = weights.get(name);
    if (!w) throw new Error(`the graph reads weight '${name}', which the model does not have`);
    return w.shape;
  };
  const shapes = inferShapes(graph, new Map(inputNodes.map((n, i) => [n.name, inputShapes[i]])), weightShape);
  const outputs = new Set(graph.outputs);
  const readers = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    for (const input of nodeInputs(node)) readers.set(input, [...(readers.get(input) ?? []), node]);
  }
  const pads = foldablePads(graph, shapes, weights, readers, outputs);
  const source = (name: string): string => pads.get(name)?.name ?? name;
  const packed = options.packedBits ?? inputShapes.every((shape) => (shape[0] ?? 1) <= PACKED_BITS_MAX_BATCH);
  const flow = packed ? packedFlow(graph, weights, shapes) : new Map();
  const int8 = options.uint8Activations ?? true ? int8Flow(graph, weights, shapes, new Set(pads.keys())) : NO_INT8_FLOW;

  // The step index of every value's last reader, following aliases back to the buffer's owner.
  // A conv fused into the max pool after it (int8Flow's pooled) reads its input at the pool's step.
  const index = new Map(graph.nodes.map((n, i) => [n.name, i]));
  const fusedAt = new Map([...int8.pooled].map(([pool, conv]) => [conv, index.get(pool)!]));
  const end = new Map<string, number>();
  for (const name of outputs) end.set(name, Infinity);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    const nodeEnd = end.get(node.name) ?? i;
    for (const input of nodeInputs(node).map(source)) {
      const reach = node.op === 'flatten' || node.op === 'reshape' ? nodeEnd : fusedAt.get(node.name) ?? i;
      end.set(input, Math.max(end.get(input) ?? -1, reach));
    }
  }

  const storage = new Map<string, Storage>();
  const pool = new BufferPool();
  const steps: Step[] = [];
  // Input buffers are filled before every run; their arrays may serve later values once read.
  const inputBuffers = new Map<string, Float32Array>();
  const release = (s: Storage, at: number): void => {
    if (s.end <= at && s.array) {
      pool.give(s.array);
      s.array = undefined;
    }
  };
  const viewOf = (name: string): Float32Array => {
    const s = storage.get(source(name))!;
    return s.array!.subarray(0, sizeOf(shapes.get(source(name))!));
  };
  const ctx = {
    value: viewOf,
    shape: (name: string) => shapes.get(name)!,
    weight: (name: string) => weights.get(name)!,
    node: (name: string) => graph.nodes[index.get(name)!],
    convSource: (name: string) => pads.get(name) ?? { name, padding: [[0, 0], [0, 0]] as ExtraPadding },
    packed: (name: string): Uint32Array | null => {
      const p = flow.get(name);
      if (!p) return null;
      const array = storage.get(source(name))!.array!;
      return new Uint32Array(array.buffer, array.byteOffset, p.words);
    },
    bytes: (name: string): Uint8Array | null => {
      if (!int8.values.has(source(name))) return null;
      const array = storage.get(source(name))!.array!;
      return new Uint8Array(array.buffer, array.byteOffset, sizeOf(shapes.get(source(name))!));
    },
  };

  for (let i = 0; i < graph.nodes.length; i++) {
    const node = graph.nodes[i];
    if (pads.has(node.name)) continue;
    const myEnd = end.get(node.name) ?? i;
    const ins = nodeInputs(node).map(source);
    if ((node.op === 'flatten' || node.op === 'reshape') && !needsRepack(node, flow)) {
      storage.set(node.name, storage.get(ins[0])!);
      continue;
    }
    // A packed value lives in its buffer's bytes: one float per u32 word; a uint8 value one float per 4 bytes.
    const u8 = int8.values.has(node.name);
    const size = u8 ? Math.ceil(sizeOf(shapes.get(node.name)!) / 4) : Math.max(sizeOf(shapes.get(node.name)!), flow.get(node.name)?.words ?? 0);
    const first = ins.length > 0 ? storage.get(ins[0])! : undefined;
    if (first && runsInPlace(node) && first.end === i && first.size === size && !first.u8 === !u8 && first.array) {
      first.end = myEnd;
      storage.set(node.name, first);
    } else {
      storage.set(node.name, { size, end: myEnd, array: pool.take(size), ...(u8 ? { u8 } : {}) });
    }
    if (node.op === 'input') inputBuffers.set(node.name, viewOf(node.name));
    const step = packedStep(node, flow, ctx) ?? int8Step(node, int8, ctx) ?? buildStep(node, ctx);
    if (step) steps.push(step);
    for (const input of ins) release(storage.get(input)!, i);
    // A value nobody reads goes back at once; an unread input keeps its buffer (it is filled every run).
    if (node.op !== 'input') release(storage.get(node.name)!, i);
  }

  return {
    inputs: inputNodes.map((n, i) => ({ name: n.name, shape: inputShapes[i], buffer: inputBuffers.get(n.name)! })),
    outputs: graph.outputs.map((name) => ({ name, shape: shapes.get(name)!, value: viewOf(name) })),
    steps,
    floats: pool.floats,
  };
}

/** Runs a plan whose input buffers hold the inputs; the outputs are then in `plan.outputs`. */
export function runPlan(plan: Plan): void {
  for (const step of plan.steps) step();
}
