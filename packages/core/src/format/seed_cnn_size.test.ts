import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompressedTensor, GraphNode, LiteGraph } from '../graph/types.js';
import { saveModel } from '../io/model_io.js';
import { seedCnn } from '../models/zoo.js';
import { decodeLite, encodeLite } from './container.js';
import { decodeTensor, encodeTensor, reencodeGraph } from './registry.js';

/** seedCnn's weights in a LiteGraph with its topology written out by hand (independent of the runtime's converter). */
function seedCnnGraph(): LiteGraph {
  const model = seedCnn({ seed: 7 });
  const tensors = new Map<string, CompressedTensor>();
  for (const w of model.weights) {
    const v = w.read().dataSync() as Float32Array;
    // Trained-ish biases: the zoo initialises them to zero.
    const name = w.originalName;
    const values = name.endsWith('bias') ? Float32Array.from(v, (_, i) => 0.05 * Math.sin(i + 1)) : v;
    tensors.set(name, encodeTensor('f32', name, values, w.shape as number[]).tensor);
  }
  const conv = (name: string, input: string): GraphNode => ({ op: 'conv2d', name, input, kernel: `${name}/kernel`, bias: `${name}/bias`, strides: [1, 1], padding: 'valid', dilation: [1, 1], activation: 'relu' });
  const pool = (name: string, input: string): GraphNode => ({ op: 'maxPool2d', name, input, poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
  return {
    nodes: [
      { op: 'input', name: 'input', shape: [null, 28, 28, 1] },
      conv('conv1', 'input'),
      pool('pool1', 'conv1'),
      conv('conv2', 'pool1'),
      pool('pool2', 'conv2'),
      { op: 'flatten', name: 'flatten', input: 'pool2' },
      { op: 'dense', name: 'fc1', input: 'flatten', kernel: 'fc1/kernel', bias: 'fc1/bias', activation: 'relu' },
      { op: 'dense', name: 'fc2', input: 'fc1', kernel: 'fc2/kernel', bias: 'fc2/bias', activation: 'linear' },
    ],
    outputs: ['fc2'],
    tensors,
    provenance: [{ step: 'quantize', options: { mode: 'f16' }, at: new Date(0).toISOString(), version: '0.1.0' }],
  };
}

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'lite-size-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('seedCnn in .lite', () => {
  it('f16 is at most 0.55× the fp32 model directory, with exact Huffman round trips', async () => {
    await saveModel(seedCnn({ seed: 7 }), join(dir, 'fp32'));
    let dirBytes = 0;
    for (const f of await readdir(join(dir, 'fp32'))) dirBytes += (await stat(join(dir, 'fp32', f))).size;

    const g32 = seedCnnGraph();
    const { graph: g16, warnings } = reencodeGraph(g32, 'f16');
    const sizes = {
      modelDir: dirBytes,
      f32: encodeLite(g32, { huffman: 'off' }).length,
      f32Huffman: encodeLite(g32).length,
      f16: encodeLite(g16, { huffman: 'off' }).length,
      f16Huffman: encodeLite(g16).length,
    };
    console.log('seedCnn bytes:', sizes, `f16/dir ${(sizes.f16 / dirBytes).toFixed(3)}, f16+Huffman/dir ${(sizes.f16Huffman / dirBytes).toFixed(3)}`);
    expect(sizes.f16Huffman).toBeLessThanOrEqual(0.55 * dirBytes);
    expect(sizes.f16).toBeLessThanOrEqual(0.55 * dirBytes);
    expect(sizes.f16Huffman).toBeLessThan(sizes.f16);
    expect(sizes.f32Huffman).toBeLessThan(sizes.f32);
    // Gaussian weights of this size have a few tiny values that become fp16 subnormals; each warning names its weight.
    for (const w of warnings) expect(w.message.startsWith(`${w.tensor}: `)).toBe(true);

    const back = decodeLite(encodeLite(g16));
    for (const [name, t] of g16.tensors) {
      const a = decodeTensor(t);
      const b = decodeTensor(back.tensors.get(name)!);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
      // And f16 stays within half precision of the fp32 weights.
      const orig = decodeTensor(g32.tensors.get(name)!);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - orig[i])).toBeLessThanOrEqual(Math.max(Math.abs(orig[i]) * 2 ** -11, 2 ** -25));
    }
  });
});
