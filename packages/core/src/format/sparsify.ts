/**
 * Sparse storage of a whole model: {@link sparsifyGraph} re-encodes each weight
 * tensor with enough exact zeros as `csr` (or `nm` when it fits the N:M pattern and
 * that is smaller) whenever that takes fewer bytes than its current encoding.
 */
import type { CompressedTensor, LiteGraph } from '../graph/types.js';
import type { EncodingWarning } from './codec.js';
import { csrCodec } from './encodings/csr.js';
import type { SparseValueEncoding, SparseValueOptions } from './encodings/csr_values.js';
import { fitsNm, nmCodec } from './encodings/nm.js';
import { decodeTensor, tensorByteSize } from './registry.js';

/** Options of {@link sparsifyGraph}. */
export interface SparsifyOptions {
  /** Only tensors with at least this fraction of exact zeros are considered (0..1, default 0.25). */
  minSparsity?: number;
  /**
   * Encoding of the kept values: `'same'` (default) keeps the tensor's own encoding where
   * that is exact (f32, f16, kmeans with its codebook, int8/int4 symmetric with their scales
   * as int8) and only switches a tensor when its decoded values stay bit-identical; any other
   * value re-encodes the kept values in that encoding (lossy for f16, int8, kmeans).
   */
  valueEncoding?: 'same' | SparseValueEncoding;
  /** Options of the value encoding when it is not `'same'` (int8 `perChannel`, kmeans `bits`). */
  valueOptions?: Omit<SparseValueOptions, 'valueEncoding'>;
  /** N:M pattern to try besides csr (default `{ n: 2, m: 4 }`), or false for csr only. */
  nm?: { n: number; m: number } | false;
  /** Which tensors to consider (default: rank ≥ 2, i.e. conv and dense kernels). */
  filter?: (tensor: CompressedTensor) => boolean;
}

/** What {@link sparsifyGraph} did to one considered tensor. */
export interface SparsifiedTensor {
  name: string;
  /** Fraction of exact zeros. */
  sparsity: number;
  /** Encoding before and after (equal when dense stayed smaller). */
  from: string;
  to: string;
  bytesBefore: number;
  bytesAfter: number;
}

/** The fraction of exact zeros (±0) in `values` (0 for an empty tensor). */
export function zeroFraction(values: Float32Array): number {
  if (values.length === 0) return 0;
  let z = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) z++;
  return z / values.length;
}

/** The value options that store `tensor`'s values exactly in its own encoding, or undefined when there are none. */
function sameValueOptions(t: CompressedTensor): SparseValueOptions | undefined {
  switch (t.encoding) {
    case 'f32':
    case 'f16':
      return { valueEncoding: t.encoding };
    case 'kmeans':
      return { valueEncoding: 'kmeans', bits: t.bits, codebook: t.codebook, halfCodebook: t.halfCodebook };
    case 'int8':
    case 'int4': {
      const p = t.params;
      if (!p.symmetric) return undefined;
      if (p.axis === null) return { valueEncoding: 'int8', perChannel: false, scale: p.scale[0] };
      return p.axis === t.shape.length - 1 && t.shape.length >= 2 ? { valueEncoding: 'int8', perChannel: true, columnScale: p.scale } : undefined;
    }
    default:
      return undefined;
  }
}

const sameValues = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && a.every((x, i) => x === b[i] || (Number.isNaN(x) && Number.isNaN(b[i])));

/**
 * Stores the sparse weights of `graph` sparsely. Each tensor `filter` accepts whose
 * fraction of exact zeros is at least `minSparsity` is encoded as `csr` (the index form
 * that takes fewest bytes) and, when it fits the N:M pattern, as `nm`; the smallest of
 * those and its current encoding wins (nm on a tie with csr). Tensors already `csr`/`nm` are left alone.
 * Returns a new graph (the input is not modified), what happened to each considered
 * tensor, and the value encodings' warnings (lossy `valueEncoding` only).
 */
export function sparsifyGraph(graph: LiteGraph, options: SparsifyOptions = {}): { graph: LiteGraph; tensors: SparsifiedTensor[]; warnings: EncodingWarning[] } {
  const minSparsity = options.minSparsity ?? 0.25;
  if (typeof minSparsity !== 'number' || !(minSparsity >= 0 && minSparsity <= 1)) throw new RangeError(`sparsify: minSparsity must be a number in 0..1, not ${String(minSparsity)}`);
  const valueEncoding = options.valueEncoding ?? 'same';
  const nm = options.nm ?? { n: 2, m: 4 };
  const filter = options.filter ?? ((t: CompressedTensor) => t.shape.length >= 2);
  const tensors = new Map<string, CompressedTensor>();
  const report: SparsifiedTensor[] = [];
  const warnings: EncodingWarning[] = [];
  for (const [name, t] of graph.tensors) {
    tensors.set(name, t);
    if (t.encoding === 'csr' || t.encoding === 'nm' || !filter(t)) continue;
    const dense = decodeTensor(t);
    const sparsity = zeroFraction(dense);
    const before = tensorByteSize(t);
    const entry: SparsifiedTensor = { name, sparsity, from: t.encoding, to: t.encoding, bytesBefore: before, bytesAfter: before };
    report.push(entry);
    if (sparsity < minSparsity || dense.length === 0) continue;
    const valueOptions: SparseValueOptions | undefined = valueEncoding === 'same' ? sameValueOptions(t) : { ...options.valueOptions, valueEncoding };
    if (!valueOptions) continue;
    const candidates: { tensor: CompressedTensor; warnings: EncodingWarning[] }[] = [csrCodec.encode({ name, values: dense, shape: t.shape }, valueOptions)];
    if (nm && fitsNm(dense, t.shape, nm.n, nm.m)) {
      try {
        candidates.push(nmCodec.encode({ name, values: dense, shape: t.shape }, { ...valueOptions, ...nm }));
      } catch (err) {
        // A given kmeans codebook without 0 cannot pad N:M groups: csr only.
        if (!(err instanceof RangeError)) throw err;
      }
    }
    let best: { tensor: CompressedTensor; warnings: EncodingWarning[] } | undefined;
    for (const c of candidates) {
      const bytes = tensorByteSize(c.tensor);
      // nm (tried last) wins a tie with csr: same bytes, a simpler kernel.
      if (best ? bytes > tensorByteSize(best.tensor) : bytes >= before) continue;
      if (valueEncoding === 'same' && !sameValues(decodeTensor(c.tensor), dense)) continue;
      best = c;
    }
    if (!best) continue;
    tensors.set(name, best.tensor);
    warnings.push(...best.warnings);
    entry.to = best.tensor.encoding;
    entry.bytesAfter = tensorByteSize(best.tensor);
  }
  return { graph: { ...graph, tensors }, tensors: report, warnings };
}
