/**
 * Non-uniform quantization by weight sharing (Deep Compression, Han et al. 2016):
 * the values of a tensor are clustered into at most `2^bits` shared float32
 * centroids (2–8 bits, i.e. 4–256 centroids), each value replaced by its centroid's
 * index. Clustering is 1-D k-means with the centroids initialised linearly between
 * the minimum and the maximum (the initialisation the paper found best: it keeps the
 * rare large weights represented) and Lloyd iterations until no assignment changes
 * (at most `iterations`). Centroids are float32, sorted ascending; clusters left
 * empty are dropped. A value goes to its nearest centroid, ties to the lower one.
 *
 * The clustering itself is the `kmeans` encoding's encoder in @lite/core (so any
 * tensor can be re-encoded through the registry); this module is its scheme API and
 * the index packing: `bits` bits per index, least significant bit first.
 */
import { encodeTensor, type EncodingWarning, type KMeansTensor } from '@lite/core';

/** Options of {@link kmeansQuantize}. */
export interface KMeansQuantizeOptions {
  /** Bits per index, 2–8 (default 4: 16 centroids). */
  bits?: number;
  /** Most Lloyd iterations (default 100; stops once assignments are stable). */
  iterations?: number;
  /** Use this codebook (strictly increasing, at most 2^bits values) instead of clustering. */
  codebook?: ArrayLike<number>;
  /** The tensor's name, for warnings and the returned tensor (default `"tensor"`). */
  name?: string;
}

/** What {@link kmeansQuantize} returns. */
export interface KMeansQuantized {
  /** Sorted float32 centroids (at most 2^bits). */
  codebook: Float32Array;
  /** The centroid index of every element, row-major (unpacked). */
  indices: Uint8Array;
  /** The same as a .lite `kmeans` tensor (indices bit-packed). */
  tensor: KMeansTensor;
  warnings: EncodingWarning[];
}

/** Clusters `values` (of `shape`) into a `bits`-bit codebook and returns codebook, indices and the .lite tensor. */
export function kmeansQuantize(values: Float32Array, shape: readonly number[], options: KMeansQuantizeOptions = {}): KMeansQuantized {
  const bits = options.bits ?? 4;
  if (!Number.isInteger(bits) || bits < 2 || bits > 8) throw new RangeError(`k-means bits must be an integer 2..8, not ${JSON.stringify(bits)}`);
  const encodeOptions: Record<string, unknown> = { bits };
  if (options.iterations !== undefined) encodeOptions.iterations = options.iterations;
  if (options.codebook !== undefined) encodeOptions.codebook = options.codebook;
  const { tensor, warnings } = encodeTensor('kmeans', options.name ?? 'tensor', values, shape, encodeOptions);
  return { codebook: tensor.codebook, indices: unpackIndices(tensor.packed, bits, values.length), tensor, warnings };
}

/** Packs indices (each below 2^bits) into `ceil(n · bits / 8)` bytes, least significant bit first. */
export function packIndices(indices: ArrayLike<number>, bits: number): Uint8Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new RangeError(`bits must be an integer 1..8, not ${bits}`);
  const out = new Uint8Array(Math.ceil((indices.length * bits) / 8));
  for (let i = 0, p = 0; i < indices.length; i++, p += bits) {
    const v = indices[i];
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits) throw new RangeError(`index ${i} is ${v}, outside 0..${2 ** bits - 1}`);
    out[p >>> 3] |= v << (p & 7);
    if ((p & 7) + bits > 8) out[(p >>> 3) + 1] |= v >>> (8 - (p & 7));
  }
  return out;
}

/** Unpacks `n` indices of `bits` bits. */
export function unpackIndices(packed: Uint8Array, bits: number, n: number): Uint8Array {
  if (packed.length < Math.ceil((n * bits) / 8)) throw new RangeError(`${packed.length} bytes hold fewer than ${n} indices of ${bits} bits`);
  const out = new Uint8Array(n);
  const mask = (1 << bits) - 1;
  for (let i = 0, p = 0; i < n; i++, p += bits) {
    const byte = p >>> 3;
    const word = packed[byte] | ((packed[byte + 1] ?? 0) << 8);
    out[i] = (word >>> (p & 7)) & mask;
  }
  return out;
}

/** Expands a codebook and indices to float32 values. */
export function kmeansDequantize(codebook: Float32Array, indices: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: indices.length }, (_, i) => {
    const v = codebook[indices[i]];
    if (v === undefined) throw new RangeError(`index ${i} is ${indices[i]}, but the codebook has ${codebook.length} centroids`);
    return v;
  });
}
