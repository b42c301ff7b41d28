/**
 * `pruneStep(options)`: {@link prune} as a pipeline step of @lite/core. The context
 * supplies what the options leave out: training data, validation data, the teacher
 * (soft targets for the fine-tuning), progress and seed.
 */
import { isLiteGraph, namedStep, toTrainable, type Step } from '@lite/core';
import { prune } from './prune.js';
import type { PruneOptions } from './options.js';
import { PRUNE_VERSION } from './report.js';

/**
 * A pipeline step that prunes the model (with its fine-tuning and masks) and returns
 * the pruned tf.LayersModel (exact zeros where pruned). A graph input is expanded to
 * fp32 first. Options given here win over the context's data, validation, teacher,
 * progress and seed. Teacher settings (`temperature`, `alpha`) apply to the context's teacher too.
 */
export function pruneStep(options: PruneOptions): Step {
  if (options === null || typeof options !== 'object') throw new TypeError('pruneStep needs prune options, e.g. { sparsity: 0.9, finetune: { epochs: 2 } }');
  return namedStep('prune', async (model, ctx) => {
    const input = toTrainable(model, 'pruned');
    try {
      const teacher = options.teacher ?? ctx.teacher;
      const result = await prune(input, { data: ctx.data, validation: ctx.validation, progress: ctx.progress, seed: ctx.seed, ...options, teacher });
      const recorded = { ...options, data: undefined, validation: undefined, sensitivityData: undefined, progress: undefined, teacher: teacher ? true : undefined, loss: undefined, schedule: typeof options.schedule === 'object' && options.schedule !== null && !('kind' in options.schedule) ? 'custom' : options.schedule };
      ctx.provenance?.push({
        step: 'prune',
        options: { ...(JSON.parse(JSON.stringify(recorded)) as Record<string, unknown>), overall: result.report.overall },
        at: new Date().toISOString(),
        version: PRUNE_VERSION,
      });
      return result.model;
    } finally {
      if (isLiteGraph(model)) input.dispose();
    }
  });
}
