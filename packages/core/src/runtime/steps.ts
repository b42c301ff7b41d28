import type { ActivationQuant, GraphActivation, GraphNode } from '../graph/index.js';
import {
  kernels, type ConvS8Options, type ConvShape, type GemmOptions, type MatmulDynamicOptions, type PoolShape,
} from '../kernels/index.js';
import { applyActivation, expandTrailing, isKernelActivation, prelu, scaleShift } from './activations.js';
import { binaryInputStep } from './binary_steps.js';
import { axisGeometry, sizeOf } from './geometry.js';
import { normalizeAxis } from './shapes.js';
import { sparseWins, weightValues, type PackedIntWeight, type RuntimeWeight } from './weights.js';

/** One executable step of a plan: reads and writes the plan's buffers. */
export type Step = () => void;

/** Zero padding a convolution applies on top of its own (a ZeroPadding2D folded into it). */
export type ExtraPadding = [[number, number], [number, number]];

/** What a step builder can ask of the plan. */
export interface StepContext {
  /** The buffer (exactly sized) holding a node's value. */
  value(name: string): Float32Array;
  shape(name: string): number[];
  weight(name: string): RuntimeWeight;
  /** For a conv reading a folded ZeroPadding2D: the node it really reads and the padding to add. */
  convSource(name: string): { name: string; padding: ExtraPadding };
  /** A value held as packed sign bits (binary_flow.ts): a Uint32Array view of its buffer; null/absent for a float value. */
  packed?(name: string): Uint32Array | null;
}

/**
 * The kernel geometry of a conv or depthwise node reading an input of shape `x`
 * ([batch, h, w, c], before `extra` padding) through a kernel of shape `k`.
 */
export function convGeometry(
  node: Extract<GraphNode, { op: 'conv2d' | 'depthwiseConv2d' }>,
  x: number[],
  k: number[],
  extra: ExtraPadding = [[0, 0], [0, 0]],
): ConvShape {
  const [[t, b], [l, r]] = extra;
  const h = axisGeometry(x[1] + t + b, k[0], node.strides[0], node.dilation[0], node.padding);
  const w = axisGeometry(x[2] + l + r, k[1], node.strides[1], node.dilation[1], node.padding);
  return {
    batch: x[0], inH: x[1], inW: x[2], inC: x[3],
    outH: h.out, outW: w.out, outC: node.op === 'conv2d' ? k[3] : k[2] * k[3],
    filterH: k[0], filterW: k[1],
    strideH: node.strides[0], strideW: node.strides[1],
    dilationH: node.dilation[0], dilationW: node.dilation[1],
    padTop: h.padBefore + t, padLeft: w.padBefore + l,
  };
}

/**
 * Whether the native kernels accept a geometry: padding below the filter's
 * extent and every window starting inside the input (a folded ZeroPadding2D
 * can break this; the plan then materialises the padding instead).
 */
export function kernelAcceptsGeometry(s: ConvShape): boolean {
  const extentH = (s.filterH - 1) * s.dilationH + 1;
  const extentW = (s.filterW - 1) * s.dilationW + 1;
  return s.padTop < extentH && s.padLeft < extentW
    && (s.outH - 1) * s.strideH - s.padTop < s.inH
    && (s.outW - 1) * s.strideW - s.padLeft < s.inW;
}

/**
 * Below this many multiply-adds per output (K = fh·fw·inC) quantizing the
 * input and the int8 GEMM cost more than the fp32 kernels save (a first conv
 * over one channel): such layers run the fp32 kernel on the decoded weights.
 */
export const MIN_INT8_DEPTH = 32;

/** The packed int weight when the node should run on the int8 kernels. */
function intKernel(weight: RuntimeWeight, depth: number): PackedIntWeight | null {
  return weight.kind === 'int' && depth >= MIN_INT8_DEPTH ? weight : null;
}

/** The activation a kernel epilogue applies, and whether the step must apply `node.activation` itself after it. */
export function epilogue(activation: GraphActivation): { fused: 'linear' | 'relu' | 'relu6'; after: boolean } {
  return isKernelActivation(activation) ? { fused: activation, after: false } : { fused: 'linear', after: true };
}

/** Runs `run` then, where the kernel could not fuse it, the node's activation over `y`. */
export function withActivation(run: Step, after: boolean, node: { activation: GraphActivation; alpha?: number }, y: Float32Array, channels: number): Step {
  if (!after) return run;
  return () => {
    run();
    applyActivation(node.activation, y, y, channels, node.alpha);
  };
}

function convStep(node: Extract<GraphNode, { op: 'conv2d' | 'depthwiseConv2d' }>, ctx: StepContext): Step {
  const source = ctx.convSource(node.input);
  const x = ctx.value(source.name);
  const kernel = ctx.weight(node.kernel);
  const shape = convGeometry(node, ctx.shape(source.name), kernel.shape, source.padding);
  const y = ctx.value(node.name);
  const bias = node.bias === undefined ? null : weightValues(ctx.weight(node.bias));
  const { fused, after } = epilogue(node.activation);
  const int = node.op === 'conv2d' ? intKernel(kernel, shape.filterH * shape.filterW * shape.inC) : null;
  let run: Step;
  if (kernel.kind === 'sparse' && node.op === 'conv2d' && sparseWins(kernel.density, shape.batch * shape.outH * shape.outW)) {
    const sparse = kernel;
    run = () => kernels.sparseConv2d(x, sparse.packed, bias, y, shape, fused);
  } else if (int) {
    const options: ConvS8Options = { ...inputQuantOptions(node.inputQuant), scaleB: int.scale, bias, activation: fused };
    run = () => kernels.conv2dS8(x, int.packed, y, shape, options);
  } else {
    const filter = weightValues(kernel);
    const conv = node.op === 'conv2d' ? kernels.conv2d : kernels.depthwiseConv2d;
    run = () => conv(x, filter, bias, y, shape, fused);
  }
  return withActivation(run, after, node, y, shape.outC);
}

export function inputQuantOptions(q: ActivationQuant | undefined): Pick<ConvS8Options, 'inputScale' | 'inputZeroPoint'> {
  return q ? { inputScale: q.scale, inputZeroPoint: q.zeroPoint } : {};
}

function denseStep(node: Extract<GraphNode, { op: 'dense' }>, ctx: StepContext): Step {
  const x = ctx.value(node.input);
  const kernel = ctx.weight(node.kernel);
  const [k, n] = kernel.shape;
  const m = x.length / k;
  const y = ctx.value(node.name);
  const bias = node.bias === undefined ? null : weightValues(ctx.weight(node.bias));
  const { fused, after } = epilogue(node.activation);
  const int = intKernel(kernel, k);
  let run: Step;
  if (kernel.kind === 'sparse' && sparseWins(kernel.density, m)) {
    const sparse = kernel;
    run = () => kernels.spmm(m, n, k, x, sparse.packed, y, { bias, activation: fused });
  } else if (int && node.inputQuant) {
    // Static: a dense layer is a 1×1 convolution over m pixels.
    const shape: ConvShape = {
      batch: m, inH: 1, inW: 1, inC: k, outH: 1, outW: 1, outC: n, filterH: 1, filterW: 1,
      strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0,
    };
    const options: ConvS8Options = { ...inputQuantOptions(node.inputQuant), scaleB: int.scale, bias, activation: fused };
    run = () => kernels.conv2dS8(x, int.packed, y, shape, options);
  } else if (int) {
    const options: MatmulDynamicOptions = { scaleB: int.scale, bias, activation: fused };
    run = () => kernels.matmulDynamic(m, n, k, x, int.packed, y, options);
  } else {
    const w = weightValues(kernel);
    const options: GemmOptions = { bias, activation: fused };
    run = () => kernels.gemm(m, n, k, x, w, y, options);
  }
  return withActivation(run, after, node, y, n);
}

/** The kernel window of a pooling node reading an input of shape `xs` ([batch, h, w, c]). */
export function poolShape(node: Extract<GraphNode, { op: 'maxPool2d' | 'avgPool2d' | 'globalAvgPool2d' }>, xs: number[]): PoolShape {
  if (node.op === 'globalAvgPool2d') {
    return {
      batch: xs[0], inH: xs[1], inW: xs[2], channels: xs[3], outH: 1, outW: 1,
      filterH: xs[1], filterW: xs[2], strideH: 1, strideW: 1, padTop: 0, padLeft: 0,
    };
  }
  const h = axisGeometry(xs[1], node.poolSize[0], node.strides[0], 1, node.padding);
  const w = axisGeometry(xs[2], node.poolSize[1], node.strides[1], 1, node.padding);
  return {
    batch: xs[0], inH: xs[1], inW: xs[2], channels: xs[3], outH: h.out, outW: w.out,
    filterH: node.poolSize[0], filterW: node.poolSize[1], strideH: node.strides[0], strideW: node.strides[1],
    padTop: h.padBefore, padLeft: w.padBefore,
  };
}

function poolStep(node: Extract<GraphNode, { op: 'maxPool2d' | 'avgPool2d' | 'globalAvgPool2d' }>, ctx: StepContext): Step {
  const x = ctx.value(node.input);
  const y = ctx.value(node.name);
  const shape = poolShape(node, ctx.shape(node.input));
  const run = node.op === 'maxPool2d' ? kernels.maxPool : kernels.avgPool;
  return () => run(x, y, shape);
}

function zeroPadStep(node: Extract<GraphNode, { op: 'zeroPadding2d' }>, ctx: StepContext): Step {
  const x = ctx.value(node.input);
  const [batch, h, w, c] = ctx.shape(node.input);
  const [, outH, outW] = ctx.shape(node.name);
  const [[top], [left]] = node.padding;
  const y = ctx.value(node.name);
  const row = w * c;
  return () => {
    y.fill(0);
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < h; r++) {
        const src = (b * h + r) * row;
        y.set(x.subarray(src, src + row), ((b * outH + r + top) * outW + left) * c);
      }
    }
  };
}

function addStep(node: Extract<GraphNode, { op: 'add' }>, ctx: StepContext): Step {
  const xs = node.inputs.map((n) => ctx.value(n));
  const y = ctx.value(node.name);
  if (xs.length === 1) return () => y !== xs[0] && y.set(xs[0]);
  return () => {
    kernels.binary('add', xs[0], xs[1], y);
    for (let i = 2; i < xs.length; i++) kernels.binary('add', y, xs[i], y);
  };
}

function concatStep(node: Extract<GraphNode, { op: 'concatenate' }>, ctx: StepContext): Step {
  const shapes = node.inputs.map((n) => ctx.shape(n));
  const axis = normalizeAxis(node.axis, shapes[0].length);
  const xs = node.inputs.map((n) => ctx.value(n));
  const inner = shapes.map((s) => sizeOf(s.slice(axis)));
  const outer = sizeOf(shapes[0].slice(0, axis));
  const innerOut = inner.reduce((a, b) => a + b, 0);
  const y = ctx.value(node.name);
  return () => {
    let offset = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      const n = inner[i];
      if (n >= 64) {
        for (let o = 0; o < outer; o++) y.set(x.subarray(o * n, (o + 1) * n), o * innerOut + offset);
      } else {
        for (let o = 0; o < outer; o++) {
          const src = o * n;
          const dst = o * innerOut + offset;
          for (let j = 0; j < n; j++) y[dst + j] = x[src + j];
        }
      }
      offset += n;
    }
  };
}

function trailingWeight(ctx: StepContext, name: string, trailing: number[]): Float32Array {
  const w = ctx.weight(name);
  return expandTrailing(weightValues(w), w.shape, trailing);
}

/**
 * The step that computes one node, or null for a node that needs none (inputs,
 * and flatten/reshape, whose value shares its input's buffer).
 */
export function buildStep(node: GraphNode, ctx: StepContext): Step | null {
  switch (node.op) {
    case 'input':
    case 'flatten':
    case 'reshape':
      return null;
    case 'conv2d':
    case 'depthwiseConv2d':
      return node.op === 'conv2d' && node.binaryInput ? binaryInputStep(node, ctx) : convStep(node, ctx);
    case 'dense':
      return node.binaryInput ? binaryInputStep(node, ctx) : denseStep(node, ctx);
    case 'maxPool2d':
    case 'avgPool2d':
    case 'globalAvgPool2d':
      return poolStep(node, ctx);
    case 'zeroPadding2d':
      return zeroPadStep(node, ctx);
    case 'add':
      return addStep(node, ctx);
    case 'concatenate':
      return concatStep(node, ctx);
    case 'activation': {
      const x = ctx.value(node.input);
      const y = ctx.value(node.name);
      const shape = ctx.shape(node.name);
      const last = shape[shape.length - 1];
      return () => applyActivation(node.activation, x, y, last, node.alpha);
    }
    case 'prelu': {
      const x = ctx.value(node.input);
      const y = ctx.value(node.name);
      const alpha = trailingWeight(ctx, node.alpha, ctx.shape(node.input).slice(1));
      return () => prelu(x, alpha, y);
    }
    case 'scaleShift': {
      const x = ctx.value(node.input);
      const y = ctx.value(node.name);
      const trailing = ctx.shape(node.input).slice(1);
      const scale = trailingWeight(ctx, node.scale, trailing);
      const shift = trailingWeight(ctx, node.shift, trailing);
      return () => scaleShift(x, scale, shift, y);
    }
  }
}

/** Ops whose output may overwrite their (first) input's buffer. */
export function runsInPlace(node: GraphNode): boolean {
  return node.op === 'activation' || node.op === 'prelu' || node.op === 'scaleShift' || node.op === 'add';
}
