import { createModel, silentProgress } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { distill } from '../distill.js';
import { type Fixture, fixture } from '../testing/fixtures.js';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

describe('born-again self-distillation', () => {
  it('without a teacher: generation 0 alone, then each generation taught by the previous; the baseline is generation 0', async () => {
    const seen: number[] = [];
    const { student, report } = await distill({
      student: (seed) => {
        seen.push(seed);
        return createModel('seedStudent', { seed });
      },
      data: f.train, validation: f.test, method: 'self', generations: 2, epochs: 1, optimizer: 'adam', learningRate: 0.003, seed: 10, compareBaseline: true, progress: silentProgress,
    });
    expect(seen).toEqual([10, 11, 12]);
    expect(report.generations!.map((g) => g.generation)).toEqual([0, 1, 2]);
    expect(report.generations!.every((g) => g.accuracy! > 0.3)).toBe(true);
    expect(report.studentAccuracy).toBe(report.generations![2].accuracy);
    expect(report.baselineAccuracy).toBe(report.generations![0].accuracy);
    expect(student.name).toBe('seedStudent');
    student.dispose();
  });

  it('with a teacher: generation 1 learns from it', async () => {
    const { report, student } = await distill({ teacher: f.teacher, student: 'seedStudent', data: f.train, validation: f.test, method: 'self', generations: 2, epochs: 1, optimizer: 'adam', learningRate: 0.003, progress: silentProgress });
    expect(report.generations!.map((g) => g.generation)).toEqual([1, 2]);
    student.dispose();
    await expect(distill({ student: 'seedStudent', data: f.train, method: 'self', generations: 0 })).rejects.toThrow(/generations must be a positive integer/);
  });
});
