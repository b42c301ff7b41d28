/**
 * Binary and ternary layers on the XNOR-popcount kernels. Binary/ternary weights
 * are packed once at load (conv filters OHWI, dense kernels as n rows of k, the
 * layout of `kernels.packBits`); a conv2d/dense node with `binaryInput` packs the
 * sign bits of its input per call and runs `bconv2d` / `bgemm` / `tgemm`, whose
 * exact ±1 sums are scaled per output channel and biased in the epilogue
 * (y = act(acc·scale[c] + bias[c])). Other weights with a binary input read the
 * input's signs (±1) through the fp32 kernels; binary/ternary weights under a
 * float input run on their decoded fp32 values.
 */
import type { BinaryTensor, CompressedTensor, GraphActivation, GraphNode, TernaryTensor } from '../graph/index.js';
import { decodeTensor } from '../format/index.js';
import { kernels, type ConvShape } from '../kernels/index.js';
import { applyActivation, isKernelActivation } from './activations.js';
import { foldLayer } from './binary_flow.js';
import { sizeOf } from './geometry.js';
import type { Step, StepContext } from './steps.js';
import { convGeometry } from './steps.js';
import { weightValues } from './weights.js';

/** A binary or ternary weight packed for the binary kernels (rows along the output channel, packed along the reduction). */
export interface PackedBinaryWeight {
  kind: 'binary';
  shape: number[];
  /** Sign plane (bit 1 = negative), `rows × 2·ceil(depth/64)` u32. */
  sign: Uint32Array;
  /** Ternary: the nonzero plane (same layout); null for binary. */
  nonzero: Uint32Array | null;
  /** One float32 per output channel. */
  scale: Float32Array;
  values(): Float32Array;
}

/** u32 words of `rows` packed rows of `channels` values. */
export const packedWords = (rows: number, channels: number): number => rows * 2 * Math.ceil(channels / 64);

/**
 * Packs a rank-2 dense kernel [k, n] or rank-4 HWIO conv filter stored as `binary`
 * or `ternary` for the binary kernels; null for other shapes (they run decoded).
 */
export function packBinaryWeight(tensor: BinaryTensor | TernaryTensor): PackedBinaryWeight | null {
  const { shape } = tensor;
  if ((shape.length !== 2 && shape.length !== 4) || sizeOf(shape) === 0) return null;
  const values = decodeTensor(tensor);
  const n = shape[shape.length - 1];
  const depthIn = shape[shape.length - 2];
  const taps = shape.length === 4 ? shape[0] * shape[1] : 1;
  // ±1/0 codes reordered to [n, taps, depthIn] (OHWI; dense: n rows of k).
  const codes = new Float32Array(values.length);
  for (let t = 0; t < taps; t++) {
    for (let i = 0; i < depthIn; i++) {
      for (let o = 0; o < n; o++) codes[(o * taps + t) * depthIn + i] = Math.sign(values[(t * depthIn + i) * n + o]);
    }
  }
  const rows = n * taps;
  const sign = new Uint32Array(packedWords(rows, depthIn));
  kernels.packBits(codes, rows, depthIn, sign, { plane: 'sign' });
  let nonzero: Uint32Array | null = null;
  if (tensor.encoding === 'ternary') {
    nonzero = new Uint32Array(sign.length);
    kernels.packBits(codes, rows, depthIn, nonzero, { plane: 'nonzero' });
  }
  return { kind: 'binary', shape: [...shape], sign, nonzero, scale: Float32Array.from(tensor.scale), values: () => values };
}

/** Whether a stored tensor is one the binary kernels can run. */
export function isBinaryEncoded(tensor: CompressedTensor): tensor is BinaryTensor | TernaryTensor {
  return tensor.encoding === 'binary' || tensor.encoding === 'ternary';
}

type BinaryInputNode = Extract<GraphNode, { op: 'conv2d' | 'dense' }>;

/** The epilogue activation and whether `node.activation` must run after the kernel. */
function split(activation: GraphActivation): { fused: 'linear' | 'relu' | 'relu6'; after: boolean } {
  return isKernelActivation(activation) ? { fused: activation, after: false } : { fused: 'linear', after: true };
}

/** sign(x) as ±1 (sign(0) = +1, NaN = +1), the values a binarized input carries. */
export function signInto(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] < 0 ? -1 : 1;
}

/** A dense layer's sizes in a conv shape: `m` rows (batch) of `k` channels in, `n` out. */
function denseShape(m: number, k: number, n: number): ConvShape {
  return { batch: m, inH: 1, inW: 1, inC: k, outH: 1, outW: 1, outC: n, filterH: 1, filterW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0 };
}

/**
 * The step of a conv2d/dense node with `binaryInput`: packed bits on the binary
 * kernels when its kernel is binary/ternary, else the fp32 kernels over sign(x).
 */
export function binaryInputStep(node: BinaryInputNode, ctx: StepContext): Step {
  const source = node.op === 'conv2d' ? ctx.convSource(node.input) : { name: node.input, padding: [[0, 0], [0, 0]] as [[number, number], [number, number]] };
  const x = ctx.value(source.name);
  const kernel = ctx.weight(node.kernel);
  const y = ctx.value(node.name);
  const bias = node.bias === undefined ? null : weightValues(ctx.weight(node.bias));
  const shape = node.op === 'conv2d'
    ? convGeometry(node, ctx.shape(source.name), kernel.shape, source.padding)
    : denseShape(x.length / kernel.shape[0], kernel.shape[0], kernel.shape[1]);
  const { fused, after } = split(node.activation);
  let run: Step;
  if (kernel.kind === 'binary') {
    const rows = shape.batch * shape.inH * shape.inW;
    // Packed bits from a binary layer upstream (binary_flow.ts), else packed here from the float input's signs.
    const packedIn = ctx.packed?.(source.name) ?? null;
    const packed = packedIn ?? new Uint32Array(packedWords(rows, shape.inC));
    // Packed bits out when every reader only takes their signs: BN + sign folded into thresholds on acc.
    const packedOut = ctx.packed?.(node.name) ?? null;
    const folded = packedOut ? foldLayer(node, kernel, bias) : null;
    if (packedOut && !folded) throw new Error(`internal: '${node.name}' is planned as packed bits but its sign does not fold`);
    const out: Float32Array | Uint32Array = packedOut ?? y;
    const options = folded ?? { scale: kernel.scale, bias, activation: fused };
    const { sign, nonzero } = kernel;
    run = () => {
      if (!packedIn) kernels.packBits(x, rows, shape.inC, packed);
      if (node.op === 'conv2d') kernels.bconv2d(packed, sign, out, shape, nonzero ? { ...options, filterNonzero: nonzero } : options);
      else if (nonzero) kernels.tgemm(rows, shape.outC, shape.inC, packed, null, sign, nonzero, out, options);
      else kernels.bgemm(rows, shape.outC, shape.inC, packed, sign, out, options);
    };
    if (packedOut) return run;
  } else {
    const signs = new Float32Array(x.length);
    const filter = weightValues(kernel);
    run = () => {
      signInto(x, signs);
      if (node.op === 'conv2d') kernels.conv2d(signs, filter, bias, y, shape, fused);
      else kernels.gemm(shape.batch, shape.outC, shape.inC, signs, filter, y, { bias, activation: fused });
    };
  }
  if (!after) return run;
  return () => {
    run();
    applyActivation(node.activation, y, y, shape.outC, node.alpha);
  };
}
