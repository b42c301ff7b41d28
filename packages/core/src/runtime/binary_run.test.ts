// Binary/ternary layers at run time: binary-input layers with binary/ternary kernels
// run on the XNOR-popcount kernels (bconv2d, bgemm, tgemm) and predict what a
// tfjs forward of the same binarized model (sign inputs, decoded weights) does.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../data/random.js';
import { decodeLite, encodeLite } from '../format/container.js';
import { decodeTensor, encodeTensor } from '../format/registry.js';
import { binaryNet, gaussian } from '../format/samples.js';
import type { GraphNode, LiteGraph } from '../graph/types.js';
import { LiteModel } from './lite_model.js';
import { prepareWeights } from './weights.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A plain tfjs forward of the graph's conv2d/maxPool/flatten/dense nodes: sign(x) for binaryInput, decoded weights. */
function tfForward(graph: LiteGraph, x: tf.Tensor4D): tf.Tensor {
  return tf.tidy(() => {
    const values = new Map<string, tf.Tensor>([[graph.nodes[0].name, x]]);
    const w = (name: string) => {
      const t = graph.tensors.get(name)!;
      return tf.tensor(decodeTensor(t), t.shape);
    };
    const sign = (t: tf.Tensor) => tf.where(tf.less(t, 0), tf.fill(t.shape, -1), tf.fill(t.shape, 1));
    const act = (t: tf.Tensor, a: string) => (a === 'relu' ? tf.relu(t) : a === 'softmax' ? tf.softmax(t) : t);
    for (const node of graph.nodes.slice(1) as Exclude<GraphNode, { op: 'input' }>[]) {
      const input = 'input' in node ? values.get(node.input)! : undefined!;
      let y: tf.Tensor;
      if (node.op === 'conv2d' || node.op === 'dense') {
        const xin = node.binaryInput ? sign(input) : input;
        y = node.op === 'conv2d'
          ? tf.conv2d(xin as tf.Tensor4D, w(node.kernel) as tf.Tensor4D, node.strides, node.padding)
          : tf.matMul(xin as tf.Tensor2D, w(node.kernel) as tf.Tensor2D);
        if (node.bias) y = tf.add(y, w(node.bias));
        y = act(y, node.activation);
      } else if (node.op === 'maxPool2d') y = tf.maxPool(input as tf.Tensor4D, node.poolSize, node.strides, node.padding);
      else if (node.op === 'flatten') y = tf.reshape(input, [input.shape[0], -1]);
      else throw new Error(`test forward lacks ${node.op}`);
      values.set(node.name, y);
    }
    return values.get(graph.outputs[0])!;
  });
}

/** binaryNet with linear outputs (so the comparison sees the raw sums) and every combination of weight encoding and input. */
function variants(): { name: string; graph: LiteGraph }[] {
  const base = binaryNet();
  const out: { name: string; graph: LiteGraph }[] = [{ name: 'binaryNet', graph: base }];
  const rng = createRng(3);
  for (const enc of ['binary', 'ternary', 'f32'] as const) {
    const tensors = new Map(base.tensors);
    tensors.set('c2/k', encodeTensor(enc, 'c2/k', gaussian(rng, 3 * 3 * 4 * 5, 0.3), [3, 3, 4, 5]).tensor);
    tensors.set('fc/k', encodeTensor(enc === 'ternary' ? 'binary' : 'ternary', 'fc/k', gaussian(rng, 20 * 7, 0.3), [20, 7]).tensor);
    const nodes = base.nodes.map((n) => (n.op === 'dense' && n.name === 'out' ? { ...n, activation: 'linear' as const } : n));
    out.push({ name: `c2 ${enc}`, graph: { ...base, nodes, tensors } });
  }
  return out;
}

describe('binary layers in the runtime', () => {
  for (const { name, graph } of variants()) {
    it(`${name}: packed for the binary kernels where the input is binary, predictions equal a tfjs forward within 1e-4`, () => {
      const loaded = decodeLite(encodeLite(graph));
      const weights = prepareWeights(loaded);
      for (const key of ['c2/k', 'fc/k']) {
        expect(weights.get(key)!.kind).toBe(loaded.tensors.get(key)!.encoding === 'f32' ? 'f32' : 'binary');
      }
      const rng = createRng(11);
      for (const batch of [1, 5]) {
        const x = tf.tensor4d(Float32Array.from({ length: batch * 49 }, () => rng.next() * 2 - 1), [batch, 7, 7, 1]);
        const want = tfForward(loaded, x).dataSync();
        const got = (LiteModel.fromGraph(loaded).predict(x) as tf.Tensor).dataSync();
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i])));
        x.dispose();
      }
    });
  }
});
