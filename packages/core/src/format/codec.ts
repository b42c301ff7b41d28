/**
 * The contract every tensor encoding implements. An encoding is one file in
 * `encodings/` exporting an {@link EncodingCodec}, listed in `encodings/index.ts`
 * (and its tensor type added to `CompressedTensor` in graph/types.ts).
 */
import type { CompressedTensor, Encoding } from '../graph/types.js';
import { failAt } from './errors.js';
import { describe } from './json_check.js';
import { MAX_RANK, MAX_TENSOR_ELEMENTS } from './limits.js';

/** The tensor type of encoding `E`. */
export type TensorOf<E extends Encoding> = Extract<CompressedTensor, { encoding: E }>;

/** Float32 values to encode, with their name (for warnings) and shape. */
export interface EncodeInput {
  name: string;
  values: Float32Array;
  shape: readonly number[];
}

/** A value an encoding could not represent faithfully (the caller must show these to the user). */
export interface EncodingWarning {
  /** The tensor's name. */
  tensor: string;
  encoding: string;
  /** What happened, e.g. `overflow`, `underflow`, `subnormal`, `nonFinite`. */
  kind: string;
  /** How many values it happened to. */
  count: number;
  /** A complete sentence naming the tensor, e.g. for `console.warn`. */
  message: string;
}

/** What `encode` returns: the tensor and every warning about it. */
export interface EncodeResult<T extends CompressedTensor = CompressedTensor> {
  tensor: T;
  warnings: EncodingWarning[];
}

/** JSON values (encoding metadata must be plain JSON). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A tensor's stored form: small JSON metadata and one or more byte streams (each becomes a section of the file). */
export interface SerializedTensor {
  meta: { [key: string]: JsonValue };
  streams: Uint8Array[];
}

/** One tensor encoding: how to make it, expand it, size it and store it. */
export interface EncodingCodec<E extends Encoding = Encoding, O = Record<string, unknown>> {
  /** The `encoding` tag of its tensors. */
  readonly name: E;
  /** One line for `lite inspect` and docs. */
  readonly description: string;
  /** Encodes float32 values; never throws for values it can only approximate, it warns instead. */
  encode(input: EncodeInput, options?: O): EncodeResult<TensorOf<E>>;
  /** Expands a tensor back to float32 (same element order as the input to `encode`). */
  decode(tensor: TensorOf<E>): Float32Array;
  /** Bytes of the tensor's stored payload (before entropy coding). */
  byteSize(tensor: TensorOf<E>): number;
  /** The stored form. */
  serialize(tensor: TensorOf<E>): SerializedTensor;
  /**
   * Checks, before any payload byte is read, that `meta` is well formed and that the
   * decoded stream lengths are exactly what `shape` needs; throws a LiteFormatError at `path`.
   */
  checkLayout(shape: readonly number[], meta: unknown, streamLengths: readonly number[], path: string): void;
  /**
   * Rebuilds a tensor from its stored form, validating it (it calls `checkLayout` itself).
   * `streams` may be views into the file's bytes: copy what the tensor keeps.
   */
  deserialize(name: string, shape: number[], meta: unknown, streams: Uint8Array[], path: string): TensorOf<E>;
  /**
   * Runtime hook: kernels that run a layer directly on this encoding, keyed by graph op
   * (e.g. `dense`, `conv2d`). The runtime defines their signatures; absent means the
   * runtime decodes to float32 and uses its fp32 kernels.
   */
  readonly kernels?: Readonly<Record<string, unknown>>;
}

/**
 * Number of elements of `shape`, checking that it is an array of at most
 * {@link MAX_RANK} non-negative integers whose product is at most
 * {@link MAX_TENSOR_ELEMENTS}. Throws a LiteFormatError at `path`.
 */
export function elementCount(shape: unknown, path: string): number {
  if (!Array.isArray(shape)) failAt(path, `shape must be an array of non-negative integers, found ${describe(shape)}`);
  if (shape.length > MAX_RANK) failAt(path, `rank ${shape.length} exceeds the limit of ${MAX_RANK}`);
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) failAt(`${path}[${i}]`, `dimension ${describe(d)} is not a non-negative integer`);
    n *= d;
    if (n > MAX_TENSOR_ELEMENTS) failAt(path, `shape [${shape.slice(0, MAX_RANK).join(', ')}] has more than ${MAX_TENSOR_ELEMENTS} elements`);
  }
  return n;
}

/** Checks that `meta` is an object with no keys (the metadata of encodings that need none). */
export function checkEmptyMeta(meta: unknown, path: string): void {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) failAt(path, 'meta must be an object');
  const keys = Object.keys(meta);
  if (keys.length > 0) failAt(`${path}.${keys[0]}`, 'unknown meta field');
}

/** Checks that there are exactly `expected.length` streams of exactly those lengths. */
export function checkStreamLengths(actual: readonly number[], expected: readonly number[], path: string, what: string): void {
  if (actual.length !== expected.length) failAt(path, `${what} needs ${expected.length} section(s), the file lists ${actual.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) failAt(`${path}[${i}]`, `${what} needs ${expected[i]} bytes in section ${i}, the file has ${actual[i]}`);
  }
}

/** Checks that a tensor's in-memory shape and payload agree (used by encoders and serializers). */
export function checkTensorShape(name: string, shape: readonly number[], length: number): void {
  const n = elementCount(shape, `tensor "${name}".shape`);
  if (n !== length) throw new RangeError(`tensor "${name}": shape [${shape.join(', ')}] has ${n} elements but the data has ${length}`);
}
