import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../models/zoo.js';
import { measureLatency, percentile } from './latency.js';
import { modelMetrics } from './report.js';
import { countParameters, weightBytes } from './size.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('size and MACs', () => {
  it('counts seedCnn layer by layer', () => {
    const model = createModel('seedCnn');
    const m = modelMetrics(model);
    const byName = Object.fromEntries(m.layers.map((l) => [l.name, l]));
    // conv1: 24·24·10 outputs × 5·5·1; conv2: 8·8·20 × 5·5·10; fc1 320·50; fc2 50·10.
    expect(byName.conv1.macs).toBe(24 * 24 * 10 * 25);
    expect(byName.conv2.macs).toBe(8 * 8 * 20 * 250);
    expect(byName.fc1.macs).toBe(320 * 50);
    expect(byName.fc2.macs).toBe(500);
    expect(byName.pool1.macs).toBe(0);
    expect(byName.conv1.outputShape).toEqual([24, 24, 10]);
    expect(m.macs).toBe(144000 + 320000 + 16000 + 500);
    expect(m.params).toBe(21840);
    expect(m.bytes).toBe(4 * 21840);
    expect(countParameters(model)).toBe(model.countParams());
    expect(weightBytes(model)).toBe(4 * 21840);
    model.dispose();
  });

  it('counts depthwise and separable convolutions', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.depthwiseConv2d({ inputShape: [8, 8, 3], kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
        tfl.layers.separableConv2d({ kernelSize: 3, filters: 4, padding: 'valid' }),
        tfl.layers.globalAveragePooling2d({}),
      ],
    });
    const [dw, sep, gap] = modelMetrics(model).layers;
    expect(dw.macs).toBe(8 * 8 * 6 * 9);
    expect(sep.macs).toBe(6 * 6 * 6 * 9 + 6 * 6 * 4 * 6);
    expect(gap.macs).toBe(0);
    model.dispose();
  });
});

describe('latency', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(10);
    expect(percentile(xs, 0.95)).toBe(19);
    expect(percentile([7], 0.95)).toBe(7);
  });

  it('times batches without leaking tensors', async () => {
    const model = createModel('lenet300');
    const before = tf.memory().numTensors;
    const stats = await measureLatency(model, 4, { warmup: 1, runs: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(stats.runs).toBe(5);
    expect(stats.p50).toBeGreaterThan(0);
    expect(stats.p95).toBeGreaterThanOrEqual(stats.p50);
    const capped = await measureLatency(model, 4, { warmup: 0, runs: 1000, maxSeconds: 0.05 });
    expect(capped.runs).toBeLessThan(1000);
    model.dispose();
  });
});
