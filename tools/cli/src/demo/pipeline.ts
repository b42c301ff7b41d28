// The combined pipeline (lite compress's deep-compression recipe) on seedCnn and lenet5,
// fine-tuned with the fp32 model as teacher: prune → k-means survivors → sparse + Huffman.
import { createModel, entropyCode, runPipeline, toLiteGraph, train, type Step } from '@lite/core';
import { pruneStep, type PruneOptions } from '@lite/prune';
import { quantizeStep, type QuantizeStepOptions } from '@lite/quant';
import { RECIPES } from '../recipes/index.js';
import type { Model } from '../report.js';
import { type DemoContext, type DemoRow, measureRow, recordBaseline, since } from './row.js';
import { SEED_RECIPE } from './teacher.js';

/** The deep-compression recipe's steps with the demo's fine-tuning epochs. */
function deepCompression(epochs: number): { steps: Step[]; description: string } {
  const recipe = structuredClone(RECIPES['deep-compression']);
  const steps = recipe.steps.map((s): Step => {
    if ('prune' in s) return pruneStep({ ...(s.prune as PruneOptions), finetune: { ...(s.prune.finetune as object), epochs } });
    if ('quantize' in s) return quantizeStep(s.quantize as unknown as QuantizeStepOptions);
    return entropyCode(s.entropyCode);
  });
  return { steps, description: `${recipe.description!.replace(/\d+ epochs/, `${epochs} epochs`)}, fine-tuned with the fp32 model as teacher` };
}

async function compress(ctx: DemoContext, model: Model, arch: string): Promise<DemoRow> {
  const { steps, description } = deepCompression(ctx.settings.pipelineEpochs);
  const data = arch === 'lenet5' ? ctx.slowTrain : ctx.train;
  ctx.step(`pipeline: ${arch} deep compression (${steps.map((s) => s.stepName).join(' → ')})`);
  const t0 = performance.now();
  const result = await runPipeline(steps, model, { data, progress: ctx.progress, seed: 0, teacher: model });
  const graph = toLiteGraph(result.model);
  if (result.model !== model && !('tensors' in result.model && result.model.tensors instanceof Map)) (result.model as Model).dispose();
  return measureRow(ctx, graph, { group: 'pipeline', arch, name: `${arch} deep compression`, recipe: description, seconds: since(t0) });
}

/** seedCnn through the pipeline, then lenet5 trained (seed recipe) and through the same pipeline. */
export async function pipelineRows(ctx: DemoContext, teacher: Model): Promise<DemoRow[]> {
  const rows = [await compress(ctx, teacher, 'seedCnn')];
  const epochs = ctx.settings.lenetEpochs;
  ctx.step(`pipeline: lenet5 fp32, seed recipe, ${epochs} epoch(s) on ${ctx.slowTrain.count} digits`);
  const t0 = performance.now();
  const lenet = createModel('lenet5', { seed: SEED_RECIPE.seed });
  try {
    await train(lenet, ctx.slowTrain, { ...SEED_RECIPE, epochs, progress: ctx.progress });
    await recordBaseline(ctx, 'lenet5', lenet);
    rows.push(measureRow(ctx, lenet, { group: 'pipeline', arch: 'lenet5', name: 'lenet5 fp32', recipe: `seed recipe, ${epochs} epoch(s)`, seconds: since(t0) }));
    rows.push(await compress(ctx, lenet, 'lenet5'));
  } finally {
    lenet.dispose();
  }
  return rows;
}
