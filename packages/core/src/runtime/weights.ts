import type { CompressedTensor, Encoding, LiteGraph } from '../graph/index.js';
import { decodeTensor, tensorByteSize } from '../format/index.js';
import { sizeOf } from './geometry.js';

/**
 * A weight as the executor holds it after load. Today every encoding is
 * decoded once to fp32 and runs on the fp32 kernels; an encoding that gets its
 * own kernel (int8 GEMM, sparse matmul, …) adds a variant here, and the op
 * builders in steps.ts that read weights switch on `kind` to pick that kernel.
 */
export type RuntimeWeight = { kind: 'f32'; shape: number[]; values: Float32Array };

/** Turns one stored tensor into the form the executor runs. */
export type WeightPreparer = (tensor: CompressedTensor) => RuntimeWeight;

const preparers = new Map<Encoding, WeightPreparer>();

/**
 * Registers how the runtime prepares tensors of one encoding (replacing the
 * default decode-to-fp32). Later encodings call this to run on their own kernels.
 */
export function registerRuntimeWeight(encoding: Encoding, prepare: WeightPreparer): void {
  preparers.set(encoding, prepare);
}

/**
 * Decodes a tensor to fp32 values with the format's encoding registry; f32
 * values are returned as they are (not copied).
 */
export function decodeToF32(tensor: CompressedTensor): Float32Array {
  return tensor.encoding === 'f32' ? tensor.values : decodeTensor(tensor);
}

/** Prepares one tensor for the executor, checking that its values fill its shape. */
export function prepareWeight(tensor: CompressedTensor): RuntimeWeight {
  const prepare = preparers.get(tensor.encoding);
  const weight = prepare ? prepare(tensor) : { kind: 'f32' as const, shape: [...tensor.shape], values: decodeToF32(tensor) };
  if (weight.values.length !== sizeOf(tensor.shape)) {
    throw new Error(`tensor '${tensor.name}': ${weight.values.length} values do not fill its shape [${tensor.shape.join(', ')}]`);
  }
  return weight;
}

/** Prepares every weight of a graph once (at load), by name. */
export function prepareWeights(graph: LiteGraph): Map<string, RuntimeWeight> {
  const out = new Map<string, RuntimeWeight>();
  for (const [name, tensor] of graph.tensors) out.set(name, prepareWeight(tensor));
  return out;
}

/** Bytes a tensor takes as stored in its encoding (values only, before entropy coding). */
export function storedBytes(tensor: CompressedTensor): number {
  return tensorByteSize(tensor);
}
