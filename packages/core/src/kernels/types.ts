import type { Activation, ConvShape, GemmOptions, PoolShape } from '@lite/native';

export type { Activation, ConvShape, GemmOptions, PoolShape };

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
}
