/**
 * `csr`: unstructured sparsity. The tensor is the matrix W[K×N] (N = output
 * channels, the last axis; see {@link CsrTensor}) walked column by column; the
 * non-zero entries are kept, their positions stored as a bitmask (1 bit per
 * element) or as 4- or 8-bit relative indices with filler codes for long gaps
 * (Deep Compression), whichever takes fewest bytes (bitmask on a tie, then 4-bit),
 * and their values in a value encoding (csr_values.ts).
 *
 * Stored as streams: the index bytes, then the values' streams. Meta:
 * `{ index, codes, count, values: { encoding, meta, columnScale } }`.
 */
import type { CsrTensor } from '../../graph/types.js';
import { checkTensorShape, elementCount, type EncodingCodec } from '../codec.js';
import { failAt } from '../errors.js';
import { describe, expectInt, expectObject, expectOneOf } from '../json_check.js';
import {
  checkSparseValuesLayout,
  columnPointers,
  columnsOf,
  decodeSparseValues,
  deserializeSparseValues,
  encodeSparseValues,
  sparseCodecMethods,
  sparseMatrix,
  type SparseColumns,
  type SparseValueOptions,
} from './csr_values.js';

export type { SparseColumns } from './csr_values.js';

/** Index forms of `csr`. */
export const CSR_INDEX_FORMS = ['bitmask', 'delta4', 'delta8'] as const;
/** One of {@link CSR_INDEX_FORMS}. */
export type CsrIndexForm = (typeof CSR_INDEX_FORMS)[number];

/** Options of the `csr` encoding. */
export interface CsrOptions extends SparseValueOptions {
  /** Index form: `'auto'` (default) picks the smallest. */
  index?: CsrIndexForm | 'auto';
}

/** The filler code of a delta form (its largest code). */
const fillerOf = (form: 'delta4' | 'delta8'): number => (form === 'delta4' ? 15 : 255);

/** Codes needed to store kept `positions` (increasing) as deltas below `filler`. */
function deltaCodeCount(positions: Int32Array, filler: number): number {
  let codes = 0;
  let prev = -1;
  for (let e = 0; e < positions.length; e++) {
    codes += Math.floor((positions[e] - prev - 1) / filler) + 1;
    prev = positions[e];
  }
  return codes;
}

function indexBytes(form: CsrIndexForm, n: number, codes: number): number {
  return form === 'bitmask' ? Math.ceil(n / 8) : form === 'delta4' ? Math.ceil(codes / 2) : codes;
}

function packDeltas(positions: Int32Array, form: 'delta4' | 'delta8', codes: number): Uint8Array {
  const filler = fillerOf(form);
  const out = new Uint8Array(indexBytes(form, 0, codes));
  let c = 0;
  const put = (v: number) => {
    if (form === 'delta8') out[c] = v;
    else out[c >> 1] |= v << ((c & 1) << 2);
    c++;
  };
  let prev = -1;
  for (let e = 0; e < positions.length; e++) {
    let gap = positions[e] - prev - 1;
    for (; gap >= filler; gap -= filler) put(filler);
    put(gap);
    prev = positions[e];
  }
  return out;
}

function packMask(positions: Int32Array, n: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(n / 8));
  for (let e = 0; e < positions.length; e++) out[positions[e] >> 3] |= 1 << (positions[e] & 7);
  return out;
}

/**
 * The kept positions (increasing) of index data, or an error message when the data
 * is not canonical: positions within `n`, exactly `count` of them, no trailing filler,
 * unused bits 0.
 */
function readPositions(form: CsrIndexForm, indices: Uint8Array, codes: number, count: number, n: number): Int32Array | string {
  const out = new Int32Array(count);
  let e = 0;
  if (form === 'bitmask') {
    if (n & 7 && indices[indices.length - 1] >> (n & 7)) return 'the unused high bits of the last mask byte are not 0';
    for (let b = 0; b < indices.length; b++) {
      for (let v = indices[b]; v !== 0; v &= v - 1) {
        if (e === count) return `the mask keeps more than the declared ${count} entries`;
        out[e++] = b * 8 + (31 - Math.clz32(v & -v));
      }
    }
    return e === count ? out : `the mask keeps ${e} entries, the header declares ${count}`;
  }
  const filler = fillerOf(form);
  if (form === 'delta4' && codes & 1 && indices[indices.length - 1] >> 4) return 'the unused high nibble of the last index byte is not 0';
  let prev = -1;
  for (let c = 0; c < codes; c++) {
    const d = form === 'delta8' ? indices[c] : (indices[c >> 1] >> ((c & 1) << 2)) & 15;
    if (d === filler) {
      if (c === codes - 1) return 'the index ends with a filler code (it keeps nothing)';
      prev += filler;
      continue;
    }
    prev += d + 1;
    if (prev >= n) return `index code ${c} reaches position ${prev}, past the tensor's ${n} elements`;
    if (e === count) return `the index keeps more than the declared ${count} entries`;
    out[e++] = prev;
  }
  return e === count ? out : `the index keeps ${e} entries, the header declares ${count}`;
}

/** The kept positions of a csr tensor (validated: throws a LiteFormatError at `path` when inconsistent). */
export function csrPositions(tensor: CsrTensor, path = `tensor "${tensor.name}"`): Int32Array {
  const n = elementCount(tensor.shape, `${path}.shape`);
  const count = tensor.values?.tensor?.shape?.[0];
  if (typeof count !== 'number') failAt(`${path}.values`, 'values must be a 1-D tensor');
  if (!CSR_INDEX_FORMS.includes(tensor.index)) failAt(`${path}.index`, `expected one of ${CSR_INDEX_FORMS.join(', ')}, found ${describe(tensor.index)}`);
  if (!(tensor.indices instanceof Uint8Array) || tensor.indices.length !== indexBytes(tensor.index, n, tensor.codes)) failAt(`${path}.indices`, `a ${tensor.index} index of ${tensor.codes} codes over ${n} elements needs ${indexBytes(tensor.index, n, tensor.codes)} bytes`);
  const r = readPositions(tensor.index, tensor.indices, tensor.codes, count, n);
  if (typeof r === 'string') failAt(`${path}.indices`, r);
  return r;
}

/** The compressed sparse columns of a csr tensor (no dense expansion). */
export function csrColumns(tensor: CsrTensor): SparseColumns {
  return columnsOf(tensor.shape, csrPositions(tensor), (ptr) => decodeSparseValues(tensor.values, ptr));
}

function checkLayout(shape: readonly number[], meta: unknown, lengths: readonly number[], path: string): { form: CsrIndexForm; codes: number; count: number; cols: number; values: unknown } {
  const n = elementCount(shape, `${path}.shape`);
  const o = expectObject(meta, `${path}.meta`, ['index', 'codes', 'count', 'values']);
  const form = expectOneOf(o.index, `${path}.meta.index`, CSR_INDEX_FORMS);
  const codes = form === 'bitmask' ? expectInt(o.codes, `${path}.meta.codes`, n, n) : expectInt(o.codes, `${path}.meta.codes`, 0, n);
  const count = expectInt(o.count, `${path}.meta.count`, 0, Math.min(n, codes));
  const need = indexBytes(form, n, codes);
  if (lengths.length < 1) failAt(`${path}.sections`, 'a csr tensor needs an index section and its values\' sections, the file lists none');
  if (lengths[0] !== need) failAt(`${path}.sections[0]`, `a ${form} index of ${codes} codes over ${n} elements needs ${need} bytes, the file has ${lengths[0]}`);
  const { cols } = sparseMatrix(shape, n);
  checkSparseValuesLayout(o.values, count, cols, lengths.slice(1), `${path}.meta.values`);
  return { form, codes, count, cols, values: o.values };
}

/** The `csr` encoding: kept values plus a bitmask or 4/8-bit relative indices. */
export const csrCodec: EncodingCodec<'csr', CsrOptions> = {
  name: 'csr',
  description: 'sparse: non-zero values (f32, f16, int8 or kmeans) with a bitmask or 4/8-bit relative indices, per output channel',
  encode({ name, values, shape }, options = {}) {
    checkTensorShape(name, shape, values.length);
    const form = options.index ?? 'auto';
    if (form !== 'auto' && !CSR_INDEX_FORMS.includes(form)) throw new RangeError(`csr encoding of "${name}": index must be 'auto' or one of ${CSR_INDEX_FORMS.join(', ')}, not ${describe(form)}`);
    const n = values.length;
    const { rows, cols } = sparseMatrix(shape, n);
    const kept: number[] = [];
    for (let j = 0; j < cols; j++) for (let k = 0; k < rows; k++) if (values[k * cols + j] !== 0) kept.push(j * rows + k);
    const positions = Int32Array.from(kept);
    const codes4 = deltaCodeCount(positions, 15);
    const codes8 = deltaCodeCount(positions, 255);
    const candidates: [CsrIndexForm, number][] = [['bitmask', n], ['delta4', codes4], ['delta8', codes8]];
    const [index, codes] = form === 'auto'
      ? candidates.reduce((best, c) => (indexBytes(c[0], n, c[1]) < indexBytes(best[0], n, best[1]) ? c : best))
      : candidates.find((c) => c[0] === form)!;
    const indices = index === 'bitmask' ? packMask(positions, n) : packDeltas(positions, index, codes);
    const colPtr = columnPointers(positions, rows, cols);
    const keptValues = Float32Array.from(positions, (p) => values[(p % rows) * cols + Math.floor(p / rows)]);
    const v = encodeSparseValues(name, keptValues, colPtr, options);
    return { tensor: { name, shape: [...shape], encoding: 'csr', index, indices, codes, values: v.values }, warnings: v.warnings };
  },
  ...sparseCodecMethods(csrPositions, (t) => t.indices, (t, count) => ({ index: t.index, codes: t.codes, count })),
  checkLayout(shape, meta, lengths, path) {
    checkLayout(shape, meta, lengths, path);
  },
  deserialize(name, shape, meta, streams, path): CsrTensor {
    const m = checkLayout(shape, meta, streams.map((s) => s.length), path);
    const indices = streams[0].slice();
    const positions = readPositions(m.form, indices, m.codes, m.count, elementCount(shape, `${path}.shape`));
    if (typeof positions === 'string') failAt(`${path}.sections[0]`, positions);
    const values = deserializeSparseValues(name, m.values, m.count, m.cols, streams.slice(1), `${path}.meta.values`);
    return { name, shape, encoding: 'csr', index: m.form, indices, codes: m.codes, values };
  },
};
