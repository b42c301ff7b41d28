#!/usr/bin/env node
// Structured pruning of a trained seedCnn, measured: 50% of the conv filters and of the
// hidden fc neurons physically removed (L1 importance), fine-tuned with core's train
// (Adam 1e-3), then params, MACs and test accuracy against the original, and a reload
// check in stock tfjs.
//
//   node tools/cli/dist/bin.js train --model seedCnn --seed 0 -o /tmp/m
//   node packages/prune/scripts/structured_seedcnn.mjs /tmp/m [epochs=3] [ratio=0.5] [importance=l1]
//
// Needs the built packages (npm run build, or tsc in packages/core and packages/prune).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, loadMnist, loadModel, saveModel, silentProgress, train, useBestBackend } from '@lite/core';
import { formatStructuredReport, pruneStructured } from '@lite/prune';

const [dir = '/tmp/m', epochsArg = '3', ratioArg = '0.5', importance = 'l1'] = process.argv.slice(2);
const epochs = Number(epochsArg);
const ratio = Number(ratioArg);
await useBestBackend(() => {});
const data = await loadMnist();
const original = await loadModel(dir);
const before = await evaluate(original, data.test);

const filters = await pruneStructured(original, { target: 'filter', ratio, importance, data: data.train });
const neurons = await pruneStructured(filters.model, { target: 'neuron', ratio, importance, data: data.train });
const pruned = neurons.model;
const { params: p1, macs: m1 } = filters.report;
const params = { before: p1.before, after: neurons.report.params.after };
const macs = { before: m1.before, after: neurons.report.macs.after };
console.log(formatStructuredReport(filters.report));
console.log(formatStructuredReport(neurons.report));
const atOnce = await evaluate(pruned, data.test);

const t0 = performance.now();
await train(pruned, data.train, { epochs, optimizer: 'adam', learningRate: 1e-3, seed: 0, progress: silentProgress });
const tuneSeconds = (performance.now() - t0) / 1000;
const after = await evaluate(pruned, data.test);

// Stock tfjs: save and load back through the file handler, same accuracy.
const tmp = await mkdtemp(join(tmpdir(), 'lite-structured-'));
await saveModel(pruned, join(tmp, 'pruned'));
const reloaded = await evaluate(await loadModel(join(tmp, 'pruned')), data.test);
await rm(tmp, { recursive: true, force: true });

const pct = (x) => `${(100 * x).toFixed(2)}%`;
console.log(JSON.stringify({
  ratio,
  importance,
  params: { ...params, ratio: +(params.after / params.before).toFixed(4) },
  macs: { ...macs, ratio: +(macs.after / macs.before).toFixed(4) },
  accuracy: { original: pct(before.accuracy), prunedNoFinetune: pct(atOnce.accuracy), finetuned: pct(after.accuracy), reloadedInTfjs: pct(reloaded.accuracy), delta: `${(100 * (after.accuracy - before.accuracy)).toFixed(2)} pt` },
  finetune: { epochs, optimizer: 'adam', learningRate: 1e-3, seconds: +tuneSeconds.toFixed(1) },
}, null, 2));
