// The teacher: seedCnn trained with the reference document's seed recipe.
import { createModel, train } from '@lite/core';
import type { Model } from '../report.js';
import { type DemoContext, type DemoRow, measureRow, recordBaseline, since } from './row.js';

/** The seed recipe (the reference's): SGD lr 0.01, momentum 0.5, batch 64, 10 epochs, seed 0. */
export const SEED_RECIPE = { optimizer: 'sgd', learningRate: 0.01, momentum: 0.5, batchSize: 64, epochs: 10, seed: 0 } as const;

/** Trains seedCnn with the seed recipe; returns the model (the caller disposes it) and its row. */
export async function teacherRows(ctx: DemoContext): Promise<{ teacher: Model; rows: DemoRow[] }> {
  const epochs = ctx.settings.teacherEpochs;
  ctx.step(`teacher: seedCnn, seed recipe (SGD 0.01, momentum 0.5, batch 64), ${epochs} epochs on ${ctx.train.count} digits`);
  const t0 = performance.now();
  const teacher = createModel('seedCnn', { seed: SEED_RECIPE.seed });
  await train(teacher, ctx.train, { ...SEED_RECIPE, epochs, progress: ctx.progress });
  await recordBaseline(ctx, 'seedCnn', teacher);
  const row = measureRow(ctx, teacher, {
    group: 'teacher', name: 'seedCnn fp32', arch: 'seedCnn', seconds: since(t0),
    recipe: `seed recipe: SGD 0.01 m0.5, batch 64, ${epochs} epochs`,
  });
  return { teacher, rows: [row] };
}
