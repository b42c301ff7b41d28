import type { ConvS8Pool, ConvShape, Kernels } from './types.js';
import { reference } from './reference/index.js';

export type { Kernels } from './types.js';
export type { Activation, BinaryOp, ConvS8Options, ConvS8Pool, ConvShape, GemmOptions, GemmS8Options, MatmulDynamicOptions, PoolShape } from './types.js';
export type { BconvOptions, BinaryOutputOptions, PackBitsOptions } from './types.js';
export type { SpmmOptions } from './types.js';
export type { AddU8Options, DepthwiseS8Options } from './types.js';
export { reference } from './reference/index.js';

/** Where the kernels come from: the native addon, or the TypeScript fallback. */
export interface KernelInfo {
  native: boolean;
  /** 'ref' | 'avx2' | 'avx512' for the addon, 'typescript' for the fallback. */
  isa: string;
  threads: number;
  /** Why the addon did not load, when it did not. */
  loadError?: string;
}

type NativeModule = typeof import('@lite/native');

async function loadNative(): Promise<{ kernels: Kernels; info: KernelInfo; direct?: NativeModule['default']['conv2dS8Direct'] }> {
  try {
    const native = ((await import('@lite/native')) as NativeModule).default;
    return { kernels: native, info: { native: true, isa: native.isa(), threads: native.numThreads() }, direct: native.conv2dS8Direct };
  } catch (err) {
    const loadError = err instanceof Error ? err.message : String(err);
    process.emitWarning(`lite: native kernels unavailable, using the TypeScript reference kernels (slow): ${loadError}`);
    return { kernels: reference, info: { native: false, isa: 'typescript', threads: 1, loadError } };
  }
}

const loaded = await loadNative();

/** The kernels in use: native when the addon loads, else the reference (one warning). */
export const kernels: Kernels = loaded.kernels;

/**
 * Whether kernels.conv2dS8 runs this shape (pooled by `pool`) on its direct
 * kernel with int8 weights, a static input scale and a uint8 y (native
 * AVX-512 VNNI + VBMI; false for the reference): the runtime asks it where
 * int8 beats fp32 only on that kernel.
 */
export function conv2dS8Direct(shape: ConvShape, pool?: ConvS8Pool): boolean {
  return loaded.direct?.(shape, pool ? { pool } : {}) ?? false;
}

/** Which kernels are in use, and why not native when they are not. */
export function kernelInfo(): KernelInfo {
  return { ...loaded.info };
}
