/**
 * Binary and ternary quantizers with straight-through gradients (Larq's
 * `ste_sign`, `approx_sign`; XNOR-Net's per-channel scale; TWN), for weights and
 * activations. Forward values are exactly what the `binary`/`ternary` encodings
 * store, so a trained model converts without a change. sign(0) = +1 everywhere.
 */
import * as tf from '@tensorflow/tfjs-core';

/** ±1: −1 where x < 0, else +1 (the kernels' packBits convention). */
function hardSign(x: tf.Tensor): tf.Tensor {
  return tf.sub(1, tf.mul(2, tf.cast(tf.less(x, 0), 'float32')));
}

/** sign(x) with the clipped straight-through gradient: dy where |x| ≤ 1, else 0 (Larq's ste_sign). */
export function steSign<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return { value: hardSign(input), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]), 1), 'float32')) };
  });
  return f(x) as T;
}

/** sign(x) with ApproxSign's piecewise-quadratic gradient (Bi-Real Net, Larq's approx_sign): dy·(2 − 2|x|) where |x| ≤ 1, else 0. */
export function approxSign<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return { value: hardSign(input), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.relu(tf.sub(2, tf.mul(2, tf.abs(saved[0]))))) };
  });
  return f(x) as T;
}

/** Axes to reduce for per-output-channel statistics (every axis but the last). */
const channelAxes = (rank: number): number[] => Array.from({ length: Math.max(rank - 1, 0) }, (_, i) => i);

/** XNOR-Net binary weights: α_c·sign(W) with α_c = mean |W| of output channel c (last axis); gradient ste_sign's. */
export function binaryWeight<T extends tf.Tensor>(w: T): T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    const alpha = tf.mean(tf.abs(input), channelAxes(input.rank), true);
    return { value: tf.mul(hardSign(input), alpha), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]), 1), 'float32')) };
  });
  return f(w) as T;
}

/** TWN threshold factor (Δ = 0.7·mean|W|). */
export const TWN_FACTOR = 0.7;

/**
 * Ternary weights (TWN), per output channel c (last axis): Δ_c = 0.7·mean|W_c|,
 * t = sign(w) where |w| > Δ_c else 0, α_c = mean |w| over those; returns α_c·t with
 * the straight-through gradient dy (as TWN trains). Also serves activations.
 */
export function ternaryWeight<T extends tf.Tensor>(w: T, factor = TWN_FACTOR): T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const axes = channelAxes(input.rank);
    const abs = tf.abs(input);
    const delta = tf.mul(factor, tf.mean(abs, axes, true));
    const mask = tf.cast(tf.greater(abs, delta), 'float32');
    const alpha = tf.divNoNan(tf.sum(tf.mul(abs, mask), axes, true), tf.sum(mask, axes, true));
    return { value: tf.mul(tf.mul(hardSign(input), mask), alpha), gradFunc: (dy: tf.Tensor) => dy };
  });
  return f(w) as T;
}

/** The quantizers by name, for options. */
export const ACTIVATION_QUANTIZERS = { steSign, approxSign } as const;
export type ActivationQuantizer = keyof typeof ACTIVATION_QUANTIZERS;
