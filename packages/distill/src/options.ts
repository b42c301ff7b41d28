import type * as tfl from '@tensorflow/tfjs-layers';
import {
  OPTIMIZER_NAMES,
  type Dataset,
  type OptimizerName,
  type ProgressSink,
  type Teacher,
  checkTeacher,
  resolveSoftTargetOptions,
} from '@lite/core';
import type { FeatureOptions } from './feature/hints.js';
import type { RelationOptions } from './relation/rkd.js';

/** The distillation methods of {@link distill}. */
export type DistillMethod = 'kd' | 'fitnets' | 'rkd' | 'multi' | 'self';

/** Every method, for argument checking. */
export const DISTILL_METHODS: readonly DistillMethod[] = ['kd', 'fitnets', 'rkd', 'multi', 'self'];

/**
 * A student: a Layers model (trained in place), a zoo model name ('seedStudent', …,
 * built with `seed`), or a builder `(seed) => model` (born-again generations call it
 * once per generation).
 */
export type StudentSpec = tfl.LayersModel | string | ((seed: number) => tfl.LayersModel);

/** Options of {@link distill}. */
export interface DistillOptions {
  /** The teacher (or, for 'multi', the teachers); runs without gradient. Optional for 'self'. */
  teacher?: Teacher | Teacher[];
  student: StudentSpec;
  /** Training split. */
  data: Dataset;
  /** Held-out split: per-epoch accuracy, the report, and 'multi' weights learned from accuracy. */
  validation?: Dataset;
  /**
   * - 'kd' (default): soft targets (Hinton).
   * - 'fitnets': soft targets + hint losses on chosen layer pairs (learned adapters; attention transfer as an option).
   * - 'rkd': soft targets + relational distance and angle losses on a layer's embeddings.
   * - 'multi': soft targets from several teachers, weighted.
   * - 'self': born-again generations of the student's architecture.
   */
  method?: DistillMethod;
  /** Softmax temperature T (default 2). */
  temperature?: number;
  /** Weight of the soft-target term in [0, 1]; the hard labels get 1 − α (default 0.5). 0 trains on labels (+ feature/relation terms) only. */
  alpha?: number;
  /** 'fitnets': the layer pairs and weights. */
  features?: FeatureOptions;
  /** 'rkd': the embedding layers and weights. */
  relation?: RelationOptions;
  /** 'multi': a weight per teacher (normalised to sum 1), or 'accuracy' (default): proportional to each teacher's validation accuracy. */
  teacherWeights?: number[] | 'accuracy';
  /** 'self': distilled generations after the first (default 2). */
  generations?: number;
  /** Also train a copy of the student alone (same initial weights, recipe and seed) and compare (default false). */
  compareBaseline?: boolean;
  /** The training recipe (core's `train`; defaults: the seed recipe, SGD 0.01, momentum 0.5, batch 64, 10 epochs, seed 0). */
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerName;
  learningRate?: number;
  momentum?: number;
  seed?: number;
  /** Progress output (console by default; core's `silentProgress` to silence). */
  progress?: ProgressSink;
}

/** The training recipe shared by the distilled student and its baseline. */
export interface Recipe {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  learningRate?: number;
  momentum?: number;
  seed: number;
}

/** Options after defaults and checks. */
export interface ResolvedDistillOptions extends DistillOptions {
  method: DistillMethod;
  temperature: number;
  alpha: number;
  teachers: Teacher[];
  generations: number;
  recipe: Recipe;
}

const KNOWN = new Set([
  'teacher', 'student', 'data', 'validation', 'method', 'temperature', 'alpha', 'features', 'relation', 'teacherWeights', 'generations',
  'compareBaseline', 'epochs', 'batchSize', 'optimizer', 'learningRate', 'momentum', 'seed', 'progress',
]);

function positiveInt(name: string, value: unknown, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RangeError(`distill option ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return v;
}

/** Applies the defaults; throws a TypeError/RangeError that names the bad option and what to pass instead. */
export function resolveDistillOptions(options: DistillOptions): ResolvedDistillOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('distill needs an options object: { teacher, student, data, method?, temperature?, alpha?, … }');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new RangeError(`unknown distill option '${key}'; known: ${[...KNOWN].join(', ')}`);
  }
  const method = options.method ?? 'kd';
  if (!DISTILL_METHODS.includes(method)) throw new RangeError(`distill method must be one of ${DISTILL_METHODS.join(', ')}; got ${JSON.stringify(method)}`);
  const { temperature, alpha } = resolveSoftTargetOptions({ temperature: options.temperature, alpha: options.alpha });
  const teachers = options.teacher === undefined ? [] : Array.isArray(options.teacher) ? options.teacher : [options.teacher];
  teachers.forEach((t, i) => checkTeacher(t, teachers.length > 1 ? `teacher ${i + 1}` : 'teacher'));
  if (teachers.length === 0 && method !== 'self') throw new TypeError(`distill method '${method}' needs a teacher: pass options.teacher (a tf.LayersModel or a LiteModel)`);
  if (teachers.length > 1 && method !== 'multi') throw new TypeError(`${teachers.length} teachers were given; method '${method}' takes one (use method 'multi' for several)`);
  if (method === 'multi' && teachers.length < 2) throw new TypeError("method 'multi' needs at least two teachers: pass options.teacher as an array");
  if (method === 'self' && teachers.length > 1) throw new TypeError("method 'self' takes at most one teacher (the first generation's); without one, generation 0 is the student trained alone");
  const { student, data } = options;
  if (typeof student !== 'string' && typeof student !== 'function' && (student === null || typeof student !== 'object' || typeof (student as tfl.LayersModel).apply !== 'function')) {
    throw new TypeError("distill option student must be a tf.LayersModel, a zoo model name (e.g. 'seedStudent') or a function (seed) => model");
  }
  if (!data || typeof data !== 'object' || !(data.images instanceof Float32Array)) throw new TypeError('distill option data must be a Dataset (e.g. (await loadMnist()).train)');
  if (method === 'fitnets' && !options.features) throw new TypeError("method 'fitnets' needs options.features: { pairs: [{ student: 'fc1', teacher: 'fc1' }] } (layer names)");
  const weights = options.teacherWeights;
  if (weights !== undefined && weights !== 'accuracy' && !(Array.isArray(weights) && weights.every((w) => typeof w === 'number' && w >= 0 && Number.isFinite(w)))) {
    throw new TypeError(`distill option teacherWeights must be 'accuracy' or an array of non-negative numbers, got ${JSON.stringify(weights)}`);
  }
  const generations = positiveInt('generations', options.generations, 2);
  const optimizer = options.optimizer ?? 'sgd';
  if (!OPTIMIZER_NAMES.includes(optimizer)) throw new RangeError(`distill option optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}; got ${JSON.stringify(optimizer)}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new TypeError(`distill option seed must be an integer, got ${JSON.stringify(seed)}`);
  const recipe: Recipe = {
    epochs: positiveInt('epochs', options.epochs, 10),
    batchSize: positiveInt('batchSize', options.batchSize, 64),
    optimizer,
    learningRate: options.learningRate,
    momentum: options.momentum,
    seed,
  };
  return { ...options, method, temperature, alpha, teachers, generations, recipe };
}
