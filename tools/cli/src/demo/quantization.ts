// Our quantization: static int8 (calibrated), int4, int4 QAT and 4-bit k-means.
import { quantize, type ModelQuantizeOptions } from '@lite/quant';
import type { Model } from '../report.js';
import { type DemoContext, type DemoRow, measureRow, since } from './row.js';

/** Static int8, int4 (post-training), int4 QAT with the teacher's soft targets, k-means 4-bit. */
export async function quantizationRows(ctx: DemoContext, teacher: Model): Promise<DemoRow[]> {
  const s = ctx.settings;
  const runs: { name: string; recipe: string; options: ModelQuantizeOptions }[] = [
    { name: 'int8 static', recipe: 'int8 per-channel weights, input ranges calibrated on 512 training digits (minmax)', options: { mode: 'static', data: ctx.train } },
    { name: 'int4', recipe: 'int4 per-channel weights, post-training, dynamic activations', options: { mode: 'int4' } },
    {
      name: 'int4 QAT + KD', recipe: `int4 quantization-aware training, ${s.qatEpochs} epoch(s), distilled from the fp32 teacher (T 2, α 0.5)`,
      options: { mode: 'qat', bits: 4, epochs: s.qatEpochs, data: ctx.train, teacher },
    },
    { name: 'k-means 4-bit', recipe: '16 shared values per kernel (k-means), 1 epoch of centroid fine-tuning', options: { mode: 'kmeans', bits: 4, epochs: 1, data: ctx.train } },
  ];
  const rows: DemoRow[] = [];
  for (const r of runs) {
    ctx.step(`quantization: ${r.name}`);
    const t0 = performance.now();
    const result = await quantize(teacher, { ...r.options, seed: 0, progress: ctx.progress });
    rows.push(measureRow(ctx, result.graph, { group: 'quantization', arch: 'seedCnn', name: r.name, recipe: r.recipe, seconds: since(t0) }));
  }
  return rows;
}
