import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../data/random.js';
import type { LiteGraph } from '../graph/types.js';
import { saveModel } from '../io/model_io.js';
import { lenet5, seedCnn } from '../models/zoo.js';
import { fromLayersModel } from '../runtime/from_layers.js';
import { LiteModel } from '../runtime/lite_model.js';
import { decodeLite, encodeLite } from './container.js';
import { decodeTensor, encodeTensor, reencodeGraph, tensorByteSize } from './registry.js';
import { sparsifyGraph, zeroFraction } from './sparsify.js';
import { magnitudePrune } from '../testing/magnitude_prune.js';

async function dirBytes(model: tfl.LayersModel, dir: string): Promise<number> {
  await saveModel(model, dir);
  let bytes = 0;
  for (const f of await readdir(dir)) bytes += (await stat(join(dir, f))).size;
  return bytes;
}

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'lite-sparse-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sparsifyGraph', () => {
  it('lenet5 at 95% sparsity: the .lite is at least 12× smaller than the fp32 model directory', async () => {
    const model = lenet5({ seed: 3 });
    const fp32Bytes = await dirBytes(model, join(dir, 'lenet5'));
    magnitudePrune(model, 0.95);
    const dense = fromLayersModel(model);
    const sizes: Record<string, number> = { fp32Dir: fp32Bytes, denseLite: encodeLite(dense).length };
    for (const valueEncoding of ['same', 'f16', 'int8', 'kmeans'] as const) {
      const { graph, tensors } = sparsifyGraph(dense, { valueEncoding, valueOptions: { bits: 5 } });
      expect(tensors.filter((t) => t.to === 'csr').map((t) => t.name).sort()).toEqual(['conv1/kernel', 'conv2/kernel', 'fc1/kernel', 'fc2/kernel'].sort());
      sizes[valueEncoding === 'same' ? 'csrF32' : `csr${valueEncoding}`] = encodeLite(graph).length;
    }
    console.log('lenet5 95% sparse bytes:', sizes, Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, (fp32Bytes / v).toFixed(1) + '×'])));
    expect(sizes.csrF32 * 12).toBeLessThanOrEqual(fp32Bytes);
    expect(sizes.csrint8).toBeLessThan(sizes.csrF32);
  });

  it('keeps values exact with the same value encoding, and the runtime predicts as the dense model', async () => {
    const model = seedCnn({ seed: 5 });
    magnitudePrune(model, 0.8);
    const dense = fromLayersModel(model);
    const { graph, tensors } = sparsifyGraph(dense);
    expect(tensors.every((t) => t.to === 'csr' || t.to === 'nm')).toBe(true);
    expect(tensors.every((t) => t.bytesAfter < t.bytesBefore && t.sparsity > 0.79)).toBe(true);
    const back = decodeLite(encodeLite(graph));
    for (const [name, t] of dense.tensors) expect(Array.from(decodeTensor(back.tensors.get(name)!))).toEqual(Array.from(decodeTensor(t)));
    const rng = createRng(1);
    const x = tf.tensor4d(Float32Array.from({ length: 3 * 784 }, () => rng.next()), [3, 28, 28, 1]);
    const want = (model.predict(x) as tf.Tensor).dataSync();
    const got = (LiteModel.fromGraph(back).predict(x) as tf.Tensor).dataSync();
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4);
    // The input graph is untouched.
    expect([...dense.tensors.values()].every((t) => t.encoding === 'f32')).toBe(true);
  });

  it('picks nm for 2:4 tensors when smaller, keeps dense tensors, int8 and kmeans exact', () => {
    const rng = createRng(2);
    const rows = 64;
    const cols = 16;
    const v24 = Float32Array.from({ length: rows * cols }, (_, i) => (Math.floor(i / cols) % 4 < 2 ? rng.next() - 0.5 : 0));
    const vDense = Float32Array.from({ length: rows * cols }, () => rng.next() - 0.5);
    const g: LiteGraph = {
      nodes: [],
      outputs: [],
      tensors: new Map([
        ['a', encodeTensor('f32', 'a', v24, [rows, cols]).tensor],
        ['b', encodeTensor('f32', 'b', vDense, [rows, cols]).tensor],
        ['c', encodeTensor('int8', 'c', v24, [rows, cols]).tensor],
        ['d', encodeTensor('kmeans', 'd', v24, [rows, cols], { bits: 3, codebook: [-0.4, -0.2, 0, 0.2, 0.4] }).tensor],
        ['bias', encodeTensor('f32', 'bias', new Float32Array(cols), [cols]).tensor],
      ]),
      provenance: [],
    };
    const { graph, tensors } = sparsifyGraph(g);
    // int8 and kmeans round some small values to 0, leaving groups with fewer non-zeros: csr stores fewer values.
    expect(Object.fromEntries(tensors.map((t) => [t.name, t.to]))).toEqual({ a: 'nm', b: 'f32', c: 'csr', d: 'csr' });
    for (const t of tensors.filter((x) => x.to !== x.from)) expect(t.bytesAfter).toBeLessThan(t.bytesBefore);
    expect(graph.tensors.get('bias')!.encoding).toBe('f32');
    for (const name of ['a', 'c', 'd']) expect(Array.from(decodeTensor(graph.tensors.get(name)!))).toEqual(Array.from(decodeTensor(g.tensors.get(name)!)));
    // 2:4 offsets take as many bytes as a bitmask: nm wins the tie (its kernel needs no index search).
    expect(tensorByteSize(graph.tensors.get('a')!)).toBe(tensorByteSize(sparsifyGraph(g, { nm: false }).graph.tensors.get('a')!));
    expect(zeroFraction(v24)).toBe(0.5);
    expect(() => sparsifyGraph(g, { minSparsity: 2 })).toThrow(/minSparsity must be a number in 0\.\.1/);
  });

  it('f16 graphs stay f16 inside csr', () => {
    const model = seedCnn({ seed: 6 });
    magnitudePrune(model, 0.9);
    const { graph: g16 } = reencodeGraph(fromLayersModel(model), 'f16');
    const { graph } = sparsifyGraph(g16);
    const k = graph.tensors.get('fc1/kernel')!;
    expect(k.encoding).toBe('csr');
    if (k.encoding === 'csr') expect(k.values.tensor.encoding).toBe('f16');
  });
});
