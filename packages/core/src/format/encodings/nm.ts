/**
 * `nm`: N:M semi-structured sparsity (e.g. 2:4). The tensor is the matrix W[K×N]
 * (as for `csr`: N = output channels, the last axis); along K, per output channel,
 * every group of `m` consecutive rows keeps exactly `n` entries (the last partial
 * group of `r` rows keeps `min(n, r)`): their in-group offsets as `log2(m)`-bit
 * codes, increasing within a group, and their values in a value encoding
 * (csr_values.ts). A group with fewer non-zeros keeps some zeros (the lowest free
 * offsets). A tensor with more than `n` non-zeros in a group is rejected.
 *
 * Stored as streams: the packed offsets, then the values' streams. Meta:
 * `{ n, m, values: { encoding, meta, columnScale } }`.
 */
import type { NmTensor } from '../../graph/types.js';
import { checkTensorShape, elementCount, type EncodingCodec } from '../codec.js';
import { failAt } from '../errors.js';
import { describe, expectInt, expectObject } from '../json_check.js';
import {
  checkSparseValuesLayout,
  columnsOf,
  decodeSparseValues,
  deserializeSparseValues,
  encodeSparseValues,
  sparseCodecMethods,
  sparseMatrix,
  type SparseColumns,
  type SparseValueOptions,
} from './csr_values.js';
import { bitsAt, packBits } from './kmeans.js';

/** Group sizes `nm` supports. */
export const NM_GROUP_SIZES = [2, 4, 8, 16] as const;

/** Options of the `nm` encoding. */
export interface NmOptions extends SparseValueOptions {
  /** Entries kept per group (1 ≤ n < m; default 2). */
  n?: number;
  /** Group size: 2, 4, 8 or 16 (default 4). */
  m?: number;
}

const log2 = (m: number): number => 31 - Math.clz32(m);

/** Kept entries per output channel of a K-row matrix under n:m. */
export function nmKeptPerColumn(rows: number, n: number, m: number): number {
  return Math.floor(rows / m) * n + Math.min(n, rows % m);
}

function checkPattern(n: unknown, m: unknown, what: string): { n: number; m: number } {
  if (!(NM_GROUP_SIZES as readonly unknown[]).includes(m)) throw new RangeError(`${what}: m must be one of ${NM_GROUP_SIZES.join(', ')}, not ${describe(m)}`);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n >= (m as number)) throw new RangeError(`${what}: n must be an integer 1..${(m as number) - 1}, not ${describe(n)}`);
  return { n, m: m as number };
}

/** Whether every group of `m` rows of every output channel of `values` (shaped `shape`) has at most `n` non-zeros. */
export function fitsNm(values: Float32Array, shape: readonly number[], n: number, m: number): boolean {
  const { rows, cols } = sparseMatrix(shape, values.length);
  for (let j = 0; j < cols; j++) {
    for (let g = 0; g < rows; g += m) {
      let nz = 0;
      for (let k = g; k < Math.min(rows, g + m); k++) if (values[k * cols + j] !== 0 && ++nz > n) return false;
    }
  }
  return true;
}

/** The kept positions (column by column) of offsets `positions`, or an error message when an offset is out of its group or not increasing. */
function readPositions(packed: Uint8Array, n: number, m: number, rows: number, cols: number): Int32Array | string {
  const bits = log2(m);
  const per = nmKeptPerColumn(rows, n, m);
  const out = new Int32Array(per * cols);
  const used = (out.length * bits) & 7;
  if (used !== 0 && packed[packed.length - 1] >> used) return 'the unused high bits of the last offset byte are not 0';
  let e = 0;
  for (let j = 0; j < cols; j++) {
    for (let g = 0; g < rows; g += m) {
      const size = Math.min(m, rows - g);
      let prev = -1;
      for (let t = 0; t < Math.min(n, size); t++, e++) {
        const off = bitsAt(packed, bits, e);
        if (off <= prev) return `offset ${e} is ${off}, not above the previous offset ${prev} of its group`;
        if (off >= size) return `offset ${e} is ${off}, outside its group of ${size} rows`;
        out[e] = j * rows + g + off;
        prev = off;
      }
    }
  }
  return out;
}

/** The kept positions of an nm tensor (validated: throws a LiteFormatError at `path`). */
export function nmPositions(tensor: NmTensor, path = `tensor "${tensor.name}"`): Int32Array {
  const total = elementCount(tensor.shape, `${path}.shape`);
  try {
    checkPattern(tensor.n, tensor.m, path);
  } catch (err) {
    failAt(`${path}.n`, (err as Error).message);
  }
  const { rows, cols } = sparseMatrix(tensor.shape, total);
  const count = nmKeptPerColumn(rows, tensor.n, tensor.m) * cols;
  const need = Math.ceil((count * log2(tensor.m)) / 8);
  if (!(tensor.positions instanceof Uint8Array) || tensor.positions.length !== need) failAt(`${path}.positions`, `${count} offsets of ${log2(tensor.m)} bits need ${need} bytes`);
  const r = readPositions(tensor.positions, tensor.n, tensor.m, rows, cols);
  if (typeof r === 'string') failAt(`${path}.positions`, r);
  return r;
}

/** The compressed sparse columns of an nm tensor (zeros kept as padding included). */
export function nmColumns(tensor: NmTensor): SparseColumns {
  return columnsOf(tensor.shape, nmPositions(tensor), (ptr) => decodeSparseValues(tensor.values, ptr));
}

function checkLayout(shape: readonly number[], meta: unknown, lengths: readonly number[], path: string) {
  const total = elementCount(shape, `${path}.shape`);
  const o = expectObject(meta, `${path}.meta`, ['n', 'm', 'values']);
  const m = o.m;
  if (!(NM_GROUP_SIZES as readonly unknown[]).includes(m)) failAt(`${path}.meta.m`, `expected one of ${NM_GROUP_SIZES.join(', ')}, found ${describe(m)}`);
  const n = expectInt(o.n, `${path}.meta.n`, 1, (m as number) - 1);
  const { rows, cols } = sparseMatrix(shape, total);
  const count = nmKeptPerColumn(rows, n, m as number) * cols;
  const need = Math.ceil((count * log2(m as number)) / 8);
  if (lengths.length < 1) failAt(`${path}.sections`, 'an nm tensor needs an offsets section and its values\' sections, the file lists none');
  if (lengths[0] !== need) failAt(`${path}.sections[0]`, `${count} offsets of ${log2(m as number)} bits need ${need} bytes, the file has ${lengths[0]}`);
  checkSparseValuesLayout(o.values, count, cols, lengths.slice(1), `${path}.meta.values`);
  return { n, m: m as number, rows, cols, count, values: o.values };
}

/** The `nm` encoding: N of every M consecutive weights along the reduction axis, per output channel. */
export const nmCodec: EncodingCodec<'nm', NmOptions> = {
  name: 'nm',
  description: 'N:M semi-structured sparse (e.g. 2:4): n values and log2(m)-bit offsets per group of m rows, per output channel',
  encode({ name, values, shape }, options = {}) {
    checkTensorShape(name, shape, values.length);
    const { n, m } = checkPattern(options.n ?? 2, options.m ?? 4, `nm encoding of "${name}"`);
    const { rows, cols } = sparseMatrix(shape, values.length);
    const per = nmKeptPerColumn(rows, n, m);
    const offsets = new Uint8Array(per * cols);
    const kept = new Float32Array(per * cols);
    let e = 0;
    let padded = false;
    for (let j = 0; j < cols; j++) {
      for (let g = 0; g < rows; g += m) {
        const size = Math.min(m, rows - g);
        const take = Math.min(n, size);
        const nz: number[] = [];
        for (let t = 0; t < size; t++) if (values[(g + t) * cols + j] !== 0) nz.push(t);
        if (nz.length > n) {
          throw new RangeError(
            `nm encoding of "${name}": output channel ${j}, rows ${g}..${g + size - 1} hold ${nz.length} non-zeros, but ${n}:${m} keeps at most ${n} per group of ${m} — prune the tensor to the ${n}:${m} pattern first, or store it as csr`,
          );
        }
        const chosen = new Set(nz);
        for (let t = 0; chosen.size < take; t++) chosen.add(t);
        if (nz.length < take) padded = true;
        for (const t of [...chosen].sort((a, b) => a - b)) {
          offsets[e] = t;
          kept[e++] = values[(g + t) * cols + j];
        }
      }
    }
    const colPtr = Int32Array.from({ length: cols + 1 }, (_, j) => j * per);
    const v = encodeSparseValues(name, kept, colPtr, options, padded);
    return { tensor: { name, shape: [...shape], encoding: 'nm', n, m, positions: packBits(offsets, log2(m)), values: v.values }, warnings: v.warnings };
  },
  ...sparseCodecMethods(nmPositions, (t) => t.positions, (t) => ({ n: t.n, m: t.m })),
  checkLayout(shape, meta, lengths, path) {
    checkLayout(shape, meta, lengths, path);
  },
  deserialize(name, shape, meta, streams, path): NmTensor {
    const l = checkLayout(shape, meta, streams.map((s) => s.length), path);
    const positions = streams[0].slice();
    const r = readPositions(positions, l.n, l.m, l.rows, l.cols);
    if (typeof r === 'string') failAt(`${path}.sections[0]`, r);
    const values = deserializeSparseValues(name, l.values, l.count, l.cols, streams.slice(1), `${path}.meta.values`);
    return { name, shape, encoding: 'nm', n: l.n, m: l.m, positions, values };
  },
};
