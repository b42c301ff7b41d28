/**
 * Helpers shared by the `binary` and `ternary` encodings: little-endian bit
 * planes (bit `i` is bit `i % 8` of byte `i / 8`), one float32 scale per output
 * channel (the last axis, as for int8), and their strict checks.
 */
import { failAt } from '../errors.js';

/** Output channels of a tensor: its last axis (1 for a scalar). */
export function outputChannels(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1];
}

/** Bytes of a plane of `n` bits. */
export const planeBytes = (n: number): number => (n + 7) >> 3;

/** Packs `n` bits, bit i = `pred(i)`. */
export function packPlane(n: number, pred: (i: number) => boolean): Uint8Array {
  const out = new Uint8Array(planeBytes(n));
  for (let i = 0; i < n; i++) if (pred(i)) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/** Bit `i` of a plane. */
export const bitAt = (plane: Uint8Array, i: number): number => (plane[i >> 3] >> (i & 7)) & 1;

/** Checks that the unused high bits of a plane's last byte are 0; returns an error message or undefined. */
export function checkPadding(plane: Uint8Array, n: number): string | undefined {
  const used = n & 7;
  if (used === 0 || plane.length === 0) return undefined;
  const extra = plane[plane.length - 1] >> used;
  return extra === 0 ? undefined : `the ${8 - used} unused high bits of the last byte must be 0, found ${extra << used}`;
}

/** Scales as little-endian float32 bytes. */
export function scaleBytes(scale: Float32Array): Uint8Array {
  const out = new Uint8Array(scale.length * 4);
  const view = new DataView(out.buffer);
  scale.forEach((s, i) => view.setFloat32(i * 4, s, true));
  return out;
}

/** Reads and checks scales (finite, ≥ 0) from little-endian float32 bytes. */
export function readScales(bytes: Uint8Array, path: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  const bad = checkScales(out);
  if (bad) failAt(path, bad);
  return out;
}

/** Checks scales: every one finite and ≥ 0. Returns an error message or undefined. */
export function checkScales(scale: Float32Array): string | undefined {
  for (let i = 0; i < scale.length; i++) {
    const s = scale[i];
    if (!Number.isFinite(s) || s < 0) return `scale ${i} is ${s}; scales must be finite and ≥ 0`;
  }
  return undefined;
}

/** Per output channel, the mean of |v| over the entries `keep` accepts (in double precision; 0 where none). */
export function channelMeanAbs(values: Float32Array, channels: number, keep: (i: number) => boolean = () => true): Float32Array {
  const sum = new Float64Array(channels);
  const count = new Float64Array(channels);
  for (let i = 0, c = 0; i < values.length; i++) {
    if (keep(i) && Number.isFinite(values[i])) {
      sum[c] += Math.abs(values[i]);
      count[c]++;
    }
    if (++c === channels) c = 0;
  }
  return Float32Array.from(sum, (s, c) => (count[c] > 0 ? s / count[c] : 0));
}

/** Checks an in-memory scale array against a tensor's channel count (throws a RangeError naming the tensor). */
export function checkScaleArray(name: string, scale: unknown, channels: number): Float32Array {
  if (!(scale instanceof Float32Array) || scale.length !== channels) {
    throw new RangeError(`tensor "${name}": needs a Float32Array of ${channels} scale(s), one per output channel (last axis)`);
  }
  const bad = checkScales(scale);
  if (bad) throw new RangeError(`tensor "${name}": ${bad}`);
  return scale;
}

/** Counts non-finite values (encoded as +scale / zero) for a warning. */
export function nonFiniteCount(values: Float32Array): number {
  let n = 0;
  for (const v of values) if (!Number.isFinite(v)) n++;
  return n;
}
