import { decodeTensor, encodeTensor, type CompressedTensor } from '@lite/core';
import { quantize, type WeightLayout } from '../schemes/affine.js';
import { kmeansQuantize } from '../schemes/kmeans.js';

/** How one layer's kernel is stored. */
export type WeightFormat =
  | { kind: 'f32' }
  | { kind: 'f16' }
  /** Symmetric, narrow-range affine codes, per output channel or per tensor. */
  | { kind: 'int'; bits: 8 | 4; perChannel: boolean }
  | { kind: 'kmeans'; bits: number };

/** A short name for reports: f32, f16, int8, int4, kmeans4. */
export function formatLabel(format: WeightFormat): string {
  switch (format.kind) {
    case 'f32':
    case 'f16':
      return format.kind;
    case 'int':
      return `int${format.bits}${format.perChannel ? '' : ' per-tensor'}`;
    case 'kmeans':
      return `kmeans${format.bits}`;
  }
}

/** Bits per weight a format stores (ignoring scales and codebooks). */
export function formatBits(format: WeightFormat): number {
  return format.kind === 'f32' ? 32 : format.kind === 'f16' ? 16 : format.bits;
}

/** The fp32 values of a stored tensor. */
export function tensorValues(tensor: CompressedTensor): Float32Array {
  return tensor.encoding === 'f32' ? tensor.values : decodeTensor(tensor);
}

/** Encodes a tensor (in any encoding) in `format`, keeping its name; `layout` fixes the output-channel axis of int formats. */
export function encodeWeight(tensor: CompressedTensor, layout: WeightLayout, format: WeightFormat): CompressedTensor {
  const values = tensorValues(tensor);
  const { name, shape } = tensor;
  switch (format.kind) {
    case 'f32':
      return { name, encoding: 'f32', shape: [...shape], values };
    case 'f16':
      return encodeTensor('f16', name, values, shape, {}).tensor;
    case 'int':
      return quantize(values, shape, { bits: format.bits, symmetric: true, perChannel: format.perChannel, layout, name }).tensor;
    case 'kmeans': {
      // Weights that already share few values (fine-tuned centroids) keep them exactly.
      const shared = distinctValues(values, 2 ** format.bits);
      return kmeansQuantize(values, shape, { bits: format.bits, name, ...(shared ? { codebook: shared } : {}) }).tensor;
    }
  }
}

/** The sorted distinct values of `values` when there are at most `limit`, else null. */
function distinctValues(values: Float32Array, limit: number): Float32Array | null {
  const seen = new Set<number>();
  for (const v of values) {
    seen.add(v);
    if (seen.size > limit) return null;
  }
  return Float32Array.from([...seen].sort((a, b) => a - b));
}
