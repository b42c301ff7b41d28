import type * as tfl from '@tensorflow/tfjs-layers';
import { type TrainHistory, cloneModel, evaluate, train } from '@lite/core';
import { importanceScores } from './importance/index.js';
import { l1Loss } from './l1/index.js';
import { type PrunableKernel, kernelValues, prunableKernels } from './layers.js';
import { MaskedKernels, type Mask, type Masks, countZeros, maskZeros } from './masks/index.js';
import { nmMask } from './nm/index.js';
import { type PruneOptions, type ResolvedPruneOptions, resolvePruneOptions } from './options.js';
import type { LayerPruneReport, PruneReport } from './report.js';
import { OneShot, type PruningSchedule, buildSchedule, updateSteps } from './schedule/index.js';
import { type SensitivityTable, allocateSparsity, sensitivity } from './sensitivity/index.js';
import { globalMasks, layerMasks, thresholdMask } from './targets/index.js';

/** One mask update of a run. */
export interface MaskUpdate {
  /** The optimizer step after which masks changed (−1: before fine-tuning). */
  step: number;
  /** The scheduled sparsity (overall target for global scope, the ramp's value otherwise). */
  sparsity: number;
  /** Fraction of all pruned kernels' weights masked after the update. */
  achieved: number;
}

/** What happened during {@link prune}, step by step. */
export interface PruneHistory {
  /** The L1 sparse training (method 'l1'). */
  l1?: TrainHistory;
  /** The fine-tuning (with the schedule's pruning inside it). */
  finetune?: TrainHistory;
  updates: MaskUpdate[];
}

/** What {@link prune} returns. */
export interface PruneResult {
  /** The pruned copy (the input model is untouched). Dispose it when done. */
  model: tfl.LayersModel;
  /** The final mask of every pruned layer (1 kept, 0 pruned), in the kernel's layout. */
  masks: Masks;
  report: PruneReport;
  history: PruneHistory;
}

/** Decides each mask update from the current weights. */
class MaskPlanner {
  private current: Mask[] | undefined;
  /** Per-layer final targets (scope layer/auto); undefined for global, threshold, N:M. */
  layerTargets: number[] | undefined;

  constructor(private readonly model: tfl.LayersModel, private readonly kernels: PrunableKernel[], private readonly o: ResolvedPruneOptions) {}

  /** Masks for the scheduled sparsity `s`; weights pruned by an earlier update stay pruned. */
  masks(s: number): Mask[] {
    const { o, kernels } = this;
    let next: Mask[];
    if (o.threshold !== undefined) {
      next = kernels.map((k) => thresholdMask(kernelValues(k), o.threshold!));
    } else {
      const method = o.method === 'l1' || o.method === 'threshold' ? 'magnitude' : o.method;
      const scores = importanceScores(this.model, kernels, method, { data: o.data, seed: o.seed, batches: o.importanceBatches, loss: o.loss });
      if (this.current) scores.forEach((sc, i) => this.current![i].forEach((keep, j) => { if (!keep) sc[j] = -Infinity; }));
      if (o.nm) next = scores.map((sc, i) => nmMask(sc, kernels[i].shape, o.nm!.n, o.nm!.m));
      else if (o.scope === 'global') next = globalMasks(scores, s);
      else {
        const ratio = o.target! > 0 ? s / o.target! : 0;
        next = layerMasks(scores, this.layerTargets!.map((t) => t * ratio));
      }
    }
    this.current = next;
    return next;
  }
}

/** A report row's sparsities from the kernels' values. */
function layerSparsities(kernels: readonly PrunableKernel[]): number[] {
  return kernels.map((k) => countZeros(kernelValues(k)) / k.size);
}

/**
 * Prunes a copy of `model` and returns it with its masks, a per-layer report and the
 * run's history. Only conv/dense kernels are pruned (never biases or normalization
 * parameters), except the layers in `exclude`.
 *
 * - `method`: which weights go — 'magnitude' (|w|), 'taylor' (|g·w| on `data`),
 *   'random' (a baseline), 'l1' (L1 sparse training first, then the near-zero weights),
 *   or 'threshold' (|w| < `threshold`, the first reference document's recipe).
 * - `scope`: the same `sparsity` for every layer ('layer'), the lowest-ranked weights of
 *   all layers together ('global'), or per-layer sparsities from a sensitivity analysis
 *   on `validation` that meet `sparsity` overall with the least accuracy loss ('auto').
 * - `schedule` (counted in optimizer steps): 'oneshot' prunes before fine-tuning;
 *   'polynomial' (Zhu & Gupta cubic) and 'constant' prune inside the fine-tuning loop,
 *   updating masks every `frequency` steps.
 * - `nm`: N:M semi-structured sparsity (e.g. 2:4) along each kernel's reduction dimension.
 * - `masks` (default true): pruned weights are re-zeroed after every optimizer step, so
 *   they stay exactly zero; false lets them grow back (the reference recipe).
 */
export async function prune(model: tfl.LayersModel, options: PruneOptions): Promise<PruneResult> {
  const o = resolvePruneOptions(options);
  if (!model || typeof model.toJSON !== 'function' || !Array.isArray(model.layers)) {
    throw new TypeError('prune takes a tf.LayersModel: load one with loadModel(dir), or expand a LiteModel with model.toLayersModel()');
  }
  const pruned = await cloneModel(model);
  try {
    const kernels = prunableKernels(pruned, o.exclude);
    if (o.layerSparsity) {
      const names = new Set(kernels.map((k) => k.layer));
      for (const layer of Object.keys(o.layerSparsity)) {
        if (!names.has(layer)) throw new RangeError(`layerSparsity names ${layer}, which is not a prunable layer; prunable: ${[...names].join(', ')}`);
      }
    }
    const maskedKernels = new MaskedKernels(kernels);
    const accuracy = async () => (o.validation ? 100 * (await evaluate(pruned, o.validation)).accuracy : NaN);
    const before = await accuracy();
    const history: PruneHistory = { updates: [] };
    const trainSettings = {
      optimizer: o.finetune.optimizer, learningRate: o.finetune.learningRate, momentum: o.finetune.momentum,
      batchSize: o.finetune.batchSize, seed: o.seed, progress: o.progress, validation: o.validation,
    };
    if (o.method === 'l1') {
      history.l1 = await train(pruned, o.data!, { ...trainSettings, epochs: o.l1.epochs, hooks: { loss: l1Loss(kernels, o.l1.strength, o.loss) } });
    }

    const planner = new MaskPlanner(pruned, kernels, o);
    let table: SensitivityTable | undefined;
    if (o.scope === 'auto') {
      const method = o.method === 'taylor' || o.method === 'random' ? o.method : 'magnitude';
      table = await sensitivity(pruned, o.sensitivityData ?? o.validation!, {
        sparsities: o.sensitivitySparsities, method, exclude: o.exclude, seed: o.seed, progress: o.progress, gradientData: o.data,
      });
      const allocation = allocateSparsity(table, o.target!);
      planner.layerTargets = kernels.map((k) => allocation[k.layer]);
    } else if (o.scope === 'layer' && o.target !== undefined) {
      planner.layerTargets = kernels.map((k) => o.layerSparsity?.[k.layer] ?? o.target!);
    }

    const stepsPerEpoch = o.data ? Math.ceil(o.data.count / o.finetune.batchSize) : 0;
    const totalSteps = o.finetune.epochs * stepsPerEpoch;
    const spec = o.schedule === undefined || typeof o.schedule === 'string' ? { kind: o.scheduleKind } : o.schedule;
    const schedule: PruningSchedule = o.scheduleKind === 'oneshot' ? new OneShot(o.target ?? 0) : buildSchedule(spec, o.target!, totalSteps);
    const planned = schedule.kind === 'oneshot' ? 1 : updateSteps(schedule, totalSteps).length;

    let afterPruning: number[] = [];
    let accuracyAfterPruning = NaN;
    let finalMasks: Mask[] = [];
    const update = (step: number) => {
      const s = schedule.sparsityAt(step);
      finalMasks = planner.masks(s);
      finalMasks.forEach((m, i) => maskedKernels.set(kernels[i].layer, m));
      const zeros = finalMasks.reduce((n, m) => n + maskZeros(m), 0);
      const achieved = zeros / kernels.reduce((n, k) => n + k.size, 0);
      history.updates.push({ step, sparsity: s, achieved });
      const when = step < 0 ? 'before fine-tuning' : `step ${step}`;
      o.progress?.task?.({ label: 'pruning', done: history.updates.length, total: planned, detail: `${when}: ${(100 * achieved).toFixed(1)}% zeros` });
    };
    const pruningDone = async () => {
      afterPruning = layerSparsities(kernels);
      accuracyAfterPruning = await accuracy();
    };

    if (schedule.kind === 'oneshot') {
      update(-1);
      await pruningDone();
    }
    try {
      if (o.finetune.epochs > 0) {
        history.finetune = await train(pruned, o.data!, {
          ...trainSettings,
          epochs: o.finetune.epochs,
          hooks: {
            loss: o.loss,
            onBatchEnd: async (step) => {
              if (schedule.updatesAt(step)) {
                update(step);
                if (step === schedule.endStep) await pruningDone();
              } else if (o.masks) {
                maskedKernels.apply();
              }
            },
          },
        });
      }
    } finally {
      maskedKernels.dispose();
    }
    // A custom schedule that never updated at its endStep: pruning ended with the last update.
    if (afterPruning.length === 0) await pruningDone();
    const afterFinetune = layerSparsities(kernels);
    const after = o.finetune.epochs > 0 ? await accuracy() : accuracyAfterPruning;
    const report = buildReport(o, schedule, kernels, finalMasks, planner.layerTargets, afterPruning, afterFinetune, table);
    if (o.validation) report.accuracy = { before, afterPruning: accuracyAfterPruning, after };
    const masks: Masks = new Map(kernels.map((k, i) => [k.layer, finalMasks[i]]));
    return { model: pruned, masks, report, history };
  } catch (err) {
    pruned.dispose();
    throw err;
  }
}

function buildReport(
  o: ResolvedPruneOptions, schedule: PruningSchedule, kernels: readonly PrunableKernel[], masks: readonly Mask[], targets: readonly number[] | undefined,
  afterPruning: readonly number[], afterFinetune: readonly number[], table: SensitivityTable | undefined,
): PruneReport {
  const layers = kernels.map((k, i): LayerPruneReport => ({
    layer: k.layer, className: k.className, shape: k.shape, weights: k.size,
    asked: o.threshold !== undefined ? null : targets ? targets[i] : maskZeros(masks[i]) / k.size,
    afterPruning: afterPruning[i], afterFinetune: afterFinetune[i],
  }));
  const weights = kernels.reduce((n, k) => n + k.size, 0);
  const overall = (per: readonly number[]) => per.reduce((n, s, i) => n + s * kernels[i].size, 0) / weights;
  return {
    method: o.method, scope: o.scope, schedule: schedule.kind, masks: o.masks, asked: o.target ?? null,
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}), ...(o.nm ? { nm: o.nm } : {}),
    finetuneEpochs: o.finetune.epochs, layers,
    overall: { weights, afterPruning: overall(afterPruning), afterFinetune: overall(afterFinetune) },
    ...(table ? { sensitivity: table } : {}),
  };
}
