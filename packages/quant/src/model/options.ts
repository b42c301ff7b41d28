import { type Dataset, type LossFn, type ProgressSink, type Teacher, teacherLoss } from '@lite/core';
import { CALIBRATION_METHODS, type CalibrationMethod } from '../calibrate/index.js';
import type { BinaryLayerFormat } from '../binary/network.js';
import type { ActivationQuantizer } from '../binary/quantizers.js';
import type { MixedBudget } from './mixed.js';

/** What {@link quantize} does to the weights (and activations). */
export type QuantizeMode = 'dynamic' | 'static' | 'qat' | 'fp16' | 'int4' | 'kmeans' | 'mixed' | 'binary' | 'ternary';

export const QUANTIZE_MODES: readonly QuantizeMode[] = ['dynamic', 'static', 'qat', 'fp16', 'int4', 'kmeans', 'mixed', 'binary', 'ternary'];

/** Options of {@link quantize}. */
export interface ModelQuantizeOptions {
  mode: QuantizeMode;
  /**
   * Weight bits: 8 (dynamic, static; qat 8 or 4), 4 (int4), 2–8 for kmeans
   * (default 4). fp16 and mixed choose their own.
   */
  bits?: number;
  /** One scale per output channel (default true); false: one per tensor. */
  perChannel?: boolean;
  /** Training split: calibration (static), training (qat, kmeans fine-tuning). */
  data?: Dataset;
  /** Held-out data for mixed precision's accuracy measurements. */
  validation?: Dataset;
  /** Activation range method for static and mixed static (default 'minmax'). */
  calibMethod?: CalibrationMethod;
  /** Calibration samples (default 512). */
  calibSamples?: number;
  /** QAT epochs (default 2) or k-means centroid fine-tuning epochs (default 0: none). */
  epochs?: number;
  learningRate?: number;
  /** For mixed: a size and/or accuracy budget. */
  budget?: MixedBudget;
  seed?: number;
  progress?: ProgressSink;
  /**
   * binary/ternary: weight format per conv/dense layer by name (default: first and
   * last 'int8', hidden layers the mode's); 'binary' | 'ternary' | 'int8' | 'f32'.
   */
  layers?: Record<string, BinaryLayerFormat>;
  /** binary: gradient of the activations' sign, 'steSign' (default) or 'approxSign'. */
  activationQuantizer?: ActivationQuantizer;
  /**
   * QAT only: a teacher (tf.LayersModel or LiteModel, e.g. the fp32 model) whose soft
   * targets guide the fine-tuning: the loss becomes core's `softTargetLoss(teacher, { temperature, alpha })`.
   */
  teacher?: Teacher;
  /** With `teacher`: softmax temperature (default 2). */
  temperature?: number;
  /** With `teacher`: weight of the soft targets in [0, 1] (default 0.5). */
  alpha?: number;
}

/** Options after defaults, checked. */
export interface ResolvedOptions extends ModelQuantizeOptions {
  bits: number;
  perChannel: boolean;
  calibMethod: CalibrationMethod;
  calibSamples: number;
  epochs: number;
  seed: number;
  /** QAT's fine-tuning loss: the teacher's soft targets, when a teacher is given. */
  loss?: LossFn;
}

function defaultBits(mode: QuantizeMode): number {
  return mode === 'binary' ? 1 : mode === 'ternary' ? 2 : mode === 'int4' || mode === 'kmeans' ? 4 : mode === 'fp16' ? 16 : 8;
}

/** Applies the defaults and throws a TypeError/RangeError naming the first bad option. */
export function resolveOptions(options: ModelQuantizeOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('quantize needs an options object with a mode');
  const { mode } = options;
  if (!QUANTIZE_MODES.includes(mode)) throw new RangeError(`mode must be one of ${QUANTIZE_MODES.join(', ')}; got ${JSON.stringify(mode)}`);
  const bits = options.bits ?? defaultBits(mode);
  const allowed: Record<QuantizeMode, readonly number[]> = {
    dynamic: [8, 4], static: [8], qat: [8, 4], fp16: [16], int4: [4], kmeans: [2, 3, 4, 5, 6, 7, 8], mixed: [8], binary: [1], ternary: [2],
  };
  if (!allowed[mode].includes(bits)) throw new RangeError(`mode '${mode}' takes bits ${allowed[mode].join(' or ')}; got ${JSON.stringify(bits)}`);
  const perChannel = options.perChannel ?? true;
  if (typeof perChannel !== 'boolean') throw new TypeError(`perChannel must be true or false, got ${JSON.stringify(perChannel)}`);
  const calibMethod = options.calibMethod ?? 'minmax';
  if (!CALIBRATION_METHODS.includes(calibMethod)) throw new RangeError(`calibMethod must be one of ${CALIBRATION_METHODS.join(', ')}; got ${JSON.stringify(calibMethod)}`);
  const calibSamples = options.calibSamples ?? 512;
  if (!Number.isInteger(calibSamples) || calibSamples < 1) throw new RangeError(`calibSamples must be a positive integer, got ${calibSamples}`);
  const epochs = options.epochs ?? (mode === 'qat' ? 2 : mode === 'binary' || mode === 'ternary' ? 10 : 0);
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`epochs must be a non-negative integer, got ${epochs}`);
  if ((mode === 'static' || mode === 'qat' || mode === 'binary' || mode === 'ternary' || (mode === 'kmeans' && epochs > 0)) && !options.data) {
    const why = mode === 'static' ? 'calibration' : 'training';
    throw new TypeError(`mode '${mode}' needs ${why} data: pass options.data (e.g. (await loadMnist()).train)`);
  }
  if (mode === 'mixed') {
    if (!options.validation) throw new TypeError("mode 'mixed' measures each layer's sensitivity: pass options.validation (held-out data)");
    if (!options.budget) throw new TypeError("mode 'mixed' needs options.budget: { maxBytes } and/or { maxAccuracyDrop } (points)");
  }
  if (options.teacher !== undefined && mode !== 'qat') {
    throw new TypeError(`options.teacher guides QAT's fine-tuning; mode '${mode}' does not train (use mode 'qat')`);
  }
  const loss = teacherLoss(options);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`);
  return { ...options, bits, perChannel, calibMethod, calibSamples, epochs, seed, loss };
}
