import type { CompressedTensor, Encoding, LiteGraph } from '../graph/index.js';
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

/** IEEE half → float32 for one bit pattern (subnormals, infinities and NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Decodes a tensor of a built-in encoding to fp32 values (f32 is returned as is, not copied). */
export function decodeToF32(tensor: CompressedTensor): Float32Array {
  switch (tensor.encoding) {
    case 'f32':
      return tensor.values;
    case 'f16': {
      const out = new Float32Array(tensor.bits.length);
      for (let i = 0; i < out.length; i++) out[i] = halfToFloat(tensor.bits[i]);
      return out;
    }
    default:
      throw new Error(`tensor '${(tensor as CompressedTensor).name}': the runtime cannot decode encoding '${(tensor as { encoding: string }).encoding}'; upgrade @lite/core`);
  }
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

/** Bytes a tensor takes as stored (values only, no header). */
export function storedBytes(tensor: CompressedTensor): number {
  switch (tensor.encoding) {
    case 'f32':
      return tensor.values.byteLength;
    case 'f16':
      return tensor.bits.byteLength;
    default:
      return 0;
  }
}
