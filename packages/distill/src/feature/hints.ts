import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SeededInit } from '@lite/core';
import { layerOutput } from '../taps.js';
import { attentionLoss, matchSpatial } from './attention.js';

/** One teacher/student layer pair whose outputs the student learns to match. */
export interface HintPair {
  /** Student layer name (e.g. 'conv2', 'fc1'). */
  student: string;
  /** Teacher layer name. */
  teacher: string;
}

/** Options of feature (hint) distillation. */
export interface FeatureOptions {
  /** The layer pairs. */
  pairs: HintPair[];
  /** Weight β of the feature terms, added to the soft-target loss (default 1). */
  weight?: number;
  /**
   * Attention transfer instead of L2 on adapted features: the pairs must be conv/pool
   * layers; their channel-averaged squared activations are compared (no adapter).
   */
  attention?: boolean;
}

/** How the student's output of one pair is brought to the teacher's shape. */
export interface PairPlan {
  pair: HintPair;
  /** The learned adapter (1×1 conv or dense), or null when the shapes already agree (or for attention). */
  adapter: tfl.layers.Layer | null;
  /** Teacher feature shape without the batch dimension. */
  teacherShape: number[];
}

function featureShape(model: tfl.LayersModel, name: string, role: string): number[] {
  const shape = layerOutput(model, name, role).shape;
  if (shape.length !== 2 && shape.length !== 4) throw new TypeError(`layer '${name}' of the ${role} outputs shape [${shape.join(', ')}]; hints take dense [batch, features] or conv [batch, h, w, channels] outputs`);
  return shape.slice(1) as number[];
}

/**
 * Checks each pair and builds the adapters where the shapes differ: a 1×1 conv for
 * conv features with other channel counts (spatial sizes are then matched by
 * bilinear resizing in the loss), a dense layer for dense features of another width.
 * Throws for unknown layers and for a conv/dense mismatch.
 */
export function planHints(student: tfl.LayersModel, teacher: tfl.LayersModel, options: FeatureOptions, seed: number): PairPlan[] {
  if (!options || !Array.isArray(options.pairs) || options.pairs.length === 0) {
    throw new TypeError("feature distillation needs features.pairs: [{ student: 'fc1', teacher: 'fc1' }, …] (layer names)");
  }
  const weight = options.weight ?? 1;
  if (typeof weight !== 'number' || !(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`features.weight must be a non-negative number, got ${JSON.stringify(options.weight)}`);
  const init = new SeededInit(seed + 7919);
  return options.pairs.map((pair, i) => {
    if (!pair || typeof pair.student !== 'string' || typeof pair.teacher !== 'string') throw new TypeError(`features.pairs[${i}] must be { student: layerName, teacher: layerName }`);
    const s = featureShape(student, pair.student, 'student');
    const t = featureShape(teacher, pair.teacher, 'teacher');
    if (options.attention) {
      if (s.length !== 3 || t.length !== 3) throw new TypeError(`attention transfer needs conv feature maps; pair ${pair.student}/${pair.teacher} has shapes [${s}] and [${t}]`);
      return { pair, adapter: null, teacherShape: t };
    }
    if (s.length !== t.length) throw new TypeError(`pair ${pair.student}/${pair.teacher}: a ${s.length === 3 ? 'conv' : 'dense'} student layer cannot hint a ${t.length === 3 ? 'conv' : 'dense'} teacher layer; pair layers of the same kind`);
    const sc = s[s.length - 1];
    const tc = t[t.length - 1];
    let adapter: tfl.layers.Layer | null = null;
    const name = `hint_adapter_${i}_${pair.student}`;
    if (sc !== tc) {
      adapter = s.length === 3
        ? tfl.layers.conv2d({ name, filters: tc, kernelSize: 1, useBias: true, ...init.layer(sc) })
        : tfl.layers.dense({ name, units: tc, ...init.layer(sc) });
    }
    return { pair, adapter, teacherShape: t };
  });
}

/**
 * The feature term for one batch: per pair, the mean squared error between the
 * (adapted, resized) student output and the teacher's, or the attention-transfer
 * loss; summed over pairs.
 */
export function hintLoss(studentFeatures: tf.Tensor[], teacherFeatures: tf.Tensor[], attention: boolean): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    for (let i = 0; i < studentFeatures.length; i++) {
      const t = teacherFeatures[i];
      let s = studentFeatures[i];
      if (attention) {
        total = tf.add(total, attentionLoss(s as tf.Tensor4D, t as tf.Tensor4D));
        continue;
      }
      if (s.rank === 4) s = matchSpatial(s as tf.Tensor4D, [t.shape[1]!, t.shape[2]!]);
      total = tf.add(total, tf.losses.meanSquaredError(t, s));
    }
    return total;
  });
}
