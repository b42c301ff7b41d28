// The reference document's three recipes as written, bugs included, each beside our
// fixed version (same model, data, optimizer and epochs):
// - threshold pruning (|w| < 0.1 → 0) then 5 epochs of fine-tuning with no mask: the
//   pruned weights grow back; ours keeps them at zero (masks);
// - `quantize_dynamic(model, {nn.Conv2d, nn.Linear}, torch.qint8)`: PyTorch's dynamic
//   quantization has no Conv2d, so only the Linear layers become int8 (per-tensor
//   weights, activations quantized per batch) and the convs stay fp32 — and the
//   document quantizes an untrained QuantCNN(); ours quantizes convs too, per channel;
// - distillation with `nn.KLDivLoss()`, whose default reduction 'mean' divides the KL
//   by the class count too (the soft term 10× too weak); ours is core's batchmean loss.
import {
  createModel, fromLayersModel, softTargetLoss, train, type LiteGraph,
} from '@lite/core';
import { distill } from '@lite/distill';
import { prune } from '@lite/prune';
import { applyFormats, quantTargets, quantize } from '@lite/quant';
import type { Model } from '../report.js';
import { type DemoContext, type DemoRow, measureRow, since } from './row.js';
import { SEED_RECIPE } from './teacher.js';

/** The reference's distillation hyper-parameters. */
export const REFERENCE_KD = { temperature: 2, alpha: 0.5 } as const;

/** The reference's dynamic quantization: dense (Linear) kernels int8 per tensor, convs left fp32. */
export function referenceDynamicQuant(model: Model): LiteGraph {
  const graph = fromLayersModel(model);
  const formats = new Map(quantTargets(graph).filter((t) => t.node.op === 'dense').map((t) => [t.node.name, { kind: 'int' as const, bits: 8 as const, perChannel: false }]));
  return applyFormats(graph, { formats });
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The three reference recipes and ours, side by side. */
export async function referenceRows(ctx: DemoContext, teacher: Model): Promise<DemoRow[]> {
  const s = ctx.settings;
  const rows: DemoRow[] = [];
  const sgd = { optimizer: 'sgd' as const, learningRate: SEED_RECIPE.learningRate, momentum: SEED_RECIPE.momentum };

  // 1. Threshold pruning, without and with masks.
  for (const masks of [false, true]) {
    ctx.step(`${masks ? 'ours' : 'reference'}: threshold pruning |w| < 0.1, ${s.pruneEpochs} fine-tuning epochs (SGD) ${masks ? 'with masks' : 'without masks (weights grow back)'}`);
    const t0 = performance.now();
    const result = await prune(teacher, {
      method: 'threshold', threshold: 0.1, masks, finetune: { epochs: s.pruneEpochs, ...sgd }, data: ctx.train, seed: SEED_RECIPE.seed, progress: ctx.progress,
    });
    const o = result.report.overall;
    rows.push(measureRow(ctx, result.model, {
      group: 'reference vs ours', arch: 'seedCnn', reference: !masks, seconds: since(t0),
      name: masks ? 'ours: threshold prune + masks' : 'ref: threshold prune (no mask)',
      recipe: `|w| < 0.1 → 0, ${s.pruneEpochs} epochs SGD fine-tuning ${masks ? 'with masks' : 'with no mask'}`,
      notes: `sparsity ${pct(o.afterPruning)} after pruning → ${pct(o.afterFinetune)} after fine-tuning${masks ? '' : ' (pruned weights grew back)'}`,
    }));
    result.model.dispose();
  }

  // 2. Dynamic quantization: the reference's (dense only, and as written on an untrained model) and ours.
  ctx.step('reference: quantize_dynamic as written (an untrained QuantCNN), then on the trained teacher (Linear only: Conv2d stays fp32)');
  let t0 = performance.now();
  const untrained = createModel('seedCnn', { seed: SEED_RECIPE.seed + 1 });
  rows.push(measureRow(ctx, referenceDynamicQuant(untrained), {
    group: 'reference vs ours', arch: 'seedCnn', reference: true, seconds: since(t0),
    name: 'ref: dynamic int8 as written', recipe: 'quantize_dynamic on a freshly built (untrained) QuantCNN, as the document does',
    notes: 'the document evaluates an untrained model',
  }));
  untrained.dispose();
  t0 = performance.now();
  rows.push(measureRow(ctx, referenceDynamicQuant(teacher), {
    group: 'reference vs ours', arch: 'seedCnn', reference: true, seconds: since(t0),
    name: 'ref: dynamic int8 (Linear only)', recipe: 'int8 per-tensor Linear weights, dynamic activations; Conv2d left fp32 (PyTorch has no dynamic Conv2d)',
  }));
  ctx.step('ours: dynamic int8, conv and dense, per channel');
  t0 = performance.now();
  const ours = await quantize(teacher, { mode: 'dynamic' });
  rows.push(measureRow(ctx, ours.graph, {
    group: 'reference vs ours', arch: 'seedCnn', seconds: since(t0),
    name: 'ours: dynamic int8 (conv + dense)', recipe: 'int8 per-channel weights in every conv and dense layer, dynamic activations, int8 kernels',
  }));

  // 3. Distillation into seedStudent: the reference's 'mean' KL and ours.
  const kd = { temperature: REFERENCE_KD.temperature, alpha: REFERENCE_KD.alpha };
  ctx.step(`reference: distillation into seedStudent with KLDivLoss 'mean' (T ${kd.temperature}, α ${kd.alpha}), ${s.studentEpochs} epochs SGD`);
  t0 = performance.now();
  const buggy = createModel('seedStudent', { seed: SEED_RECIPE.seed });
  // REFERENCE BUG, reproduced on purpose: KLDivLoss's default reduction 'mean' (core's klReduction 'mean').
  const buggyLoss = softTargetLoss(teacher, { ...kd, klReduction: 'mean' });
  await train(buggy, ctx.train, { ...SEED_RECIPE, epochs: s.studentEpochs, progress: ctx.progress, hooks: { loss: buggyLoss } });
  rows.push(measureRow(ctx, buggy, {
    group: 'reference vs ours', arch: 'seedStudent', versus: 'seedCnn', reference: true, seconds: since(t0),
    name: "ref: KD, KLDivLoss 'mean'", recipe: `T ${kd.temperature}, α ${kd.alpha}, ${s.studentEpochs} epochs SGD; KL divided by the class count too (soft term 10× too weak)`,
    notes: "the document's student also flattens 160 values; seedStudent's fc1 takes the correct 250",
  }));
  buggy.dispose();
  ctx.step(`ours: distillation into seedStudent, KL per sample (batchmean), same recipe`);
  t0 = performance.now();
  const fixed = await distill({
    teacher, student: 'seedStudent', data: ctx.train, method: 'kd', ...kd, epochs: s.studentEpochs, batchSize: SEED_RECIPE.batchSize, ...sgd, seed: SEED_RECIPE.seed, progress: ctx.progress,
  });
  rows.push(measureRow(ctx, fixed.student, {
    group: 'reference vs ours', arch: 'seedStudent', versus: 'seedCnn', seconds: since(t0),
    name: 'ours: KD, KL batchmean', recipe: `T ${kd.temperature}, α ${kd.alpha}, ${s.studentEpochs} epochs SGD; α·T²·KL per sample + (1 − α)·CE`,
  }));
  fixed.student.dispose();
  return rows;
}
