/**
 * `ternary`: two bits per weight (a sign plane and a nonzero plane) plus one
 * float32 scale per output channel (the last axis): `W ≈ α_c·t` with t ∈ {−1, 0, +1}
 * (TWN). Element `i` (row-major, least significant bit first) is 0 where its
 * nonzero bit is 0 (its sign bit must then be 0 too), else `−scale[c]` (sign bit 1)
 * or `+scale[c]`, `c = i mod channels`. The default encoder is TWN's: per channel,
 * threshold Δ_c = 0.7·mean|W_c|, nonzero where |w| > Δ_c, α_c = mean |w| over the
 * nonzeros. Streams: sign plane, nonzero plane (`ceil(n/8)` bytes each, unused
 * high bits 0), scales. The planes are the kernels' (`packBits` 'sign'/'nonzero').
 */
import type { TernaryTensor } from '../../graph/types.js';
import { checkEmptyMeta, checkStreamLengths, checkTensorShape, elementCount, type EncodingCodec } from '../codec.js';
import { failAt } from '../errors.js';
import { nonFiniteWarning } from './binary.js';
import {
  bitAt, channelMeanAbs, checkPadding, checkScaleArray, outputChannels, packPlane, planeBytes, readScales, scaleBytes,
} from './binary_bits.js';

/** TWN's threshold factor: Δ = 0.7·mean|W| (Li & Liu, 2016). */
export const TWN_THRESHOLD_FACTOR = 0.7;

/** Options of the `ternary` encoder. */
export interface TernaryOptions {
  /** Δ = thresholdFactor·mean|W_c| per channel (default 0.7). */
  thresholdFactor?: number;
  /** One scale (≥ 0) per output channel; default: mean |w| over each channel's nonzeros. */
  scale?: Float32Array;
}

/** TWN per output channel: the nonzero mask (|w| > 0.7·mean|W_c|) and α_c (mean |w| over it). */
export function twnTernarize(values: Float32Array, channels: number, factor = TWN_THRESHOLD_FACTOR): { nonzero: Uint8Array; scale: Float32Array; threshold: Float32Array } {
  if (!(factor >= 0) || !Number.isFinite(factor)) throw new RangeError(`thresholdFactor must be a finite number ≥ 0, got ${factor}`);
  const mean = channelMeanAbs(values, channels);
  const threshold = Float32Array.from(mean, (m) => factor * m);
  const nonzero = new Uint8Array(values.length);
  for (let i = 0, c = 0; i < values.length; i++) {
    if (Math.abs(values[i]) > threshold[c]) nonzero[i] = 1;
    if (++c === channels) c = 0;
  }
  return { nonzero, scale: channelMeanAbs(values, channels, (i) => nonzero[i] === 1), threshold };
}

function checkLayout(shape: readonly number[], meta: unknown, lengths: readonly number[], path: string): void {
  const n = elementCount(shape, `${path}.shape`);
  checkEmptyMeta(meta, `${path}.meta`);
  checkStreamLengths(lengths, [planeBytes(n), planeBytes(n), outputChannels(shape) * 4], `${path}.sections`, 'a ternary tensor');
}

/** Padding bits 0 and no sign bit on a zero; returns an error message or undefined. */
function checkPlanes(sign: Uint8Array, nonzero: Uint8Array, n: number): string | undefined {
  const bad = checkPadding(sign, n) ?? checkPadding(nonzero, n);
  if (bad) return bad;
  for (let b = 0; b < sign.length; b++) {
    const stray = sign[b] & ~nonzero[b];
    if (stray !== 0) return `value ${b * 8 + 31 - Math.clz32(stray & -stray)} has its sign bit set but is zero (sign bits must be 0 where the nonzero bit is 0)`;
  }
  return undefined;
}

function checkTensor(t: TernaryTensor): number {
  const n = elementCount(t.shape, `tensor "${t.name}".shape`);
  for (const [plane, what] of [[t.sign, 'sign'], [t.nonzero, 'nonzero']] as const) {
    if (!(plane instanceof Uint8Array) || plane.length !== planeBytes(n)) throw new RangeError(`tensor "${t.name}": the ${what} plane must be ${planeBytes(n)} bytes for shape [${t.shape.join(', ')}]`);
  }
  checkScaleArray(t.name, t.scale, outputChannels(t.shape));
  return n;
}

/** The `ternary` encoding: 2 bits per value plus 4 bytes per output channel. */
export const ternaryCodec: EncodingCodec<'ternary', TernaryOptions> = {
  name: 'ternary',
  description: 'ternary {−1, 0, +1} as sign and nonzero bit planes with one float32 scale per output channel (TWN)',
  encode({ name, values, shape }, options = {}) {
    checkTensorShape(name, shape, values.length);
    const channels = outputChannels(shape);
    const twn = twnTernarize(values, channels, options.thresholdFactor);
    const scale = options.scale === undefined ? twn.scale : Float32Array.from(checkScaleArray(name, options.scale, channels));
    const nonzero = packPlane(values.length, (i) => twn.nonzero[i] === 1);
    const sign = packPlane(values.length, (i) => twn.nonzero[i] === 1 && values[i] < 0);
    return { tensor: { name, shape: [...shape], encoding: 'ternary', sign, nonzero, scale }, warnings: nonFiniteWarning(name, 'ternary', values) };
  },
  decode(tensor) {
    const n = checkTensor(tensor);
    const channels = outputChannels(tensor.shape);
    const out = new Float32Array(n);
    for (let i = 0, c = 0; i < n; i++) {
      if (bitAt(tensor.nonzero, i)) out[i] = bitAt(tensor.sign, i) ? -tensor.scale[c] : tensor.scale[c];
      if (++c === channels) c = 0;
    }
    return out;
  },
  byteSize(tensor) {
    return tensor.sign.length + tensor.nonzero.length + tensor.scale.length * 4;
  },
  serialize(tensor) {
    const n = checkTensor(tensor);
    const bad = checkPlanes(tensor.sign, tensor.nonzero, n);
    if (bad) failAt(`tensor "${tensor.name}".sign`, bad);
    return { meta: {}, streams: [tensor.sign, tensor.nonzero, scaleBytes(tensor.scale)] };
  },
  checkLayout,
  deserialize(name, shape, meta, streams, path): TernaryTensor {
    checkLayout(shape, meta, streams.map((s) => s.length), path);
    const n = elementCount(shape, `${path}.shape`);
    const sign = streams[0].slice();
    const nonzero = streams[1].slice();
    const bad = checkPlanes(sign, nonzero, n);
    if (bad) failAt(`${path}.sections[0]`, bad);
    return { name, shape, encoding: 'ternary', sign, nonzero, scale: readScales(streams[2], `${path}.sections[2]`) };
  },
};
