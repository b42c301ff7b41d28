import type { BconvOptions, BinaryOutputOptions, ConvShape, PackBitsOptions } from '../types.js';
import { fma32, roundHalfEven } from './gemm_s8.js';
import { convWindows } from './window.js';

// Reference binary and ternary kernels: packed bits are unpacked to −1/0/+1 and
// multiplied as integers, with no XNOR, popcount or padding correction, so the
// native kernels' tricks are checked against the plain definition.
// Layout (native/src/bconv/bconv.h): rows of 2·ceil(channels/64) u32, channel c
// at bit c % 32 of u32 c / 32, bits past the channels 0; sign bit 1 = −1.

type BinaryOut = Int32Array | Float32Array | Int8Array | Uint32Array;

/** u32 per packed row of `channels` in 64-bit words (the kernels' layout). */
export const packedRowWords = (channels: number): number => 2 * Math.ceil(channels / 64);

const bit = (words: Uint32Array, row: number, rowWords: number, c: number): number =>
  (words[row * rowWords + (c >>> 5)]! >>> (c & 31)) & 1;

/** Values of packed row `row`: −1/+1, or 0 where a nonzero plane has 0. */
function unpackRow(sign: Uint32Array, nonzero: Uint32Array | null | undefined, row: number, channels: number): Int8Array {
  const rw = packedRowWords(channels);
  return Int8Array.from({ length: channels }, (_, c) =>
    nonzero && !bit(nonzero, row, rw, c) ? 0 : bit(sign, row, rw, c) ? -1 : 1);
}

/** packBits: bit = x < 0 (sign plane) or x ≠ 0 (nonzero plane), channels along the row. */
export function packBits(x: Float32Array | Int8Array, rows: number, channels: number, out: Uint32Array, options: PackBitsOptions = {}): void {
  const rowWords = options.wordBits === 32 ? Math.ceil(channels / 32) : packedRowWords(channels);
  const nonzero = options.plane === 'nonzero';
  out.fill(0, 0, rows * rowWords);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < channels; c++) {
      const v = x[r * channels + c]!;
      if (nonzero ? v !== 0 : v < 0) out[r * rowWords + (c >>> 5)]! |= 1 << (c & 31);
    }
}

/** Writes acc (pixels × n exact sums) into out with the transform out's type asks for. */
function writeOutput(acc: Int32Array, pixels: number, n: number, out: BinaryOut, o: BinaryOutputOptions): void {
  if (out instanceof Int32Array) return void out.set(acc);
  if (out instanceof Uint32Array) {
    const rw = packedRowWords(n), t = o.thresholds!;
    out.fill(0, 0, pixels * rw);
    for (let p = 0; p < pixels; p++)
      for (let c = 0; c < n; c++) {
        const a = acc[p * n + c]!;
        if (o.flip?.[c] ? a > t[c]! : a < t[c]!) out[p * rw + (c >>> 5)]! |= 1 << (c & 31);
      }
    return;
  }
  const scale = (c: number) => Math.fround(typeof o.scale === 'number' ? o.scale : (o.scale?.[c] ?? 1));
  const act = o.activation ?? 'linear';
  let lo = act === 'linear' ? -Infinity : 0, hi = act === 'relu6' ? 6 : Infinity;
  if (out instanceof Int8Array) [lo, hi] = [Math.max(lo, -128), Math.min(hi, 127)];
  for (let i = 0; i < pixels * n; i++) {
    const c = i % n;
    let y = fma32(acc[i]!, scale(c), o.bias?.[c] ?? 0);
    y = y > lo ? y : lo;
    y = y < hi ? y : hi;
    out[i] = out instanceof Int8Array ? roundHalfEven(y) : y;
  }
}

/** bconv2d: the convolution of the unpacked values with zero padding, then the output transform. */
export function bconv2d(x: Uint32Array, filter: Uint32Array, out: BinaryOut, s: ConvShape, options: BconvOptions = {}): void {
  const taps = s.filterH * s.filterW, inC = s.inC, outC = s.outC;
  const xs = Array.from({ length: s.batch * s.inH * s.inW }, (_, r) => unpackRow(x, options.xNonzero, r, inC));
  const ws = Array.from({ length: outC * taps }, (_, r) => unpackRow(filter, options.filterNonzero, r, inC));
  const pixels = s.batch * s.outH * s.outW;
  const acc = new Int32Array(pixels * outC);
  for (const { pixel, taps: window } of convWindows(s))
    for (let o = 0; o < outC; o++) {
      let sum = 0;
      for (const [xPixel, tap] of window) {
        const xv = xs[xPixel]!, wv = ws[o * taps + tap]!;
        for (let c = 0; c < inC; c++) sum += xv[c]! * wv[c]!;
      }
      acc[pixel * outC + o] = sum;
    }
  writeOutput(acc, pixels, outC, out, options);
}

/** A GEMM as the 1×1 convolution over [1, m, 1, k] with n output channels. */
const gemmShape = (m: number, n: number, k: number): ConvShape => ({
  batch: 1, inH: m, inW: 1, inC: k, outH: m, outW: 1, outC: n,
  filterH: 1, filterW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0,
});

/** bgemm: Σ_k a[i, k]·b[j, k] of ±1 values. */
export function bgemm(m: number, n: number, k: number, a: Uint32Array, b: Uint32Array, out: BinaryOut, options: BinaryOutputOptions = {}): void {
  bconv2d(a, b, out, gemmShape(m, n, k), { ...options, xNonzero: undefined, filterNonzero: undefined });
}

/** tgemm: ternary b, binary (aNonzero null) or ternary a. */
export function tgemm(
  m: number, n: number, k: number, aSign: Uint32Array, aNonzero: Uint32Array | null, bSign: Uint32Array, bNonzero: Uint32Array,
  out: BinaryOut, options: BinaryOutputOptions = {},
): void {
  bconv2d(aSign, bSign, out, gemmShape(m, n, k), { ...options, xNonzero: aNonzero ?? undefined, filterNonzero: bNonzero });
}

export const binaryKernels = { packBits, bconv2d, bgemm, tgemm };
