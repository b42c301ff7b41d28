import type { Mask } from '../masks/index.js';

/** An N:M pattern: at most `n` nonzeros in every group of `m` consecutive weights along the reduction dimension. */
export interface NMPattern {
  n: number;
  m: number;
}

/** One group that breaks an N:M pattern. */
export interface NMViolation {
  /** Output channel (the kernel's last axis). */
  channel: number;
  /** Group index along the reduction dimension (weights group·m … group·m + m − 1). */
  group: number;
  /** Nonzeros found in the group (more than n). */
  nonzeros: number;
}

/** Checks an N:M pattern: 1 ≤ n < m, integers. */
export function checkPattern(n: number, m: number): void {
  if (!Number.isInteger(m) || m < 2) throw new RangeError(`N:M needs an integer M ≥ 2, got ${JSON.stringify(m)} (e.g. 2:4)`);
  if (!Number.isInteger(n) || n < 1 || n >= m) throw new RangeError(`N:M needs an integer N with 1 ≤ N < M = ${m}, got ${JSON.stringify(n)} (e.g. 2:4)`);
}

/**
 * A kernel's shape as a matrix [reduction, outputs]: the last axis is the output
 * channel (dense [in, out], conv [kh, kw, in, out]) and all others, flattened in
 * row-major order (input channel fastest), are the reduction dimension.
 */
function asMatrix(shape: readonly number[], length: number): { rows: number; cols: number } {
  if (shape.length < 2) throw new RangeError(`N:M sparsity needs a kernel of rank ≥ 2 (its last axis the outputs), got shape [${shape.join(', ')}]`);
  const cols = shape[shape.length - 1];
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (rows * cols !== length) throw new RangeError(`shape [${shape.join(', ')}] holds ${rows * cols} values, got ${length}`);
  return { rows, cols };
}

/**
 * The N:M mask of a kernel: for each output channel, in each group of `m` consecutive
 * weights along the reduction dimension, the `n` highest-scored stay (ties: the
 * earlier one). A last, shorter group keeps at most `n` as well.
 */
export function nmMask(scores: Float32Array, shape: readonly number[], n: number, m: number): Mask {
  checkPattern(n, m);
  const { rows, cols } = asMatrix(shape, scores.length);
  const mask = new Uint8Array(scores.length);
  const idx: number[] = [];
  for (let c = 0; c < cols; c++) {
    for (let start = 0; start < rows; start += m) {
      idx.length = 0;
      for (let r = start; r < Math.min(rows, start + m); r++) idx.push(r * cols + c);
      idx.sort((a, b) => scores[b] - scores[a] || a - b);
      for (let i = 0; i < Math.min(n, idx.length); i++) mask[idx[i]] = 1;
    }
  }
  return mask;
}

/** Every group of `values` (a kernel of `shape`) with more than `n` nonzeros in `m`; empty when the kernel is N:M sparse. */
export function checkNM(values: ArrayLike<number>, shape: readonly number[], n: number, m: number): NMViolation[] {
  checkPattern(n, m);
  const { rows, cols } = asMatrix(shape, values.length);
  const out: NMViolation[] = [];
  for (let c = 0; c < cols; c++) {
    for (let start = 0, group = 0; start < rows; start += m, group++) {
      let nonzeros = 0;
      for (let r = start; r < Math.min(rows, start + m); r++) if (values[r * cols + c] !== 0) nonzeros++;
      if (nonzeros > n) out.push({ channel: c, group, nonzeros });
    }
  }
  return out;
}

/** Parses "2:4" into {n: 2, m: 4}; throws a RangeError saying what a pattern looks like. */
export function parseNM(text: string): NMPattern {
  const match = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(text);
  if (!match) throw new RangeError(`an N:M pattern is two integers like 2:4, got ${JSON.stringify(text)}`);
  const pattern = { n: Number(match[1]), m: Number(match[2]) };
  checkPattern(pattern.n, pattern.m);
  return pattern;
}
