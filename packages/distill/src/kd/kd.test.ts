import * as tf from '@tensorflow/tfjs-core';
import { LiteModel, evaluate, silentProgress } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { distill } from '../distill.js';
import { type Fixture, fixture } from '../testing/fixtures.js';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

describe('distill: soft targets', () => {
  it('trains the student from a Layers teacher, reports teacher/student/alone accuracies, leaves the teacher unchanged', async () => {
    const before = f.teacher.getWeights().map((w) => w.dataSync().slice());
    const { student, history, report } = await distill({
      teacher: f.teacher, student: 'seedStudent', data: f.train, validation: f.test, epochs: 2, optimizer: 'adam', learningRate: 0.003, compareBaseline: true, progress: silentProgress,
    });
    expect(history.epochs).toHaveLength(2);
    expect(history.loss[1]).toBeLessThan(history.loss[0]);
    expect(report.method).toBe('kd');
    expect(report.teacherAccuracy![0]).toBeGreaterThan(0.8);
    expect(report.studentAccuracy).toBeCloseTo((await evaluate(student, f.test)).accuracy, 10);
    expect(report.studentAccuracy).toBeGreaterThan(0.5);
    expect(report.baselineAccuracy).toBeGreaterThan(0.3);
    expect(report.gainPoints).toBeCloseTo(100 * (report.studentAccuracy! - report.baselineAccuracy!), 10);
    f.teacher.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(before[i]));
    student.dispose();
  });

  it('takes a .lite teacher (LiteModel) and trains the caller\'s own student in place', async () => {
    const lite = LiteModel.fromLayersModel(f.teacher);
    const own = (await import('@lite/core')).createModel('seedStudent', { seed: 5 });
    const w0 = own.getWeights()[0].dataSync().slice();
    const start = tf.memory().numTensors;
    const { student, report } = await distill({ teacher: lite, student: own, data: f.train, validation: f.test, epochs: 1, optimizer: 'adam', progress: silentProgress });
    expect(student).toBe(own);
    expect(own.getWeights()[0].dataSync()).not.toEqual(w0);
    expect(report.teacherAccuracy![0]).toBeGreaterThan(0.8);
    expect(tf.memory().numTensors).toBe(start);
    own.dispose();
  });

  it('bad options are clear errors, before any training', async () => {
    const base = { teacher: f.teacher, student: 'seedStudent', data: f.train };
    await expect(distill({ ...base, temperature: -1 })).rejects.toThrow(/temperature must be a positive number/);
    await expect(distill({ ...base, alpha: 2 })).rejects.toThrow(/alpha .* must be in \[0, 1\]/);
    await expect(distill({ ...base, method: 'magic' as never })).rejects.toThrow(/method must be one of kd, fitnets, rkd, multi, self/);
    await expect(distill({ ...base, teacher: undefined })).rejects.toThrow(/needs a teacher/);
    await expect(distill({ ...base, teacher: {} as never })).rejects.toThrow(/tf.LayersModel or a LiteModel/);
    await expect(distill({ ...base, student: 'resnet' })).rejects.toThrow(/unknown model 'resnet'/);
    await expect(distill({ ...base, epochs: 0 })).rejects.toThrow(/epochs must be a positive integer/);
    await expect(distill({ ...base, compareBaseline: true })).rejects.toThrow(/pass options.validation/);
    await expect(distill({ ...base, method: 'fitnets' })).rejects.toThrow(/needs options.features/);
    await expect(distill({ ...base, tempreature: 2 } as never)).rejects.toThrow(/unknown distill option 'tempreature'/);
    await expect(distill({ ...base, teacher: [f.teacher, f.teacher] })).rejects.toThrow(/use method 'multi'/);
  });
});
