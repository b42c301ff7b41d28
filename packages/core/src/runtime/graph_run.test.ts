import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompressedTensor, GraphNode, LiteGraph } from '../graph/index.js';
import { encodeLite, reencodeGraph } from '../format/index.js';
import { createModel } from '../models/index.js';
import { fromLayersModel } from './from_layers.js';
import { LiteModel } from './lite_model.js';
import { buildPlan } from './plan.js';
import { prepareWeights } from './weights.js';

// Graph-level behaviour of the executor: hand-built graphs, buffer planning,
// ZeroPadding2D folding, encodings, and graph errors.

function seeded(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return scale * (2 * (s / 2 ** 32) - 1);
  });
}

function f32(name: string, shape: number[], seed: number, scale = 0.5): CompressedTensor {
  return { name, shape, encoding: 'f32', values: seeded(shape.reduce((a, b) => a * b, 1), seed, scale) };
}

function graphOf(nodes: GraphNode[], outputs: string[], tensors: CompressedTensor[]): LiteGraph {
  return { nodes, outputs, tensors: new Map(tensors.map((t) => [t.name, t])), provenance: [] };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('hand-built graphs', () => {
  it('runs Reshape with an unknown (-1) dimension and Concatenate on a spatial axis', () => {
    const graph = graphOf([
      { op: 'input', name: 'x', shape: [null, 4, 3, 2] },
      { op: 'activation', name: 'neg', input: 'x', activation: 'leakyRelu', alpha: 0.5 },
      { op: 'concatenate', name: 'rows', inputs: ['x', 'neg'], axis: 1 },
      { op: 'reshape', name: 'r', input: 'rows', targetShape: [-1, 6] },
    ], ['r'], []);
    const x = seeded(2 * 24, 3);
    const { data, shape } = LiteModel.fromGraph(graph).predict({ data: x, shape: [2, 4, 3, 2] });
    expect(shape).toEqual([2, 8, 6]);
    const xt = tf.tensor(x, [2, 4, 3, 2]);
    const want = tf.reshape(tf.concat([xt, tf.leakyRelu(xt, 0.5)], 1), [2, 8, 6]);
    expect(maxAbsDiff(data, want.dataSync())).toBe(0);
    tf.dispose([xt, want]);
  });

  it('keeps an output that later nodes also read intact (no in-place overwrite)', () => {
    const graph = graphOf([
      { op: 'input', name: 'x', shape: [null, 5] },
      { op: 'dense', name: 'h', input: 'x', kernel: 'k', activation: 'linear' },
      { op: 'activation', name: 'act', input: 'h', activation: 'tanh' },
    ], ['h', 'act'], [f32('k', [5, 4], 1)]);
    const [h, act] = LiteModel.fromGraph(graph).predict([{ data: seeded(10, 2), shape: [2, 5] }]);
    expect(maxAbsDiff(act.data, h.data.map(Math.tanh))).toBeLessThan(1e-6);
    expect(h.data.some((v, i) => v !== act.data[i])).toBe(true);
  });

  it('plans buffers once per shape and reuses freed ones', () => {
    const model = createModel('lenet5', { seed: 1 });
    const graph = fromLayersModel(model);
    const plan = buildPlan(graph, prepareWeights(graph), [[4, 28, 28, 1]]);
    // Input, conv1 and pool1 are live together; every later value fits in a freed buffer.
    expect(plan.floats).toBe(4 * (784 + 24 * 24 * 20 + 12 * 12 * 20));
    expect(plan.steps).toHaveLength(6);
    model.dispose();
  });
});

describe('ZeroPadding2D', () => {
  function padded(padding: [[number, number], [number, number]], next: 'conv' | 'depthwise' | 'maxPool'): tfl.LayersModel {
    const input = tfl.input({ shape: [9, 7, 3] });
    let x = tfl.layers.zeroPadding2d({ padding }).apply(input) as tfl.SymbolicTensor;
    if (next === 'maxPool') x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
    else if (next === 'conv') x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, kernelInitializer: 'glorotUniform' }).apply(x) as tfl.SymbolicTensor;
    else x = tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, depthwiseInitializer: 'glorotUniform' }).apply(x) as tfl.SymbolicTensor;
    return tfl.model({ inputs: input, outputs: x });
  }

  it.each([
    ['folds into a following conv', [[0, 1], [0, 1]], 'conv', 1],
    ['folds into a following depthwise conv', [[1, 1], [2, 0]], 'depthwise', 1],
    ['is materialised when the conv cannot take the padding', [[3, 3], [3, 3]], 'conv', 2],
    ['is materialised before a max pool', [[1, 0], [0, 1]], 'maxPool', 2],
  ] as const)('%s', (_what, padding, next, steps) => {
    const model = padded(padding as [[number, number], [number, number]], next);
    const graph = fromLayersModel(model);
    const plan = buildPlan(graph, prepareWeights(graph), [[2, 9, 7, 3]]);
    expect(plan.steps).toHaveLength(steps);
    const x = tf.randomUniform([2, 9, 7, 3], -1, 1, 'float32', 7);
    const want = model.predict(x) as tf.Tensor;
    const got = LiteModel.fromGraph(graph).predict(x);
    expect(got.shape).toEqual(want.shape);
    expect(maxAbsDiff(got.dataSync(), want.dataSync())).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, want, got]);
    model.dispose();
  });
});

describe('encodings and conversion details', () => {
  it('decodes f16 weights once at load and runs them on the fp32 kernels', async () => {
    const model = createModel('seedCnn', { seed: 4 });
    const graph = fromLayersModel(model);
    const half = reencodeGraph(graph, 'f16');
    expect(half.warnings.filter((w) => w.kind === 'overflow')).toEqual([]);
    const halfModel = LiteModel.fromGraph(half.graph);
    expect(halfModel.summary().bytesByEncoding).toEqual({ f16: 21840 * 2 });
    // The same graph with the half values widened back to f32 gives identical outputs.
    const widened = halfModel.toLayersModel();
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 3);
    const a = halfModel.predict(x);
    const b = widened.predict(x) as tf.Tensor;
    const full = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBeLessThanOrEqual(1e-5);
    // And stays close to the fp32 model.
    expect(maxAbsDiff(a.dataSync(), full.dataSync())).toBeLessThan(5e-3);
    // An f16 .lite file (here its bytes) loads into the same model.
    const loaded = await LiteModel.load(encodeLite(half.graph));
    expect(loaded.summary().bytesByEncoding).toEqual({ f16: 21840 * 2 });
    const c = loaded.predict(x);
    expect(maxAbsDiff(c.dataSync(), a.dataSync())).toBe(0);
    tf.dispose([x, a, b, c, full]);
    model.dispose();
    widened.dispose();
  });

  it('converts a layer applied twice (shared weights) into two nodes reading one tensor', () => {
    const shared = tfl.layers.dense({ units: 3, name: 'shared', activation: 'relu' });
    const a = tfl.input({ shape: [4], name: 'a' });
    const b = tfl.input({ shape: [4], name: 'b' });
    const sum = tfl.layers.add({ name: 'sum' }).apply([shared.apply(a), shared.apply(b)] as tfl.SymbolicTensor[]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [a, b], outputs: sum });
    const graph = fromLayersModel(model);
    const dense = graph.nodes.filter((n) => n.op === 'dense');
    expect(dense.map((n) => n.name)).toEqual(['shared', 'shared_1']);
    expect(new Set(dense.map((n) => (n as { kernel: string }).kernel)).size).toBe(1);
    const xs = [tf.randomUniform([5, 4], -1, 1, 'float32', 1), tf.randomUniform([5, 4], -1, 1, 'float32', 2)];
    const want = model.predict(xs) as tf.Tensor;
    const [got] = LiteModel.fromGraph(graph).predict(xs);
    expect(maxAbsDiff(got.dataSync(), want.dataSync())).toBeLessThanOrEqual(1e-6);
    tf.dispose([...xs, want, got]);
    model.dispose();
  });

  it('does not fuse an activation into a conv whose output is also a model output', () => {
    const input = tfl.input({ shape: [6, 6, 1] });
    const conv = tfl.layers.conv2d({ filters: 2, kernelSize: 3, name: 'conv' }).apply(input) as tfl.SymbolicTensor;
    const relu = tfl.layers.reLU({ name: 'relu' }).apply(conv) as tfl.SymbolicTensor;
    const graph = fromLayersModel(tfl.model({ inputs: input, outputs: [conv, relu] }));
    expect(graph.nodes.map((n) => n.op)).toEqual(['input', 'conv2d', 'activation']);
    expect(graph.outputs).toEqual(['conv', 'relu']);
  });
});

describe('graph errors', () => {
  it('rejects a graph that reads a missing weight or a mis-shaped one, naming the node', () => {
    const nodes: GraphNode[] = [
      { op: 'input', name: 'x', shape: [null, 5] },
      { op: 'dense', name: 'fc', input: 'x', kernel: 'k', activation: 'relu' },
    ];
    expect(() => LiteModel.fromGraph(graphOf(nodes, ['fc'], []))).toThrow(/weight 'k'/);
    expect(() => LiteModel.fromGraph(graphOf(nodes, ['fc'], [f32('k', [4, 3], 1)]))).toThrow(/node 'fc' \(dense\): kernel \[4, 3\] does not fit input \[1, 5\]/);
  });

  it('rejects a tensor whose values do not fill its shape', () => {
    const bad: CompressedTensor = { name: 'k', shape: [5, 3], encoding: 'f32', values: new Float32Array(14) };
    const nodes: GraphNode[] = [
      { op: 'input', name: 'x', shape: [null, 5] },
      { op: 'dense', name: 'fc', input: 'x', kernel: 'k', activation: 'linear' },
    ];
    expect(() => LiteModel.fromGraph(graphOf(nodes, ['fc'], [bad]))).toThrow(/tensor 'k': 14 values do not fill its shape \[5, 3\]/);
  });
});
