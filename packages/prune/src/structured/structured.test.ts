import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, fromLayersModel, LiteModel, seedCnn, type Dataset } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatStructuredReport, pruneStructured, type StructuredOptions } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Sets `channels` of `axis` of weight `index` of layer `name` to `value`. */
function setChannels(model: tfl.LayersModel, name: string, index: number, axis: number, channels: number[], value = 0): void {
  const layer = model.getLayer(name);
  const weights = layer.getWeights().map((w) => w.clone());
  const w = weights[index];
  const v = w.dataSync().slice() as Float32Array;
  const shape = w.shape;
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const set = new Set(channels);
  for (let i = 0; i < v.length; i++) if (set.has(Math.floor(i / inner) % shape[axis])) v[i] = value;
  weights[index] = tf.tensor(v, shape);
  layer.setWeights(weights);
  tf.dispose(weights);
}

/** Zeroes output channels of a conv/dense layer: its kernel's last axis and its bias. */
function zeroOutputs(model: tfl.LayersModel, name: string, channels: number[]): void {
  const rank = model.getLayer(name).getWeights()[0].rank;
  setChannels(model, name, 0, rank - 1, channels);
  if (model.getLayer(name).getWeights().length > 1) setChannels(model, name, 1, 0, channels);
}

/** Random non-zero biases everywhere, so an all-zero filter is a real condition (not the zero initialisation). */
function randomBiases(model: tfl.LayersModel, seed = 1): void {
  const rng = createRng(seed);
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length < 2 || ws[1].rank !== 1 || layer.getClassName() === 'BatchNormalization') continue;
    layer.setWeights([ws[0], tf.tensor1d(Float32Array.from({ length: ws[1].size }, () => 0.1 + 0.2 * rng.next()))]);
  }
}

function input(shape: number[], seed = 7): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1), shape);
}

function expectSamePredictions(a: tfl.LayersModel, b: tfl.LayersModel | LiteModel, x: tf.Tensor, tol = 1e-5): void {
  const want = (a.predict(x) as tf.Tensor).dataSync();
  const got = (b.predict(x) as tf.Tensor).dataSync();
  expect(got.length).toBe(want.length);
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
  expect(max).toBeLessThan(tol);
}

const conv = (name: string, filters: number, extra: Record<string, unknown> = {}) => tfl.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', activation: 'relu', ...extra });

async function prunedEqual(model: tfl.LayersModel, options: StructuredOptions, inputShape: number[]) {
  const r = await pruneStructured(model, options);
  expectSamePredictions(model, r.model, input([3, ...inputShape]));
  return r;
}

describe('pruneStructured: every rewrite keeps predictions when the removed channels are zero', () => {
  it('conv → conv → flatten → dense (Sequential): filters and the dense rows of every position', async () => {
    const m = tfl.sequential({ layers: [conv('c1', 4, { inputShape: [6, 6, 2] }), conv('c2', 6), tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.flatten(), tfl.layers.dense({ name: 'fc', units: 5, activation: 'relu' }), tfl.layers.dense({ name: 'out', units: 3 })] });
    randomBiases(m);
    zeroOutputs(m, 'c1', [1, 2]);
    zeroOutputs(m, 'c2', [0, 3, 5]);
    const { model, report } = await prunedEqual(m, { target: 'filter', ratio: 0.5 }, [6, 6, 2]);
    expect(model.getLayer('c1').getWeights()[0].shape).toEqual([3, 3, 2, 2]);
    expect(model.getLayer('c2').getWeights()[0].shape).toEqual([3, 3, 2, 3]);
    expect(model.getLayer('fc').getWeights()[0].shape).toEqual([3 * 3 * 3, 5]);
    expect(model.getLayer('out').getWeights()[0].shape).toEqual([5, 3]);
    // Parameters and MACs by hand: c1 3·3·2·2+2, c2 3·3·2·3+3, fc 27·5+5, out 5·3+3; MACs per output value × outputs.
    const byName = Object.fromEntries(report.layers.map((l) => [l.name, l]));
    expect(byName.c1).toMatchObject({ paramsBefore: 3 * 3 * 2 * 4 + 4, paramsAfter: 38, macsBefore: 36 * 4 * 18, macsAfter: 36 * 2 * 18 });
    expect(byName.c2).toMatchObject({ paramsBefore: 3 * 3 * 4 * 6 + 6, paramsAfter: 57, macsBefore: 36 * 6 * 36, macsAfter: 36 * 3 * 18 });
    expect(byName.fc).toMatchObject({ paramsBefore: 54 * 5 + 5, paramsAfter: 140, macsBefore: 270, macsAfter: 135 });
    expect(report.params).toEqual({ before: 76 + 222 + 275 + 18, after: 38 + 57 + 140 + 18, ratio: (38 + 57 + 140 + 18) / (76 + 222 + 275 + 18) });
    expect(report.groups.map((g) => [g.producers, g.channels, g.removed])).toEqual([[['c1'], 4, 2], [['c2'], 6, 3]]);
    expect(formatStructuredReport(report)).toMatch(/^c2\s+Conv2D\s+222 → 57\s+7,776 → 1,944$/m);
  });

  it('dense → dense (neurons); the classifier keeps its outputs', async () => {
    const m = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [4, 4, 1] }), tfl.layers.dense({ name: 'd1', units: 8, activation: 'relu' }), tfl.layers.dense({ name: 'd2', units: 6, activation: 'relu' }), tfl.layers.dense({ name: 'out', units: 4 })] });
    randomBiases(m);
    zeroOutputs(m, 'd1', [0, 2, 4, 6]);
    zeroOutputs(m, 'd2', [5, 1, 3]);
    const { model, report } = await prunedEqual(m, { target: 'neuron', ratio: 0.5 }, [4, 4, 1]);
    expect(model.getLayer('d1').getWeights()[0].shape).toEqual([16, 4]);
    expect(model.getLayer('d2').getWeights()[0].shape).toEqual([4, 3]);
    expect(model.getLayer('out').getWeights()[0].shape).toEqual([3, 4]);
    expect(report.skipped).toEqual([{ producers: ['out'], reason: "it is an output of the model ('out')" }]);
  });

  it('conv → BatchNormalization → depthwise → conv (channels through BN and depthwise)', async () => {
    const m = tfl.sequential({ layers: [
      tfl.layers.conv2d({ name: 'c1', filters: 6, kernelSize: 3, inputShape: [6, 6, 1] }),
      tfl.layers.batchNormalization({ name: 'bn' }),
      tfl.layers.reLU(),
      tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same' }),
      conv('c2', 4),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ name: 'out', units: 2 }),
    ] });
    randomBiases(m);
    // BN with non-trivial statistics except on the removed channels (beta = mean = 0 there: BN(0) = 0).
    const bn = m.getLayer('bn');
    bn.setWeights([tf.tensor1d([1.5, 0.7, 1.2, 0.9, 1.1, 0.8]), tf.tensor1d([0.1, 0, 0.2, 0, -0.1, 0]), tf.tensor1d([0.3, 0, -0.2, 0, 0.1, 0]), tf.tensor1d([2, 1, 0.5, 1, 1.5, 3])]);
    zeroOutputs(m, 'c1', [1, 3, 5]);
    setChannels(m, 'dw', 1, 0, [1, 3, 5]);
    zeroOutputs(m, 'c2', [0, 1]);
    const { model } = await prunedEqual(m, { target: 'filter', ratio: 0.5 }, [6, 6, 1]);
    expect(model.getLayer('bn').getWeights().map((w) => w.shape)).toEqual([[3], [3], [3], [3]]);
    expect(model.getLayer('dw').getWeights()[0].shape).toEqual([3, 3, 3, 1]);
    expect(model.getLayer('c2').getWeights()[0].shape).toEqual([3, 3, 3, 2]);
  });

  it('residual Add groups are removed together from every member; Concatenate offsets the indices (functional)', async () => {
    const x = tfl.input({ shape: [5, 5, 2] });
    const a = conv('a', 4).apply(x) as tfl.SymbolicTensor;
    const b = conv('b', 4).apply(a) as tfl.SymbolicTensor;
    const sum = tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor;
    const p = conv('p', 4).apply(sum) as tfl.SymbolicTensor;
    const q = conv('q', 6).apply(x) as tfl.SymbolicTensor;
    const cat = tfl.layers.concatenate({ name: 'cat' }).apply([p, q]) as tfl.SymbolicTensor;
    const r = conv('r', 5).apply(cat) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(r) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'out', units: 3 }).apply(flat) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: x, outputs: out });
    randomBiases(m);
    for (const name of ['a', 'b']) zeroOutputs(m, name, [0, 2]);
    zeroOutputs(m, 'p', [3, 1]);
    zeroOutputs(m, 'q', [0, 4, 5]);
    zeroOutputs(m, 'r', [2, 4]);
    const { model, report } = await prunedEqual(m, { target: 'filter', ratio: 0.5 }, [5, 5, 2]);
    expect(report.groups.map((g) => [g.producers.sort(), g.removed])).toEqual([[['a', 'b'], 2], [['p'], 2], [['q'], 3], [['r'], 2]]);
    expect(model.getLayer('p').getWeights()[0].shape).toEqual([3, 3, 2, 2]);
    expect(model.getLayer('r').getWeights()[0].shape).toEqual([3, 3, 2 + 3, 3]);
    expect(model.getLayer('out').getWeights()[0].shape).toEqual([25 * 3, 3]);
  });

  it('a residual group whose members disagree is scored by the summed importance', async () => {
    const x = tfl.input({ shape: [4, 4, 1] });
    const a = conv('a', 2).apply(x) as tfl.SymbolicTensor;
    const b = conv('b', 2).apply(x) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'out', units: 2 }).apply(tfl.layers.flatten().apply(sum)) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: x, outputs: out });
    setChannels(m, 'a', 0, 3, [0], 1); // a: channel 0 large
    setChannels(m, 'a', 0, 3, [1], 0.1);
    setChannels(m, 'b', 0, 3, [0], 0.1);
    setChannels(m, 'b', 0, 3, [1], 0.5); // b alone would keep 1; summed, channel 0 (1.1) beats channel 1 (0.6)
    const { model } = await pruneStructured(m, { target: 'filter', ratio: 0.5 });
    expect(Array.from(model.getLayer('b').getWeights()[0].dataSync())).toEqual(new Array(9).fill(Math.fround(0.1)));
  });

  it("'channel' removes conv input channels scored by their consumers, with the producing filter", async () => {
    const m = tfl.sequential({ layers: [conv('c1', 4, { inputShape: [5, 5, 1] }), conv('c2', 3), tfl.layers.flatten(), tfl.layers.dense({ name: 'out', units: 2 })] });
    randomBiases(m);
    setChannels(m, 'c2', 0, 2, [1, 2]); // c2 reads nothing from c1's channels 1 and 2
    const { model, report } = await prunedEqual(m, { target: 'channel', ratio: 0.5 }, [5, 5, 1]);
    expect(model.getLayer('c1').getWeights()[0].shape).toEqual([3, 3, 1, 2]);
    expect(model.getLayer('c2').getWeights()[0].shape).toEqual([3, 3, 2, 3]);
    // c2's own outputs are read by the Dense only: not a 'channel' candidate.
    expect(report.groups.map((g) => g.producers)).toEqual([['c1']]);
  });

  it('Taylor importance on data removes the zero filters of seedCnn', async () => {
    const m = seedCnn({ seed: 2 });
    randomBiases(m);
    zeroOutputs(m, 'conv1', [0, 1, 2, 3, 4]);
    zeroOutputs(m, 'conv2', Array.from({ length: 10 }, (_, i) => 2 * i));
    const rng = createRng(3);
    const data: Dataset = { images: Float32Array.from({ length: 16 * 784 }, () => rng.next()), labels: Uint8Array.from({ length: 16 }, (_, i) => i % 10), count: 16 };
    const { model, report } = await prunedEqual(m, { target: 'filter', ratio: 0.5, importance: 'taylor', data }, [28, 28, 1]);
    expect(report.groups.map((g) => g.removed)).toEqual([5, 10]);
    expect(model.getLayer('fc1').getWeights()[0].shape).toEqual([4 * 4 * 10, 50]);
  });
});

describe('pruneStructured: the result is a plain tfjs model', () => {
  it('saves and reloads in stock tfjs and converts to the lite runtime with equal predictions', async () => {
    const m = seedCnn({ seed: 4 });
    const first = await pruneStructured(m, { target: 'filter', ratio: 0.5, importance: 'l2' });
    const { model, report } = await pruneStructured(first.model, { target: 'neuron', ratio: 0.5 });
    expect(report.params.after).toBeLessThan(first.report.params.before * 0.55);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const reloaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const x = input([2, 28, 28, 1]);
    expectSamePredictions(model, reloaded, x, 1e-6);
    expectSamePredictions(model, LiteModel.fromGraph(fromLayersModel(model)), x, 1e-4);
    // The original is untouched.
    expect(m.getLayer('conv1').getWeights()[0].shape).toEqual([5, 5, 1, 10]);
  });

  it('bad options are clear errors', async () => {
    const m = seedCnn({ seed: 5 });
    await expect(pruneStructured(m, { target: 'kernel' as 'filter', ratio: 0.5 })).rejects.toThrow(/target must be one of filter, channel, neuron/);
    await expect(pruneStructured(m, { target: 'filter', ratio: 1 })).rejects.toThrow(/ratio must be a number in \[0, 1\)/);
    await expect(pruneStructured(m, { target: 'filter', ratio: 0.5, importance: 'taylor' })).rejects.toThrow(/Taylor importance needs data/);
    await expect(pruneStructured(m, { target: 'filter', ratio: 0.5, importance: 'l3' as 'l1' })).rejects.toThrow(/importance must be one of l1, l2, taylor/);
    await expect(pruneStructured(m, { target: 'filter', ratio: 0.5, exclude: ['conv9'] })).rejects.toThrow(/exclude names layer 'conv9', which the model does not have/);
    await expect(pruneStructured({} as tfl.LayersModel, { target: 'filter', ratio: 0.5 })).rejects.toThrow(/needs a tf.LayersModel/);
    const r = await pruneStructured(m, { target: 'filter', ratio: 0.5, exclude: ['conv1'] });
    expect(r.report.skipped).toEqual([{ producers: ['conv1'], reason: "'conv1' is excluded" }]);
  });
});
