/**
 * The encoding registry: every tensor encoding lite knows, by name, and the
 * encoding-independent operations on {@link CompressedTensor}s built on it.
 */
import type { CompressedTensor, Encoding, LiteGraph } from '../graph/types.js';
import type { EncodeResult, EncodingCodec, EncodingWarning, TensorOf } from './codec.js';
import { BUILTIN_ENCODINGS } from './encodings/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCodec = EncodingCodec<any, any>;

const registry = new Map<string, AnyCodec>(BUILTIN_ENCODINGS.map((c) => [c.name, c]));

/** Adds an encoding (e.g. from a plugin). Throws if one of that name exists. */
export function registerEncoding(codec: AnyCodec): void {
  if (registry.has(codec.name)) throw new Error(`encoding "${codec.name}" is already registered`);
  registry.set(codec.name, codec);
}

/** The codec of `name`, or undefined when no such encoding is registered. */
export function findEncoding(name: string): AnyCodec | undefined {
  return registry.get(name);
}

/** The codec of `name`; throws an error listing the known encodings when there is none. */
export function getEncoding<E extends Encoding>(name: E): EncodingCodec<E, Record<string, unknown>>;
export function getEncoding(name: string): AnyCodec;
export function getEncoding(name: string): AnyCodec {
  const codec = registry.get(name);
  if (!codec) throw new Error(`unknown tensor encoding "${name}"; known: ${encodingNames().join(', ')}`);
  return codec;
}

/** Names of all registered encodings. */
export function encodingNames(): string[] {
  return [...registry.keys()];
}

/** Options of {@link encodeTensor}: the encoding's own options plus a warning sink. */
export type EncodeTensorOptions = Record<string, unknown> & {
  /** Called once per warning (they are also returned). */
  onWarning?: (warning: EncodingWarning) => void;
};

/**
 * Encodes float32 `values` of tensor `name` in `encoding`. Returns the tensor and
 * the warnings about values the encoding could not keep (also passed to
 * `options.onWarning`); show them to the user.
 */
export function encodeTensor<E extends Encoding>(
  encoding: E,
  name: string,
  values: Float32Array,
  shape: readonly number[],
  options: EncodeTensorOptions = {},
): EncodeResult<TensorOf<E>> {
  const { onWarning, ...codecOptions } = options;
  const result = getEncoding(encoding).encode({ name, values, shape }, codecOptions) as EncodeResult<TensorOf<E>>;
  if (onWarning) for (const w of result.warnings) onWarning(w);
  return result;
}

/** Expands any compressed tensor to float32 values (a new array). */
export function decodeTensor(tensor: CompressedTensor): Float32Array {
  return getEncoding(tensor.encoding).decode(tensor);
}

/** Bytes of a tensor's stored payload in its encoding (before entropy coding). */
export function tensorByteSize(tensor: CompressedTensor): number {
  return getEncoding(tensor.encoding).byteSize(tensor);
}

/**
 * Re-encodes the tensors of `graph` (all of them, or those `filter` accepts) in
 * `encoding`: each is decoded to float32 and encoded again. Returns a new graph
 * (nodes, outputs, provenance and report shared with the input, which is not
 * modified) and every warning.
 */
export function reencodeGraph(
  graph: LiteGraph,
  encoding: Encoding,
  options: EncodeTensorOptions & { filter?: (tensor: CompressedTensor) => boolean } = {},
): { graph: LiteGraph; warnings: EncodingWarning[] } {
  const { filter, ...encodeOptions } = options;
  const tensors = new Map<string, CompressedTensor>();
  const warnings: EncodingWarning[] = [];
  for (const [name, t] of graph.tensors) {
    if (t.encoding === encoding || (filter && !filter(t))) {
      tensors.set(name, t);
      continue;
    }
    const r = encodeTensor(encoding, t.name, decodeTensor(t), t.shape, encodeOptions);
    warnings.push(...r.warnings);
    tensors.set(name, r.tensor);
  }
  return { graph: { ...graph, tensors }, warnings };
}
