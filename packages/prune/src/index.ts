/**
 * @lite/prune: pruning of tf.js Layers models — unstructured (magnitude, Taylor,
 * random, L1 sparse training, threshold) with per-layer, global or sensitivity-based
 * targets, schedules counted in optimizer steps, masks that hold during fine-tuning,
 * and N:M semi-structured sparsity.
 */
export { prune, type MaskUpdate, type PruneHistory, type PruneResult } from './prune.js';
export {
  PRUNE_METHODS,
  PRUNE_SCOPES,
  resolvePruneOptions,
  type FinetuneOptions,
  type PruneMethod,
  type PruneOptions,
  type PruneScope,
  type ResolvedPruneOptions,
  type ScheduleSpec,
} from './options.js';
export { PRUNE_VERSION, formatPruneReport, formatSensitivityTable, type LayerPruneReport, type PruneAccuracy, type PruneReport } from './report.js';
export { kernelValues, prunableKernels, setKernelValues, type PrunableKernel } from './layers.js';
export * from './importance/index.js';
export * from './l1/index.js';
export * from './masks/index.js';
export * from './nm/index.js';
export * from './schedule/index.js';
export * from './sensitivity/index.js';
export * from './targets/index.js';
export * from './structured/index.js';
export { pruneStep } from './step.js';
