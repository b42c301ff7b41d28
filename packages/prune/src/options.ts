import { type Dataset, type LossFn, type OptimizerName, OPTIMIZER_NAMES, type ProgressSink, type Teacher, teacherLoss } from '@lite/core';
import type { ImportanceMethod } from './importance/index.js';
import { checkPattern, parseNM, type NMPattern } from './nm/index.js';
import { type PruningSchedule, SCHEDULE_KINDS, type ScheduleKind } from './schedule/index.js';
import { DEFAULT_SENSITIVITY_SPARSITIES, checkSparsities } from './sensitivity/index.js';

/** How weights are chosen: by a score ({@link ImportanceMethod}), after L1 sparse training, or under a fixed threshold. */
export type PruneMethod = ImportanceMethod | 'l1' | 'threshold';

export const PRUNE_METHODS: readonly PruneMethod[] = ['magnitude', 'taylor', 'l1', 'threshold', 'random'];

/**
 * Where the sparsity target applies: every layer alike ('layer'), all weights ranked
 * together ('global'), or per-layer sparsities chosen from a sensitivity analysis
 * to meet the target overall with the least accuracy loss ('auto').
 */
export type PruneScope = 'layer' | 'global' | 'auto';

export const PRUNE_SCOPES: readonly PruneScope[] = ['layer', 'global', 'auto'];

/** A schedule by its settings (counted in optimizer steps); unset steps get defaults from the fine-tuning length. */
export interface ScheduleSpec {
  kind: ScheduleKind;
  /** Polynomial: sparsity at beginStep (default 0). */
  initialSparsity?: number;
  /** Default: options.sparsity. */
  finalSparsity?: number;
  /** Default 0. */
  beginStep?: number;
  /** Default: 60% of the fine-tuning steps (polynomial), beginStep (constant). */
  endStep?: number;
  /** Masks recomputed every `frequency` steps; default: 20 updates between begin and end. */
  frequency?: number;
}

/** Fine-tuning after (or while) pruning, on options.data. */
export interface FinetuneOptions {
  /** Default 0 (no fine-tuning); a gradual schedule needs at least 1. */
  epochs?: number;
  /** Default 'adam'. */
  optimizer?: OptimizerName;
  /** Default 1e-3 (Adam) or 0.01 (SGD). */
  learningRate?: number;
  /** SGD momentum (default 0.5). */
  momentum?: number;
  /** Default 64. */
  batchSize?: number;
}

/** Options of {@link prune}. */
export interface PruneOptions {
  /** Fraction of the kernels' weights to remove, in [0, 1). Needed except for 'threshold' and N:M. */
  sparsity?: number;
  /** Default 'magnitude'. */
  method?: PruneMethod;
  /** For 'threshold' (|w| < threshold → 0), and for 'l1' instead of a sparsity. */
  threshold?: number;
  /** Default 'layer'. */
  scope?: PruneScope;
  /** For scope 'layer': per-layer sparsities overriding `sparsity` (by layer name). */
  layerSparsity?: Readonly<Record<string, number>>;
  /** Default 'oneshot': prune once, then fine-tune with the masks fixed. */
  schedule?: ScheduleKind | ScheduleSpec | PruningSchedule;
  /** Layer names left unpruned (default none). */
  exclude?: readonly string[];
  /** N:M semi-structured sparsity, e.g. { n: 2, m: 4 } or '2:4'. */
  nm?: NMPattern | string;
  finetune?: FinetuneOptions;
  /** Training data: fine-tuning, L1 training, Taylor gradients. */
  data?: Dataset;
  /** Held-out data: accuracy before/after in the report; sensitivity for scope 'auto'. */
  validation?: Dataset;
  /** L1 sparse training before pruning (method 'l1'). */
  l1?: { strength?: number; epochs?: number };
  /** Scope 'auto': the data its sensitivity analysis measures accuracy on (default: validation). Keep it apart from the data you report on. */
  sensitivityData?: Dataset;
  /** Scope 'auto': the sparsities its sensitivity analysis tries. */
  sensitivitySparsities?: readonly number[];
  /** Taylor importance: batches of data whose gradients are averaged (default 8). */
  importanceBatches?: number;
  /** Keep pruned weights at zero during fine-tuning (default true). false reproduces the reference recipe, whose weights grow back. */
  masks?: boolean;
  /** A training loss replacing softmax cross-entropy (e.g. a distillation loss). */
  loss?: LossFn;
  /**
   * A teacher (tf.LayersModel or LiteModel, e.g. the unpruned model) whose soft
   * targets guide fine-tuning: the loss becomes core's `softTargetLoss(teacher,
   * { temperature, alpha })` (joint pruning + distillation). Not with `loss`.
   */
  teacher?: Teacher;
  /** With `teacher`: softmax temperature (default 2). */
  temperature?: number;
  /** With `teacher`: weight of the soft targets in [0, 1] (default 0.5). */
  alpha?: number;
  seed?: number;
  progress?: ProgressSink;
}

/** Options after defaults, checked. */
export interface ResolvedPruneOptions extends PruneOptions {
  method: PruneMethod;
  scope: PruneScope;
  exclude: readonly string[];
  nm?: NMPattern;
  /** The final target: options.sparsity, 1 − N/M, or undefined for a threshold. */
  target?: number;
  scheduleKind: ScheduleKind;
  finetune: Required<Omit<FinetuneOptions, 'learningRate'>> & { learningRate?: number };
  l1: { strength: number; epochs: number };
  sensitivitySparsities: readonly number[];
  masks: boolean;
  seed: number;
}

function fraction(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new RangeError(`${name} must be a number in [0, 1) (e.g. 0.9 for 90% zeros), got ${JSON.stringify(value)}`);
  return value;
}

function nonNegativeInt(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw new RangeError(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return value as number;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new RangeError(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  return value as T;
}

function scheduleKindOf(schedule: PruneOptions['schedule']): ScheduleKind {
  if (schedule === undefined) return 'oneshot';
  if (typeof schedule === 'string') return oneOf('schedule', schedule, SCHEDULE_KINDS);
  if (schedule && typeof schedule === 'object') return oneOf('schedule.kind', schedule.kind, SCHEDULE_KINDS);
  throw new TypeError(`schedule must be 'oneshot', 'constant', 'polynomial', a schedule spec { kind, … } or a PruningSchedule; got ${JSON.stringify(schedule)}`);
}

/** Applies the defaults and throws a TypeError/RangeError naming the first bad option and what to do. */
export function resolvePruneOptions(options: PruneOptions): ResolvedPruneOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('prune needs an options object, e.g. { sparsity: 0.9 }');
  const method = oneOf('method', options.method ?? 'magnitude', PRUNE_METHODS);
  const scope = oneOf('scope', options.scope ?? 'layer', PRUNE_SCOPES);
  const scheduleKind = scheduleKindOf(options.schedule);
  const exclude = options.exclude ?? [];
  if (!Array.isArray(exclude) || exclude.some((e) => typeof e !== 'string')) throw new TypeError('exclude must be an array of layer names');
  const nm = options.nm === undefined ? undefined : typeof options.nm === 'string' ? parseNM(options.nm) : { n: options.nm.n, m: options.nm.m };
  if (nm) checkPattern(nm.n, nm.m);

  let target: number | undefined;
  if (options.sparsity !== undefined) target = fraction('sparsity', options.sparsity);
  const scheduleFinal = typeof options.schedule === 'object' ? ('finalSparsity' in options.schedule ? options.schedule.finalSparsity : undefined) : undefined;
  if (scheduleFinal !== undefined) {
    fraction('schedule.finalSparsity', scheduleFinal);
    if (target !== undefined && target !== scheduleFinal) throw new RangeError(`sparsity ${target} and schedule.finalSparsity ${scheduleFinal} disagree; give one of them`);
    target = scheduleFinal;
  }
  if (options.threshold !== undefined && !(typeof options.threshold === 'number' && options.threshold > 0 && Number.isFinite(options.threshold))) {
    throw new RangeError(`threshold must be a positive number (|w| < threshold → 0), got ${JSON.stringify(options.threshold)}`);
  }
  if (method === 'threshold') {
    if (options.threshold === undefined) throw new TypeError("method 'threshold' needs options.threshold (e.g. 0.1: every |w| < 0.1 becomes 0)");
    if (target !== undefined) throw new RangeError("method 'threshold' sets no sparsity (the threshold decides it); drop sparsity or use method 'magnitude'");
  } else if (options.threshold !== undefined && method !== 'l1') {
    throw new RangeError(`threshold only applies to methods 'threshold' and 'l1', not '${method}'`);
  }
  if (nm) {
    if (target !== undefined) throw new RangeError(`N:M ${nm.n}:${nm.m} sets the sparsity (${1 - nm.n / nm.m}); drop sparsity`);
    if (method === 'threshold' || options.threshold !== undefined) throw new RangeError('N:M sparsity and a threshold cannot be combined; choose one');
    if (scope !== 'layer') throw new RangeError(`N:M sparsity applies per layer; drop scope '${scope}'`);
    target = 1 - nm.n / nm.m;
  }
  if (target === undefined && options.threshold === undefined) {
    throw new TypeError(`method '${method}' needs a target: pass options.sparsity (e.g. 0.9)${method === 'l1' ? ' or options.threshold' : ''}`);
  }
  if (options.layerSparsity !== undefined) {
    if (scope !== 'layer') throw new RangeError(`layerSparsity applies to scope 'layer', not '${scope}'`);
    if (nm || target === undefined) throw new RangeError('layerSparsity needs a sparsity target and no N:M pattern');
    for (const [layer, s] of Object.entries(options.layerSparsity)) fraction(`layerSparsity.${layer}`, s);
  }
  if (options.threshold !== undefined && scope !== 'layer') throw new RangeError(`a threshold applies to every weight alike; drop scope '${scope}'`);
  if (method === 'l1' && options.threshold !== undefined && target !== undefined) {
    throw new RangeError("method 'l1' prunes either to a sparsity or under a threshold; give one of sparsity and threshold");
  }
  if (scheduleKind !== 'oneshot' && (options.threshold !== undefined || nm)) {
    throw new RangeError(`schedule '${scheduleKind}' ramps a sparsity; a threshold or an N:M pattern prunes once: use schedule 'oneshot'`);
  }

  const f = options.finetune ?? {};
  const finetune = {
    epochs: nonNegativeInt('finetune.epochs', f.epochs ?? 0),
    optimizer: oneOf('finetune.optimizer', f.optimizer ?? 'adam', OPTIMIZER_NAMES),
    momentum: f.momentum ?? 0.5,
    batchSize: f.batchSize ?? 64,
    ...(f.learningRate !== undefined ? { learningRate: f.learningRate } : {}),
  };
  if (finetune.learningRate !== undefined && !(finetune.learningRate > 0 && Number.isFinite(finetune.learningRate))) {
    throw new RangeError(`finetune.learningRate must be a positive number, got ${JSON.stringify(finetune.learningRate)}`);
  }
  if (!Number.isInteger(finetune.batchSize) || finetune.batchSize < 1) throw new RangeError(`finetune.batchSize must be a positive integer, got ${JSON.stringify(finetune.batchSize)}`);
  const l1 = { strength: options.l1?.strength ?? 1e-4, epochs: nonNegativeInt('l1.epochs', options.l1?.epochs ?? 2) };
  if (!(l1.strength > 0 && Number.isFinite(l1.strength))) throw new RangeError(`l1.strength must be a positive number, got ${JSON.stringify(l1.strength)}`);
  if (method === 'l1' && l1.epochs < 1) throw new RangeError("method 'l1' trains with an L1 penalty first: l1.epochs must be ≥ 1");
  if (scheduleKind !== 'oneshot' && finetune.epochs < 1) {
    throw new RangeError(`schedule '${scheduleKind}' prunes during fine-tuning: set finetune.epochs ≥ 1 (and pass data), or use schedule 'oneshot'`);
  }
  const needsData = finetune.epochs > 0 ? 'fine-tuning' : method === 'taylor' ? "method 'taylor' (its gradients)" : method === 'l1' ? "method 'l1' (its L1 training)" : undefined;
  if (needsData && !options.data) throw new TypeError(`${needsData} needs training data: pass options.data (e.g. (await loadMnist()).train)`);
  if (scope === 'auto' && !options.validation && !options.sensitivityData) {
    throw new TypeError("scope 'auto' measures each layer's sensitivity: pass options.sensitivityData or options.validation (held-out data)");
  }
  const sensitivitySparsities = checkSparsities(options.sensitivitySparsities ?? DEFAULT_SENSITIVITY_SPARSITIES);
  const masks = options.masks ?? true;
  if (typeof masks !== 'boolean') throw new TypeError(`masks must be true or false, got ${JSON.stringify(masks)}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${JSON.stringify(seed)}`);
  if (options.importanceBatches !== undefined && (!Number.isInteger(options.importanceBatches) || options.importanceBatches < 1)) {
    throw new RangeError(`importanceBatches must be a positive integer, got ${JSON.stringify(options.importanceBatches)}`);
  }
  const distill = teacherLoss(options);
  if (distill && options.loss) throw new TypeError('give options.loss or options.teacher (whose soft targets become the loss), not both');
  const loss = options.loss ?? distill;
  return { ...options, method, scope, exclude, nm, target, scheduleKind, finetune, l1, sensitivitySparsities, masks, seed, loss };
}
