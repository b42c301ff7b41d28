import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fromLayersModel, saveModel, seedCnn, sparsifyGraph, writeLiteFile } from '@lite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectModel, printInspection } from './inspect.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'lite-inspect-'));
  // seedCnn with every other output channel of conv1 zeroed and 90% of fc1's kernel zeroed.
  const model = seedCnn({ seed: 1 });
  for (const w of model.weights) {
    const v = w.read().dataSync() as Float32Array;
    if (w.originalName === 'conv1/kernel') w.write(tf.tensor(v.map((x, i) => (i % 10 < 5 ? 0 : x)), w.shape));
    if (w.originalName === 'fc1/kernel') w.write(tf.tensor(v.map((x, i) => (i % 10 < 9 ? 0 : x)), w.shape));
  }
  await saveModel(model, join(dir, 'tfjs'));
  await writeLiteFile(join(dir, 'sparse.lite'), sparsifyGraph(fromLayersModel(model)).graph);
  model.dispose();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lite inspect: sparsity', () => {
  it('reports the fraction of zeros per layer and overall, for .lite files and tfjs directories alike', async () => {
    const fc1 = 320 * 50;
    const conv1 = 250;
    const kernels = conv1 + 5 * 5 * 10 * 20 + fc1 + 50 * 10;
    for (const path of [join(dir, 'sparse.lite'), join(dir, 'tfjs')]) {
      const r = await inspectModel(path);
      const layer = (name: string) => r.layers.find((l) => l.name === name)!;
      expect(layer('conv1').sparsity).toBeCloseTo(0.5, 6);
      expect(layer('fc1').sparsity).toBeCloseTo(0.9, 6);
      expect(layer('conv2').sparsity).toBe(0);
      expect(r.sparsity).toBeCloseTo((0.5 * conv1 + 0.9 * fc1) / kernels, 6);
      // Layers without a kernel have none.
      expect(r.layers.filter((l) => l.sparsity !== undefined).map((l) => l.name)).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
    }
    const lite = await inspectModel(join(dir, 'sparse.lite'));
    expect(lite.bytesByEncoding.csr).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(lite)).sparsity).toBe(lite.sparsity);
  });

  it('prints sparsity in the summary and as a table column', async () => {
    let text = '';
    printInspection({ out: { write: (s: string) => (text += s) }, err: { write: () => true } }, await inspectModel(join(dir, 'sparse.lite')));
    expect(text).toMatch(/^sparsity\s+\d+\.\d% of kernel weights are zero$/m);
    expect(text).toMatch(/^layer\s+op\s+output shape\s+params\s+bytes\s+encoding\s+MACs\s+sparsity$/m);
    expect(text).toMatch(/^fc1\s+dense\+relu .* csr\+f32 .* 90\.0%$/m);
    expect(text).toMatch(/^conv1\s+conv2d\+relu .* 50\.0%$/m);
  });
});
