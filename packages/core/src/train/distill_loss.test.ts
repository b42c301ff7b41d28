import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, selectSamples } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import { createModel } from '../models/zoo.js';
import { LiteModel } from '../runtime/lite_model.js';
import { distillationLoss, softLogProbs, softTargetKl, softTargetLoss, teacherLogits, withoutGradient } from './distill_loss.js';
import { silentProgress } from './progress.js';
import { train } from './train.js';

let small: Dataset;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const mnist = await loadMnist();
  small = selectSamples(mnist.train, Array.from({ length: 256 }, (_, i) => i * 29));
});

/** float64 reference: α·T²·mean_n Σ_c p(log p − log q) + (1 − α)·mean_n CE. */
function handLoss(s: number[][], t: number[][], labels: number[], T: number, alpha: number): number {
  const logSoftmax = (row: number[], temp: number) => {
    const z = row.map((v) => v / temp);
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
    return z.map((v) => v - lse);
  };
  let kl = 0;
  let ce = 0;
  for (let i = 0; i < s.length; i++) {
    const lp = logSoftmax(t[i], T);
    const lq = logSoftmax(s[i], T);
    kl += lp.reduce((a, v, c) => a + Math.exp(v) * (v - lq[c]), 0);
    ce -= logSoftmax(s[i], 1)[labels[i]];
  }
  return alpha * T * T * (kl / s.length) + (1 - alpha) * (ce / s.length);
}

describe('distillation loss', () => {
  const s = [[1.5, -0.3, 0.2, 2.0], [0.1, 0.4, -1.2, 0.0], [3.0, 1.0, -2.0, 0.5]];
  const t = [[2.5, -1.0, 0.0, 1.0], [0.0, 1.4, -0.2, -0.5], [1.0, 2.0, -1.0, 0.5]];
  const labels = [3, 1, 0];

  it('equals the hand-computed value (KL averaged per sample, not per element), for several T and α', () => {
    const ys = tf.cast(tf.oneHot(labels, 4), 'float32') as tf.Tensor2D;
    for (const [T, alpha] of [[2, 0.5], [1, 1], [4, 0.9], [3, 0]]) {
      const got = distillationLoss(ys, tf.tensor2d(s), softLogProbs(tf.tensor2d(t), T), { temperature: T, alpha }).dataSync()[0];
      expect(got).toBeCloseTo(handLoss(s, t, labels, T, alpha), 5);
    }
    // Concretely, for T = 2, α = 0.5: the value a per-element mean would give is 4× (classes) smaller in its soft term.
    const kl = softTargetKl(tf.tensor2d(s), softLogProbs(tf.tensor2d(t), 2), 2).dataSync()[0];
    expect(kl).toBeCloseTo((handLoss(s, t, labels, 2, 1)) / 4, 5);
    expect(kl).toBeGreaterThan(0);
    // The reference's PyTorch default ('mean' over every element) divides it by the class count as well.
    const classes = s[0].length;
    const perElement = softTargetKl(tf.tensor2d(s), softLogProbs(tf.tensor2d(t), 2), 2, 'mean').dataSync()[0];
    expect(perElement).toBeCloseTo(kl / classes, 6);
    const buggy = distillationLoss(ys, tf.tensor2d(s), softLogProbs(tf.tensor2d(t), 2), { temperature: 2, alpha: 1, klReduction: 'mean' }).dataSync()[0];
    expect(buggy).toBeCloseTo(handLoss(s, t, labels, 2, 1) / classes, 5);
    expect(() => softTargetKl(tf.tensor2d(s), softLogProbs(tf.tensor2d(t), 2), 2, 'sum' as never)).toThrow(/klReduction/);
  });

  it('is 0 when the student is the teacher (soft term), and only the hard term remains', async () => {
    const teacher = createModel('seedStudent', { seed: 3 });
    const batch = tf.tensor4d(small.images.subarray(0, 16 * 784), [16, 28, 28, 1]);
    const ys = tf.cast(tf.oneHot(Array.from(small.labels.subarray(0, 16)), 10), 'float32') as tf.Tensor2D;
    const logits = teacher.predict(batch) as tf.Tensor2D;
    const soft = softTargetLoss(teacher, { temperature: 3, alpha: 1 })(ys, logits, batch).dataSync()[0];
    expect(Math.abs(soft)).toBeLessThan(1e-6);
    const half = softTargetLoss(teacher, { temperature: 3, alpha: 0.25 })(ys, logits, batch).dataSync()[0];
    expect(half).toBeCloseTo(0.75 * tf.losses.softmaxCrossEntropy(ys, logits).dataSync()[0], 5);
    teacher.dispose();
  });

  it('gradient: exactly (softmax(s/T) − softmax(t/T)) / (T·n); with the T² factor its size does not shrink as T grows (→ (Δ − mean Δ)/(n·C))', () => {
    const student = tf.tensor2d(s);
    const teacher = tf.tensor2d(t);
    const n = s.length;
    const C = s[0].length;
    const grad = (T: number, scaled: boolean) =>
      tf.grad((x: tf.Tensor) => tf.mul(softTargetKl(x as tf.Tensor2D, softLogProbs(teacher, T), T), scaled ? T * T : 1))(student);
    for (const T of [1, 2, 5]) {
      const expected = tf.div(tf.sub(tf.softmax(tf.div(student, T)), tf.softmax(tf.div(teacher, T))), T * n);
      expect(Math.max(...tf.abs(tf.sub(grad(T, false), expected)).dataSync())).toBeLessThan(1e-6);
    }
    // High-temperature limit: T²·∂KL/∂s → (Δ − mean_c Δ) / (n·C) with Δ = s − t.
    const delta = tf.sub(student, teacher);
    const limit = tf.div(tf.sub(delta, tf.mean(delta, 1, true)), n * C);
    const limitNorm = tf.norm(limit).dataSync()[0];
    for (const T of [50, 200]) {
      const err = tf.norm(tf.sub(grad(T, true), limit)).dataSync()[0];
      expect(err / limitNorm).toBeLessThan(T === 50 ? 0.05 : 0.015);
    }
    const norm = (T: number, scaled: boolean) => tf.norm(grad(T, scaled)).dataSync()[0];
    // Unscaled, the gradient falls as 1/T²; scaled by T², it stays the same size.
    expect(norm(10, false) / norm(20, false)).toBeCloseTo(4, 0);
    expect(norm(10, true) / norm(20, true)).toBeCloseTo(1, 1);
  });

  it('runs the teacher without gradient: nothing of it is taped, its weights do not change, no tensors leak', async () => {
    const teacher = createModel('seedStudent', { seed: 1 });
    const student = createModel('lenet300', { seed: 2 });
    const before = teacher.getWeights().map((w) => w.dataSync().slice());
    const x = tf.tensor4d(small.images.subarray(0, 8 * 784), [8, 28, 28, 1]);
    // The gradient of the teacher's logits with respect to its own weights is zero: no path through the tape.
    const w = teacher.trainableWeights[0].read() as tf.Variable;
    expect(() => tf.variableGrads(() => tf.sum(teacherLogits(teacher, x)) as tf.Scalar, [w])).toThrow(/Cannot find a connection/);
    const loss = softTargetLoss(teacher);
    const start = tf.memory().numTensors;
    // Adam: core's SGD-with-momentum optimizer keeps one tensor after dispose, which is not this loss's doing.
    const history = await train(student, small, { epochs: 1, batchSize: 64, optimizer: 'adam', progress: silentProgress, hooks: { loss } });
    expect(history.loss[0]).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(start);
    teacher.getWeights().forEach((v, i) => expect(v.dataSync()).toEqual(before[i]));
    x.dispose();
    teacher.dispose();
    student.dispose();
  });

  it('takes a LiteModel teacher (same loss as its Layers model) and splits several outputs back', () => {
    const teacher = createModel('seedStudent', { seed: 4 });
    const lite = LiteModel.fromLayersModel(teacher);
    const x = tf.tensor4d(small.images.subarray(0, 4 * 784), [4, 28, 28, 1]);
    const a = teacherLogits(teacher, x).dataSync();
    const b = teacherLogits(lite, x).dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
    const [first, second] = withoutGradient(x, (v) => [tf.mul(v, 2), tf.sum(v, [1, 2])]);
    expect(first.shape).toEqual([4, 28, 28, 1]);
    expect(second.shape).toEqual([4, 1]);
    expect(second.dataSync()[0]).toBeCloseTo(tf.sum(tf.slice(x, [0], [1])).dataSync()[0], 3);
    teacher.dispose();
  });

  it('bad teacher and options are clear errors', () => {
    const teacher = createModel('seedStudent');
    expect(() => softTargetLoss({} as never)).toThrow(/tf.LayersModel or a LiteModel/);
    expect(() => softTargetLoss(teacher, { temperature: 0 })).toThrow(/temperature must be a positive number/);
    expect(() => softTargetLoss(teacher, { alpha: 1.5 })).toThrow(/alpha .* must be in \[0, 1\]/);
    expect(() => softTargetKl(tf.zeros([2, 10]) as tf.Tensor2D, tf.zeros([2, 5]) as tf.Tensor2D, 2)).toThrow(/same classes/);
    teacher.dispose();
  });
});
