/**
 * `kmeans`: non-uniform quantization by weight sharing (Deep Compression, Han et
 * al. 2016). Every value is one entry of a float32 codebook of at most `2^bits`
 * centroids; the indices are bit-packed, `bits` each, least significant bit first.
 * Stored as two streams: the packed indices (`ceil(n · bits / 8)` bytes, unused
 * high bits of the last byte 0) and the codebook (float32, little-endian; or, with
 * meta `codebook: "f16"`, half precision: 2 bytes a centroid, which in a pruned model
 * of a few thousand weights is a fifth of the file and costs no accuracy).
 *
 * Encoding clusters the finite values with 1-D k-means: `2^bits` centroids
 * initialised linearly between the minimum and maximum (the initialisation Deep
 * Compression found best), then Lloyd iterations until no assignment changes (or
 * `iterations`). Centroids are float32 and stay sorted; clusters left empty are
 * dropped, so the codebook is strictly increasing and may be shorter than `2^bits`.
 * A value goes to the nearest centroid, ties to the lower one (x ≤ the midpoint of
 * two neighbours goes to the lower). NaN takes the centroid nearest 0, ±Infinity
 * the extreme ones; both are warned about. A `codebook` option skips clustering.
 */
import type { KMeansTensor } from '../../graph/types.js';
import { checkStreamLengths, checkTensorShape, elementCount, type EncodingCodec, type EncodingWarning } from '../codec.js';
import { failAt } from '../errors.js';
import { describe, expectInt, expectObject, expectOneOf } from '../json_check.js';
import { f16ToF32, f32ToF16 } from '../half.js';
import { fromLittleEndian, toLittleEndian } from '../planes.js';

/** Options of the `kmeans` encoding. */
export interface KMeansOptions {
  /** Bits per index, 1–8 (default 4: 16 centroids). */
  bits?: number;
  /** Most Lloyd iterations (default 100; clustering stops earlier once no assignment changes). */
  iterations?: number;
  /** Use this codebook instead of clustering: 1 to 2^bits finite values, strictly increasing (rounded to float32, or to f16 with `halfCodebook`). */
  codebook?: ArrayLike<number>;
  /** Store the codebook in half precision: centroids are rounded to f16 (merging any that meet) before values are assigned. */
  halfCodebook?: boolean;
}

/** Default bits of the `kmeans` encoding. */
export const KMEANS_DEFAULT_BITS = 4;
/** Default most Lloyd iterations. */
export const KMEANS_DEFAULT_ITERATIONS = 100;

/** Packs `indices` (each below 2^bits) into `ceil(n · bits / 8)` bytes, least significant bit first. */
export function packBits(indices: ArrayLike<number>, bits: number): Uint8Array {
  const n = indices.length;
  const out = new Uint8Array(Math.ceil((n * bits) / 8));
  for (let i = 0, p = 0; i < n; i++, p += bits) {
    const v = indices[i];
    const byte = p >>> 3;
    const shift = p & 7;
    out[byte] |= v << shift;
    if (shift + bits > 8) out[byte + 1] |= v >>> (8 - shift);
  }
  return out;
}

/** Index `i` of `bits`-bit packed indices. */
export function bitsAt(packed: Uint8Array, bits: number, i: number): number {
  const p = i * bits;
  const byte = p >>> 3;
  const shift = p & 7;
  const word = shift + bits > 8 ? packed[byte] | (packed[byte + 1] << 8) : packed[byte];
  return (word >>> shift) & ((1 << bits) - 1);
}

/** Unpacks `n` indices of `bits` bits. */
export function unpackBits(packed: Uint8Array, bits: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = bitsAt(packed, bits, i);
  return out;
}

/** First index of sorted `a` in `[lo, hi)` whose value is > x (hi when none). */
function upperBound(a: Float32Array, x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Cluster boundaries of sorted values for sorted centroids: cluster j is `sorted[b[j] .. b[j+1])`. */
function boundaries(sorted: Float32Array, c: ArrayLike<number>): Int32Array {
  const k = c.length;
  const b = new Int32Array(k + 1);
  b[k] = sorted.length;
  for (let j = 1; j < k; j++) b[j] = upperBound(sorted, (c[j - 1] + c[j]) / 2, b[j - 1], sorted.length);
  return b;
}

/** Result of {@link kmeans1d}. */
export interface KMeans1d {
  /** Strictly increasing float32 centroids, one per non-empty cluster (at least one). */
  codebook: Float32Array;
  /** Lloyd iterations run. */
  iterations: number;
  /** Whether the assignments stopped changing before the limit. */
  converged: boolean;
}

/**
 * 1-D k-means of the finite `values` with `k` linearly initialised centroids and at
 * most `iterations` Lloyd steps (on sorted values with prefix sums: each step costs
 * O(k log n)). Empty clusters are dropped from the result.
 */
export function kmeans1d(values: ArrayLike<number>, k: number, iterations = KMEANS_DEFAULT_ITERATIONS): KMeans1d {
  let m = 0;
  const sorted = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) sorted[m++] = values[i];
  if (m === 0) return { codebook: Float32Array.of(0), iterations: 0, converged: true };
  const s = sorted.subarray(0, m).sort();
  const lo = s[0];
  const hi = s[m - 1];
  if (k === 1) return { codebook: Float32Array.of(Math.fround(mean(s))), iterations: 0, converged: true };
  if (lo === hi) return { codebook: Float32Array.of(lo), iterations: 0, converged: true };
  const prefix = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) prefix[i + 1] = prefix[i] + s[i];
  const c = new Float64Array(k);
  for (let j = 0; j < k; j++) c[j] = Math.fround(lo + ((hi - lo) * j) / (k - 1));
  let prev: Int32Array | undefined;
  let it = 0;
  let converged = false;
  for (; it < iterations; it++) {
    const b = boundaries(s, c);
    if (prev && b.every((x, i) => x === prev![i])) {
      converged = true;
      break;
    }
    for (let j = 0; j < k; j++) {
      const count = b[j + 1] - b[j];
      if (count > 0) c[j] = Math.fround((prefix[b[j + 1]] - prefix[b[j]]) / count);
    }
    prev = b;
  }
  // Drop duplicates and empty clusters (dropping one only widens its neighbours' cells into empty space).
  let cb = Array.from(c).filter((x, j) => j === 0 || x !== c[j - 1]);
  for (;;) {
    const b = boundaries(s, cb);
    const kept = cb.filter((_, j) => b[j + 1] > b[j]);
    if (kept.length === cb.length) break;
    cb = kept;
  }
  return { codebook: Float32Array.from(cb), iterations: it, converged };
}

function mean(s: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i];
  return sum / s.length;
}

/** Index of the centroid nearest `x` in a sorted codebook (ties to the lower); NaN → nearest 0. */
export function nearestIndex(codebook: Float32Array, x: number): number {
  if (Number.isNaN(x)) x = 0;
  let lo = 0;
  let hi = codebook.length - 1;
  // Number of midpoints strictly below x.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((codebook[mid] + codebook[mid + 1]) / 2 < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkBits(bits: unknown, what: string): number {
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 1 || bits > 8) throw new RangeError(`${what}: bits must be an integer 1..8, not ${describe(bits)}`);
  return bits;
}

function checkLayout(shape: readonly number[], meta: unknown, streamLengths: readonly number[], path: string): { bits: number; centroids: number; n: number; half: boolean } {
  const n = elementCount(shape, `${path}.shape`);
  const o = expectObject(meta, `${path}.meta`, ['bits', 'centroids'], ['codebook']);
  const bits = expectInt(o.bits, `${path}.meta.bits`, 1, 8);
  const centroids = expectInt(o.centroids, `${path}.meta.centroids`, 1, 2 ** bits);
  const half = o.codebook !== undefined && expectOneOf(o.codebook, `${path}.meta.codebook`, ['f16'] as const) === 'f16';
  checkStreamLengths(streamLengths, [Math.ceil((n * bits) / 8), (half ? 2 : 4) * centroids], `${path}.sections`, 'a kmeans tensor');
  return { bits, centroids, n, half };
}

/** Checks packed indices (all below `k`, unused bits 0) and a finite codebook; returns an error message and where, or undefined. */
function checkData(packed: Uint8Array, bits: number, n: number, codebook: Float32Array): { at: 0 | 1; message: string } | undefined {
  for (let j = 0; j < codebook.length; j++) if (!Number.isFinite(codebook[j])) return { at: 1, message: `centroid ${j} is ${codebook[j]}; centroids must be finite` };
  const used = (n * bits) & 7;
  if (used !== 0 && packed[packed.length - 1] >>> used !== 0) return { at: 0, message: `the unused high bits of the last byte are not 0` };
  const k = codebook.length;
  if (k < 2 ** bits) {
    for (let i = 0; i < n; i++) {
      const v = bitsAt(packed, bits, i);
      if (v >= k) return { at: 0, message: `index ${i} is ${v}, but the codebook has ${k} centroid(s)` };
    }
  }
  return undefined;
}

/** Rounds a strictly increasing codebook to f16, merging centroids that round to the same value. */
function halfRounded(codebook: Float32Array): Float32Array {
  const rounded = f16ToF32(f32ToF16(codebook).bits);
  return rounded.filter((c, j) => j === 0 || c !== rounded[j - 1]);
}

/** Whether every centroid is exactly an f16 value. */
function isHalf(codebook: Float32Array): boolean {
  const rounded = halfRounded(codebook);
  return rounded.length === codebook.length && rounded.every((c, j) => Object.is(c, codebook[j]));
}

function readCodebook(stream: Uint8Array, half: boolean): Float32Array {
  return half ? f16ToF32(fromLittleEndian(stream, 2) as Uint16Array) : new Float32Array(fromLittleEndian(stream, 4).buffer);
}

function writeCodebook(codebook: Float32Array, half: boolean): Uint8Array {
  return half ? toLittleEndian(f32ToF16(codebook).bits, 2) : toLittleEndian(new Uint32Array(Float32Array.from(codebook).buffer), 4);
}

/** The `kmeans` encoding: `bits` bits per value plus a float32 codebook. */
export const kmeansCodec: EncodingCodec<'kmeans', KMeansOptions> = {
  name: 'kmeans',
  description: 'k-means weight sharing: a float32 codebook of up to 2^bits centroids and bit-packed indices (1–8 bits)',
  encode({ name, values, shape }, options = {}) {
    checkTensorShape(name, shape, values.length);
    const bits = checkBits(options.bits ?? KMEANS_DEFAULT_BITS, `kmeans encoding of "${name}"`);
    let codebook: Float32Array;
    if (options.codebook !== undefined) {
      const given = options.codebook;
      if (given === null || typeof given !== 'object' || typeof given.length !== 'number' || given.length < 1 || given.length > 2 ** bits) {
        throw new RangeError(`kmeans encoding of "${name}": codebook must hold 1..${2 ** bits} values for ${bits} bits`);
      }
      codebook = Float32Array.from(given);
      for (let j = 0; j < codebook.length; j++) {
        if (!Number.isFinite(codebook[j]) || (j > 0 && !(codebook[j] > codebook[j - 1]))) {
          throw new RangeError(`kmeans encoding of "${name}": codebook values must be finite and strictly increasing as float32 (entry ${j} is ${codebook[j]})`);
        }
      }
    } else {
      const iterations = options.iterations ?? KMEANS_DEFAULT_ITERATIONS;
      if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`kmeans encoding of "${name}": iterations must be a non-negative integer, not ${describe(iterations)}`);
      codebook = kmeans1d(values, 2 ** bits, iterations).codebook;
    }
    const half = options.halfCodebook ?? false;
    if (half) codebook = halfRounded(codebook);
    const n = values.length;
    const indices = new Uint8Array(n);
    let nonFinite = 0;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (!Number.isFinite(x)) nonFinite++;
      indices[i] = nearestIndex(codebook, x);
    }
    const warnings: EncodingWarning[] = [];
    if (nonFinite > 0) {
      warnings.push({ tensor: name, encoding: 'kmeans', kind: 'nonFinite', count: nonFinite, message: `${name}: ${nonFinite} of ${n} values are NaN or ±Infinity (NaN took the centroid nearest 0, ±Infinity the extreme centroids)` });
    }
    const tensor: KMeansTensor = { name, shape: [...shape], encoding: 'kmeans', bits, codebook, packed: packBits(indices, bits) };
    if (half) tensor.halfCodebook = true;
    return { tensor, warnings };
  },
  decode(tensor) {
    const { packed, bits, codebook } = tensor;
    const n = elementCount(tensor.shape, `tensor "${tensor.name}".shape`);
    if (packed.length !== Math.ceil((n * bits) / 8)) throw new RangeError(`tensor "${tensor.name}": ${packed.length} packed bytes do not hold ${n} indices of ${bits} bits`);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = codebook[bitsAt(packed, bits, i)];
    return out;
  },
  byteSize(tensor) {
    return tensor.packed.length + (tensor.halfCodebook ? 2 : 4) * tensor.codebook.length;
  },
  serialize(tensor) {
    const path = `tensor "${tensor.name}"`;
    const n = elementCount(tensor.shape, `${path}.shape`);
    const bits = tensor.bits;
    if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 1 || bits > 8) failAt(`${path}.bits`, `bits must be an integer 1..8, not ${describe(bits)}`);
    if (!(tensor.codebook instanceof Float32Array) || tensor.codebook.length < 1 || tensor.codebook.length > 2 ** bits) failAt(`${path}.codebook`, `the codebook must be a Float32Array of 1..${2 ** bits} centroids`);
    if (!(tensor.packed instanceof Uint8Array) || tensor.packed.length !== Math.ceil((n * bits) / 8)) failAt(`${path}.packed`, `${n} indices of ${bits} bits need ${Math.ceil((n * bits) / 8)} packed bytes`);
    const bad = checkData(tensor.packed, bits, n, tensor.codebook);
    if (bad) failAt(`${path}.${bad.at === 0 ? 'packed' : 'codebook'}`, bad.message);
    const half = tensor.halfCodebook === true;
    if (half && !isHalf(tensor.codebook)) failAt(`${path}.codebook`, 'a half-precision codebook must hold f16 values, strictly increasing');
    const meta: Record<string, number | string> = { bits, centroids: tensor.codebook.length };
    if (half) meta.codebook = 'f16';
    return { meta, streams: [tensor.packed, writeCodebook(tensor.codebook, half)] };
  },
  checkLayout(shape, meta, streamLengths, path) {
    checkLayout(shape, meta, streamLengths, path);
  },
  deserialize(name, shape, meta, streams, path): KMeansTensor {
    const { bits, n, half } = checkLayout(shape, meta, streams.map((s) => s.length), path);
    const codebook = readCodebook(streams[1], half);
    const packed = streams[0].slice();
    const bad = checkData(packed, bits, n, codebook);
    if (bad) failAt(`${path}.sections[${bad.at}]`, bad.message);
    const tensor: KMeansTensor = { name, shape, encoding: 'kmeans', bits, codebook, packed };
    if (half) tensor.halfCodebook = true;
    return tensor;
  },
};
