/**
 * Packed-bit flow between binary layers. A binary-kernel layer whose output is
 * read (directly, or through maxPool2d and flatten/reshape) only by `binaryInput`
 * layers with binary/ternary kernels never needs its float values: the reader
 * takes sign(y) with y = act(acc·scale[c] + bias[c]), and that sign is a
 * per-channel threshold test on the exact integer sum acc (BN + sign folded).
 * Such a layer writes packed bits (`kernels.bconv2d`/`bgemm`/`tgemm` with a
 * Uint32Array out), max pooling runs on the bits (max of ±1 values is −1 only
 * when all are: bit 1 = −1, so the AND of the window's bits), flatten/reshape
 * re-lay the bit rows where the channel count changes, and the reader skips its
 * packBits. A packed value lives in its Float32Array buffer's bytes (a Uint32Array
 * view over the same ArrayBuffer); the plan only sizes the buffer in words.
 */
import type { GraphActivation, GraphNode, LiteGraph } from '../graph/index.js';
import { axisGeometry, sizeOf } from './geometry.js';
import type { Step } from './steps.js';
import { nodeInputs } from './shapes.js';
import { weightValues, type RuntimeWeight } from './weights.js';

/** A value held as packed bits: `rows` rows of `channels` (its last axis), 2·ceil(channels/64) u32 per row. */
export interface PackedValue {
  rows: number;
  channels: number;
  words: number;
}

/** u32 words of `rows` packed rows of `channels` values (the binary kernels' layout). */
const wordsOf = (rows: number, channels: number): number => rows * 2 * Math.ceil(channels / 64);

/** The per-channel threshold test equal to sign(act(acc·scale + bias)) (bit 1 = −1; sign(0) = +1). */
export interface FoldedSign {
  thresholds: Int32Array;
  flip: Uint8Array;
}

/**
 * Folds `y = act(fma(acc, scale[c], bias[c]))` followed by sign into thresholds
 * for acc ∈ [−depth, depth]: bit = acc < T (scale > 0 or 0), acc > T with flip
 * (scale < 0). The float32 fma rounds once and keeps the sign of the exact
 * acc·s + b (zero only when that is zero), and acc·s is exact in a double for
 * |acc| < 2^24, so the sign is evaluated exactly in doubles; a tie (y = 0) gives
 * +1 (bit 0), as the float path's packBits (x < 0) and steSign do. relu/relu6
 * outputs are never negative (all bits 0). Null when the activation is another
 * one or a scale/bias is not finite (the layer then keeps the float path).
 */
export function foldSign(
  scale: Float32Array | number,
  bias: Float32Array | null,
  activation: GraphActivation,
  channels: number,
  depth: number,
): FoldedSign | null {
  if (activation !== 'linear' && activation !== 'relu' && activation !== 'relu6') return null;
  const thresholds = new Int32Array(channels);
  const flip = new Uint8Array(channels);
  const lo = -depth - 1, hi = depth + 1;
  for (let c = 0; c < channels; c++) {
    const s = Math.fround(typeof scale === 'number' ? scale : (scale[c] ?? 1));
    const b = bias?.[c] ?? 0;
    if (!Number.isFinite(s) || !Number.isFinite(b)) return null;
    // y ≥ 0 exactly where acc·s + b ≥ 0 (bit 0).
    const nonNegative = (a: number): boolean => a * s + b >= 0;
    if (activation !== 'linear') {
      thresholds[c] = lo; // never negative: every bit 0
    } else if (s > 0) {
      // T = the least acc with y ≥ 0: bit = acc < T.
      let t = Math.min(hi, Math.max(lo, Math.ceil(-b / s)));
      while (t > lo && nonNegative(t - 1)) t--;
      while (t < hi && !nonNegative(t)) t++;
      thresholds[c] = t;
    } else if (s < 0) {
      // T = the greatest acc with y ≥ 0: bit = acc > T.
      let t = Math.min(hi, Math.max(lo, Math.floor(-b / s)));
      while (t < hi && nonNegative(t + 1)) t++;
      while (t > lo && !nonNegative(t)) t--;
      thresholds[c] = t;
      flip[c] = 1;
    } else {
      thresholds[c] = b < 0 ? hi : lo;
    }
  }
  return { thresholds, flip };
}

type BinaryLayer = Extract<GraphNode, { op: 'conv2d' | 'dense' }>;

/** The folded sign of a binary-kernel layer's output from its kernel and bias values (null: keep the float path). */
export function foldLayer(node: BinaryLayer, kernel: RuntimeWeight | undefined, bias: Float32Array | null): FoldedSign | null {
  if (!kernel || kernel.kind !== 'binary') return null;
  const n = kernel.shape[kernel.shape.length - 1];
  return foldSign(kernel.scale, bias, node.activation, n, sizeOf(kernel.shape) / n);
}

/** A conv2d/dense node that runs on the binary kernels (binary input, binary/ternary packed kernel). */
function runsOnBinaryKernels(node: GraphNode, weights: ReadonlyMap<string, RuntimeWeight>): node is BinaryLayer {
  return (node.op === 'conv2d' || node.op === 'dense') && node.binaryInput === true && weights.get(node.kernel)?.kind === 'binary';
}

/**
 * The values of a graph that can be held as packed bits, by name: the outputs of
 * binary-kernel layers with a foldable activation whose every reader (through
 * maxPool2d, flatten and reshape) is a binary-kernel layer, and those
 * intermediate pool/flatten/reshape values. Graph outputs stay float.
 */
export function packedFlow(
  graph: LiteGraph,
  weights: ReadonlyMap<string, RuntimeWeight>,
  shapes: ReadonlyMap<string, number[]>,
): Map<string, PackedValue> {
  const readers = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    for (const input of nodeInputs(node)) readers.set(input, [...(readers.get(input) ?? []), node]);
  }
  const outputs = new Set(graph.outputs);
  const memo = new Map<string, boolean>();
  // Whether every reader of `name` takes only its signs on the binary kernels.
  const bitsSuffice = (name: string): boolean => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const users = readers.get(name) ?? [];
    const shape = shapes.get(name);
    const ok = !outputs.has(name) && users.length > 0 && shape !== undefined && shape.length >= 2 && users.every((u) => {
      if (runsOnBinaryKernels(u, weights)) return true;
      if (u.op === 'maxPool2d') return shape.length === 4 && bitsSuffice(u.name);
      if (u.op === 'flatten' || u.op === 'reshape') return bitsSuffice(u.name);
      return false;
    });
    memo.set(name, ok);
    return ok;
  };
  const flow = new Map<string, PackedValue>();
  const mark = (name: string): void => {
    const shape = shapes.get(name)!;
    const channels = shape[shape.length - 1];
    const rows = channels === 0 ? 0 : sizeOf(shape) / channels;
    flow.set(name, { rows, channels, words: wordsOf(rows, channels) });
    for (const u of readers.get(name) ?? []) if (u.op === 'maxPool2d' || u.op === 'flatten' || u.op === 'reshape') mark(u.name);
  };
  for (const node of graph.nodes) {
    if (!runsOnBinaryKernels(node, weights) || !bitsSuffice(node.name)) continue;
    const bias = node.bias === undefined ? null : weightValues(weights.get(node.bias)!);
    if (!foldLayer(node, weights.get(node.kernel), bias)) continue;
    mark(node.name);
  }
  return flow;
}

/** Max pooling over packed bits (NHWC rows): each output row is the AND of its window's rows. */
export function maxPoolBits(
  x: Uint32Array, out: Uint32Array,
  s: { batch: number; inH: number; inW: number; channels: number; outH: number; outW: number; filterH: number; filterW: number; strideH: number; strideW: number; padTop: number; padLeft: number },
): void {
  const rw = 2 * Math.ceil(s.channels / 64);
  const rowStride = s.inW * rw;
  let o = 0;
  for (let b = 0; b < s.batch; b++) {
    const image = b * s.inH * rowStride;
    for (let oy = 0; oy < s.outH; oy++) {
      const top = oy * s.strideH - s.padTop;
      const y0 = top < 0 ? 0 : top, y1 = Math.min(s.inH, top + s.filterH);
      for (let ox = 0; ox < s.outW; ox++, o += rw) {
        const left = ox * s.strideW - s.padLeft;
        const x0 = left < 0 ? 0 : left, x1 = Math.min(s.inW, left + s.filterW);
        for (let w = 0; w < rw; w++) {
          let acc = -1;
          for (let iy = y0; iy < y1; iy++) {
            const row = image + iy * rowStride + w;
            for (let ix = x0; ix < x1; ix++) acc &= x[row + ix * rw];
          }
          out[o + w] = acc;
        }
      }
    }
  }
}

/** Re-lays packed rows of `from.channels` bits as rows of `to.channels` (the same bits in order: flatten/reshape). */
export function repackBits(x: Uint32Array, from: PackedValue, out: Uint32Array, to: PackedValue): void {
  const rwIn = 2 * Math.ceil(from.channels / 64), rwOut = 2 * Math.ceil(to.channels / 64);
  out.fill(0, 0, to.words);
  if (to.channels % from.channels === 0) {
    // Whole input rows side by side in an output row: shift words into place.
    const per = to.channels / from.channels, used = Math.ceil(from.channels / 32);
    for (let r = 0; r < from.rows; r++) {
      const base = Math.floor(r / per) * rwOut, offset = (r % per) * from.channels;
      for (let j = 0; j < used; j++) {
        const v = x[r * rwIn + j];
        if (v === 0) continue;
        const bitAt = offset + 32 * j, idx = base + (bitAt >>> 5), sh = bitAt & 31;
        out[idx] |= v << sh;
        if (sh !== 0) {
          const spill = v >>> (32 - sh);
          if (spill !== 0) out[idx + 1] |= spill;
        }
      }
    }
    return;
  }
  const total = from.rows * from.channels;
  for (let i = 0; i < total; i++) {
    const r = Math.floor(i / from.channels), c = i - r * from.channels;
    if ((x[r * rwIn + (c >>> 5)] >>> (c & 31)) & 1) {
      const q = Math.floor(i / to.channels), d = i - q * to.channels;
      out[q * rwOut + (d >>> 5)] |= 1 << (d & 31);
    }
  }
}

/** What the packed steps ask of the plan. */
export interface PackedContext {
  shape(name: string): number[];
  packed(name: string): Uint32Array | null;
}

/**
 * The step of a maxPool2d/flatten/reshape node whose value is packed, or null
 * when the node is not in the flow (or is a flatten/reshape that shares its
 * input's packed rows).
 */
export function packedStep(node: GraphNode, flow: ReadonlyMap<string, PackedValue>, ctx: PackedContext): Step | null {
  const to = flow.get(node.name);
  if (!to) return null;
  if (node.op === 'maxPool2d') {
    const x = ctx.packed(node.input)!, y = ctx.packed(node.name)!;
    const [batch, inH, inW, channels] = ctx.shape(node.input);
    const h = axisGeometry(inH, node.poolSize[0], node.strides[0], 1, node.padding);
    const w = axisGeometry(inW, node.poolSize[1], node.strides[1], 1, node.padding);
    const shape = {
      batch, inH, inW, channels, outH: h.out, outW: w.out, filterH: node.poolSize[0], filterW: node.poolSize[1],
      strideH: node.strides[0], strideW: node.strides[1], padTop: h.padBefore, padLeft: w.padBefore,
    };
    return () => maxPoolBits(x, y, shape);
  }
  if ((node.op === 'flatten' || node.op === 'reshape') && needsRepack(node, flow)) {
    const from = flow.get(node.input)!;
    const x = ctx.packed(node.input)!, y = ctx.packed(node.name)!;
    return () => repackBits(x, from, y, to);
  }
  return null;
}

/** Whether a packed flatten/reshape changes the bit rows (else it shares its input's buffer). */
export function needsRepack(node: GraphNode, flow: ReadonlyMap<string, PackedValue>): boolean {
  if (node.op !== 'flatten' && node.op !== 'reshape') return false;
  const to = flow.get(node.name), from = flow.get(node.input);
  return to !== undefined && from !== undefined && to.channels !== from.channels;
}
