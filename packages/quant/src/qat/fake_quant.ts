/**
 * Fake quantization for quantization-aware training: a float32 tensor is rounded to
 * the affine grid of {@link ../schemes/affine.ts} and expanded back to float32, so
 * training sees the rounding errors of the int8/int4 model it will become.
 *
 * The forward values are computed by the very code that converts the model: the
 * codes come from @lite/core's `int8`/`int4` encoders (`q = clamp(rne(x / scale) + zp)`,
 * `x / scale` in double precision) and are expanded by its decoders
 * (`scale · (q − zp)`), so a QAT-trained model converts to exactly the values it was
 * trained with. Weight parameters come from `chooseParams` over the weights' current
 * ranges (as `quantize` chooses them); activation parameters from an exponential
 * moving average of batch ranges.
 *
 * The gradient is the clipped straight-through estimator: `dy` where the input lies
 * in the representable interval `[scale·(qmin − zp), scale·(qmax − zp)]` of its
 * channel, 0 outside.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeTensor, encodeTensor, type QuantParams } from '@lite/core';
import { channelCount, channelRanges, chooseParams, quantRange, resolveScheme, type QuantBits, type WeightLayout } from '../schemes/affine.js';

/** Per channel (one per tensor), the interval the codes can represent: `[scale·(qmin − zp), scale·(qmax − zp)]` (in double precision). */
export function representableRange(params: QuantParams): { min: number[]; max: number[] } {
  const { qmin, qmax } = quantRange(params.bits, params.narrowRange);
  return {
    min: params.scale.map((s, c) => s * (qmin - params.zeroPoint[c])),
    max: params.scale.map((s, c) => s * (qmax - params.zeroPoint[c])),
  };
}

/** 1 where `values[i]` lies in its channel's representable interval, else 0 (NaN: 0). */
function steMask(values: ArrayLike<number>, params: QuantParams, channels: number): Float32Array {
  const { min, max } = representableRange(params);
  const mask = new Float32Array(values.length);
  for (let i = 0, c = 0; i < values.length; i++) {
    const x = values[i];
    if (x >= min[c] && x <= max[c]) mask[i] = 1;
    if (++c === channels) c = 0;
  }
  return mask;
}

function checkFloat(x: tf.Tensor, what: string): void {
  if (!(x instanceof tf.Tensor)) throw new TypeError(`${what} must be a tf.Tensor`);
  if (x.dtype !== 'float32') throw new TypeError(`${what} must be float32, not ${x.dtype}`);
}

/**
 * `dequantize(quantize(x))` with `params` (as @lite/core's int8/int4 encodings and
 * `quantizeTensor`/`dequantizeTensor` compute it: round half to even, clamp to
 * `[qmin, qmax]`), with the clipped straight-through gradient: `dy` where `x` lies in
 * its channel's representable interval ({@link representableRange}), 0 outside.
 * Channels are the trailing axes from `params.axis` on, flattened (per tensor when
 * `axis` is null), as in the schemes. Works in any tf.tidy or gradient tape.
 */
export function fakeQuantize<T extends tf.Tensor>(x: T, params: QuantParams): T {
  checkFloat(x, 'fakeQuantize: x');
  if (params.axis !== null && !(Number.isInteger(params.axis) && params.axis >= 0 && params.axis < x.rank)) {
    throw new RangeError(`fakeQuantize: params.axis ${params.axis} is not an axis of shape [${x.shape.join(', ')}]`);
  }
  const channels = channelCount(x.shape, params.axis);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const values = input.dataSync() as Float32Array;
    const encoding = params.bits === 4 ? 'int4' : 'int8';
    const { tensor } = encodeTensor(encoding, 'fakeQuantize', values, input.shape, { params });
    save([input]);
    return {
      value: tf.tensor(decodeTensor(tensor), input.shape, 'float32'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.tensor(steMask(saved[0].dataSync(), params, channels), dy.shape, 'float32')),
    };
  });
  return op(x) as T;
}

/** Options of {@link weightQuantParams} and {@link fakeQuantizeWeight}. */
export interface WeightFakeQuantOptions {
  /** 8 (default) or 4. */
  bits?: QuantBits;
  /** Default true: zero point 0. */
  symmetric?: boolean;
  /** Default: true when symmetric. */
  narrowRange?: boolean;
  /** One scale per output channel (default true for rank ≥ 2). */
  perChannel?: boolean;
  /** The weight's layer kind, which fixes the channel axis (depthwise: axis 2, channels inC × multiplier). */
  layout?: WeightLayout;
}

/**
 * The parameters `quantizeTensor(values, shape, options)` would choose for the
 * weight's current values: `chooseParams` over each channel's finite min and max.
 */
export function weightQuantParams(w: tf.Tensor, options: WeightFakeQuantOptions = {}): QuantParams {
  checkFloat(w, 'weightQuantParams: w');
  const scheme = resolveScheme(w.shape, options);
  const { min, max } = channelRanges(w.dataSync() as Float32Array, channelCount(w.shape, scheme.axis));
  return chooseParams(min, max, scheme);
}

/** Fake-quantizes a weight with parameters chosen from its current values ({@link weightQuantParams}). */
export function fakeQuantizeWeight<T extends tf.Tensor>(w: T, options: WeightFakeQuantOptions = {}): T {
  return fakeQuantize(w, weightQuantParams(w, options));
}

/** Default momentum of the activation ranges' moving average. */
export const DEFAULT_RANGE_MOMENTUM = 0.99;

/**
 * One step of an activation range's exponential moving average: the batch's
 * `[min, max]` when there is no range yet, else `momentum · range + (1 − momentum) · batch`
 * for each end.
 */
export function updateEmaRange(range: readonly [number, number] | undefined, batch: readonly [number, number], momentum: number): [number, number] {
  if (range === undefined) return [batch[0], batch[1]];
  return [momentum * range[0] + (1 - momentum) * batch[0], momentum * range[1] + (1 - momentum) * batch[1]];
}

/** Options of {@link fakeQuantizeActivation}. */
export interface ActivationFakeQuantOptions {
  /** Ranges by key: read, and in training updated in place. */
  ranges: Map<string, [number, number]>;
  /** This activation's key (QAT uses the consuming layer's name). */
  key: string;
  /** Training: update the range with this batch's min/max first. Evaluation: the range is frozen. */
  training: boolean;
  /** 8 (default) or 4. */
  bits?: QuantBits;
  /** Moving-average momentum in [0, 1) (default 0.99). */
  momentum?: number;
}

/**
 * Fake-quantizes an activation per tensor, asymmetric with the full code range (the
 * grid of uint8/uint4 codes, shifted), with parameters from `chooseParams` over its
 * tracked range. In training the range is first updated with the batch's finite min
 * and max ({@link updateEmaRange}); in evaluation it is used as it is, and an
 * activation with no range yet uses the batch's own (without recording it).
 */
export function fakeQuantizeActivation<T extends tf.Tensor>(x: T, options: ActivationFakeQuantOptions): T {
  checkFloat(x, 'fakeQuantizeActivation: x');
  const { ranges, key, training } = options;
  let range = ranges.get(key);
  if (training || range === undefined) {
    const { min, max } = channelRanges(x.dataSync() as Float32Array, 1);
    const batch: [number, number] = [min[0], max[0]];
    range = training ? updateEmaRange(range, batch, options.momentum ?? DEFAULT_RANGE_MOMENTUM) : batch;
    if (training) ranges.set(key, range);
  }
  const params = chooseParams([range[0]], [range[1]], { bits: options.bits ?? 8, symmetric: false, narrowRange: false, axis: null });
  return fakeQuantize(x, params);
}
