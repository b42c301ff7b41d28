import * as tf from '@tensorflow/tfjs-core';
import type { PrunableKernel } from '../layers.js';

/** Which weights of one kernel are kept: 1 kept, 0 pruned; the kernel's layout (row-major). */
export type Mask = Uint8Array;

/** One mask per pruned layer, by layer name. */
export type Masks = Map<string, Mask>;

/** Zeros in a mask (the number of pruned weights). */
export function maskZeros(mask: Mask): number {
  let zeros = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) zeros++;
  return zeros;
}

/** Exact zeros in `values`. */
export function countZeros(values: ArrayLike<number>): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  return zeros;
}

/** The fraction of exact zeros in `values` (0 for an empty array). */
export function sparsityOf(values: ArrayLike<number>): number {
  return values.length === 0 ? 0 : countZeros(values) / values.length;
}

/**
 * Keeps masks as tensors next to their kernels and writes `w · mask` back into each
 * kernel: pruned weights become exactly +0 (not −0, not NaN·0). Call
 * {@link MaskedKernels.apply} after every optimizer step so masks hold; {@link MaskedKernels.set}
 * replaces a layer's mask (a schedule's update). Dispose it when done.
 */
export class MaskedKernels {
  private readonly tensors = new Map<string, tf.Tensor>();

  constructor(private readonly kernels: readonly PrunableKernel[]) {}

  /** Sets (or replaces) the mask of a layer and applies it to that layer's kernel at once. */
  set(layer: string, mask: Mask): void {
    const kernel = this.kernel(layer);
    if (mask.length !== kernel.size) throw new RangeError(`the mask of ${layer} has ${mask.length} entries for a kernel of ${kernel.size} weights`);
    this.tensors.get(layer)?.dispose();
    this.tensors.set(layer, tf.tensor(mask, kernel.shape, 'bool'));
    this.applyOne(kernel);
  }

  /** Sets every mask of `masks`. */
  setAll(masks: Masks): void {
    for (const [layer, mask] of masks) this.set(layer, mask);
  }

  /** Re-applies every mask to its kernel. */
  apply(): void {
    for (const kernel of this.kernels) this.applyOne(kernel);
  }

  /** The layers that have a mask. */
  layers(): string[] {
    return [...this.tensors.keys()];
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }

  private kernel(layer: string): PrunableKernel {
    const kernel = this.kernels.find((k) => k.layer === layer);
    if (!kernel) throw new RangeError(`no prunable kernel named ${layer}`);
    return kernel;
  }

  private applyOne(kernel: PrunableKernel): void {
    const mask = this.tensors.get(kernel.layer);
    if (!mask) return;
    tf.tidy(() => {
      const w = kernel.variable.read();
      kernel.variable.write(tf.where(mask, w, tf.zerosLike(w)));
    });
  }
}

/** Writes `mask` into one kernel once (pruned weights set to +0). */
export function applyMask(kernel: PrunableKernel, mask: Mask): void {
  const m = new MaskedKernels([kernel]);
  try {
    m.set(kernel.layer, mask);
  } finally {
    m.dispose();
  }
}
