import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_NAMES, createModel, seedCnn, seedStudent } from './zoo.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('model zoo', () => {
  it('builds each model with the documented shapes and parameter counts', () => {
    const expected: Record<string, number> = {
      // conv1 10·25+10, conv2 20·250+20, fc1 320·50+50, fc2 50·10+10
      seedCnn: 260 + 5020 + 16050 + 510,
      // conv1 5·9+5, conv2 10·45+10, fc1 250·25+25, fc2 25·10+10
      seedStudent: 50 + 460 + 6275 + 260,
      lenet300: 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10,
      // conv1 20·25+20, conv2 50·500+50, fc1 800·500+500, fc2 500·10+10
      lenet5: 520 + 25050 + 400500 + 5010,
    };
    for (const name of MODEL_NAMES) {
      const model = createModel(name, { seed: 1 });
      expect(model.countParams()).toBe(expected[name]);
      expect(model.outputs[0].shape).toEqual([null, 10]);
      expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
      model.dispose();
    }
  });

  it('gives seedStudent 250 inputs to fc1', () => {
    const model = seedStudent();
    expect(model.getLayer('flatten').outputShape).toEqual([null, 250]);
    model.dispose();
  });

  it('initialises deterministically from the seed, PyTorch-style (±1/√fanIn)', () => {
    const a = seedCnn({ seed: 3 });
    const b = seedCnn({ seed: 3 });
    const c = seedCnn({ seed: 4 });
    const wa = a.getWeights().map((w) => w.dataSync());
    const wb = b.getWeights().map((w) => w.dataSync());
    const wc = c.getWeights().map((w) => w.dataSync());
    expect(wa.map((w) => Array.from(w))).toEqual(wb.map((w) => Array.from(w)));
    expect(Array.from(wa[0])).not.toEqual(Array.from(wc[0]));
    // conv2 kernel: fanIn 5·5·10 = 250.
    const bound = 1 / Math.sqrt(250);
    expect(Math.max(...Array.from(wa[2]).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(wa[2]).map(Math.abs))).toBeGreaterThan(0.9 * bound);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects unknown names with the list of known ones', () => {
    expect(() => createModel('resnet')).toThrow(/unknown model 'resnet'; choose one of: seedCnn, seedStudent, lenet300, lenet5/);
  });
});
