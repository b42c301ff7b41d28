// Our pruning: global magnitude with a polynomial schedule and masks, and 2:4 N:M.
import { prune } from '@lite/prune';
import type { Model } from '../report.js';
import { type DemoContext, type DemoRow, measureRow, since } from './row.js';

/** Global magnitude 90% (polynomial, masked fine-tuning) and 2:4 semi-structured sparsity. */
export async function pruningRows(ctx: DemoContext, teacher: Model): Promise<DemoRow[]> {
  const epochs = ctx.settings.pruneEpochs;
  const rows: DemoRow[] = [];
  const runs = [
    { name: 'magnitude 90% global', options: { sparsity: 0.9, scope: 'global' as const, schedule: 'polynomial' as const }, recipe: `90% of all kernel weights by |w|, ranked globally, polynomial schedule over ${epochs} epochs of masked Adam fine-tuning` },
    { name: 'N:M 2:4', options: { nm: '2:4' }, recipe: `2 of every 4 weights along each filter's inputs, ${epochs} epochs of masked Adam fine-tuning` },
  ];
  for (const r of runs) {
    ctx.step(`pruning: ${r.name}`);
    const t0 = performance.now();
    const result = await prune(teacher, { ...r.options, finetune: { epochs, optimizer: 'adam' }, data: ctx.train, seed: 0, progress: ctx.progress });
    rows.push(measureRow(ctx, result.model, { group: 'pruning', arch: 'seedCnn', name: r.name, recipe: r.recipe, seconds: since(t0) }));
    result.model.dispose();
  }
  return rows;
}
