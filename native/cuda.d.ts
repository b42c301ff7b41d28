// Types of the optional CUDA addon (native/src/cuda). Every kernel copies its
// inputs to the device, runs and copies the result back; bad arguments throw
// TypeError/RangeError naming them, CUDA failures (no device included) Error.
import type { Activation } from './index.js';

/** Options of {@link CudaKernels.gemmS8} with a Float32Array out (an Int32Array out takes only zeroPointA). */
export interface CudaGemmS8Options {
  /** The activations' zero point, an integer in 0..255 (default 0). */
  zeroPointA?: number;
  /** The activations' scale (default 1). */
  scaleA?: number;
  /** The weights' scale: one number or one float32 per column (default 1). */
  scaleB?: number | Float32Array;
  /** Added per column after scaling (length n). */
  bias?: Float32Array | null;
  activation?: Activation;
}

/** Options of {@link CudaKernels.spmm}. */
export interface CudaSpmmOptions {
  bias?: Float32Array | null;
  activation?: Activation;
}

/** Options of {@link CudaKernels.bgemm} with a Float32Array out. */
export interface CudaBgemmOptions {
  /** One number or one float32 per column (default 1). */
  scale?: number | Float32Array;
  bias?: Float32Array | null;
  activation?: Activation;
}

export interface CudaKernels {
  /** True when a CUDA device can be used (never throws). */
  cudaAvailable(): boolean;
  /** Why cudaAvailable() is false ('' when it is true). */
  cudaUnavailableReason(): string;
  /** e.g. "NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB)"; throws without a device. */
  deviceName(): string;
  /**
   * x[i,j] = Σ_k (a[i,k] − zeroPointA)·b[k,j] exact in int32 (dp4a), a: m×k uint8,
   * b: k×n int8, both row-major (k ≤ 65536). Int32Array out: x. Float32Array out:
   * act(fma(float(x), scaleA·scaleB[j], bias[j])), as the CPU gemmS8.
   */
  gemmS8(m: number, n: number, k: number, a: Uint8Array, b: Int8Array, out: Int32Array | Float32Array,
    options?: CudaGemmS8Options): void;
  /**
   * y = act(x·W + bias), x: m×k float32 row-major, W: k×n in CSR over its k rows
   * (rowPtr: k+1, colIndices and values: one per stored entry).
   */
  spmm(m: number, n: number, k: number, x: Float32Array, rowPtr: Int32Array, colIndices: Int32Array,
    values: Float32Array, y: Float32Array, options?: CudaSpmmOptions): void;
  /**
   * Binary GEMM, the CPU bgemm's semantics: a (m rows) and b (n rows) packed
   * along k as packBits does (2·ceil(k/64) u32 per row), acc = k − 2·popcount(a xor b)
   * (k ≤ 2^24). Int32Array out: acc; Float32Array out: act(fma(float(acc), scale[j], bias[j])).
   */
  bgemm(m: number, n: number, k: number, a: Uint32Array, b: Uint32Array, out: Int32Array | Float32Array,
    options?: CudaBgemmOptions): void;
}

export type CudaLoad =
  | { cuda: CudaKernels; reason: null; path: string }
  | { cuda: null; reason: string; path: null };

/** Where the addon is looked for, in order. */
export function cudaCandidates(): string[];
/** Loads the CUDA addon once; never throws. */
export function loadCuda(): CudaLoad;
/** The addon, or null (see loadCuda().reason). */
declare const cuda: CudaKernels | null;
export default cuda;
