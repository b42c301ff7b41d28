/**
 * Reference int8 GEMM: weight packing (byte for byte the native layout), the
 * integer product with exact sums (plain numbers: every sum stays far below 2^53),
 * the float32 epilogue with one fma rounding, and dynamic quantization. Native
 * results must equal these exactly; the layout and the arithmetic are specified
 * in native/src/gemm_s8/gemm_s8.h.
 */
import type { Activation, GemmS8Options, MatmulDynamicOptions } from '../types.js';

const MAGIC = 0x424b504c; // "LPKB"
const VERSION = 1;
const HEADER = 64;
const PANEL = 16;
const MAX_K = 65536;

interface Layout { bits: 8 | 4; k: number; n: number; kPadded: number; panels: number; panelBytes: number }

function layout(bits: 8 | 4, k: number, n: number): Layout {
  const step = bits === 8 ? 4 : 8;
  const kPadded = Math.ceil(k / step) * step;
  const panels = Math.ceil(n / PANEL);
  return { bits, k, n, kPadded, panels, panelBytes: (kPadded * PANEL * bits) / 8 };
}

const dataOffset = (l: Layout): number => HEADER + l.panels * PANEL * 4;

/** Writes a packed buffer from `value(kk, j)` = B[kk, j]. */
function pack(l: Layout, value: (kk: number, j: number) => number): Uint8Array {
  if (l.k > MAX_K) throw new RangeError(`k must be at most ${MAX_K} (so int32 sums stay exact), got ${l.k}`);
  const out = new Uint8Array(dataOffset(l) + l.panels * l.panelBytes);
  const view = new DataView(out.buffer);
  [MAGIC, VERSION, l.bits, l.k, l.n, l.kPadded, l.panels].forEach((v, i) => view.setUint32(4 * i, v, true));
  for (let j = 0; j < l.n; j++) {
    let sum = 0;
    for (let kk = 0; kk < l.k; kk++) sum += value(kk, j);
    view.setInt32(HEADER + 4 * j, sum, true);
  }
  const data = dataOffset(l);
  if (l.bits === 4) out.fill(0x88, data); // int4 stores v + 8: padding v = 0
  for (let kk = 0; kk < l.k; kk++) {
    for (let j = 0; j < l.n; j++) {
      const p = Math.floor(j / PANEL), c = j % PANEL, q = Math.floor(kk / 4), t = kk % 4;
      const v = value(kk, j);
      if (l.bits === 8) {
        out[data + p * l.panelBytes + q * 64 + 4 * c + t] = v & 0xff;
      } else {
        const at = data + p * l.panelBytes + Math.floor(q / 2) * 64 + 4 * c + t;
        const shift = q % 2 ? 4 : 0;
        out[at] = (out[at] & ~(0xf << shift)) | ((v + 8) << shift);
      }
    }
  }
  return out;
}

function checkSizes(k: number, n: number): void {
  for (const [name, v] of [['k', k], ['n', n]] as const)
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
}

/** Packs k×n int8 weights (row-major) into the native layout. */
export function packS8(k: number, n: number, b: Int8Array): Uint8Array {
  checkSizes(k, n);
  if (b.length !== k * n) throw new RangeError(`b has ${b.length} elements but k·n is ${k * n}`);
  return pack(layout(8, k, n), (kk, j) => b[kk * n + j]);
}

/** Packs k×n int4 weights given two per byte (element 2i in byte i's low nibble). */
export function packS4(k: number, n: number, b: Uint8Array): Uint8Array {
  checkSizes(k, n);
  if (b.length !== Math.ceil((k * n) / 2)) throw new RangeError(`b has ${b.length} elements but ceil(k·n / 2) is ${Math.ceil((k * n) / 2)}`);
  return pack(layout(4, k, n), (kk, j) => {
    const e = kk * n + j;
    const nibble = (b[e >> 1] >> (4 * (e & 1))) & 0xf;
    return nibble >= 8 ? nibble - 16 : nibble;
  });
}

/** The packed weights back as k×n values, with their stored column sums. */
function unpack(packed: Uint8Array, k: number, n: number): { b: Int8Array; colsum: Int32Array } {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  if (packed.length < HEADER || view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION)
    throw new RangeError('packedB is not packed weights (use packS8 or packS4)');
  const bits = view.getUint32(8, true);
  if (bits !== 8 && bits !== 4) throw new RangeError('packedB has a corrupt header');
  const l = layout(bits, view.getUint32(12, true), view.getUint32(16, true));
  if (l.k !== k || l.n !== n) throw new RangeError(`packedB holds ${l.k}×${l.n} weights but k×n is ${k}×${n}`);
  if (packed.length !== dataOffset(l) + l.panels * l.panelBytes) throw new RangeError('packedB has the wrong length for its header');
  const b = new Int8Array(k * n), colsum = new Int32Array(n), data = dataOffset(l);
  for (let j = 0; j < n; j++) colsum[j] = view.getInt32(HEADER + 4 * j, true);
  for (let kk = 0; kk < k; kk++) {
    for (let j = 0; j < n; j++) {
      const p = Math.floor(j / PANEL), c = j % PANEL, q = Math.floor(kk / 4), t = kk % 4;
      if (bits === 8) {
        b[kk * n + j] = packed[data + p * l.panelBytes + q * 64 + 4 * c + t] << 24 >> 24;
      } else {
        const byte = packed[data + p * l.panelBytes + Math.floor(q / 2) * 64 + 4 * c + t];
        b[kk * n + j] = ((byte >> (q % 2 ? 4 : 0)) & 0xf) - 8;
      }
    }
  }
  return { b, colsum };
}

// ---------------------------------------------------------------- float32 arithmetic

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 next to float32 `r` in the direction of `toward`. */
function nextFloat(r: number, toward: number): number {
  if (r === 0) return toward > 0 ? 2 ** -149 : -(2 ** -149);
  f32[0] = r;
  u32[0] += (r < toward) === (r > 0) ? 1 : -1;
  return f32[0];
}

/**
 * fma(a, b, c) of float32 values, rounded once to float32. a·b is exact in a
 * double; the sum's rounding error (TwoSum) breaks the one tie where rounding the
 * double sum to float32 could differ from rounding the exact sum.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  if (r === s || !Number.isFinite(s)) return r;
  const bb = s - p;
  const e = (p - (s - bb)) + (c - bb);
  if (e === 0) return r;
  const other = nextFloat(r, s);
  if ((r + other) / 2 !== s) return r; // not a tie: the nearest float32 is r
  return (e > 0) === (other > r) ? other : r;
}

/** Round half to even. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** min(max(y, lo), hi) as max_ps/min_ps compute it. */
const clamp = (y: number, lo: number, hi: number): number => {
  const t = y > lo ? y : lo;
  return t < hi ? t : hi;
};

function activationRange(activation: Activation | undefined): [number, number] {
  if (activation === 'relu') return [0, Infinity];
  if (activation === 'relu6') return [0, 6];
  return [-Infinity, Infinity];
}

// ---------------------------------------------------------------- GEMM

/** Per-row activation parameters and per-column epilogue constants. */
interface Epilogue {
  zeroPoint: (i: number) => number;
  rowScale: (i: number) => number;
  colScale: Float32Array;
  colBias: Float32Array;
  lo: number;
  hi: number;
  outZeroPoint: number;
}

/** x[i,j] = Σ_k (a[i,k] − zp_i)·B[k,j], then the epilogue into `out` (by its type). */
function run(m: number, n: number, k: number, a: Uint8Array, packed: Uint8Array,
  out: Int32Array | Float32Array | Uint8Array | Int8Array, e: Epilogue): void {
  const { b, colsum } = unpack(packed, k, n);
  for (let i = 0; i < m; i++) {
    const zp = e.zeroPoint(i), rs = e.rowScale(i);
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let kk = 0; kk < k; kk++) acc += a[i * k + kk] * b[kk * n + j];
      const x = acc - zp * colsum[j];
      if (out instanceof Int32Array) {
        out[i * n + j] = x;
        continue;
      }
      const y = clamp(fma32(Math.fround(x), Math.fround(rs * e.colScale[j]), e.colBias[j]), e.lo, e.hi);
      out[i * n + j] = out instanceof Float32Array ? y : roundHalfEven(y) + e.outZeroPoint;
    }
  }
}

function columnConstants(n: number, scaleB: number | Float32Array | undefined, bias: Float32Array | null | undefined) {
  const colScale = new Float32Array(n), colBias = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    colScale[j] = scaleB === undefined ? 1 : typeof scaleB === 'number' ? scaleB : scaleB[j];
    colBias[j] = bias ? bias[j] : 0;
  }
  return { colScale, colBias };
}

/** Reference of NativeKernels.gemmS8. */
export function gemmS8(m: number, n: number, k: number, a: Uint8Array, packedB: Uint8Array,
  out: Int32Array | Float32Array | Uint8Array | Int8Array, options: GemmS8Options = {}): void {
  if (a.length !== m * k) throw new RangeError(`a has ${a.length} elements but m·k is ${m * k}`);
  if (out.length !== m * n) throw new RangeError(`out has ${out.length} elements but m·n is ${m * n}`);
  const zp = options.zeroPointA ?? 0;
  const scaleA = Math.fround(options.scaleA ?? 1);
  const { colScale, colBias } = columnConstants(n, options.scaleB, options.bias);
  let [lo, hi] = activationRange(options.activation);
  let rowScale = scaleA, outZeroPoint = 0;
  if (out instanceof Uint8Array || out instanceof Int8Array) {
    // The output scale folds into the columns (double arithmetic, then float32).
    if (options.outScale === undefined) throw new TypeError('options.outScale is missing');
    const so = Math.fround(options.outScale);
    outZeroPoint = options.outZeroPoint ?? 0;
    for (let j = 0; j < n; j++) {
      colScale[j] = (scaleA * colScale[j]) / so;
      colBias[j] = colBias[j] / so;
    }
    rowScale = 1;
    const [qmin, qmax] = out instanceof Uint8Array ? [0, 255] : [-128, 127];
    const relu = options.activation === 'relu' || options.activation === 'relu6';
    lo = relu ? Math.max(qmin - outZeroPoint, 0) : qmin - outZeroPoint;
    hi = options.activation === 'relu6' ? Math.min(qmax - outZeroPoint, roundHalfEven(6 / so)) : qmax - outZeroPoint;
  }
  run(m, n, k, a, packedB, out, { zeroPoint: () => zp, rowScale: () => rowScale, colScale, colBias, lo, hi, outZeroPoint });
}

// ---------------------------------------------------------------- dynamic quantization

/** uint8 scale and zero point for values spanning [lo, hi] (which includes 0). */
function quantParams(lo: number, hi: number): { scale: number; inv: number; zp: number } {
  let scale = Math.fround((hi - lo) / 255);
  if (!(scale >= 2 ** -126)) scale = 1;
  const zp = Math.min(255, Math.max(0, roundHalfEven(-lo / scale)));
  return { scale, inv: Math.fround(1 / scale), zp };
}

export function quantizeInto(x: Float32Array, from: number, to: number, q: Uint8Array): { scale: number; zp: number } {
  let lo = 0, hi = 0;
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) throw new RangeError('a must be finite (it holds NaN or ±Infinity)');
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  const p = quantParams(lo, hi);
  for (let i = from; i < to; i++) q[i] = roundHalfEven(clamp(Math.fround(x[i] * p.inv), -p.zp, 255 - p.zp)) + p.zp;
  return p;
}

/** Reference of NativeKernels.matmulDynamic. */
export function matmulDynamic(m: number, n: number, k: number, a: Float32Array, packedB: Uint8Array, out: Float32Array,
  options: MatmulDynamicOptions = {}): void {
  if (a.length !== m * k) throw new RangeError(`a has ${a.length} elements but m·k is ${m * k}`);
  if (out.length !== m * n) throw new RangeError(`out has ${out.length} elements but m·n is ${m * n}`);
  const perRow = options.perRow ?? true;
  const q = new Uint8Array(m * k), scale = new Float32Array(perRow ? m : 1), zp = new Int32Array(perRow ? m : 1);
  if (perRow) {
    for (let i = 0; i < m; i++) ({ scale: scale[i], zp: zp[i] } = quantizeInto(a, i * k, (i + 1) * k, q));
  } else {
    ({ scale: scale[0], zp: zp[0] } = quantizeInto(a, 0, m * k, q));
  }
  const { colScale, colBias } = columnConstants(n, options.scaleB, options.bias);
  const [lo, hi] = activationRange(options.activation);
  const row = (i: number) => (perRow ? i : 0);
  run(m, n, k, q, packedB, out, { zeroPoint: (i) => zp[row(i)], rowScale: (i) => scale[row(i)], colScale, colBias, lo, hi, outZeroPoint: 0 });
}

/** The int8 kernels, for the reference table. */
export const int8 = { packS8, packS4, gemmS8, matmulDynamic };
