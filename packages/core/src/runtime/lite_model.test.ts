import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../data/random.js';
import { createModel, randomizeWeights } from '../models/index.js';
import { convertLayersModel, fromLayersModel } from './from_layers.js';
import { LiteModel } from './lite_model.js';

// The runtime against tfjs's own predict (cpu backend) on the zoo, a
// MobileNetV2-style network and a model using every other supported layer.

const TOLERANCE = 1e-4;

/** Seeded uniform values in [lo, hi). */
function uniform(n: number, seed: number, lo: number, hi: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function randomInput(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(uniform(shape.reduce((a, b) => a * b, 1), seed, -1, 1), shape);
}

/** Checks runtime outputs (Tensor and array inputs) against tfjs predict at batch 1 and 7. */
function expectMatches(model: tfl.LayersModel, lite: LiteModel, inputShapes: number[][]): void {
  for (const batch of [1, 7]) {
    const xs = inputShapes.map((s, i) => randomInput([batch, ...s], 100 * batch + i));
    const expected = model.predict(xs.length === 1 ? xs[0] : xs);
    const want = (Array.isArray(expected) ? expected : [expected]).map((t) => t.dataSync().slice());
    const got = lite.predict(xs);
    const gotArrays = lite.predict(xs.map((x) => ({ data: x.dataSync() as Float32Array, shape: [...x.shape] })));
    expect(got).toHaveLength(want.length);
    for (let i = 0; i < want.length; i++) {
      expect(got[i].shape).toEqual((Array.isArray(expected) ? expected : [expected])[i].shape);
      expect(maxAbsDiff(got[i].dataSync(), want[i])).toBeLessThanOrEqual(TOLERANCE);
      expect(maxAbsDiff(gotArrays[i].data, want[i])).toBeLessThanOrEqual(TOLERANCE);
    }
    tf.dispose([...xs, ...got, ...(Array.isArray(expected) ? expected : [expected])]);
  }
}

/** A MobileNetV2-style network: stem, an inverted residual block with Add, a strided block, head. */
function mobileNetV2Style(): tfl.LayersModel {
  const input = tfl.input({ shape: [32, 32, 3], name: 'image' });
  const bn = (name: string) => tfl.layers.batchNormalization({ name, epsilon: 1e-3 });
  const relu6 = (name: string) => tfl.layers.reLU({ name, maxValue: 6 });
  let x = tfl.layers.zeroPadding2d({ name: 'stem_pad', padding: [[0, 1], [0, 1]] }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ name: 'stem_conv', filters: 16, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(x) as tfl.SymbolicTensor;
  x = bn('stem_bn').apply(x) as tfl.SymbolicTensor;
  x = relu6('stem_relu').apply(x) as tfl.SymbolicTensor;
  // Inverted residual, stride 1: expand 1×1, depthwise 3×3, project 1×1, add.
  let y = tfl.layers.conv2d({ name: 'b1_expand', filters: 48, kernelSize: 1, useBias: false }).apply(x) as tfl.SymbolicTensor;
  y = bn('b1_expand_bn').apply(y) as tfl.SymbolicTensor;
  y = relu6('b1_expand_relu').apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.depthwiseConv2d({ name: 'b1_dw', kernelSize: 3, padding: 'same', useBias: false }).apply(y) as tfl.SymbolicTensor;
  y = bn('b1_dw_bn').apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.activation({ name: 'b1_dw_relu', activation: 'relu6' }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.conv2d({ name: 'b1_project', filters: 16, kernelSize: 1, useBias: false }).apply(y) as tfl.SymbolicTensor;
  y = bn('b1_project_bn').apply(y) as tfl.SymbolicTensor;
  x = tfl.layers.add({ name: 'b1_add' }).apply([x, y]) as tfl.SymbolicTensor;
  // Inverted residual, stride 2 (padded like Keras' MobileNetV2).
  y = tfl.layers.conv2d({ name: 'b2_expand', filters: 64, kernelSize: 1, useBias: false }).apply(x) as tfl.SymbolicTensor;
  y = bn('b2_expand_bn').apply(y) as tfl.SymbolicTensor;
  y = relu6('b2_expand_relu').apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.zeroPadding2d({ name: 'b2_pad', padding: [[0, 1], [0, 1]] }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.depthwiseConv2d({ name: 'b2_dw', kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(y) as tfl.SymbolicTensor;
  y = bn('b2_dw_bn').apply(y) as tfl.SymbolicTensor;
  y = relu6('b2_dw_relu').apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.conv2d({ name: 'b2_project', filters: 24, kernelSize: 1, useBias: false }).apply(y) as tfl.SymbolicTensor;
  x = bn('b2_project_bn').apply(y) as tfl.SymbolicTensor;
  // Head.
  x = tfl.layers.conv2d({ name: 'head_conv', filters: 64, kernelSize: 1, useBias: false }).apply(x) as tfl.SymbolicTensor;
  x = bn('head_bn').apply(x) as tfl.SymbolicTensor;
  x = relu6('head_relu').apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dropout({ name: 'dropout', rate: 0.2 }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'logits', units: 10, activation: 'softmax' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out, name: 'mobilenetv2_style' });
  randomizeWeights(model, 11);
  return model;
}

/**
 * Every other supported layer: SeparableConv2D, LeakyReLU, Concatenate, PReLU
 * (shared and per-element), AveragePooling2D 'same', a BatchNormalization that
 * cannot fold (after PReLU), MaxPooling2D, dilated conv with tanh, Reshape,
 * Dense on rank 3 with sigmoid, Dropout, Flatten, softmax Activation; two inputs
 * and two outputs.
 */
function everyLayerModel(): tfl.LayersModel {
  const image = tfl.input({ shape: [12, 12, 3], name: 'image' });
  const extra = tfl.input({ shape: [12, 12, 2], name: 'extra' });
  const a = tfl.layers.separableConv2d({ name: 'sep', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', depthMultiplier: 2 }).apply(image) as tfl.SymbolicTensor;
  let b = tfl.layers.conv2d({ name: 'conv_b', filters: 6, kernelSize: 3, padding: 'same' }).apply(image) as tfl.SymbolicTensor;
  b = tfl.layers.leakyReLU({ name: 'leaky', alpha: 0.2 }).apply(b) as tfl.SymbolicTensor;
  let c = tfl.layers.concatenate({ name: 'concat', axis: -1 }).apply([a, b, extra]) as tfl.SymbolicTensor;
  c = tfl.layers.prelu({ name: 'prelu_shared', sharedAxes: [1, 2] }).apply(c) as tfl.SymbolicTensor;
  c = tfl.layers.averagePooling2d({ name: 'avg', poolSize: 3, strides: 2, padding: 'same' }).apply(c) as tfl.SymbolicTensor;
  c = tfl.layers.batchNormalization({ name: 'bn_loose' }).apply(c) as tfl.SymbolicTensor;
  const side = tfl.layers.prelu({ name: 'prelu_full' }).apply(c) as tfl.SymbolicTensor;
  let d = tfl.layers.maxPooling2d({ name: 'max', poolSize: 2 }).apply(c) as tfl.SymbolicTensor;
  d = tfl.layers.conv2d({ name: 'dilated', filters: 4, kernelSize: 2, dilationRate: 2, padding: 'same', activation: 'tanh' }).apply(d) as tfl.SymbolicTensor;
  d = tfl.layers.reshape({ name: 'reshape', targetShape: [9, 4] }).apply(d) as tfl.SymbolicTensor;
  d = tfl.layers.dense({ name: 'per_position', units: 6, activation: 'sigmoid' }).apply(d) as tfl.SymbolicTensor;
  d = tfl.layers.dropout({ name: 'drop', rate: 0.5 }).apply(d) as tfl.SymbolicTensor;
  d = tfl.layers.flatten({ name: 'flat' }).apply(d) as tfl.SymbolicTensor;
  d = tfl.layers.dense({ name: 'fc', units: 5 }).apply(d) as tfl.SymbolicTensor;
  d = tfl.layers.activation({ name: 'probs', activation: 'softmax' }).apply(d) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: [image, extra], outputs: [d, side], name: 'every_layer' });
  randomizeWeights(model, 23);
  return model;
}

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'lite-runtime-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Converts a model, writes it as an fp32 .lite file and loads it back from the path. */
async function viaLiteFile(model: tfl.LayersModel, file: string): Promise<LiteModel> {
  const path = join(dir, file);
  await LiteModel.fromLayersModel(model).save(path);
  return LiteModel.load(path);
}

describe('an fp32 .lite model predicts what tfjs predict does', () => {
  it.each(['seedCnn', 'lenet5'])('zoo %s', async (name) => {
    const model = createModel(name, { seed: 5 });
    const lite = await viaLiteFile(model, `${name}.lite`);
    expectMatches(model, lite, [[28, 28, 1]]);
    // Single-tensor form returns a single tensor.
    const x = randomInput([3, 28, 28, 1], 9);
    const y = lite.predict(x);
    const want = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 10]);
    expect(maxAbsDiff(y.dataSync(), want.dataSync())).toBeLessThanOrEqual(TOLERANCE);
    tf.dispose([x, y, want]);
    model.dispose();
  });

  it('a MobileNetV2-style model, with every BatchNormalization folded', async () => {
    const model = mobileNetV2Style();
    const { graph, stats } = convertLayersModel(model);
    expect(stats.foldedBatchNorms).toBe(8);
    expect(stats.scaleShifts).toBe(0);
    expect(stats.fusedActivations).toBe(6);
    expect(graph.nodes.map((n) => n.op)).not.toContain('activation');
    expectMatches(model, LiteModel.fromGraph(graph), [[32, 32, 3]]);
    // The same through a .lite file, loaded from its bytes.
    const path = join(dir, 'mobilenet.lite');
    await LiteModel.fromGraph(graph).save(path);
    expectMatches(model, await LiteModel.load(new Uint8Array(await readFile(path))), [[32, 32, 3]]);
    model.dispose();
  });

  it('a two-input, two-output model using every other supported layer', async () => {
    const model = everyLayerModel();
    const { graph, stats } = convertLayersModel(model);
    expect(stats.scaleShifts).toBe(1);
    expect(stats.identities).toBe(1);
    expect(graph.nodes.find((n) => n.name === 'sep')).toMatchObject({ op: 'conv2d', input: 'sep_depthwise', activation: 'relu' });
    expect(graph.nodes.find((n) => n.name === 'conv_b')).toMatchObject({ op: 'conv2d', activation: 'leakyRelu', alpha: 0.2 });
    expectMatches(model, LiteModel.fromGraph(graph), [[12, 12, 3], [12, 12, 2]]);
    expectMatches(model, await viaLiteFile(model, 'every.lite'), [[12, 12, 3], [12, 12, 2]]);
    model.dispose();
  });

  it('a Sequential model with a BatchNormalization on its input and after an activated Dense', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.batchNormalization({ inputShape: [6, 6, 2], name: 'bn_in' }),
        tfl.layers.flatten({}),
        tfl.layers.dense({ units: 8, activation: 'relu', name: 'fc' }),
        tfl.layers.batchNormalization({ name: 'bn_fc' }),
        tfl.layers.dense({ units: 3, name: 'out' }),
      ],
    });
    randomizeWeights(model, 3);
    const { stats } = convertLayersModel(model);
    expect(stats).toMatchObject({ foldedBatchNorms: 0, scaleShifts: 2 });
    expectMatches(model, await viaLiteFile(model, 'bn.lite'), [[6, 6, 2]]);
    model.dispose();
  });

  it('a nested Sequential inside a functional model', () => {
    const inner = tfl.sequential({
      name: 'inner',
      layers: [tfl.layers.dense({ inputShape: [4], units: 5, activation: 'relu', name: 'd1' }), tfl.layers.dense({ units: 2, name: 'd2' })],
    });
    const input = tfl.input({ shape: [4] });
    const model = tfl.model({ inputs: input, outputs: inner.apply(input) as tfl.SymbolicTensor });
    randomizeWeights(inner, 4);
    expectMatches(model, LiteModel.fromLayersModel(model), [[4]]);
    model.dispose();
  });
});

describe('conversion errors', () => {
  it('names an unsupported layer and its class', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, name: 'c' }), tfl.layers.upSampling2d({ name: 'up' })],
    });
    expect(() => fromLayersModel(model)).toThrow(/layer 'up' \(class UpSampling2D\).*not supported/);
    model.dispose();
  });

  it('names an unsupported activation', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2, activation: 'elu', name: 'fc' })] });
    expect(() => fromLayersModel(model)).toThrow(/layer 'fc' \(class Dense\): activation 'elu'/);
    model.dispose();
  });
});

describe('LiteModel', () => {
  let model: tfl.LayersModel;
  let lite: LiteModel;
  beforeAll(() => {
    model = createModel('seedCnn', { seed: 2 });
    lite = LiteModel.fromLayersModel(model);
  });
  afterAll(() => model.dispose());

  it('rejects inputs of the wrong shape or size, saying what it expects', () => {
    expect(() => lite.predict({ data: new Float32Array(28 * 28), shape: [1, 28, 28] })).toThrow(/shape \[1, 28, 28\].*expects \[batch, 28, 28, 1\]/);
    expect(() => lite.predict({ data: new Float32Array(5), shape: [1, 28, 28, 1] })).toThrow(/5 values/);
    expect(() => lite.predict([])).toThrow(/got 0 input\(s\); this model takes 1/);
  });

  it('gives the same answers on repeated runs and alternating batch sizes (buffers are reused)', () => {
    const x1 = { data: uniform(784, 1, 0, 1), shape: [1, 28, 28, 1] };
    const x5 = { data: uniform(5 * 784, 2, 0, 1), shape: [5, 28, 28, 1] };
    const a = lite.predict(x1).data;
    const b = lite.predict(x5).data;
    expect(lite.predict(x1).data).toEqual(a);
    expect(lite.predict(x5).data).toEqual(b);
    // Batch rows are independent: sample 0 of a batch equals that sample alone.
    const first = lite.predict({ data: x5.data.slice(0, 784), shape: [1, 28, 28, 1] }).data;
    expect(maxAbsDiff(first, b.slice(0, 10))).toBeLessThanOrEqual(1e-6);
  });

  it('summarises layers, shapes, parameters, bytes and MACs', () => {
    const s = lite.summary();
    expect(s.params).toBe(21840);
    expect(s.bytes).toBe(21840 * 4);
    expect(s.bytesByEncoding).toEqual({ f32: 21840 * 4 });
    expect(s.inputs).toEqual([{ name: expect.any(String), shape: [null, 28, 28, 1] }]);
    expect(s.outputs[0].shape).toEqual([null, 10]);
    const conv1 = s.layers.find((l) => l.name === 'conv1')!;
    expect(conv1).toMatchObject({ op: 'conv2d', outputShape: [null, 24, 24, 10], params: 260, macs: 24 * 24 * 10 * 25, activation: 'relu' });
    expect(conv1.tensors.map((t) => [t.name, t.encoding, t.bytes])).toEqual([['conv1/kernel', 'f32', 1000], ['conv1/bias', 'f32', 40]]);
    // conv1 + conv2 + fc1 + fc2
    expect(s.macs).toBe(24 * 24 * 10 * 25 + 8 * 8 * 20 * 250 + 320 * 50 + 50 * 10);
  });
});

describe('toLayersModel', () => {
  it.each([
    ['seedCnn', () => createModel('seedCnn', { seed: 8 }), [[28, 28, 1]]],
    ['MobileNetV2-style', mobileNetV2Style, [[32, 32, 3]]],
    ['every-layer', everyLayerModel, [[12, 12, 3], [12, 12, 2]]],
  ] as const)('expands %s back into a tf.LayersModel with the original predictions', (_name, build, shapes) => {
    const original = build();
    const expanded = LiteModel.fromLayersModel(original).toLayersModel();
    for (const batch of [1, 7]) {
      const xs = shapes.map((s, i) => randomInput([batch, ...s], 31 * batch + i));
      const a = original.predict(xs.length === 1 ? xs[0] : xs);
      const b = expanded.predict(xs.length === 1 ? xs[0] : xs);
      const as = Array.isArray(a) ? a : [a];
      const bs = Array.isArray(b) ? b : [b];
      expect(bs).toHaveLength(as.length);
      for (let i = 0; i < as.length; i++) {
        expect(bs[i].shape).toEqual(as[i].shape);
        expect(maxAbsDiff(bs[i].dataSync(), as[i].dataSync())).toBeLessThanOrEqual(TOLERANCE);
      }
      tf.dispose([...xs, ...as, ...bs]);
    }
    original.dispose();
    expanded.dispose();
  });
});
