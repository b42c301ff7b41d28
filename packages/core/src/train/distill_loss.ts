/**
 * Soft-target knowledge distillation (Hinton et al.) as a training loss for
 * {@link train}: the loss that @lite/distill builds on and that pruning and QAT take
 * as their fine-tuning loss (`prune(..., { teacher })`, `quantize(..., { teacher })`).
 *
 * The soft term is KL(softmax(t/T) ‖ softmax(s/T)) summed over the classes and
 * averaged over the samples (PyTorch's `reduction='batchmean'`, not the default
 * `mean`, which also divides by the class count and makes the soft term ten times
 * too weak on MNIST), multiplied by T² so its gradient keeps its size as T changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LiteModel } from '../runtime/lite_model.js';
import type { LossFn } from './train.js';

/** A teacher: a tfjs Layers model or a compressed {@link LiteModel}, mapping images to logits [n, classes]. */
export type Teacher = tfl.LayersModel | LiteModel;

/** Options of {@link softTargetLoss} and {@link distillationLoss}. */
export interface SoftTargetOptions {
  /** Softmax temperature T > 0 (default 2, the reference recipe's). */
  temperature?: number;
  /** Weight of the soft term in [0, 1]; the hard-label cross-entropy gets 1 − α (default 0.5). */
  alpha?: number;
  /**
   * How the KL is averaged: 'batchmean' (default, per sample: the true KL) or
   * 'mean' (over every element, PyTorch KLDivLoss's default, which also divides
   * by the class count: the first reference document's bug, kept to show it).
   */
  klReduction?: KlReduction;
}

/** See {@link SoftTargetOptions.klReduction}. */
export type KlReduction = 'batchmean' | 'mean';

/** Temperature and alpha with the defaults filled in. */
export type ResolvedSoftTargetOptions = Required<Pick<SoftTargetOptions, 'temperature' | 'alpha'>>;

/** The defaults: the reference document's recipe (T = 2, α = 0.5). */
export const DEFAULT_SOFT_TARGET: ResolvedSoftTargetOptions = { temperature: 2, alpha: 0.5 };

/** Fills in the defaults and throws a RangeError naming a bad temperature or alpha. */
export function resolveSoftTargetOptions(options: SoftTargetOptions = {}): ResolvedSoftTargetOptions {
  const temperature = options.temperature ?? DEFAULT_SOFT_TARGET.temperature;
  const alpha = options.alpha ?? DEFAULT_SOFT_TARGET.alpha;
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`distillation temperature must be a positive number (e.g. 2 or 4), got ${JSON.stringify(temperature)}`);
  }
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) {
    throw new RangeError(`distillation alpha (weight of the soft targets) must be in [0, 1] (e.g. 0.5), got ${JSON.stringify(alpha)}`);
  }
  return { temperature, alpha };
}

/** Throws a TypeError unless `teacher` is a tf.LayersModel or a LiteModel. */
export function checkTeacher(teacher: unknown, what = 'teacher'): asserts teacher is Teacher {
  if (!(teacher instanceof tfl.LayersModel) && !(teacher instanceof LiteModel)) {
    throw new TypeError(`${what} must be a tf.LayersModel or a LiteModel (load one with loadModel(dir) or LiteModel.load(file)), got ${teacher === null ? 'null' : typeof teacher}`);
  }
}

/**
 * Runs `fn` on `inputs` without recording anything on an active gradient tape, and
 * returns its outputs. Inside `optimizer.minimize` (a loss hook) this is how a
 * teacher runs: none of its operations are taped or kept for backprop, its
 * variables get no gradient, and the outputs are constants to the student's
 * gradient. Outputs of any shapes; the caller disposes them (or a tidy does).
 */
export function withoutGradient(inputs: tf.Tensor, fn: (inputs: tf.Tensor) => tf.Tensor[]): tf.Tensor[] {
  let shapes: number[][] = [];
  // A custom-gradient op runs its forward function with the tape off (kernel depth > 0):
  // the outputs travel as one flat tensor and are split afterwards.
  const flat = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const outs = fn(x);
    shapes = outs.map((o) => [...o.shape]);
    const n = x.shape[0];
    const value = tf.concat(outs.map((o) => tf.reshape(o, [n, -1])), 1);
    return { value, gradFunc: () => tf.zerosLike(x) };
  });
  const joined = flat(inputs) as tf.Tensor;
  const sizes = shapes.map((s) => s.slice(1).reduce((a, b) => a * b, 1));
  const parts = shapes.length === 1 ? [joined] : tf.split(joined, sizes, 1);
  return parts.map((p, i) => tf.reshape(p, shapes[i]));
}

/** The logits of a single-output Layers model, in inference mode; a clear error otherwise. */
function layersLogits(model: tfl.LayersModel, inputs: tf.Tensor): tf.Tensor {
  const out = model.apply(inputs, { training: false });
  if (Array.isArray(out) || !(out instanceof tf.Tensor)) throw new TypeError('the teacher must have one tensor output (its logits)');
  return out;
}

/**
 * The teacher's logits for `inputs`, computed without gradient (see
 * {@link withoutGradient}): safe to call inside a loss hook. A LiteModel teacher
 * runs on the .lite runtime's kernels.
 */
export function teacherLogits(teacher: Teacher, inputs: tf.Tensor4D): tf.Tensor2D {
  checkTeacher(teacher);
  const [logits] = withoutGradient(inputs, (x) => [teacher instanceof LiteModel ? teacher.predict(x) : layersLogits(teacher, x)]);
  if (logits.rank !== 2) throw new TypeError(`the teacher's output has shape [${logits.shape.join(', ')}]; distillation needs logits [batch, classes]`);
  return logits as tf.Tensor2D;
}

/** log softmax(logits / T): soft targets in log space. */
export function softLogProbs(logits: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.logSoftmax(tf.div(logits, temperature)) as tf.Tensor2D;
}

/**
 * KL(p ‖ softmax(s/T)) summed over classes and averaged over samples, where p is
 * given by its logarithm `targetLogProbs` [n, classes] (e.g. {@link softLogProbs} of
 * a teacher's logits, or a multi-teacher mixture). Not scaled by T². Reduction
 * 'mean' divides by the class count too (see {@link SoftTargetOptions.klReduction}).
 */
export function softTargetKl(studentLogits: tf.Tensor2D, targetLogProbs: tf.Tensor2D, temperature: number, reduction: KlReduction = 'batchmean'): tf.Scalar {
  if (reduction !== 'batchmean' && reduction !== 'mean') throw new RangeError(`klReduction must be 'batchmean' or 'mean', got ${JSON.stringify(reduction)}`);
  if (studentLogits.shape[1] !== targetLogProbs.shape[1] || studentLogits.shape[0] !== targetLogProbs.shape[0]) {
    throw new RangeError(`student logits [${studentLogits.shape.join(', ')}] and teacher targets [${targetLogProbs.shape.join(', ')}] differ in shape; teacher and student must predict the same classes`);
  }
  return tf.tidy(() => {
    const student = softLogProbs(studentLogits, temperature);
    const perSample = tf.sum(tf.mul(tf.exp(targetLogProbs), tf.sub(targetLogProbs, student)), 1);
    const kl = tf.mean(perSample);
    return (reduction === 'mean' ? tf.div(kl, studentLogits.shape[1]) : kl) as tf.Scalar;
  });
}

/**
 * The distillation loss of one batch: α·T²·KL(targets ‖ softmax(s/T)) + (1 − α)·CE(labels, s),
 * with the KL averaged per sample ({@link softTargetKl}).
 */
export function distillationLoss(labels: tf.Tensor2D, studentLogits: tf.Tensor2D, targetLogProbs: tf.Tensor2D, options: SoftTargetOptions = {}): tf.Scalar {
  const { temperature, alpha } = resolveSoftTargetOptions(options);
  return tf.tidy(() => {
    const soft = tf.mul(softTargetKl(studentLogits, targetLogProbs, temperature, options.klReduction), alpha * temperature * temperature);
    if (alpha === 1) return soft as tf.Scalar;
    return tf.add(soft, tf.mul(tf.losses.softmaxCrossEntropy(labels, studentLogits), 1 - alpha)) as tf.Scalar;
  });
}

/**
 * A {@link LossFn} for {@link train} (and QAT, pruning fine-tuning): Hinton's
 * soft-target distillation from `teacher`, which runs without gradient on each
 * batch's inputs. `α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1 − α)·CE`; defaults
 * T = 2, α = 0.5. Throws for a bad teacher or option now, not at the first batch.
 *
 * @example
 * await train(student, data, { hooks: { loss: softTargetLoss(teacher, { temperature: 2, alpha: 0.5 }) } });
 */
export function softTargetLoss(teacher: Teacher, options: SoftTargetOptions = {}): LossFn {
  checkTeacher(teacher);
  const resolved = { ...resolveSoftTargetOptions(options), klReduction: options.klReduction };
  return (labels, logits, inputs) => {
    const targets = softLogProbs(teacherLogits(teacher, inputs), resolved.temperature);
    return distillationLoss(labels, logits, targets, resolved);
  };
}

/** Options that make a teacher's soft targets a training loss (pruning and QAT fine-tuning). */
export interface TeacherOptions extends SoftTargetOptions {
  /** A tf.LayersModel or LiteModel whose soft targets guide the training. */
  teacher?: Teacher;
}

/**
 * The distillation loss `options` ask for — {@link softTargetLoss} of
 * `options.teacher` — checked now, or undefined without a teacher (then
 * temperature and alpha are errors: they would silently do nothing).
 */
export function teacherLoss(options: TeacherOptions): LossFn | undefined {
  if (options.teacher === undefined) {
    if (options.temperature !== undefined || options.alpha !== undefined) {
      throw new TypeError('options.temperature and options.alpha are distillation settings: pass options.teacher too');
    }
    return undefined;
  }
  return softTargetLoss(options.teacher, { temperature: options.temperature, alpha: options.alpha });
}
