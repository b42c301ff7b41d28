import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LiteModel, decodeLite, encodeLite, fromLayersModel, loadMnist, seedCnn, silentProgress, useBestBackend, type Dataset } from '@lite/core';
import { quantize } from '../model/quantize.js';
import { binaryGraph } from './convert.js';
import { buildNetwork, chainTargets, planLayers } from './network.js';
import { binaryForward, trainBinary } from './train.js';

let data: Dataset;
beforeAll(async () => {
  await useBestBackend(() => {});
  const { train } = await loadMnist();
  const count = 256;
  data = { ...train, count, images: train.images.subarray(0, count * 784), labels: train.labels.subarray(0, count) };
});

describe('binary/ternary training and export', () => {
  it('plans seedCnn: int8 first/last, binary hidden, binary inputs after the first layer, BN before the last', () => {
    const plans = planLayers(chainTargets(fromLayersModel(seedCnn())), 'binary', { fc2: 'f32' });
    expect([...plans]).toEqual([
      ['conv1', { format: 'int8', binaryInput: false, batchNorm: true }],
      ['conv2', { format: 'binary', binaryInput: true, batchNorm: true }],
      ['fc1', { format: 'binary', binaryInput: true, batchNorm: true }],
      ['fc2', { format: 'f32', binaryInput: true, batchNorm: false }],
    ]);
    expect(() => planLayers(chainTargets(fromLayersModel(seedCnn())), 'binary', { nope: 'f32' })).toThrow(/no conv\/dense layer named 'nope'/);
  });

  it('the exported binary .lite (BN folded, binary kernels, binaryInput) predicts what the trained network computes', async () => {
    const graph = fromLayersModel(seedCnn({ seed: 1 }));
    const plans = planLayers(chainTargets(graph), 'binary', { conv1: 'f32', fc2: 'f32' });
    const model = buildNetwork(graph, plans);
    await trainBinary(model, data, plans, { epochs: 1, progress: silentProgress });
    const x = tf.tensor4d(data.images.slice(0, 8 * 784), [8, 28, 28, 1]);
    const want = tf.tidy(() => binaryForward(plans)(model, x, false).dataSync());
    const out = decodeLite(encodeLite(binaryGraph(model, plans)));
    model.dispose();
    expect(out.tensors.get('conv2/kernel')!.encoding).toBe('binary');
    expect(out.tensors.get('fc1/kernel')!.encoding).toBe('binary');
    expect(out.nodes.filter((n) => 'binaryInput' in n && n.binaryInput).map((n) => n.name)).toEqual(['conv2', 'fc1', 'fc2']);
    const got = (LiteModel.fromGraph(out).predict(x) as tf.Tensor).dataSync();
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i])));
    x.dispose();
  });

  it("quantize(mode: 'ternary') stores ternary hidden kernels and int8 first/last layers", async () => {
    const r = await quantize(seedCnn(), { mode: 'ternary', epochs: 1, data, progress: silentProgress });
    expect(r.layers.map((l) => l.format)).toEqual(['int8', 'ternary', 'ternary', 'int8']);
    expect(r.graph.nodes.some((n) => 'binaryInput' in n)).toBe(false);
  });
});
