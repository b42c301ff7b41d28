import { convertLayersModel, decodeLite, decodeTensor, encodeLite, seedCnn, type KMeansTensor, type LiteGraph, type StepContext } from '@lite/core';
import { describe, expect, it } from 'vitest';
import { quantizeStep } from './step.js';

/** seedCnn (zoo init weights) with the 90% smallest weights of each kernel set to exactly 0. */
function prunedSeedCnn(): LiteGraph {
  const model = seedCnn({ seed: 3 });
  const { graph } = convertLayersModel(model);
  model.dispose();
  for (const t of graph.tensors.values()) {
    if (t.shape.length < 2 || t.encoding !== 'f32') continue;
    const threshold = Float32Array.from(t.values, Math.abs).sort()[Math.floor(t.values.length * 0.9)];
    t.values.forEach((v, i) => {
      if (Math.abs(v) < threshold) t.values[i] = 0;
    });
  }
  return graph;
}

const ctx = (): StepContext => ({ seed: 0, provenance: [] });

describe('quantizeStep on a pruned model', () => {
  it('k-means of the survivors only, with half-precision codebooks and biases when asked', async () => {
    const graph = prunedSeedCnn();
    const plain = (await quantizeStep({ mode: 'kmeans', bits: 4 })(graph, ctx())) as LiteGraph;
    const c = ctx();
    const half = (await quantizeStep({ mode: 'kmeans', bits: 4, halfCodebook: true, halfBiases: true })(graph, c)) as LiteGraph;
    expect(c.provenance![0].options).toMatchObject({ mode: 'kmeans', bits: 4, sparse: true, halfCodebook: true, halfBiases: true });
    for (const node of half.nodes) {
      if (node.op !== 'conv2d' && node.op !== 'dense') continue;
      const kernel = half.tensors.get(node.kernel)!;
      expect(kernel.encoding).toBe('csr');
      const values = (kernel as { values: { tensor: KMeansTensor } }).values.tensor;
      expect(values.encoding).toBe('kmeans');
      expect(values.halfCodebook).toBe(true);
      // Zeros stay exactly zero; survivors are within half an f16 step of the f32-codebook model's.
      const original = decodeTensor(graph.tensors.get(node.kernel)!);
      const a = decodeTensor(kernel);
      const b = decodeTensor(plain.tensors.get(node.kernel)!);
      for (let i = 0; i < a.length; i++) {
        if (original[i] === 0) expect(a[i]).toBe(0);
        else expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(Math.abs(b[i]) * 2 ** -10 + 1e-7);
      }
      const bias = half.tensors.get(node.bias!)!;
      expect(bias.encoding).toBe('f16');
      expect(plain.tensors.get(node.bias!)!.encoding).toBe('f32');
    }
    const halfBytes = encodeLite(half).length;
    const plainBytes = encodeLite(plain).length;
    // 4 kernels' codebooks and 90 biases, 2 bytes each fewer.
    expect(plainBytes - halfBytes).toBeGreaterThan(150);
    expect(decodeLite(encodeLite(half)).tensors.size).toBe(half.tensors.size);
  });

  it('rejects option values that are not booleans', () => {
    expect(() => quantizeStep({ mode: 'kmeans', halfCodebook: 'yes' as never })).toThrow(/halfCodebook must be true or false/);
    expect(() => quantizeStep({ mode: 'kmeans', halfBiases: 1 as never })).toThrow(/halfBiases must be true or false/);
  });
});
