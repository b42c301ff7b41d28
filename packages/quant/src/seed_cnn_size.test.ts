import { convertLayersModel, decodeLite, encodeLite, inspectLite, saveModel, tensorByteSize, seedCnn, type CompressedTensor, type LiteGraph } from '@lite/core';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelAxis, quantize, type QuantizeOptions } from './schemes/affine.js';
import { kmeansQuantize } from './schemes/kmeans.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lite-quant-size-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The graph with every conv/dense kernel re-encoded by `encode` (biases stay f32). */
function withKernels(graph: LiteGraph, encode: (values: Float32Array, shape: number[], name: string, op: 'dense' | 'conv2d' | 'depthwiseConv2d') => CompressedTensor): LiteGraph {
  const tensors = new Map(graph.tensors);
  for (const node of graph.nodes) {
    if (node.op !== 'dense' && node.op !== 'conv2d' && node.op !== 'depthwiseConv2d') continue;
    const t = graph.tensors.get(node.kernel)!;
    if (t.encoding !== 'f32') throw new Error('expected f32 kernels');
    tensors.set(node.kernel, encode(t.values, t.shape, t.name, node.op));
  }
  return { ...graph, tensors };
}

describe('seedCnn (zoo init weights) in quantized .lite files', () => {
  it('int8 and int4 per channel and k-means 4-bit against the fp32 model directory', async () => {
    const model = seedCnn({ seed: 7 });
    await saveModel(model, join(dir, 'fp32'));
    let dirBytes = 0;
    for (const f of await readdir(join(dir, 'fp32'))) dirBytes += (await stat(join(dir, 'fp32', f))).size;
    const { graph } = convertLayersModel(model);
    const affine = (options: QuantizeOptions) => withKernels(graph, (v, shape, name, op) => quantize(v, shape, { ...options, layout: op, name }).tensor);
    const variants: Record<string, LiteGraph> = {
      f32: graph,
      int8: affine({ bits: 8 }),
      int4: affine({ bits: 4 }),
      kmeans4: withKernels(graph, (v, shape, name) => kmeansQuantize(v, shape, { bits: 4, name }).tensor),
    };
    type Row = { bytes: number; ratio: string; payload?: number; header?: number; sections?: number };
    const rows: Record<string, Row> = { modelDir: { bytes: dirBytes, ratio: '1.00×' } };
    const sizes: Record<string, number> = {};
    for (const [name, g] of Object.entries(variants)) {
      const bytes = encodeLite(g);
      const plain = encodeLite(g, { huffman: 'off' }).length;
      const layout = inspectLite(bytes);
      const payload = [...g.tensors.values()].reduce((s, t) => s + tensorByteSize(t), 0);
      sizes[name] = bytes.length;
      rows[name] = { bytes: bytes.length, ratio: `${(dirBytes / bytes.length).toFixed(2)}×`, payload, header: layout.headerBytes, sections: layout.sections.length };
      rows[`${name} (no Huffman)`] = { bytes: plain, ratio: `${(dirBytes / plain).toFixed(2)}×` };
      // Every variant reads back to the same tensors.
      const back = decodeLite(bytes);
      for (const [k, t] of g.tensors) expect(back.tensors.get(k)).toEqual(t);
    }
    console.table(rows);
    expect(channelAxis('conv2d', graph.tensors.get('conv1/kernel')!.shape)).toBe(3);
    expect(dirBytes / sizes.int8).toBeGreaterThan(3.4);
    expect(dirBytes / sizes.int4).toBeGreaterThan(6);
    expect(dirBytes / sizes.kmeans4).toBeGreaterThan(6);
  });
});
