import * as tf from '@tensorflow/tfjs-core';
import { silentProgress } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkNM } from './nm/index.js';
import { prune } from './prune.js';
import { PolynomialDecay } from './schedule/index.js';
import { type Fixture, kernelsOf, trainedSeedCnn, zerosIn } from './testing/fixture.js';

let f: Fixture;
let original: Map<string, Float32Array>;
beforeAll(async () => {
  f = await trainedSeedCnn();
  original = kernelsOf(f.model);
});

const quiet = { progress: silentProgress };
const SIZES = { conv1: 250, conv2: 5000, fc1: 16000, fc2: 500 };

describe('prune', () => {
  it('per-layer scope: every layer gets exactly round(s·n) zeros; the input model is untouched; nothing leaks', async () => {
    const start = tf.memory().numTensors;
    const r = await prune(f.model, { sparsity: 0.7, ...quiet });
    const k = kernelsOf(r.model);
    for (const [layer, n] of Object.entries(SIZES)) {
      expect(zerosIn(k.get(layer)!), layer).toBe(Math.round(0.7 * n));
      const row = r.report.layers.find((l) => l.layer === layer)!;
      expect(row.asked).toBe(0.7);
      expect(row.afterPruning).toBe(Math.round(0.7 * n) / n);
      // the mask is exactly where the zeros are
      const mask = r.masks.get(layer)!;
      expect(k.get(layer)!.every((v, i) => (mask[i] === 0) === (v === 0))).toBe(true);
    }
    for (const [layer, v] of kernelsOf(f.model)) expect(v).toEqual(original.get(layer));
    // biases are not pruned
    const bias = r.model.getLayer('fc1').getWeights()[1].dataSync();
    expect(bias).toEqual(f.model.getLayer('fc1').getWeights()[1].dataSync());
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('global scope: exactly round(s·N) zeros over all kernels, ranked together by magnitude', async () => {
    const r = await prune(f.model, { sparsity: 0.9, scope: 'global', ...quiet });
    const k = kernelsOf(r.model);
    const total = Object.values(SIZES).reduce((a, b) => a + b, 0);
    const zeros = [...k.values()].reduce((n, v) => n + zerosIn(v), 0);
    expect(zeros).toBe(Math.round(0.9 * total));
    expect(r.report.overall.afterPruning).toBe(zeros / total);
    // every kept weight is at least as large as every pruned one
    let maxPruned = 0;
    let minKept = Infinity;
    for (const [layer, v] of k) {
      original.get(layer)!.forEach((w, i) => {
        if (v[i] === 0) maxPruned = Math.max(maxPruned, Math.abs(w));
        else minKept = Math.min(minKept, Math.abs(w));
      });
    }
    expect(minKept).toBeGreaterThanOrEqual(maxPruned);
    // report: each layer's asked share is what it got
    for (const l of r.report.layers) expect(l.afterPruning).toBe(l.asked);
    r.model.dispose();
  });

  it('masks hold during fine-tuning: pruned weights stay exactly zero, and accuracy recovers', async () => {
    const r = await prune(f.model, {
      sparsity: 0.8, data: f.train, validation: f.test, finetune: { epochs: 2, learningRate: 1e-3 }, ...quiet,
    });
    for (const [layer, v] of kernelsOf(r.model)) {
      const mask = r.masks.get(layer)!;
      expect(v.every((x, i) => (mask[i] === 0 ? Object.is(x, 0) : x !== 0)), layer).toBe(true);
    }
    for (const l of r.report.layers) expect(l.afterFinetune).toBe(l.afterPruning);
    const acc = r.report.accuracy!;
    expect(acc.after).toBeGreaterThan(acc.afterPruning - 0.5);
    expect(acc.after).toBeGreaterThan(80);
    expect(r.history.finetune!.steps).toBe(2 * 16);
    r.model.dispose();
  });

  it('with masks off (the reference recipe) pruned weights grow back during fine-tuning', async () => {
    const r = await prune(f.model, { sparsity: 0.8, masks: false, data: f.train, finetune: { epochs: 1 }, ...quiet });
    for (const l of r.report.layers) {
      expect(l.afterPruning).toBe(Math.round(0.8 * l.weights) / l.weights);
      expect(l.afterFinetune, l.layer).toBeLessThan(l.afterPruning / 2);
    }
    r.model.dispose();
  });

  it('polynomial schedule inside fine-tuning: masks change at the frequency, reach the target exactly, then hold', async () => {
    const r = await prune(f.model, {
      sparsity: 0.9, scope: 'global', schedule: { kind: 'polynomial', endStep: 20, frequency: 5 },
      data: f.train, validation: f.test, finetune: { epochs: 2 }, ...quiet,
    });
    expect(r.history.updates.map((u) => u.step)).toEqual([0, 5, 10, 15, 20]);
    const s = r.history.updates.map((u) => u.sparsity);
    expect(s[0]).toBe(0);
    expect(s[2]).toBeCloseTo(0.9 - 0.9 * 0.125, 12);
    expect(s[4]).toBeCloseTo(0.9, 12);
    r.history.updates.forEach((u, i) => expect(u.achieved).toBeCloseTo(Math.round(s[i] * 21750) / 21750, 12));
    expect(r.report.overall.afterPruning).toBe(Math.round(0.9 * 21750) / 21750);
    expect(r.report.overall.afterFinetune).toBe(r.report.overall.afterPruning);
    for (const l of r.report.layers) expect(l.afterFinetune).toBe(l.asked);
    r.model.dispose();
  });

  it('constant schedule: one sparsity from beginStep, masks recomputed at the frequency; Taylor ranking; no tensors leak', async () => {
    const start = tf.memory().numTensors;
    const r = await prune(f.model, {
      sparsity: 0.6, method: 'taylor', schedule: { kind: 'constant', beginStep: 3, endStep: 13, frequency: 5 },
      data: f.train, finetune: { epochs: 1 }, importanceBatches: 2, ...quiet,
    });
    expect(r.history.updates.map((u) => [u.step, u.sparsity])).toEqual([[3, 0.6], [8, 0.6], [13, 0.6]]);
    for (const l of r.report.layers) expect(l.afterFinetune).toBe(Math.round(0.6 * l.weights) / l.weights);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('takes a PolynomialDecay instance; per-layer targets ramp with it', async () => {
    const schedule = new PolynomialDecay({ finalSparsity: 0.5, endStep: 10, frequency: 5 });
    const r = await prune(f.model, { schedule, data: f.train, finetune: { epochs: 1 }, ...quiet });
    expect(r.report).toMatchObject({ asked: 0.5, scope: 'layer', schedule: 'polynomial' });
    const mid = 0.5 - 0.5 * 0.125;
    const zerosAt = (s: number) => Object.values(SIZES).reduce((n, size) => n + Math.round(s * size), 0);
    expect(r.history.updates.map((u) => u.step)).toEqual([0, 5, 10]);
    expect(r.history.updates[1].sparsity).toBeCloseTo(mid, 12);
    expect(r.history.updates[1].achieved * 21750).toBeCloseTo(zerosAt(mid), 6);
    for (const l of r.report.layers) expect(l.afterFinetune).toBe(Math.round(0.5 * l.weights) / l.weights);
    r.model.dispose();
  });

  it("threshold mode (the reference's |w| < t → 0) and exclude", async () => {
    const t = 0.05;
    const r = await prune(f.model, { method: 'threshold', threshold: t, exclude: ['conv1'], ...quiet });
    const k = kernelsOf(r.model);
    expect(k.get('conv1')).toEqual(original.get('conv1'));
    expect(r.report.layers.map((l) => l.layer)).toEqual(['conv2', 'fc1', 'fc2']);
    for (const layer of ['conv2', 'fc1', 'fc2']) {
      const before = original.get(layer)!;
      const after = k.get(layer)!;
      before.forEach((w, i) => expect(after[i]).toBe(Math.abs(w) < t ? 0 : w));
      const row = r.report.layers.find((l) => l.layer === layer)!;
      expect(row.asked).toBeNull();
      expect(row.afterPruning).toBe(zerosIn(after) / after.length);
    }
    r.model.dispose();
  });

  it('2:4 sparsity: every kernel passes the N:M checker, and stays so through fine-tuning', async () => {
    const r = await prune(f.model, { nm: '2:4', data: f.train, finetune: { epochs: 1 }, ...quiet });
    for (const [layer, v] of kernelsOf(r.model)) {
      const shape = r.report.layers.find((l) => l.layer === layer)!.shape;
      expect(checkNM(v, shape, 2, 4), layer).toEqual([]);
    }
    expect(r.report.layers.find((l) => l.layer === 'fc1')!.afterFinetune).toBe(0.5);
    r.model.dispose();
  });

  it("scope 'auto' meets the global target exactly with per-layer sparsities from the sensitivity table", async () => {
    const r = await prune(f.model, { sparsity: 0.8, scope: 'auto', validation: f.test, sensitivitySparsities: [0.5, 0.8, 0.95], ...quiet });
    const total = Object.values(SIZES).reduce((a, b) => a + b, 0);
    const zeros = [...kernelsOf(r.model).values()].reduce((n, v) => n + zerosIn(v), 0);
    expect(zeros).toBe(Math.round(0.8 * total));
    expect(r.report.sensitivity!.layers).toHaveLength(4);
    const asked = Object.fromEntries(r.report.layers.map((l) => [l.layer, l.asked!]));
    // the big fc1 takes more than the small, sensitive conv1
    expect(asked.fc1).toBeGreaterThan(asked.conv1);
    for (const l of r.report.layers) expect(l.afterPruning).toBeCloseTo(l.asked!, 12);
    r.model.dispose();
  });

  it('L1 sparse training then pruning the near-zero weights', async () => {
    const r = await prune(f.model, { method: 'l1', threshold: 0.01, l1: { strength: 1e-2, epochs: 3 }, data: f.train, ...quiet });
    expect(r.history.l1!.steps).toBe(48);
    expect(r.report.overall.afterPruning).toBeGreaterThan(0.5);
    const plain = await prune(f.model, { method: 'threshold', threshold: 0.01, ...quiet });
    expect(r.report.overall.afterPruning).toBeGreaterThan(plain.report.overall.afterPruning + 0.3);
    r.model.dispose();
    plain.model.dispose();
  });

  it('rejects bad options with what was wrong and what to do', async () => {
    const bad = (o: object) => prune(f.model, o as never);
    await expect(bad({})).rejects.toThrow(/needs a target: pass options.sparsity/);
    await expect(bad({ sparsity: 1.5 })).rejects.toThrow(/sparsity must be a number in \[0, 1\)/);
    await expect(bad({ sparsity: 0.5, method: 'lottery' })).rejects.toThrow(/method must be one of magnitude, taylor, l1, threshold, random/);
    await expect(bad({ method: 'threshold' })).rejects.toThrow(/needs options.threshold/);
    await expect(bad({ method: 'threshold', threshold: 0.1, sparsity: 0.5 })).rejects.toThrow(/sets no sparsity/);
    await expect(bad({ sparsity: 0.5, schedule: 'polynomial' })).rejects.toThrow(/set finetune.epochs ≥ 1/);
    await expect(bad({ sparsity: 0.5, finetune: { epochs: 1 } })).rejects.toThrow(/needs training data: pass options.data/);
    await expect(bad({ sparsity: 0.5, method: 'taylor' })).rejects.toThrow(/method 'taylor'.*needs training data/);
    await expect(bad({ sparsity: 0.5, scope: 'auto' })).rejects.toThrow(/pass options.sensitivityData or options.validation/);
    await expect(bad({ sparsity: 0.5, exclude: ['conv9'] })).rejects.toThrow(/exclude names layer 'conv9'.*conv1/);
    await expect(bad({ nm: '2:4', sparsity: 0.5 })).rejects.toThrow(/sets the sparsity.*drop sparsity/);
    await expect(bad({ sparsity: 0.5, schedule: { kind: 'polynomial', endStep: 999 }, data: f.train, finetune: { epochs: 1 } })).rejects.toThrow(/ends at step 999.*only 16 optimizer steps/);
    await expect(bad({ sparsity: 0.5, layerSparsity: { fc9: 0.1 } })).rejects.toThrow(/layerSparsity names fc9/);
    await expect(bad({ method: 'l1', sparsity: 0.5, threshold: 0.01, data: f.train })).rejects.toThrow(/give one of sparsity and threshold/);
    await expect(bad({ method: 'threshold', threshold: 0.1, scope: 'global' })).rejects.toThrow(/drop scope 'global'/);
    await expect(prune({} as never, { sparsity: 0.5 })).rejects.toThrow(/prune takes a tf.LayersModel/);
    await expect(bad({ sparsity: 0.5, temperature: 2 })).rejects.toThrow(/distillation settings: pass options.teacher/);
    await expect(bad({ sparsity: 0.5, teacher: f.model, loss: () => tf.scalar(0) })).rejects.toThrow(/options.loss or options.teacher/);
    await expect(bad({ sparsity: 0.5, teacher: f.model, alpha: 2 })).rejects.toThrow(/alpha/);
    await expect(bad({ sparsity: 0.5, teacher: {} })).rejects.toThrow(/teacher/);
  });

  it('with a teacher, fine-tuning minimises its soft-target loss (joint pruning + distillation); masks hold', async () => {
    // alpha 1: the loss is the teacher's soft targets alone, so the student's outputs move towards the teacher's.
    const teacher = f.model;
    const r = await prune(f.model, {
      sparsity: 0.9, data: f.train, finetune: { epochs: 1, learningRate: 1e-3 }, teacher, temperature: 2, alpha: 1, ...quiet,
    });
    for (const [layer, v] of kernelsOf(r.model)) expect(zerosIn(v), layer).toBe(Math.round(0.9 * v.length));
    expect(r.history.finetune!.loss[0]).toBeGreaterThan(0);
    const x = tf.tensor4d(f.test.images.subarray(0, 64 * 784), [64, 28, 28, 1]);
    const gap = (m: typeof teacher) => tf.tidy(() => tf.losses.meanSquaredError(tf.softmax(teacher.predict(x) as tf.Tensor2D), tf.softmax(m.predict(x) as tf.Tensor2D)).dataSync()[0]);
    const plain = await prune(f.model, { sparsity: 0.9, ...quiet });
    expect(gap(r.model)).toBeLessThan(gap(plain.model));
    x.dispose();
    r.model.dispose();
    plain.model.dispose();
  });
});
