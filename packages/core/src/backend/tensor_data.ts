import { getKernel, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** The CPU backend's own storage of a tensor: read in place, never copied. */
export function values(backend: MathBackendCPU, t: TensorInfo): Float32Array {
  return backend.data.get(t.dataId).values as Float32Array;
}

/** Wraps a freshly written Float32Array as the kernel's output tensor (no copy). */
export function output(backend: MathBackendCPU, shape: number[], data: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', data);
}

/**
 * True when every tensor is float32 and stored as a Float32Array (the native
 * kernels' only type). A float32 tensor can share another dtype's storage:
 * cpu's Cast from bool or int32 keeps the original array.
 */
export function allFloat32(backend: MathBackendCPU, ...tensors: (TensorInfo | undefined)[]): boolean {
  return tensors.every((t) => t === undefined || (t.dtype === 'float32' && backend.data.get(t.dataId).values instanceof Float32Array));
}

/** The stock `cpu` kernel, for the cases native kernels do not cover (NCHW, exotic activations, other dtypes). */
export function cpuKernel(kernelName: string): KernelFunc {
  return (args) => {
    const config = getKernel(kernelName, 'cpu');
    if (!config) throw new Error(`lite backend: the cpu kernel ${kernelName} is not registered`);
    return config.kernelFunc(args);
  };
}

/** Arguments tfjs passes to a kernel function. */
export interface KernelArgs<I, A = NamedAttrMap> {
  inputs: I;
  backend: MathBackendCPU;
  attrs: A;
}
