import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradients; tfjs-layers' Node bundle registers them all (training needs them).
import '@tensorflow/tfjs-layers';
import { batchNormKernels } from './kernels/batchnorm.js';
import { convKernels } from './kernels/conv.js';
import { depthwiseKernels } from './kernels/depthwise.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { matMulKernels } from './kernels/matmul.js';
import { padKernels } from './kernels/pad.js';
import { poolKernels } from './kernels/pool.js';
import { reduceKernels } from './kernels/reduce.js';

/** The backend's name in tf.setBackend / tf.getBackend. */
export const LITE_BACKEND = 'lite';

/**
 * tfjs's CPU backend with its hot kernels on lite's native kernels. Tensor
 * storage is the CPU backend's own Float32Arrays, read and written in place.
 */
export class MathBackendLite extends MathBackendCPU {
  constructor() {
    super();
    // The CPU backend's first write prints an "install tfjs-node" banner; this backend is the answer to it.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }
}

/** The kernels this backend runs natively; every other kernel is the `cpu` one. */
export const liteKernels: tf.KernelConfig[] = [...matMulKernels, ...convKernels, ...depthwiseKernels, ...poolKernels];

/**
 * Small per-element kernels (training's unfused bias/relu ops, reductions, padding,
 * inference BatchNorm) on native loops for the shapes models make, cpu otherwise.
 */
export const fastPathKernels: tf.KernelConfig[] = [...elementwiseKernels, ...reduceKernels, ...padKernels, ...batchNormKernels];

let registered = false;

/**
 * Registers the `lite` backend (once): a copy of every `cpu` kernel, with the
 * hot ones overridden. Its priority sits above `cpu` and below tfjs-node's.
 */
export function registerLiteBackend(): void {
  if (registered) return;
  registered = true;
  tf.registerBackend(LITE_BACKEND, () => new MathBackendLite(), 2);
  const own = [...liteKernels, ...fastPathKernels];
  const overridden = new Set(own.map((k) => k.kernelName));
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (!overridden.has(config.kernelName)) tf.registerKernel({ ...config, backendName: LITE_BACKEND });
  }
  for (const config of own) tf.registerKernel(config);
}
