// Binary and ternary networks: latent-weight training, first and last layers int8.
import { quantize } from '@lite/quant';
import type { Model } from '../report.js';
import { type DemoContext, type DemoRow, measureRow, since } from './row.js';

/** Binary (XNOR-popcount hidden layers) and ternary seedCnn, trained from the teacher's weights. */
export async function binaryRows(ctx: DemoContext, teacher: Model): Promise<DemoRow[]> {
  const epochs = ctx.settings.binaryEpochs;
  const rows: DemoRow[] = [];
  for (const mode of ['binary', 'ternary'] as const) {
    ctx.step(`${mode}: latent-weight training, ${epochs} epoch(s) on ${ctx.slowTrain.count} digits (first and last layers int8)`);
    const t0 = performance.now();
    const result = await quantize(teacher, { mode, epochs, data: ctx.slowTrain, seed: 0, progress: ctx.progress });
    rows.push(measureRow(ctx, result.graph, {
      group: 'binary/ternary', arch: 'seedCnn', name: mode, seconds: since(t0),
      recipe: `${mode === 'binary' ? '±scale (1 bit)' : '−s, 0, +s (2 bits)'} hidden weights, BN folded, ${epochs} epoch(s) of latent-weight Adam; first/last layer int8`,
    }));
  }
  return rows;
}
