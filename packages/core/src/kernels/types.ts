import type { Activation, BinaryOp, ConvShape, GemmOptions, PoolShape } from '@lite/native';

export type { Activation, BinaryOp, ConvShape, GemmOptions, PoolShape };

/**
 * Every kernel lite runs, with one contract for the native addon and the
 * TypeScript reference. Kernels write into the output array they are given.
 */
export interface Kernels {
  /** C[m,n] = act(op(A)·op(B) + bias), row-major (see {@link GemmOptions}). */
  gemm(m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, options?: GemmOptions): void;
  /** y = act(conv(x, filter) + bias): x NHWC, filter HWIO, y NHWC. */
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, shape: ConvShape, activation?: Activation): void;
  /** dx (NHWC, overwritten) = gradient of conv2d's output dy with respect to x. */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: ConvShape): void;
  /** dw (HWIO, overwritten) = gradient of conv2d's output dy with respect to the filter. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, shape: ConvShape): void;
  /** Depthwise: filter [fh, fw, inC, multiplier]; output channel c·multiplier + m. */
  depthwiseConv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, shape: ConvShape, activation?: Activation): void;
  depthwiseConv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: ConvShape): void;
  depthwiseConv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, shape: ConvShape): void;
  maxPool(x: Float32Array, y: Float32Array, shape: PoolShape): void;
  /** Each window's gradient goes to its first maximum (window order, row-major). */
  maxPoolBackprop(dy: Float32Array, x: Float32Array, dx: Float32Array, shape: PoolShape): void;
  /** Mean over the window's in-bounds elements (padding excluded). */
  avgPool(x: Float32Array, y: Float32Array, shape: PoolShape): void;
  avgPoolBackprop(dy: Float32Array, dx: Float32Array, shape: PoolShape): void;
  /** out[i] = a[i] op b[i % b.length] (b.length divides a.length): same shape, trailing vector or scalar. */
  binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out = x < 0 ? 0 : x (NaN kept). */
  relu(x: Float32Array, out: Float32Array): void;
  /** out = 1 where x > 0, NaN where x is NaN, alpha elsewhere (relu's gradient mask). */
  step(x: Float32Array, out: Float32Array, alpha: number): void;
  /** x is rows×cols: axis 0 gives the column sums (length cols), axis 1 the row sums (length rows). */
  sum(x: Float32Array, out: Float32Array, rows: number, cols: number, axis: 0 | 1): void;
}
