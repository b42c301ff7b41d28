import * as tf from '@tensorflow/tfjs-core';
import { createModel, silentProgress, softLogProbs, teacherLogits, train } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { distill } from '../distill.js';
import { type Fixture, fixture, images } from '../testing/fixtures.js';
import { mixedSoftTargets, teacherAccuracy, teacherWeights } from './weights.js';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

describe('multi-teacher distillation', () => {
  it('given weights are normalised; accuracy weights are proportional to validation accuracy', async () => {
    const weak = createModel('seedStudent', { seed: 9 }); // untrained: about chance
    expect((await teacherWeights([f.teacher, weak], [3, 1])).weights).toEqual([0.75, 0.25]);
    const { weights, accuracies } = await teacherWeights([f.teacher, weak], 'accuracy', f.test);
    expect(accuracies![0]).toBeCloseTo(await teacherAccuracy(f.teacher, f.test), 10);
    expect(weights[0] / weights[1]).toBeCloseTo(accuracies![0] / accuracies![1], 10);
    expect(weights[0]).toBeGreaterThan(weights[1]);
    await expect(teacherWeights([f.teacher, weak], [1])).rejects.toThrow(/1 weights for 2 teachers/);
    await expect(teacherWeights([f.teacher, weak], 'accuracy')).rejects.toThrow(/pass options.validation/);
    weak.dispose();
  });

  it('the mixture is the weighted average of the teachers\' soft targets (one teacher with weight 1: its own)', () => {
    const other = createModel('seedStudent', { seed: 2 });
    const x = images(f.train, 6);
    const mix = tf.exp(mixedSoftTargets([f.teacher, other], [0.3, 0.7], x, 2));
    const expected = tf.add(tf.mul(tf.softmax(tf.div(teacherLogits(f.teacher, x), 2)), 0.3), tf.mul(tf.softmax(tf.div(teacherLogits(other, x), 2)), 0.7));
    expect(Math.max(...tf.abs(tf.sub(mix, expected)).dataSync())).toBeLessThan(1e-5);
    const alone = mixedSoftTargets([f.teacher, other], [1, 0], x, 2);
    expect(Math.max(...tf.abs(tf.sub(alone, softLogProbs(teacherLogits(f.teacher, x), 2))).dataSync())).toBeLessThan(1e-4);
    other.dispose();
  });

  it('distils from two teachers with learned weights and reports them', async () => {
    const second = createModel('lenet300', { seed: 1 });
    await train(second, f.train, { epochs: 2, optimizer: 'adam', learningRate: 0.001, progress: silentProgress });
    const { report, student } = await distill({
      teacher: [f.teacher, second], student: 'seedStudent', data: f.train, validation: f.test, method: 'multi', epochs: 1, optimizer: 'adam', learningRate: 0.003, progress: silentProgress,
    });
    expect(report.teacherWeights).toHaveLength(2);
    expect(report.teacherWeights![0] + report.teacherWeights![1]).toBeCloseTo(1, 10);
    expect(report.teacherAccuracy).toHaveLength(2);
    expect(report.studentAccuracy).toBeGreaterThan(0.3);
    await expect(distill({ teacher: [f.teacher], student: 'seedStudent', data: f.train, method: 'multi' })).rejects.toThrow(/at least two teachers/);
    student.dispose();
    second.dispose();
  });
});
