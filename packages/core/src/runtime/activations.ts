import type { GraphActivation } from '../graph/index.js';
import { kernels, type Activation } from '../kernels/index.js';

// Elementwise activations the kernels do not fuse, as plain loops. Every
// function accepts out === x (in place). Results match tfjs's cpu backend.

/** Whether the kernels' epilogues apply this activation themselves. */
export function isKernelActivation(activation: GraphActivation): activation is Activation {
  return activation === 'linear' || activation === 'relu' || activation === 'relu6';
}

function relu6(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v < 0 ? 0 : v > 6 ? 6 : v;
  }
}

function leakyRelu(x: Float32Array, out: Float32Array, alpha: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v < 0 ? alpha * v : v;
  }
}

function sigmoid(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
}

function tanh(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
}

/** Softmax over consecutive rows of `cols` values (the last axis). */
function softmax(x: Float32Array, out: Float32Array, cols: number): void {
  for (let r = 0; r < x.length; r += cols) {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = r; i < r + cols; i++) if (x[i] > max) max = x[i];
    let sum = 0;
    for (let i = r; i < r + cols; i++) {
      const e = Math.exp(x[i] - max);
      out[i] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let i = r; i < r + cols; i++) out[i] *= inv;
  }
}

/**
 * out = activation(x). `lastDim` is the size of the last axis (softmax's rows);
 * `alpha` is leakyRelu's negative slope (tfjs's default 0.3 when absent).
 */
export function applyActivation(activation: GraphActivation, x: Float32Array, out: Float32Array, lastDim: number, alpha?: number): void {
  switch (activation) {
    case 'linear':
      if (out !== x) out.set(x);
      return;
    case 'relu':
      kernels.relu(x, out);
      return;
    case 'relu6':
      relu6(x, out);
      return;
    case 'leakyRelu':
      leakyRelu(x, out, alpha ?? 0.3);
      return;
    case 'sigmoid':
      sigmoid(x, out);
      return;
    case 'tanh':
      tanh(x, out);
      return;
    case 'softmax':
      softmax(x, out, lastDim);
      return;
  }
}

/** out = x < 0 ? alpha·x : x, with alpha repeating every alpha.length values (alpha expanded over the trailing axes). */
export function prelu(x: Float32Array, alpha: Float32Array, out: Float32Array): void {
  const period = alpha.length;
  for (let base = 0; base < x.length; base += period) {
    for (let j = 0; j < period; j++) {
      const v = x[base + j];
      out[base + j] = v < 0 ? alpha[j] * v : v;
    }
  }
}

/** out = x·scale + shift, scale and shift repeating every scale.length values. */
export function scaleShift(x: Float32Array, scale: Float32Array, shift: Float32Array, out: Float32Array): void {
  const period = scale.length;
  for (let base = 0; base < x.length; base += period) {
    for (let j = 0; j < period; j++) out[base + j] = x[base + j] * scale[j] + shift[j];
  }
}

/**
 * Expands a weight whose shape broadcasts over the trailing axes `trailing`
 * (dimensions of size 1 repeat) so that it repeats with a fixed period over a
 * value of those axes (returned as is when it already does).
 */
export function expandTrailing(values: Float32Array, shape: number[], trailing: number[]): Float32Array {
  const padded = [...new Array<number>(trailing.length - shape.length).fill(1), ...shape];
  // Leading 1s only repeat the whole weight: it already has the right period.
  let first = 0;
  while (first < padded.length && padded[first] === 1) first++;
  if (padded.every((d, i) => i < first || d === trailing[i])) return values;
  let size = 1;
  for (const d of trailing) size *= d;
  const out = new Float32Array(size);
  const rank = trailing.length;
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < size; i++) {
    let src = 0;
    for (let a = 0; a < rank; a++) src = src * padded[a] + (padded[a] === 1 ? 0 : idx[a]);
    out[i] = values[src];
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a] < trailing[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}
