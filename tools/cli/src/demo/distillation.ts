// Our distillation beyond plain KD: the student alone (the baseline) and FitNets hints.
import { createModel, train } from '@lite/core';
import { distill } from '@lite/distill';
import type { Model } from '../report.js';
import { type DemoContext, type DemoRow, measureRow, since } from './row.js';
import { SEED_RECIPE } from './teacher.js';

/** seedStudent trained alone with the seed recipe, and distilled with soft targets plus fc1 feature hints. */
export async function distillationRows(ctx: DemoContext, teacher: Model): Promise<DemoRow[]> {
  const epochs = ctx.settings.studentEpochs;
  const rows: DemoRow[] = [];
  ctx.step(`distillation: seedStudent alone (no teacher), seed recipe, ${epochs} epochs`);
  let t0 = performance.now();
  const alone = createModel('seedStudent', { seed: SEED_RECIPE.seed });
  await train(alone, ctx.train, { ...SEED_RECIPE, epochs, progress: ctx.progress });
  rows.push(measureRow(ctx, alone, {
    group: 'distillation', arch: 'seedStudent', versus: 'seedCnn', seconds: since(t0),
    name: 'seedStudent alone', recipe: `the student trained on labels only, seed recipe, ${epochs} epochs`,
  }));
  alone.dispose();
  ctx.step(`distillation: FitNets (soft targets + fc1 hints), ${epochs} epochs`);
  t0 = performance.now();
  const fit = await distill({
    teacher, student: 'seedStudent', data: ctx.train, method: 'fitnets', temperature: 2, alpha: 0.5, features: { pairs: [{ student: 'fc1', teacher: 'fc1' }] },
    epochs, batchSize: SEED_RECIPE.batchSize, optimizer: 'sgd', learningRate: SEED_RECIPE.learningRate, momentum: SEED_RECIPE.momentum, seed: SEED_RECIPE.seed, progress: ctx.progress,
  });
  rows.push(measureRow(ctx, fit.student, {
    group: 'distillation', arch: 'seedStudent', versus: 'seedCnn', seconds: since(t0),
    name: 'seedStudent FitNets', recipe: `KD (T 2, α 0.5) + L2 hints from the teacher's fc1 through a learned adapter, ${epochs} epochs SGD`,
  }));
  fit.student.dispose();
  return rows;
}
