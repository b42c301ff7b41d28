/**
 * The values of a sparse tensor (`csr`, `nm`): the kept entries, column by column,
 * stored as a 1-D tensor in a value encoding (`f32`, `f16`, `int8`, `kmeans`),
 * optionally times one float32 scale per output channel (int8 with per-channel
 * scales). Shared by csr.ts and nm.ts: encoding, decoding, sizing and the stored
 * form (the value tensor's streams, then the column scales when present).
 */
import type { CsrTensor, F32Tensor, F16Tensor, Int8Tensor, KMeansTensor, NmTensor, SparseValues } from '../../graph/types.js';
import { elementCount, type EncodingWarning, type JsonValue, type SerializedTensor } from '../codec.js';
import { failAt } from '../errors.js';
import { describe, expectObject, expectOneOf } from '../json_check.js';
import { f16Codec } from './f16.js';
import { f32Codec } from './f32.js';
import { float32AtLeast, int8Codec, MIN_QUANT_SCALE, quantizeAffine } from './int8.js';
import { kmeans1d, KMEANS_DEFAULT_BITS, kmeansCodec } from './kmeans.js';

/** The encodings a sparse tensor's values can take. */
export const SPARSE_VALUE_ENCODINGS = ['f32', 'f16', 'int8', 'kmeans'] as const;
/** One of {@link SPARSE_VALUE_ENCODINGS}. */
export type SparseValueEncoding = (typeof SPARSE_VALUE_ENCODINGS)[number];

/** How a sparse tensor stores its values (options of the `csr` and `nm` encodings). */
export interface SparseValueOptions {
  /** Encoding of the kept values (default `f32`). */
  valueEncoding?: SparseValueEncoding;
  /** int8: one scale per output channel (default true) or one for the tensor. */
  perChannel?: boolean;
  /** int8: the scales to use, one per output channel (else absmax / 127 of each channel's kept values). */
  columnScale?: ArrayLike<number>;
  /** int8 per tensor: the scale to use (else absmax / 127). */
  scale?: number;
  /** kmeans: bits per index, 1–8 (default 4). */
  bits?: number;
  /** kmeans: the codebook to use instead of clustering (finite, strictly increasing). */
  codebook?: ArrayLike<number>;
  /** kmeans: store the codebook in half precision. */
  halfCodebook?: boolean;
}

/** Columns of the kept entries: entries `colPtr[j] .. colPtr[j+1]` belong to output channel `j`. */
export type ColumnPointers = Int32Array;

const checkScale = (s: number, what: string): number => {
  if (!(s > 0) || !Number.isFinite(s) || Math.fround(s) !== s) throw new RangeError(`${what} must be a positive finite float32 value, not ${describe(s)}`);
  return s;
};

function absmaxScale(values: Float32Array, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(values[i]);
    if (a > m && a !== Infinity) m = a;
  }
  return m === 0 ? 1 : Math.max(float32AtLeast(m / 127), MIN_QUANT_SCALE);
}

const INT8_UNIT = { bits: 8, axis: null, symmetric: true, narrowRange: true, zeroPoint: [0] } as const;

function int8Values(name: string, kept: Float32Array, colPtr: ColumnPointers, options: SparseValueOptions): { values: SparseValues; warnings: EncodingWarning[] } {
  const what = `csr/nm int8 values of "${name}"`;
  const count = kept.length;
  if (options.perChannel === false) {
    const s = checkScale(options.scale ?? absmaxScale(kept, 0, count), `${what}: scale`);
    const params = { ...INT8_UNIT, scale: [s], zeroPoint: [0] };
    const { q, warnings } = quantizeAffine(name, 'int8', kept, [count], params);
    return { values: { tensor: { name, shape: [count], encoding: 'int8', q, params } }, warnings };
  }
  const channels = colPtr.length - 1;
  if (options.columnScale !== undefined && options.columnScale.length !== channels) {
    throw new RangeError(`${what}: columnScale must hold ${channels} scales (one per output channel), not ${options.columnScale.length}`);
  }
  const columnScale = new Float32Array(channels);
  const q = new Int8Array(count);
  const counts = new Map<string, EncodingWarning>();
  for (let j = 0; j < channels; j++) {
    const from = colPtr[j];
    const to = colPtr[j + 1];
    const s = checkScale(options.columnScale ? options.columnScale[j] : absmaxScale(kept, from, to), `${what}: columnScale[${j}]`);
    columnScale[j] = s;
    const r = quantizeAffine(name, 'int8', kept.subarray(from, to), [to - from], { ...INT8_UNIT, scale: [s], zeroPoint: [0] });
    q.set(r.q, from);
    for (const w of r.warnings) {
      const seen = counts.get(w.kind);
      counts.set(w.kind, seen ? { ...w, count: seen.count + w.count } : w);
    }
  }
  const warnings = [...counts.values()].map((w) => ({ ...w, message: `${name}: ${w.count} of ${count} kept values ${w.kind === 'clipped' ? 'lie outside their channel\'s int8 range and were clamped' : 'are NaN or ±Infinity'}` }));
  const tensor: Int8Tensor = { name, shape: [count], encoding: 'int8', q, params: { ...INT8_UNIT, scale: [1], zeroPoint: [0] } };
  return { values: { tensor, columnScale }, warnings };
}

/**
 * A codebook for `kept` with exactly 0 in it when `needZero` (nm pads groups with
 * zeros, which must decode to 0): clusters the other values into one centroid fewer.
 */
function kmeansCodebook(name: string, kept: Float32Array, bits: number, needZero: boolean, given: ArrayLike<number> | undefined): ArrayLike<number> | undefined {
  if (!needZero) return given;
  if (given !== undefined) {
    if (!Array.prototype.includes.call(given, 0)) throw new RangeError(`kmeans values of "${name}": the codebook must contain 0, as N:M groups are padded with zeros`);
    return given;
  }
  if (bits < 1 || bits > 8 || !Number.isInteger(bits)) return undefined; // the codec reports it
  const nonzero = kept.filter((v) => v !== 0);
  const cb = bits === 1 || nonzero.length === 0 ? [] : Array.from(kmeans1d(nonzero, 2 ** bits - 1).codebook).filter((c) => c !== 0);
  return [...cb, 0].sort((a, b) => a - b);
}

/**
 * Encodes the kept values (column by column, `colPtr` marking the channels).
 * `needZero`: zeros among them must decode to exactly 0 (kmeans keeps 0 in its codebook).
 */
export function encodeSparseValues(
  name: string,
  kept: Float32Array,
  colPtr: ColumnPointers,
  options: SparseValueOptions,
  needZero = false,
): { values: SparseValues; warnings: EncodingWarning[] } {
  const encoding = options.valueEncoding ?? 'f32';
  const input = { name, values: kept, shape: [kept.length] };
  switch (encoding) {
    case 'f32':
      return { values: { tensor: f32Codec.encode(input).tensor }, warnings: [] };
    case 'f16': {
      const r = f16Codec.encode(input);
      return { values: { tensor: r.tensor }, warnings: r.warnings };
    }
    case 'int8':
      return int8Values(name, kept, colPtr, options);
    case 'kmeans': {
      const bits = options.bits ?? KMEANS_DEFAULT_BITS;
      const r = kmeansCodec.encode(input, { bits, codebook: kmeansCodebook(name, kept, bits, needZero, options.codebook), halfCodebook: options.halfCodebook });
      return { values: { tensor: r.tensor }, warnings: r.warnings };
    }
    default:
      throw new RangeError(`sparse value encoding of "${name}" must be one of ${SPARSE_VALUE_ENCODINGS.join(', ')}, not ${describe(encoding)}`);
  }
}

function innerCodec(encoding: SparseValues['tensor']['encoding']) {
  switch (encoding) {
    case 'f32':
      return f32Codec;
    case 'f16':
      return f16Codec;
    case 'int8':
      return int8Codec;
    default:
      return kmeansCodec;
  }
}

/** The float32 values of the kept entries (a new array). */
export function decodeSparseValues(values: SparseValues, colPtr: ColumnPointers): Float32Array {
  const t = values.tensor;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const out = innerCodec(t.encoding).decode(t as any);
  const s = values.columnScale;
  if (s) for (let j = 0; j + 1 < colPtr.length; j++) for (let e = colPtr[j]; e < colPtr[j + 1]; e++) out[e] *= s[j];
  return out;
}

/** Bytes of the stored values: the value tensor's payload plus 4 per column scale. */
export function sparseValuesBytes(values: SparseValues): number {
  const t = values.tensor;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return innerCodec(t.encoding).byteSize(t as any) + (values.columnScale ? 4 * values.columnScale.length : 0);
}

/** The stored form: meta `{ encoding, meta, columnScale }` and the value tensor's streams, then the column scales. */
export function serializeSparseValues(values: SparseValues, count: number, channels: number, path: string): { meta: { [key: string]: JsonValue }; streams: Uint8Array[] } {
  const t = values?.tensor;
  if (!t || !(SPARSE_VALUE_ENCODINGS as readonly string[]).includes(t.encoding)) failAt(`${path}.tensor`, `values must be a tensor in ${SPARSE_VALUE_ENCODINGS.join(', ')}`);
  if (t.shape.length !== 1 || t.shape[0] !== count) failAt(`${path}.tensor.shape`, `the values tensor must have shape [${count}] (one value per kept entry), not [${t.shape.join(', ')}]`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const s = innerCodec(t.encoding).serialize(t as any);
  const streams = [...s.streams];
  const cs = values.columnScale;
  if (cs !== undefined) {
    if (!(cs instanceof Float32Array) || cs.length !== channels) failAt(`${path}.columnScale`, `columnScale must be a Float32Array of ${channels} scales (one per output channel)`);
    for (let j = 0; j < channels; j++) if (!(cs[j] > 0) || !Number.isFinite(cs[j])) failAt(`${path}.columnScale[${j}]`, `scale ${cs[j]} is not positive and finite`);
    streams.push(new Uint8Array(cs.slice().buffer));
  }
  return { meta: { encoding: t.encoding, meta: s.meta, columnScale: cs !== undefined }, streams };
}

/** Checks the values' meta and stream lengths (`count` values, `channels` output channels); throws a LiteFormatError at `path`. */
export function checkSparseValuesLayout(meta: unknown, count: number, channels: number, lengths: readonly number[], path: string): { encoding: SparseValueEncoding; meta: unknown; columnScale: boolean } {
  const o = expectObject(meta, path, ['encoding', 'meta', 'columnScale']);
  const encoding = expectOneOf(o.encoding, `${path}.encoding`, SPARSE_VALUE_ENCODINGS);
  if (typeof o.columnScale !== 'boolean') failAt(`${path}.columnScale`, `expected true or false, found ${describe(o.columnScale)}`);
  const inner = o.columnScale ? lengths.slice(0, -1) : lengths;
  if (o.columnScale) {
    if (lengths.length === 0) failAt(`${path}`, 'column scales are declared but there is no section for them');
    if (lengths[lengths.length - 1] !== 4 * channels) failAt(`${path}.columnScale`, `${channels} column scales need ${4 * channels} bytes, the file has ${lengths[lengths.length - 1]}`);
  }
  innerCodec(encoding).checkLayout([count], o.meta, inner, `${path}.values`);
  return { encoding, meta: o.meta, columnScale: o.columnScale };
}

/** Rebuilds the values from their streams (lengths not yet checked), validating them; throws a LiteFormatError at `path`. */
export function deserializeSparseValues(name: string, meta: unknown, count: number, channels: number, streams: Uint8Array[], path: string): SparseValues {
  const m = checkSparseValuesLayout(meta, count, channels, streams.map((s) => s.length), path);
  const inner = m.columnScale ? streams.slice(0, -1) : streams;
  const tensor = innerCodec(m.encoding).deserialize(name, [count], m.meta, inner, `${path}.values`) as F32Tensor | F16Tensor | Int8Tensor | KMeansTensor;
  if (!m.columnScale) return { tensor };
  const raw = streams[streams.length - 1];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const columnScale = new Float32Array(channels);
  for (let j = 0; j < channels; j++) {
    const s = view.getFloat32(4 * j, true);
    if (!(s > 0) || !Number.isFinite(s)) failAt(`${path}.columnScale`, `column scale ${j} is ${s}; scales must be positive and finite`);
    columnScale[j] = s;
  }
  return { tensor, columnScale };
}

/** The matrix W[K×N] a sparse tensor of `shape` is (N = last axis for rank ≥ 2, else one column); `n` elements. */
export function sparseMatrix(shape: readonly number[], n: number): { rows: number; cols: number } {
  const cols = shape.length >= 2 ? shape[shape.length - 1] : 1;
  return { rows: cols === 0 ? 0 : n / cols, cols };
}

/** Column pointers of kept positions in a K-row matrix walked column by column. */
export function columnPointers(positions: Int32Array, rows: number, cols: number): Int32Array {
  const ptr = new Int32Array(cols + 1);
  for (let e = 0; e < positions.length; e++) ptr[Math.floor(positions[e] / rows) + 1]++;
  for (let j = 0; j < cols; j++) ptr[j + 1] += ptr[j];
  return ptr;
}

/** The non-zero structure and values of W[K×N] column by column (compressed sparse columns). */
export interface SparseColumns {
  /** K: the reduction dimension. */
  rows: number;
  /** N: output channels. */
  cols: number;
  /** Entries `colPtr[j] .. colPtr[j+1]` are column j's (length cols + 1). */
  colPtr: Int32Array;
  /** Row (k) of each entry. */
  rowIndex: Int32Array;
  /** Float32 value of each entry (as decoded; a stored value may be 0). */
  values: Float32Array;
}

/** Builds {@link SparseColumns} from kept positions (increasing, column by column) and their values' decoder. */
export function columnsOf(shape: readonly number[], positions: Int32Array, decode: (colPtr: Int32Array) => Float32Array): SparseColumns {
  const { rows, cols } = sparseMatrix(shape, elementCount(shape, 'shape'));
  const colPtr = columnPointers(positions, rows, cols);
  const rowIndex = Int32Array.from(positions, (p) => p % rows);
  return { rows, cols, colPtr, rowIndex, values: decode(colPtr) };
}

/** Expands sparse columns into the row-major float32 tensor W (zeros elsewhere). */
export function denseOf(c: SparseColumns): Float32Array {
  const out = new Float32Array(c.rows * c.cols);
  for (let j = 0; j < c.cols; j++) for (let e = c.colPtr[j]; e < c.colPtr[j + 1]; e++) out[c.rowIndex[e] * c.cols + j] = c.values[e];
  return out;
}

/**
 * The codec methods `csr` and `nm` share: decode (through the kept positions), byte
 * size and the stored form (the index stream, then the values' streams; meta is the
 * encoding's own fields plus `values`).
 */
export function sparseCodecMethods<T extends CsrTensor | NmTensor>(
  positionsOf: (tensor: T, path: string) => Int32Array,
  indexOf: (tensor: T) => Uint8Array,
  metaOf: (tensor: T, count: number) => { [key: string]: JsonValue },
) {
  return {
    decode(tensor: T): Float32Array {
      return denseOf(columnsOf(tensor.shape, positionsOf(tensor, `tensor "${tensor.name}"`), (ptr) => decodeSparseValues(tensor.values, ptr)));
    },
    byteSize(tensor: T): number {
      return indexOf(tensor).length + sparseValuesBytes(tensor.values);
    },
    serialize(tensor: T): SerializedTensor {
      const path = `tensor "${tensor.name}"`;
      const positions = positionsOf(tensor, path);
      const { cols } = sparseMatrix(tensor.shape, elementCount(tensor.shape, `${path}.shape`));
      const v = serializeSparseValues(tensor.values, positions.length, cols, `${path}.values`);
      return { meta: { ...metaOf(tensor, positions.length), values: v.meta }, streams: [indexOf(tensor), ...v.streams] };
    },
  };
}
