/**
 * IEEE 754 half precision (binary16) conversions: float32 → float16 rounds to nearest,
 * ties to even; float16 → float32 is exact (every half value is a float).
 */

/** Largest finite half value. */
export const F16_MAX = 65504;
/** Smallest positive normal half value (2^-14); smaller magnitudes are subnormal. */
export const F16_MIN_NORMAL = 2 ** -14;

/** What happens to finite values beyond ±65504. */
export type F16Overflow = 'clamp' | 'infinity';

/** Counts of values an fp32 → fp16 conversion could not represent faithfully. */
export interface F16ConversionStats {
  /** Finite values with |x| > 65504 (clamped to ±65504, or rounded per IEEE to ±65504/±Infinity). */
  overflow: number;
  /** Largest |x| among the overflowing values (0 when none). */
  maxOverflow: number;
  /** Non-zero values that became ±0. */
  underflowToZero: number;
  /** Non-zero values that became subnormal halves (fewer than 11 significant bits). */
  subnormal: number;
  /** NaN or ±Infinity inputs (kept as such). */
  nonFinite: number;
}

/** Rounds `m ≥ 0` to the nearest integer, ties to even. */
function roundHalfEven(m: number): number {
  const f = Math.floor(m);
  const d = m - f;
  return d > 0.5 || (d === 0.5 && (f & 1) === 1) ? f + 1 : f;
}

/**
 * Converts float32 values to half-precision bit patterns (round to nearest even).
 * `overflow: 'clamp'` (the default) maps finite values beyond ±65504 to ±65504;
 * `'infinity'` follows IEEE (|x| ≥ 65520 becomes ±Infinity). NaN stays NaN (quiet,
 * top payload bits kept), ±Infinity stays ±Infinity. Returns the bits and counts of
 * overflowing, underflowing and non-finite values.
 */
export function f32ToF16(values: Float32Array, overflow: F16Overflow = 'clamp'): { bits: Uint16Array; stats: F16ConversionStats } {
  const n = values.length;
  const out = new Uint16Array(n);
  const u = new Uint32Array(values.buffer, values.byteOffset, n);
  const stats: F16ConversionStats = { overflow: 0, maxOverflow: 0, underflowToZero: 0, subnormal: 0, nonFinite: 0 };
  const clamp = overflow === 'clamp';
  for (let i = 0; i < n; i++) {
    const x = u[i];
    const sign = (x >>> 16) & 0x8000;
    const abs = x & 0x7fffffff;
    if (abs >= 0x38800000 && abs < 0x477fe000) {
      // Normal half (|x| < 65504 + 8 cannot round beyond 65504): rebias the exponent, round the 13 dropped bits.
      out[i] = sign | ((abs - 0x38000000 + 0xfff + ((abs >>> 13) & 1)) >>> 13);
    } else if (abs >= 0x7f800000) {
      stats.nonFinite++;
      out[i] = sign | (abs > 0x7f800000 ? 0x7e00 | ((abs >>> 13) & 0x3ff) : 0x7c00);
    } else if (abs >= 0x38800000) {
      // |x| ≥ 65504 + 8: 65504 exactly is fine; above it is overflow.
      if (abs === 0x477fe000) {
        out[i] = sign | 0x7bff;
      } else {
        stats.overflow++;
        const a = Math.abs(values[i]);
        if (a > stats.maxOverflow) stats.maxOverflow = a;
        out[i] = sign | (clamp || abs < 0x477ff000 ? 0x7bff : 0x7c00);
      }
    } else if (abs === 0) {
      out[i] = sign;
    } else {
      // |x| < 2^-14: a subnormal half m·2^-24, m rounded to nearest even (m = 1024 is the smallest normal).
      const m = roundHalfEven(Math.abs(values[i]) * 16777216);
      if (m === 0) stats.underflowToZero++;
      else if (m < 1024) stats.subnormal++;
      out[i] = sign | m;
    }
  }
  return { bits: out, stats };
}

let table: Uint32Array | undefined;

/** Float32 bit patterns of all 65,536 halves. */
function halfTable(): Uint32Array {
  if (table) return table;
  const t = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const e = (h >>> 10) & 0x1f;
    let m = h & 0x3ff;
    if (e === 0x1f) t[h] = sign | 0x7f800000 | (m << 13);
    else if (e !== 0) t[h] = sign | ((e + 112) << 23) | (m << 13);
    else if (m === 0) t[h] = sign;
    else {
      // Subnormal: shift the mantissa up until its leading 1 becomes the implicit bit.
      let exp = 113;
      while ((m & 0x400) === 0) {
        m <<= 1;
        exp--;
      }
      t[h] = sign | (exp << 23) | ((m & 0x3ff) << 13);
    }
  }
  table = t;
  return t;
}

/** Converts half-precision bit patterns to float32 values exactly (NaN payloads kept). */
export function f16ToF32(bits: Uint16Array): Float32Array {
  const n = bits.length;
  const out = new Float32Array(n);
  const u = new Uint32Array(out.buffer);
  const t = halfTable();
  for (let i = 0; i < n; i++) u[i] = t[bits[i]];
  return out;
}
