import type { CompressedTensor, Encoding, Int4Tensor, Int8Tensor, LiteGraph } from '../graph/index.js';
import { decodeTensor, tensorByteSize } from '../format/index.js';
import { kernels } from '../kernels/index.js';
import { isBinaryEncoded, packBinaryWeight, type PackedBinaryWeight } from './binary_steps.js';
import { sizeOf } from './geometry.js';

/** A weight the fp32 kernels read. */
export interface F32Weight {
  kind: 'f32';
  shape: number[];
  values: Float32Array;
}

/**
 * A symmetric int8/int4 weight whose output channels are its last axis (dense
 * `[in, out]`, HWIO conv filters), packed once for the int8 GEMM as a K×N
 * matrix (N = last axis). Kernels without an integer path read `values()`,
 * decoded to fp32 on first use.
 */
export interface PackedIntWeight {
  kind: 'int';
  shape: number[];
  bits: 8 | 4;
  packed: Uint8Array;
  /** One float32 scale per output channel (per-tensor scales repeated). */
  scale: Float32Array;
  values(): Float32Array;
}

/**
 * A sparse weight (stored `csr` or `nm`) with channels on its last axis, packed
 * once for the sparse kernels (spmm, sparseConv2d) as a K×N matrix of its
 * nonzeros. Kernels without a sparse path read `values()`, decoded on first use.
 */
export interface PackedSparseWeight {
  kind: 'sparse';
  shape: number[];
  packed: Uint8Array;
  /** Fraction of nonzero weights. */
  density: number;
  values(): Float32Array;
}

/** A weight as the executor holds it after load; op builders in steps.ts switch on `kind` to pick a kernel. */
export type RuntimeWeight = F32Weight | PackedIntWeight | PackedSparseWeight | PackedBinaryWeight;

/** Turns one stored tensor into the form the executor runs. */
export type WeightPreparer = (tensor: CompressedTensor) => RuntimeWeight;

const preparers = new Map<Encoding, WeightPreparer>();

/**
 * Registers how the runtime prepares tensors of one encoding (replacing the
 * default: int8/int4 packed for the int8 kernels where their layout allows,
 * everything else decoded to fp32). Later encodings call this to run on their own kernels.
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

/** The fp32 values of a runtime weight (decoding a packed one once). */
export function weightValues(weight: RuntimeWeight): Float32Array {
  return weight.kind === 'f32' ? weight.values : weight.values();
}

/** Whether the int8 GEMM can run this tensor: symmetric, rank ≥ 2, channels on the last axis (or per tensor). */
function packable(tensor: Int8Tensor | Int4Tensor): boolean {
  const { params, shape } = tensor;
  return params.symmetric && shape.length >= 2 && (params.axis === null || params.axis === shape.length - 1)
    && shape[shape.length - 1] > 0 && sizeOf(shape) > 0;
}

function packIntWeight(tensor: Int8Tensor | Int4Tensor): PackedIntWeight {
  const n = tensor.shape[tensor.shape.length - 1];
  const k = sizeOf(tensor.shape) / n;
  const packed = tensor.encoding === 'int8'
    ? kernels.packS8(k, n, tensor.q)
    : kernels.packS4(k, n, tensor.packed);
  const scale = new Float32Array(n);
  const s = tensor.params.scale;
  for (let j = 0; j < n; j++) scale[j] = s.length === 1 ? s[0] : s[j];
  let decoded: Float32Array | undefined;
  return {
    kind: 'int', shape: [...tensor.shape], bits: tensor.params.bits, packed, scale,
    values: () => (decoded ??= decodeTensor(tensor)),
  };
}

/**
 * The densest csr/nm tensor packed for the sparse kernels; denser ones are
 * decoded and run dense (the sparse kernels lose at any batch there).
 */
export const MAX_SPARSE_DENSITY = 0.5;

/**
 * Whether the sparse kernel beats the dense fp32 one for a K×N weight of this
 * density over `rows` rows (batch, or batch·outH·outW pixels for a conv).
 * Measured at one thread, K = N = 512, layout v2 (`LITE_NUM_THREADS=1`,
 * spmm vs gemm): below 4 rows the permute kernel wins up to 50% nonzeros
 * (1.8× there, 5.8× at 10%); at 64–256 rows it breaks even near 20%; at
 * thousands of rows it loses even at 10% (0.87×).
 */
export function sparseWins(density: number, rows: number): boolean {
  if (rows < 4) return density <= MAX_SPARSE_DENSITY;
  if (rows <= 256) return density <= 0.15;
  return density <= 0.05;
}

/** The sparse kernels' largest depth (their row indices are 16-bit). */
const MAX_SPARSE_K = 65536;

/** A csr/nm tensor packed for the sparse kernels when it is sparse enough to win, else null. */
function packSparseWeight(tensor: CompressedTensor): PackedSparseWeight | null {
  const { shape } = tensor;
  if (shape.length < 2 || sizeOf(shape) === 0) return null;
  const values = decodeTensor(tensor);
  let nonzero = 0;
  for (const v of values) if (v !== 0) nonzero++;
  const density = nonzero / values.length;
  const n = shape[shape.length - 1], k = values.length / n;
  if (density > MAX_SPARSE_DENSITY || k > MAX_SPARSE_K) return null;
  return { kind: 'sparse', shape: [...shape], packed: kernels.packSparse(k, n, values), density, values: () => values };
}

/** Prepares one tensor for the executor, checking that its values fill its shape. */
export function prepareWeight(tensor: CompressedTensor): RuntimeWeight {
  const prepare = preparers.get(tensor.encoding);
  if (prepare) return checkFilled(tensor, prepare(tensor));
  if ((tensor.encoding === 'int8' || tensor.encoding === 'int4') && packable(tensor)) return packIntWeight(tensor);
  if (isBinaryEncoded(tensor)) {
    const binary = packBinaryWeight(tensor);
    if (binary) return checkFilled(tensor, binary);
  }
  if (tensor.encoding === 'csr' || tensor.encoding === 'nm') {
    const sparse = packSparseWeight(tensor);
    if (sparse) return checkFilled(tensor, sparse);
  }
  return checkFilled(tensor, { kind: 'f32', shape: [...tensor.shape], values: decodeToF32(tensor) });
}

function checkFilled(tensor: CompressedTensor, weight: RuntimeWeight): RuntimeWeight {
  const count = weightValues(weight).length;
  if (count !== sizeOf(tensor.shape)) {
    throw new Error(`tensor '${tensor.name}': ${count} values do not fill its shape [${tensor.shape.join(', ')}]`);
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
