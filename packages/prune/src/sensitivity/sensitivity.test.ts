import { beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, kernelsOf, trainedSeedCnn } from '../testing/fixture.js';
import { allocateSparsity } from './allocate.js';
import { sensitivity, type SensitivityTable } from './sensitivity.js';

let f: Fixture;
beforeAll(async () => {
  f = await trainedSeedCnn();
});

describe('sensitivity', () => {
  it('measures accuracy per layer and sparsity with only that layer pruned, leaving the model as it was', async () => {
    const before = kernelsOf(f.model);
    const table = await sensitivity(f.model, f.test, { sparsities: [0.99, 0.5] });
    expect(table.sparsities).toEqual([0.5, 0.99]);
    expect(table.layers.map((l) => [l.layer, l.weights])).toEqual([['conv1', 250], ['conv2', 5000], ['fc1', 16000], ['fc2', 500]]);
    expect(table.baseline).toBeGreaterThan(80);
    for (const l of table.layers) {
      expect(l.accuracy).toHaveLength(2);
      // 99% of a layer hurts more than 50%
      expect(l.accuracy[1]).toBeLessThan(l.accuracy[0]);
    }
    // conv1 at 99% (2 of 250 weights left) destroys the model
    expect(table.layers[0].accuracy[1]).toBeLessThan(50);
    expect(kernelsOf(f.model)).toEqual(before);
    await expect(sensitivity(f.model, f.test, { sparsities: [1] })).rejects.toThrow(/each sparsity to try must be in \(0, 1\)/);
  });
});

describe('allocateSparsity', () => {
  const table: SensitivityTable = {
    sparsities: [0.5, 0.8, 0.9, 0.95], baseline: 98, method: 'magnitude',
    layers: [
      { layer: 'sensitive', weights: 1000, accuracy: [97, 90, 70, 40] },
      { layer: 'robust', weights: 9000, accuracy: [98, 98, 97.9, 97.5] },
    ],
  };

  it('meets the global target exactly, pruning the robust layer first', () => {
    const a = allocateSparsity(table, 0.8);
    expect(Math.round(a.sensitive * 1000) + Math.round(a.robust * 9000)).toBe(8000);
    expect(a.robust).toBeGreaterThan(a.sensitive);
    expect(a.robust).toBeGreaterThanOrEqual(0.8);
    // at 90% the robust layer goes to its last measured point, the sensitive one takes the rest
    const a2 = allocateSparsity(table, 0.9, { sensitive: 1000, robust: 9000 });
    expect(Math.round(a2.sensitive * 1000) + Math.round(a2.robust * 9000)).toBe(9000);
    expect(a2.robust).toBeCloseTo(0.95, 12);
    expect(a2.sensitive).toBeCloseTo(0.45, 12);
  });

  it('says when the table cannot reach the target', () => {
    expect(() => allocateSparsity(table, 0.97)).toThrow(/reaches only 95.0% sparsity overall, below the target 97.0%; measure higher sparsities/);
    expect(() => allocateSparsity(table, 1.2)).toThrow(/global target must be a sparsity in \[0, 1\)/);
  });
});
