/**
 * Reference sparse GEMM: packing (byte for byte the native layout of
 * native/src/spmm/spmm.h: 16-column chunks, 64-row segments, u8 row offsets), the product summed in float64 over each column's
 * stored nonzeros, and the sparse convolution as the dense reference conv on
 * the unpacked filters. Native results must match these to float32 rounding.
 */
import type { Activation, ConvShape, SpmmOptions } from '../types.js';
import { activate } from './activation.js';
import { conv2d } from './conv.js';

const MAGIC = 0x5750534c; // "LSPW"
const VERSION = 2;
const HEADER = 64;
const CHUNK = 16;
const SEGMENT = 64;
const MAX_K = 65536;

interface Layout { bits: 32 | 8; k: number; n: number; chunks: number; steps: number; nnz: number }

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;
const segmentsOf = (l: Layout) => Math.ceil(l.k / SEGMENT);
const countsOffset = (l: Layout) => align(HEADER + (l.chunks + 1) * 8);
const scaleOffset = (l: Layout) => align(countsOffset(l) + l.chunks * segmentsOf(l));
const valuesOffset = (l: Layout) => align(scaleOffset(l) + (l.bits === 8 ? l.chunks * CHUNK * 4 : 0));
const indicesOffset = (l: Layout) => align(valuesOffset(l) + (l.steps * CHUNK * l.bits) / 8);
const totalBytes = (l: Layout) => align(indicesOffset(l) + l.steps * CHUNK);

/** The packed form of k×n weights whose element i is `value(i)` (stored when nonzero). */
function pack(bits: 32 | 8, k: number, n: number, value: (i: number) => number, scale?: Float32Array): Uint8Array {
  for (const [name, v] of [['k', k], ['n', n]] as const)
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  if (k > MAX_K) throw new RangeError(`k must be at most ${MAX_K} (row indices are 16-bit), got ${k}`);
  const chunks = Math.ceil(n / CHUNK), segments = Math.ceil(k / SEGMENT);
  // Each column's stored rows, in increasing order.
  const rows: number[][] = Array.from({ length: n }, () => []);
  for (let r = 0; r < k; r++) for (let j = 0; j < n; j++) if (value(r * n + j) !== 0) rows[j]!.push(r);
  // counts[b·segments + g]: steps of chunk b in segment g (its fullest column's nonzeros there);
  // segStart[b·segments + g]: that chunk-segment's first step.
  const counts = new Uint8Array(chunks * segments);
  for (let j = 0; j < n; j++) {
    const inSegment = new Array<number>(segments).fill(0);
    for (const r of rows[j]!) inSegment[Math.floor(r / SEGMENT)]!++;
    const b = Math.floor(j / CHUNK);
    inSegment.forEach((c, g) => { counts[b * segments + g] = Math.max(counts[b * segments + g]!, c); });
  }
  const segStart: number[] = [];
  const start = [0];
  let steps = 0;
  for (let b = 0; b < chunks; b++) {
    for (let g = 0; g < segments; g++) {
      segStart.push(steps);
      steps += counts[b * segments + g]!;
    }
    start.push(steps);
  }
  const l: Layout = { bits, k, n, chunks, steps, nnz: rows.reduce((s, c) => s + c.length, 0) };
  const out = new Uint8Array(totalBytes(l));
  const view = new DataView(out.buffer);
  [MAGIC, VERSION, bits, k, n, chunks].forEach((v, i) => view.setUint32(4 * i, v, true));
  view.setBigInt64(24, BigInt(l.steps), true);
  view.setBigInt64(32, BigInt(l.nnz), true);
  start.forEach((s, b) => view.setBigInt64(HEADER + 8 * b, BigInt(s), true));
  out.set(counts, countsOffset(l));
  if (scale) scale.forEach((s, j) => view.setFloat32(scaleOffset(l) + 4 * j, s, true));
  for (let j = 0; j < n; j++) {
    const b = Math.floor(j / CHUNK);
    const next = new Array<number>(segments).fill(0);
    for (const r of rows[j]!) {
      const g = Math.floor(r / SEGMENT);
      const entry = (segStart[b * segments + g]! + next[g]!++) * CHUNK + (j % CHUNK);
      if (bits === 32) view.setFloat32(valuesOffset(l) + 4 * entry, value(r * n + j), true);
      else view.setInt8(valuesOffset(l) + entry, value(r * n + j));
      out[indicesOffset(l) + entry] = r - g * SEGMENT;
    }
  }
  return out;
}

/** Packs the nonzeros of k×n float32 weights (row-major). */
export function packSparse(k: number, n: number, w: Float32Array): Uint8Array {
  if (w.length !== k * n) throw new RangeError(`w has ${w.length} elements but k·n is ${k * n}`);
  return pack(32, k, n, (i) => w[i]!);
}

/** Packs the nonzeros of k×n int8 weights with one positive scale per output column. */
export function packSparseS8(k: number, n: number, q: Int8Array, scale: Float32Array): Uint8Array {
  if (q.length !== k * n) throw new RangeError(`q has ${q.length} elements but k·n is ${k * n}`);
  if (scale.length !== n) throw new RangeError(`scale has ${scale.length} elements but n is ${n}`);
  scale.forEach((s, j) => {
    if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`scale[${j}] must be positive and finite, got ${s}`);
  });
  return pack(8, k, n, (i) => q[i]!, scale);
}

/** The weights back as a dense k×n matrix: stored values, times the column scale for int8. */
export function unpackSparse(packed: Uint8Array, k: number, n: number): Float32Array {
  const { l, view, start } = read(packed, k, n);
  const w = new Float32Array(k * n);
  const segments = segmentsOf(l);
  for (let j = 0; j < n; j++) {
    const b = Math.floor(j / CHUNK);
    const scale = l.bits === 8 ? view.getFloat32(scaleOffset(l) + 4 * j, true) : 1;
    let s = start[b]!;
    for (let g = 0; g < segments; g++)
      for (let t = 0; t < packed[countsOffset(l) + b * segments + g]!; t++, s++) {
        const entry = s * CHUNK + (j % CHUNK);
        const v = l.bits === 32 ? view.getFloat32(valuesOffset(l) + 4 * entry, true) : view.getInt8(valuesOffset(l) + entry);
        if (v !== 0) w[(g * SEGMENT + packed[indicesOffset(l) + entry]!) * n + j] = v * scale;
      }
  }
  return w;
}

/** The packed buffer's layout and chunk starts, checked against k×n. */
function read(packed: Uint8Array, k: number, n: number): { l: Layout; view: DataView; start: number[] } {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  if (packed.length < HEADER || view.getUint32(0, true) !== MAGIC)
    throw new RangeError('packed is not packed sparse weights (use packSparse or packSparseS8)');
  const bits = view.getUint32(8, true);
  if (view.getUint32(4, true) !== VERSION || (bits !== 32 && bits !== 8)) throw new RangeError('packed has a corrupt header');
  const l: Layout = {
    bits, k: view.getUint32(12, true), n: view.getUint32(16, true), chunks: view.getUint32(20, true),
    steps: Number(view.getBigInt64(24, true)), nnz: Number(view.getBigInt64(32, true)),
  };
  if (l.k !== k || l.n !== n) throw new RangeError(`packed holds ${l.k}×${l.n} weights but k×n is ${k}×${n}`);
  if (l.chunks !== Math.ceil(n / CHUNK) || packed.length !== totalBytes(l)) throw new RangeError('packed is corrupt: its length does not match its header');
  const start = Array.from({ length: l.chunks + 1 }, (_, b) => Number(view.getBigInt64(HEADER + 8 * b, true)));
  return { l, view, start };
}

/** y = act(x·W + bias), x m×k row-major, summed in float64 over W's nonzeros. */
export function spmm(m: number, n: number, k: number, x: Float32Array, packed: Uint8Array, y: Float32Array,
  options: SpmmOptions = {}): void {
  if (x.length !== m * k) throw new RangeError(`x has ${x.length} elements but m·k is ${m * k}`);
  if (y.length !== m * n) throw new RangeError(`y has ${y.length} elements but m·n is ${m * n}`);
  const w = unpackSparse(packed, k, n);
  const { bias = null, activation } = options;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let r = 0; r < k; r++) if (w[r * n + j] !== 0) sum += x[i * k + r]! * w[r * n + j]!;
      y[i * n + j] = activate(sum + (bias ? bias[j]! : 0), activation);
    }
}

/** The dense reference convolution on the unpacked filters (HWIO as K×N). */
export function sparseConv2d(x: Float32Array, packed: Uint8Array, bias: Float32Array | null, y: Float32Array,
  shape: ConvShape, activation?: Activation): void {
  conv2d(x, unpackSparse(packed, shape.filterH * shape.filterW * shape.inC, shape.outC), bias, y, shape, activation);
}

/** The sparse kernels, for the reference table. */
export const sparse = { packSparse, packSparseS8, spmm, sparseConv2d };
