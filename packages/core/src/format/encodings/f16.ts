/**
 * `f16`: IEEE half precision, stored as 2 byte planes, or, below PLANES_MIN_ELEMENTS
 * (256) elements, as one stream of little-endian uint16s (planes.ts; the shape alone
 * says which). Encoding rounds to nearest even and warns, naming the tensor, about every value it cannot keep: finite values beyond
 * ±65504 (clamped to ±65504 by default; `overflow: 'infinity'` gives IEEE ±Infinity),
 * non-zero values that flush to zero or become subnormal, and NaN/±Infinity inputs.
 */
import type { F16Tensor } from '../../graph/types.js';
import { checkEmptyMeta, checkStreamLengths, checkTensorShape, elementCount, type EncodingCodec, type EncodingWarning } from '../codec.js';
import { F16_MAX, F16_MIN_NORMAL, f16ToF32, f32ToF16, type F16Overflow } from '../half.js';
import { fromStreams, streamLayout, streamLengths, toStreams } from '../planes.js';

/** Options of the `f16` encoding. */
export interface F16Options {
  /** Finite values beyond ±65504: `'clamp'` (default) to ±65504, or `'infinity'` (IEEE rounding). */
  overflow?: F16Overflow;
}

function checkLayout(shape: readonly number[], meta: unknown, lengths: readonly number[], path: string): void {
  const n = elementCount(shape, `${path}.shape`);
  checkEmptyMeta(meta, `${path}.meta`);
  checkStreamLengths(lengths, streamLengths(n, 2), `${path}.sections`, `an f16 tensor of ${n} elements (${streamLayout(n, 2)})`);
}

const fmt = (x: number) => x.toPrecision(3);

/** The `f16` encoding: 2 bytes per value, ~3 significant digits, range ±65504. */
export const f16Codec: EncodingCodec<'f16', F16Options> = {
  name: 'f16',
  description: 'IEEE float16, 2 bytes per value (round to nearest even; range ±65504)',
  encode({ name, values, shape }, options = {}) {
    checkTensorShape(name, shape, values.length);
    const overflow = options.overflow ?? 'clamp';
    if (overflow !== 'clamp' && overflow !== 'infinity') throw new RangeError(`f16 option overflow must be 'clamp' or 'infinity', not ${JSON.stringify(overflow)}`);
    const { bits, stats } = f32ToF16(values, overflow);
    const n = values.length;
    const warnings: EncodingWarning[] = [];
    const warn = (kind: string, count: number, what: string) => {
      if (count > 0) warnings.push({ tensor: name, encoding: 'f16', kind, count, message: `${name}: ${count} of ${n} values ${what}` });
    };
    warn(
      'overflow',
      stats.overflow,
      `exceed fp16's range (|x| up to ${fmt(stats.maxOverflow)} > ${F16_MAX}); ${overflow === 'clamp' ? `clamped to ±${F16_MAX}` : `rounded to ±${F16_MAX} or ±Infinity`}`,
    );
    warn('underflow', stats.underflowToZero, `are non-zero but too small for fp16 (|x| ≤ 2^-25 ≈ 2.98e-8) and became 0`);
    warn('subnormal', stats.subnormal, `became fp16 subnormals (|x| < 2^-14 ≈ ${fmt(F16_MIN_NORMAL)}), keeping fewer significant bits`);
    warn('nonFinite', stats.nonFinite, 'are NaN or ±Infinity (kept as such)');
    return { tensor: { name, shape: [...shape], encoding: 'f16', bits }, warnings };
  },
  decode(tensor) {
    return f16ToF32(tensor.bits);
  },
  byteSize(tensor) {
    return tensor.bits.length * 2;
  },
  serialize(tensor) {
    checkTensorShape(tensor.name, tensor.shape, tensor.bits.length);
    return { meta: {}, streams: toStreams(tensor.bits, 2) };
  },
  checkLayout,
  deserialize(name, shape, meta, streams, path): F16Tensor {
    checkLayout(shape, meta, streams.map((s) => s.length), path);
    return { name, shape, encoding: 'f16', bits: fromStreams(streams, 2) as Uint16Array };
  },
};
