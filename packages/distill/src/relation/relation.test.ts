import * as tf from '@tensorflow/tfjs-core';
import { silentProgress } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { distill } from '../distill.js';
import { type Fixture, fixture } from '../testing/fixtures.js';
import { pairwiseDistances, relationWeights, rkdAngleLoss, rkdDistanceLoss } from './rkd.js';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

/** A random d×d rotation (orthogonal, from QR). */
function rotation(d: number, seed: number): tf.Tensor2D {
  const [q] = tf.linalg.qr(tf.randomNormal([d, d], 0, 1, 'float32', seed) as tf.Tensor2D);
  return q as tf.Tensor2D;
}

describe('relation distillation (RKD)', () => {
  const student = tf.randomNormal([12, 6], 0, 1, 'float32', 3) as tf.Tensor2D;
  const teacher = tf.randomNormal([12, 9], 0, 1, 'float32', 4) as tf.Tensor2D;

  it('distance and angle losses are invariant to rotations (and translations, scalings) of either embedding', () => {
    const d0 = rkdDistanceLoss(student, teacher).dataSync()[0];
    const a0 = rkdAngleLoss(student, teacher).dataSync()[0];
    expect(d0).toBeGreaterThan(1e-3);
    expect(a0).toBeGreaterThan(1e-3);
    const rs = tf.matMul(student, rotation(6, 1));
    const rt = tf.matMul(teacher, rotation(9, 2));
    for (const [s, t] of [[rs, teacher], [student, rt], [rs, rt], [tf.add(tf.mul(rs, 3), 5), rt]] as const) {
      expect(rkdDistanceLoss(s, t).dataSync()[0]).toBeCloseTo(d0, 4);
      expect(rkdAngleLoss(s, t).dataSync()[0]).toBeCloseTo(a0, 4);
    }
    // A rotated copy of the teacher matches it exactly.
    expect(rkdDistanceLoss(tf.matMul(teacher, rotation(9, 5)), teacher).dataSync()[0]).toBeCloseTo(0, 5);
    expect(rkdAngleLoss(tf.matMul(teacher, rotation(9, 5)), teacher).dataSync()[0]).toBeCloseTo(0, 5);
  });

  it('pairwise distances are exact with a zero diagonal, and the gradient is finite', () => {
    const d = pairwiseDistances(tf.tensor2d([[0, 0], [3, 4], [6, 8]])).arraySync();
    expect(d[0][1]).toBeCloseTo(5, 4);
    expect(d[0][2]).toBeCloseTo(10, 4);
    expect(d[1][1]).toBe(0);
    const g = tf.grad((e: tf.Tensor) => tf.add(rkdDistanceLoss(e, teacher), rkdAngleLoss(e, teacher)))(student);
    expect(g.dataSync().every(Number.isFinite)).toBe(true);
    expect(tf.norm(g).dataSync()[0]).toBeGreaterThan(0);
  });

  it('trains through distill on the default embedding layers (fc1); bad weights are clear errors', async () => {
    const { report, history } = await distill({
      teacher: f.teacher, student: 'seedStudent', data: f.train, validation: f.test, method: 'rkd', relation: { distanceWeight: 1, angleWeight: 2 },
      epochs: 1, optimizer: 'adam', learningRate: 0.003, batchSize: 32, progress: silentProgress,
    });
    expect(Number.isFinite(history.loss[0])).toBe(true);
    expect(report.studentAccuracy).toBeGreaterThan(0.3);
    expect(() => relationWeights({ angleWeight: -1 })).toThrow(/relation.angleWeight must be a non-negative number/);
    await expect(distill({ teacher: f.teacher, student: 'seedStudent', data: f.train, method: 'rkd', relation: { layers: { student: 'fc9', teacher: 'fc1' } } })).rejects.toThrow(/student has no layer 'fc9'/);
  });
});
