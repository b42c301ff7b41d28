import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ActivationQuant, CompressedTensor, GraphNode, LiteGraph } from '../graph/index.js';
import { decodeLite, decodeTensor, encodeLite, encodeTensor } from '../format/index.js';
import { createRng } from '../data/random.js';
import { LiteModel } from './lite_model.js';
import { MIN_INT8_DEPTH } from './steps.js';
import { prepareWeights } from './weights.js';

// int8/int4 layers on the int8 kernels: the runtime's result equals the fp32
// computation on the dequantized weights and the quantized inputs (the kernels
// sum exactly in int32; only float32 rounding of the scaled sums differs).

function uniform(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => scale * (2 * rng.next() - 1));
}

function tensor(encoding: 'f32' | 'int8' | 'int4', name: string, shape: number[], seed: number, scale = 0.3): CompressedTensor {
  const values = uniform(shape.reduce((a, b) => a * b, 1), seed, scale);
  return encoding === 'f32' ? { name, encoding, shape, values } : encodeTensor(encoding, name, values, shape).tensor;
}

/** uint8 parameters of a range, the way @lite/quant picks them. */
function rangeQuant(min: number, max: number): ActivationQuant {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = Math.fround((hi - lo) / 255) || 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
}

/** x quantized to uint8 and back: per row (rows = 1: per tensor), or with fixed parameters. */
function fakeQuant(x: tf.Tensor, rows: number, fixed?: ActivationQuant): tf.Tensor {
  return tf.tidy(() => {
    const flat = tf.reshape(x, [rows, -1]);
    let scale: tf.Tensor;
    let zp: tf.Tensor;
    if (fixed) {
      scale = tf.scalar(fixed.scale);
      zp = tf.scalar(fixed.zeroPoint);
    } else {
      const lo = tf.minimum(tf.min(flat, 1, true), 0);
      const hi = tf.maximum(tf.max(flat, 1, true), 0);
      const range = tf.sub(hi, lo);
      scale = tf.where(tf.greater(range, 0), tf.div(range, 255), tf.onesLike(range));
      zp = tf.clipByValue(tf.round(tf.div(tf.neg(lo), scale)), 0, 255);
    }
    const q = tf.clipByValue(tf.add(tf.round(tf.div(flat, scale)), zp), 0, 255);
    return tf.reshape(tf.mul(tf.sub(q, zp), scale), x.shape);
  });
}

function graphOf(nodes: GraphNode[], tensors: CompressedTensor[]): LiteGraph {
  return { nodes, outputs: [nodes[nodes.length - 1].name], tensors: new Map(tensors.map((t) => [t.name, t])), provenance: [] };
}

function values(t: CompressedTensor): Float32Array {
  return t.encoding === 'f32' ? t.values : decodeTensor(t);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['int8', 'int4'] as const)('%s conv and dense layers', (encoding) => {
  const conv = tensor(encoding, 'conv/kernel', [3, 3, 5, 17], 1);
  const convBias = tensor('f32', 'conv/bias', [17], 2, 0.1);
  const dense = tensor(encoding, 'fc/kernel', [4 * 4 * 17, 10], 3, 0.05);
  const denseBias = tensor('f32', 'fc/bias', [10], 4, 0.1);
  const x = uniform(3 * 6 * 6 * 5, 5);
  const nodes = (convQuant?: ActivationQuant, fcQuant?: ActivationQuant): GraphNode[] => [
    { op: 'input', name: 'x', shape: [null, 6, 6, 5] },
    { op: 'conv2d', name: 'conv', input: 'x', kernel: conv.name, bias: convBias.name, strides: [1, 1], padding: 'same', dilation: [1, 1], activation: 'relu', ...(convQuant ? { inputQuant: convQuant } : {}) },
    { op: 'maxPool2d', name: 'pool', input: 'conv', poolSize: [2, 2], strides: [1, 1], padding: 'valid' },
    { op: 'maxPool2d', name: 'pool2', input: 'pool', poolSize: [2, 2], strides: [1, 1], padding: 'valid' },
    { op: 'flatten', name: 'flat', input: 'pool2' },
    { op: 'dense', name: 'fc', input: 'flat', kernel: dense.name, bias: denseBias.name, activation: 'linear', ...(fcQuant ? { inputQuant: fcQuant } : {}) },
  ];

  /** The fp32 computation with dequantized weights, each layer's input passed through `quantConv`/`quantFc`. */
  function expected(quantConv: (t: tf.Tensor) => tf.Tensor, quantFc: (t: tf.Tensor) => tf.Tensor): Float32Array {
    return tf.tidy(() => {
      const xt = tf.tensor4d(x, [3, 6, 6, 5]);
      const w = tf.tensor4d(values(conv), [3, 3, 5, 17]);
      let h: tf.Tensor = tf.relu(tf.add(tf.conv2d(quantConv(xt) as tf.Tensor4D, w, 1, 'same'), tf.tensor1d(values(convBias))));
      h = tf.maxPool(h as tf.Tensor4D, 2, 1, 'valid');
      h = tf.reshape(tf.maxPool(h as tf.Tensor4D, 2, 1, 'valid'), [3, -1]);
      const y = tf.add(tf.matMul(quantFc(h) as tf.Tensor2D, tf.tensor2d(values(dense), [4 * 4 * 17, 10])), tf.tensor1d(values(denseBias)));
      return y.dataSync() as Float32Array;
    });
  }

  function run(graph: LiteGraph): Float32Array {
    return LiteModel.fromGraph(graph).predict({ data: x, shape: [3, 6, 6, 5] }).data;
  }

  function expectClose(got: Float32Array, want: Float32Array): void {
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want[i])));
  }

  it('packs the kernels for the int8 GEMM', () => {
    const weights = prepareWeights(graphOf(nodes(), [conv, convBias, dense, denseBias]));
    expect(weights.get(conv.name)!.kind).toBe('int');
    expect(weights.get(dense.name)!.kind).toBe('int');
    expect(weights.get(convBias.name)!.kind).toBe('f32');
  });

  it('dynamic: the conv quantizes its input per batch, the dense layer per row', () => {
    const got = run(graphOf(nodes(), [conv, convBias, dense, denseBias]));
    expectClose(got, expected((t) => fakeQuant(t, 1), (t) => fakeQuant(t, 3)));
  });

  it('static: each layer quantizes its input with the stored parameters (saturating outside them)', () => {
    const convQuant = rangeQuant(-0.6, 0.7); // narrower than x: some inputs saturate
    const fcQuant = rangeQuant(0, 1.5);
    const graph = graphOf(nodes(convQuant, fcQuant), [conv, convBias, dense, denseBias]);
    const got = run(graph);
    expectClose(got, expected((t) => fakeQuant(t, 1, convQuant), (t) => fakeQuant(t, 1, fcQuant)));
    // The parameters survive a .lite round trip.
    const back = decodeLite(encodeLite(graph));
    expect(back.nodes[1]).toMatchObject({ inputQuant: convQuant });
    expect(run(back)).toEqual(got);
  });

  it(`runs a conv with fewer than ${MIN_INT8_DEPTH} taps per output on the fp32 kernel (dequantized weights)`, () => {
    const small = tensor(encoding, 'small/kernel', [1, 1, 5, 4], 6);
    const graph = graphOf([
      { op: 'input', name: 'x', shape: [null, 6, 6, 5] },
      { op: 'conv2d', name: 'small', input: 'x', kernel: small.name, strides: [1, 1], padding: 'valid', dilation: [1, 1], activation: 'linear' },
    ], [small]);
    const got = run(graph);
    const want = tf.tidy(() => tf.conv2d(tf.tensor4d(x, [3, 6, 6, 5]), tf.tensor4d(values(small), [1, 1, 5, 4]), 1, 'valid').dataSync());
    expectClose(got, want as Float32Array);
  });
});

describe('inputQuant in the .lite header', () => {
  const k = tensor('int8', 'k', [40, 3], 7);
  const bad = (inputQuant: unknown) => encodeLite(graphOf([
    { op: 'input', name: 'x', shape: [null, 40] },
    { op: 'dense', name: 'fc', input: 'x', kernel: 'k', activation: 'linear', inputQuant } as GraphNode,
  ], [k]));

  it('rejects scales and zero points outside their ranges, naming the field', () => {
    expect(() => decodeLite(bad({ scale: 0, zeroPoint: 3 }))).toThrow(/inputQuant\.scale/);
    expect(() => decodeLite(bad({ scale: 0.1, zeroPoint: 3 }))).toThrow(/inputQuant\.scale/); // 0.1 is not a float32
    expect(() => decodeLite(bad({ scale: Math.fround(0.1), zeroPoint: 256 }))).toThrow(/inputQuant\.zeroPoint/);
    expect(() => decodeLite(bad({ scale: Math.fround(0.1), zeroPoint: 1, extra: 1 }))).toThrow(/inputQuant/);
    expect(decodeLite(bad({ scale: Math.fround(0.1), zeroPoint: 255 })).nodes[1]).toMatchObject({ inputQuant: { zeroPoint: 255 } });
  });
});
