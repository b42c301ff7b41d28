import { describe, expect, it } from 'vitest';
import { buildSchedule, updateSteps } from './build.js';
import { ConstantSparsity, OneShot, PolynomialDecay } from './schedule.js';

describe('PolynomialDecay', () => {
  const s = new PolynomialDecay({ initialSparsity: 0.1, finalSparsity: 0.9, beginStep: 100, endStep: 500, frequency: 50 });

  it('follows s_t = s_f + (s_i − s_f)(1 − progress)³', () => {
    expect(s.sparsityAt(0)).toBe(0);
    expect(s.sparsityAt(100)).toBeCloseTo(0.1, 12);
    // progress 0.5: 0.9 − 0.8·0.125 = 0.8
    expect(s.sparsityAt(300)).toBeCloseTo(0.8, 12);
    // progress 0.25: 0.9 − 0.8·0.421875 = 0.5625
    expect(s.sparsityAt(200)).toBeCloseTo(0.5625, 12);
    expect(s.sparsityAt(500)).toBeCloseTo(0.9, 12);
    expect(s.sparsityAt(10_000)).toBeCloseTo(0.9, 12);
    for (let t = 100; t < 500; t += 7) expect(s.sparsityAt(t + 7)).toBeGreaterThanOrEqual(s.sparsityAt(t));
  });

  it('updates every `frequency` steps from beginStep, and at endStep', () => {
    expect(updateSteps(s, 1000)).toEqual([100, 150, 200, 250, 300, 350, 400, 450, 500]);
    const odd = new PolynomialDecay({ finalSparsity: 0.5, endStep: 10, frequency: 4 });
    expect(updateSteps(odd, 100)).toEqual([0, 4, 8, 10]);
  });

  it('rejects bad settings with the reason', () => {
    expect(() => new PolynomialDecay({ finalSparsity: 1, endStep: 10 })).toThrow(/finalSparsity must be a number in \[0, 1\)/);
    expect(() => new PolynomialDecay({ initialSparsity: 0.6, finalSparsity: 0.5, endStep: 10 })).toThrow(/above finalSparsity/);
    expect(() => new PolynomialDecay({ finalSparsity: 0.5, beginStep: 10, endStep: 10 })).toThrow(/endStep must be an integer ≥ 11/);
    expect(() => new PolynomialDecay({ finalSparsity: 0.5, endStep: 10, frequency: 0 })).toThrow(/frequency must be an integer ≥ 1/);
  });
});

describe('ConstantSparsity and OneShot', () => {
  it('holds one sparsity from beginStep', () => {
    const c = new ConstantSparsity({ sparsity: 0.7, beginStep: 5, endStep: 25, frequency: 10 });
    expect(c.sparsityAt(4)).toBe(0);
    expect(c.sparsityAt(5)).toBe(0.7);
    expect(updateSteps(c, 100)).toEqual([5, 15, 25]);
    expect(updateSteps(new ConstantSparsity({ sparsity: 0.7 }), 100)).toEqual([0]);
    const o = new OneShot(0.8);
    expect(o.sparsityAt()).toBe(0.8);
    expect(updateSteps(o, 100)).toEqual([]);
  });
});

describe('buildSchedule', () => {
  it('defaults: polynomial ends at 60% of the run with 20 updates', () => {
    const s = buildSchedule({ kind: 'polynomial' }, 0.9, 1000) as PolynomialDecay;
    expect(s.beginStep).toBe(0);
    expect(s.endStep).toBe(600);
    expect(s.frequency).toBe(30);
    expect(s.sparsityAt(600)).toBeCloseTo(0.9, 12);
  });

  it('says when the schedule would not finish inside the fine-tuning', () => {
    expect(() => buildSchedule({ kind: 'polynomial', endStep: 1000 }, 0.9, 1000)).toThrow(/ends at step 1000, but fine-tuning takes only 1000 optimizer steps.*raise finetune.epochs/);
  });
});
