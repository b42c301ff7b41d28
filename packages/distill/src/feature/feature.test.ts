import * as tf from '@tensorflow/tfjs-core';
import { createModel, silentProgress } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { distill } from '../distill.js';
import { type Fixture, fixture, images } from '../testing/fixtures.js';
import { attentionLoss, attentionMap } from './attention.js';
import { fitnetsPlan } from './plan.js';
import { planHints } from './hints.js';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});
const soft = { temperature: 2, alpha: 0.5 };

describe('feature (hint) distillation', () => {
  it('builds a 1×1-conv adapter for conv features with other channels and a dense one for other widths; none when shapes agree', () => {
    const student = createModel('seedStudent');
    const plans = planHints(student, f.teacher, { pairs: [{ student: 'conv2', teacher: 'conv2' }, { student: 'fc1', teacher: 'fc1' }, { student: 'fc2', teacher: 'fc2' }] }, 0);
    expect(plans[0].adapter?.getClassName()).toBe('Conv2D');
    expect(plans[0].teacherShape).toEqual([8, 8, 20]);
    expect(plans[1].adapter?.getClassName()).toBe('Dense');
    expect(plans[2].adapter).toBeNull();
    // Student conv2 is 11×11×10: adapted to 20 channels, then resized to 8×8 in the loss; the whole plan runs.
    const plan = fitnetsPlan(student, f.teacher, { pairs: [{ student: 'conv2', teacher: 'conv2' }, { student: 'fc1', teacher: 'fc1' }] }, soft, 0);
    expect(plan.model.trainableWeights.length).toBe(student.trainableWeights.length + 4);
    const x = images(f.train, 8);
    const ys = tf.oneHot(Array.from(f.train.labels.subarray(0, 8)), 10) as tf.Tensor2D;
    const logits = plan.forward!(plan.model, x, true);
    expect(logits.shape).toEqual([8, 10]);
    expect(plan.loss(tf.cast(ys, 'float32') as tf.Tensor2D, logits, x).dataSync()[0]).toBeGreaterThan(0);
    plan.dispose();
    student.dispose();
  });

  it('trains the adapters with the student and lowers the hint loss; the student keeps its own layers', async () => {
    const student = createModel('seedStudent', { seed: 1 });
    const { report, history } = await distill({
      teacher: f.teacher, student, data: f.train, validation: f.test, method: 'fitnets', features: { pairs: [{ student: 'fc1', teacher: 'fc1' }], weight: 1 },
      epochs: 2, optimizer: 'adam', learningRate: 0.003, progress: silentProgress,
    });
    expect(history.loss[1]).toBeLessThan(history.loss[0]);
    expect(report.studentAccuracy).toBeGreaterThan(0.2);
    expect(student.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'fc1', 'fc2']);
    student.dispose();
  });

  it('the adapters learn: a plan trained with core\'s train changes the adapter weights and lowers the hint term', async () => {
    const student = createModel('seedStudent', { seed: 2 });
    const plan = fitnetsPlan(student, f.teacher, { pairs: [{ student: 'conv2', teacher: 'conv2' }] }, { temperature: 2, alpha: 0 }, 0);
    const adapter = plan.model.getLayer('hint_adapter_0_conv2');
    const w0 = adapter.getWeights()[0].dataSync().slice();
    const { train } = await import('@lite/core');
    const history = await train(plan.model, f.train, { epochs: 2, optimizer: 'adam', learningRate: 0.003, progress: silentProgress, hooks: { loss: plan.loss, forward: plan.forward } });
    expect(adapter.getWeights()[0].dataSync()).not.toEqual(w0);
    expect(history.loss[1]).toBeLessThan(history.loss[0]);
    plan.dispose();
    student.dispose();
  });

  it('attention transfer: maps are channel-mean squares; the loss is 0 for the same features, any channel count and scale, and takes other spatial sizes', () => {
    const a = tf.randomNormal([2, 6, 6, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
    expect(attentionMap(a).shape).toEqual([2, 6, 6, 1]);
    expect(attentionLoss(a, a).dataSync()[0]).toBeCloseTo(0, 6);
    // Duplicating channels and scaling leaves the normalised map unchanged.
    expect(attentionLoss(tf.mul(tf.concat([a, a], 3), 3) as tf.Tensor4D, a).dataSync()[0]).toBeCloseTo(0, 5);
    const b = tf.randomNormal([2, 6, 6, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    expect(attentionLoss(b, a).dataSync()[0]).toBeGreaterThan(0.01);
    expect(attentionLoss(tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D, a).dataSync()[0]).toBeGreaterThan(0);
  });

  it('attention transfer trains through distill (no adapters); bad pairs are clear errors', async () => {
    const { report } = await distill({
      teacher: f.teacher, student: 'seedStudent', data: f.train, validation: f.test, method: 'fitnets',
      features: { pairs: [{ student: 'conv2', teacher: 'conv2' }], attention: true, weight: 10 }, epochs: 1, optimizer: 'adam', learningRate: 0.003, progress: silentProgress,
    });
    expect(report.studentAccuracy).toBeGreaterThan(0.15);
    const student = createModel('seedStudent');
    expect(() => planHints(student, f.teacher, { pairs: [{ student: 'fc1', teacher: 'fc1' }], attention: true }, 0)).toThrow(/attention transfer needs conv feature maps/);
    expect(() => planHints(student, f.teacher, { pairs: [{ student: 'conv9', teacher: 'fc1' }] }, 0)).toThrow(/student has no layer 'conv9'; its layers: conv1, pool1/);
    expect(() => planHints(student, f.teacher, { pairs: [{ student: 'conv2', teacher: 'fc1' }] }, 0)).toThrow(/pair layers of the same kind/);
    expect(() => planHints(student, f.teacher, { pairs: [] }, 0)).toThrow(/features.pairs/);
    expect(() => planHints(student, f.teacher, { pairs: [{ student: 'fc1', teacher: 'fc1' }], weight: -1 }, 0)).toThrow(/features.weight must be a non-negative number/);
    student.dispose();
  });
});
