/**
 * Affine (uniform) quantization schemes: `value ≈ scale · (q − zeroPoint)` with
 * integer codes of 8 or 4 bits, symmetric (zero point 0) or asymmetric, per tensor
 * or per output channel, full or narrow range.
 *
 * **Rounding** is round-half-to-even followed by clamping:
 * `q = clamp(rne(x / scale) + zeroPoint, qmin, qmax)`, with `x / scale` evaluated in
 * double precision from the float32 value and the float32 scale. Half-to-even is
 * what x86's `cvtps2dq` and C++'s `std::nearbyint`/`lrintf` do in the default
 * floating-point environment, so the int8 kernels' reference and their SIMD paths
 * (and the `int8`/`int4` encodings of @lite/core, which this module calls to produce
 * the codes) all round the same way.
 *
 * **Ranges and parameters.** Per channel, the channels are the tensor's trailing axes
 * from `axis` on, flattened (element `i` belongs to channel `i mod C`): the last axis
 * of dense `[in, out]` kernels and HWIO conv filters, `inC × multiplier` (axis 2) of
 * depthwise `[fh, fw, inC, mult]` filters (see {@link channelAxis}). Each channel's
 * range is its finite values' min and max (or a given `range`, e.g. from calibration),
 * widened to contain 0 so that 0 is exact. Then
 * - symmetric: `scale = max(|min|, |max|) / qmax`, zero point 0;
 * - asymmetric: `scale = (max − min) / (qmax − qmin)`, `zeroPoint = clamp(rne(qmin − min / scale))`;
 *
 * scales are rounded up to the next float32 (so the range is never clipped) and are
 * at least 2^−126; a channel whose range is {0} gets scale 1. Within the range every
 * value is reproduced to within `scale / 2`; outside it values clamp to the end codes.
 *
 * `qmax = 2^(bits−1) − 1`; `qmin = −qmax` with `narrowRange` (int8 −127..127, int4
 * −7..7), else `−2^(bits−1)`. Symmetric schemes default to narrow range (the usual
 * choice for weights: the grid is symmetric about 0), asymmetric ones to full range.
 */
import {
  channelCount,
  encodeTensor,
  float32AtLeast,
  MIN_QUANT_SCALE as MIN_SCALE,
  quantRange,
  roundHalfEven,
  type EncodingWarning,
  type Int4Tensor,
  type Int8Tensor,
  type QuantParams,
} from '@lite/core';
import { unpackInt4 } from './int4.js';

/** Integer widths of the affine schemes. */
export type QuantBits = 8 | 4;

/** Layer kinds whose weight layouts fix the output-channel axis. */
export type WeightLayout = 'dense' | 'conv2d' | 'depthwiseConv2d';

/** Options of {@link quantize}. */
export interface QuantizeOptions {
  /** 8 (default) or 4. */
  bits?: QuantBits;
  /** Zero point 0 (default true). */
  symmetric?: boolean;
  /** Codes in ±(2^(bits−1) − 1) (default: true when symmetric, false otherwise). */
  narrowRange?: boolean;
  /** One scale per output channel (default true for rank ≥ 2; rank 0–1 tensors are always per tensor unless `axis` is given). */
  perChannel?: boolean;
  /** First axis of the channel span (default: from `layout`, else the last axis). */
  axis?: number;
  /** The weight's layer kind, which fixes the channel axis (depthwise: axis 2, channels = inC × multiplier). */
  layout?: WeightLayout;
  /** Per-channel (or one, per tensor) `[min, max]` ranges to use instead of the values' own (e.g. calibrated). */
  range?: { min: ArrayLike<number>; max: ArrayLike<number> };
  /** The tensor's name, for warnings and the returned tensor (default `"tensor"`). */
  name?: string;
}

/** What {@link quantize} returns. */
export interface Quantized<B extends QuantBits = QuantBits> {
  /** One code per element, row-major (int4 codes unpacked, −8..7). */
  q: Int8Array;
  params: QuantParams & { bits: B };
  /** The same as a .lite tensor (`int8`, or `int4` with packed nibbles). */
  tensor: B extends 4 ? Int4Tensor : Int8Tensor;
  /** Values clipped to the range and non-finite values (see @lite/core's EncodingWarning). */
  warnings: EncodingWarning[];
}

// The smallest scale (the smallest normal float32) and the rounding helpers are
// the .lite encodings' own, so codes agree bit for bit.
export { channelCount, float32AtLeast, MIN_SCALE, quantRange, roundHalfEven };

/**
 * The first axis of the output-channel span of a weight of `layout` and `shape`:
 * the last axis for dense `[in, out]` and conv2d HWIO `[fh, fw, inC, outC]`; axis 2 for
 * depthwise `[fh, fw, inC, mult]` (channels = inC × multiplier, the depthwise layer's outputs).
 */
export function channelAxis(layout: WeightLayout, shape: readonly number[]): number {
  if (layout === 'dense') {
    if (shape.length !== 2) throw new RangeError(`a dense kernel is [in, out], not [${shape.join(', ')}]`);
    return 1;
  }
  if (layout === 'conv2d' || layout === 'depthwiseConv2d') {
    if (shape.length !== 4) throw new RangeError(`a ${layout} filter is [fh, fw, inC, ${layout === 'conv2d' ? 'outC' : 'mult'}], not [${shape.join(', ')}]`);
    return layout === 'conv2d' ? 3 : 2;
  }
  throw new RangeError(`layout must be 'dense', 'conv2d' or 'depthwiseConv2d', not ${JSON.stringify(layout)}`);
}

/** Min and max of the finite values per channel (channel of element i: i mod channels); 0 for channels with none. */
export function channelRanges(values: ArrayLike<number>, channels: number): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(channels).fill(Infinity);
  const max = new Float64Array(channels).fill(-Infinity);
  for (let i = 0, c = 0; i < values.length; i++) {
    const x = values[i];
    if (x < min[c] && x !== -Infinity) min[c] = x;
    if (x > max[c] && x !== Infinity) max[c] = x;
    if (++c === channels) c = 0;
  }
  for (let c = 0; c < channels; c++) {
    if (min[c] === Infinity) min[c] = 0;
    if (max[c] === -Infinity) max[c] = 0;
  }
  return { min, max };
}

/** Scheme options of {@link chooseParams}. */
export interface SchemeOptions {
  bits: QuantBits;
  symmetric: boolean;
  narrowRange: boolean;
  /** `null` per tensor, else the first axis of the channel span. */
  axis: number | null;
}

/**
 * Quantization parameters for per-channel (or one) ranges `[min[c], max[c]]`
 * (finite, min ≤ max), as the module comment describes. Also what calibration uses
 * for activations (per tensor, `axis: null`).
 */
export function chooseParams(min: ArrayLike<number>, max: ArrayLike<number>, scheme: SchemeOptions): QuantParams {
  const { bits, symmetric, narrowRange, axis } = scheme;
  if (bits !== 8 && bits !== 4) throw new RangeError(`bits must be 8 or 4, not ${JSON.stringify(bits)}`);
  if (min.length !== max.length) throw new RangeError(`range min has ${min.length} values but max has ${max.length}`);
  const { qmin, qmax } = quantRange(bits, narrowRange);
  const c = min.length;
  const scale = new Array<number>(c);
  const zeroPoint = new Array<number>(c).fill(0);
  for (let i = 0; i < c; i++) {
    if (!Number.isFinite(min[i]) || !Number.isFinite(max[i]) || min[i] > max[i]) {
      throw new RangeError(`range ${i} is [${min[i]}, ${max[i]}]; ranges must be finite with min ≤ max`);
    }
    const lo = Math.min(min[i], 0);
    const hi = Math.max(max[i], 0);
    if (symmetric) {
      const m = Math.max(-lo, hi);
      scale[i] = m === 0 ? 1 : Math.max(float32AtLeast(m / qmax), MIN_SCALE);
    } else if (hi === lo) {
      scale[i] = 1;
    } else {
      const s = Math.max(float32AtLeast((hi - lo) / (qmax - qmin)), MIN_SCALE);
      scale[i] = s;
      zeroPoint[i] = Math.min(qmax, Math.max(qmin, roundHalfEven(qmin - lo / s)));
    }
  }
  return { bits, axis, symmetric, narrowRange, scale, zeroPoint };
}

/** The scheme `options` resolve to for a tensor of `shape` (defaults filled in, axis checked). */
export function resolveScheme(shape: readonly number[], options: QuantizeOptions = {}): SchemeOptions {
  const bits = options.bits ?? 8;
  if (bits !== 8 && bits !== 4) throw new RangeError(`bits must be 8 or 4, not ${JSON.stringify(bits)}`);
  const symmetric = options.symmetric ?? true;
  if (typeof symmetric !== 'boolean') throw new RangeError(`symmetric must be true or false, not ${JSON.stringify(symmetric)}`);
  const narrowRange = options.narrowRange ?? symmetric;
  if (typeof narrowRange !== 'boolean') throw new RangeError(`narrowRange must be true or false, not ${JSON.stringify(narrowRange)}`);
  const explicitAxis = options.axis ?? (options.layout !== undefined ? channelAxis(options.layout, shape) : undefined);
  const perChannel = options.perChannel ?? (explicitAxis !== undefined || shape.length >= 2);
  let axis: number | null = null;
  if (perChannel) {
    axis = explicitAxis ?? shape.length - 1;
    if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
      throw new RangeError(`axis ${axis} is not an axis of shape [${shape.join(', ')}]${shape.length === 0 ? ' (a scalar is quantized per tensor: perChannel: false)' : ''}`);
    }
  }
  return { bits, symmetric, narrowRange, axis };
}

/**
 * Quantizes float32 `values` of `shape`: chooses parameters for the scheme in
 * `options` (defaults: int8, symmetric, narrow range, per channel on the last axis
 * for rank ≥ 2) from the values' ranges or `options.range`, and returns the codes,
 * the parameters, the .lite tensor and warnings (clipped or non-finite values).
 */
export function quantize<B extends QuantBits = 8>(values: Float32Array, shape: readonly number[], options: QuantizeOptions & { bits?: B } = {}): Quantized<B> {
  const scheme = resolveScheme(shape, options);
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== values.length) throw new RangeError(`shape [${shape.join(', ')}] has ${n} elements but there are ${values.length} values`);
  const c = channelCount(shape, scheme.axis);
  let min: ArrayLike<number>;
  let max: ArrayLike<number>;
  if (options.range) {
    ({ min, max } = options.range);
    if (min.length !== c || max.length !== c) throw new RangeError(`range needs ${c} min and max value(s) (${scheme.axis === null ? 'per tensor' : `per channel on axis ${scheme.axis}`}), got ${min.length} and ${max.length}`);
  } else {
    ({ min, max } = channelRanges(values, c));
  }
  const params = chooseParams(min, max, scheme);
  const name = options.name ?? 'tensor';
  const encoding = scheme.bits === 8 ? 'int8' : 'int4';
  const { tensor, warnings } = encodeTensor(encoding, name, values, shape, { params });
  const q = tensor.encoding === 'int8' ? tensor.q : unpackInt4((tensor as Int4Tensor).packed, n);
  return { q, params: (tensor as Int8Tensor | Int4Tensor).params as QuantParams & { bits: B }, tensor: tensor as Quantized<B>['tensor'], warnings };
}

/** Expands codes back to float32: `scale[c] · (q[i] − zeroPoint[c])` with `c = i mod channels` (per tensor: c = 0). */
export function dequantize(q: ArrayLike<number>, params: QuantParams, shape: readonly number[]): Float32Array {
  const c = channelCount(shape, params.axis);
  if (params.scale.length !== c || params.zeroPoint.length !== c) throw new RangeError(`params have ${params.scale.length} scale(s) and ${params.zeroPoint.length} zero point(s); shape [${shape.join(', ')}] on axis ${params.axis} needs ${c}`);
  const out = new Float32Array(q.length);
  for (let i = 0, ch = 0; i < q.length; i++) {
    out[i] = params.scale[ch] * (q[i] - params.zeroPoint[ch]);
    if (++ch === c) ch = 0;
  }
  return out;
}

/** Largest |int32 bias code|: biases use the symmetric range ±(2^31 − 1). */
export const INT32_BIAS_MAX = 2 ** 31 - 1;

/** What {@link quantizeBias} returns. */
export interface QuantizedBias {
  /** `rne(bias[c] / scale[c])`, clamped to ±(2^31 − 1). */
  q: Int32Array;
  /** Per output channel: `fround(inputScale · weightScale[c])` (zero point 0). */
  scale: number[];
  /** How many biases were clamped. */
  clipped: number;
}

/**
 * Quantizes a bias to int32 for an integer layer whose input has scale `inputScale`
 * and whose weights have `weightScale` (one per output channel, or one per tensor):
 * the bias joins the int32 accumulator `Σ (qx − zx)·qw`, so its scale is
 * `inputScale · weightScale[c]` (rounded to float32) and its zero point 0.
 */
export function quantizeBias(bias: ArrayLike<number>, inputScale: number, weightScale: readonly number[]): QuantizedBias {
  if (!(inputScale > 0) || !Number.isFinite(inputScale)) throw new RangeError(`inputScale must be positive and finite, not ${inputScale}`);
  if (weightScale.length !== 1 && weightScale.length !== bias.length) throw new RangeError(`weightScale needs 1 or ${bias.length} values (one per output channel), got ${weightScale.length}`);
  const n = bias.length;
  const scale = Array.from({ length: n }, (_, c) => {
    const s = Math.fround(inputScale * weightScale[weightScale.length === 1 ? 0 : c]);
    if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`bias scale ${c} (inputScale · weightScale) is ${s}; it must be positive and finite`);
    return s;
  });
  const q = new Int32Array(n);
  let clipped = 0;
  for (let c = 0; c < n; c++) {
    const x = bias[c];
    let v = Number.isNaN(x) ? 0 : Number.isFinite(x) ? roundHalfEven(x / scale[c]) : x > 0 ? Infinity : -Infinity;
    if (v > INT32_BIAS_MAX || v < -INT32_BIAS_MAX) {
      v = v > 0 ? INT32_BIAS_MAX : -INT32_BIAS_MAX;
      clipped++;
    }
    q[c] = v;
  }
  return { q, scale, clipped };
}

/** Expands an int32 bias: `q[c] · scale[c]`. */
export function dequantizeBias(q: ArrayLike<number>, scale: readonly number[]): Float32Array {
  return Float32Array.from({ length: q.length }, (_, c) => q[c] * scale[scale.length === 1 ? 0 : c]);
}
