import type { Kernels } from './types.js';
import { reference } from './reference/index.js';

export type { Kernels } from './types.js';
export type { Activation, BinaryOp, ConvS8Options, ConvShape, GemmOptions, GemmS8Options, MatmulDynamicOptions, PoolShape } from './types.js';
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

async function loadNative(): Promise<{ kernels: Kernels; info: KernelInfo }> {
  try {
    const native = ((await import('@lite/native')) as NativeModule).default;
    return { kernels: native, info: { native: true, isa: native.isa(), threads: native.numThreads() } };
  } catch (err) {
    const loadError = err instanceof Error ? err.message : String(err);
    process.emitWarning(`lite: native kernels unavailable, using the TypeScript reference kernels (slow): ${loadError}`);
    return { kernels: reference, info: { native: false, isa: 'typescript', threads: 1, loadError } };
  }
}

const loaded = await loadNative();

/** The kernels in use: native when the addon loads, else the reference (one warning). */
export const kernels: Kernels = loaded.kernels;

/** Which kernels are in use, and why not native when they are not. */
export function kernelInfo(): KernelInfo {
  return { ...loaded.info };
}
