import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { decodeLite } from '../format/container.js';
import { decodeTensor } from '../format/registry.js';
import type { LiteGraph } from '../graph/types.js';
import { seedCnn } from '../models/zoo.js';
import { magnitudePrune } from '../testing/magnitude_prune.js';
import {
  encodeCompressionModel, entropyCode, isEntropyCoded, isLiteGraph, namedStep, pipeline, runPipeline, toLiteGraph, toTrainable,
  type CompressionModel, type StepContext,
} from './index.js';

const ctx = (extra: Partial<StepContext> = {}): StepContext => ({ seed: 0, ...extra });

describe('pipeline', () => {
  it('runs steps in order, records bytes and accuracy per step, and adds the provenance steps recorded', async () => {
    const model = seedCnn({ seed: 1 });
    const order: string[] = [];
    const sparsify = namedStep('zero', async (m, c) => {
      order.push('zero');
      const layers = toTrainable(m);
      magnitudePrune(layers, 0.9);
      c.provenance?.push({ step: 'zero', options: { sparsity: 0.9 }, at: new Date().toISOString(), version: 'test' });
      return layers;
    });
    let evaluated = 0;
    const evaluate = async (_m: CompressionModel) => (evaluated++, 0.5);
    const { model: out, records } = await runPipeline([sparsify, entropyCode()], model, ctx({ evaluate }));
    expect(order).toEqual(['zero']);
    expect(records.map((r) => r.step)).toEqual(['input', 'zero', 'entropy-code']);
    expect(evaluated).toBe(3);
    expect(records.every((r) => r.accuracy === 0.5)).toBe(true);
    expect(isLiteGraph(out)).toBe(true);
    const graph = out as LiteGraph;
    expect(isEntropyCoded(graph)).toBe(true);
    expect(graph.provenance.map((p) => p.step)).toEqual(['zero', 'entropy-code']);
    // Sparse storage: much smaller than the dense input; the written file holds exactly the pruned values.
    expect(records[2].bytes).toBeLessThan(records[0].bytes / 3);
    const bytes = encodeCompressionModel(graph);
    expect(bytes.length).toBe(records[2].bytes);
    const back = decodeLite(bytes);
    const dense = toLiteGraph(model);
    for (const [name, t] of back.tensors) {
      const v = decodeTensor(t);
      if (t.shape.length >= 2) expect(t.encoding).toMatch(/csr|nm/);
      expect(v.length).toBe(decodeTensor(dense.tensors.get(name)!).length);
    }
    model.dispose();
  });

  it('pipeline() composes steps into one step; bad steps are TypeErrors', async () => {
    const add = (tag: string) => namedStep(tag, async (m, c) => (c.provenance?.push({ step: tag, options: {}, at: new Date().toISOString(), version: 't' }), m));
    const model = seedCnn({ seed: 2 });
    const inner = pipeline([add('a'), add('b')]);
    const { model: out, records } = await runPipeline([inner, add('c'), entropyCode({ huffman: 'off' })], model, ctx());
    expect(records.map((r) => r.step)).toEqual(['input', 'pipeline', 'c', 'entropy-code']);
    expect((out as LiteGraph).provenance.map((p) => p.step)).toEqual(['a', 'b', 'c', 'sparse-store']);
    expect(isEntropyCoded(out as LiteGraph)).toBe(false);
    expect(() => pipeline([])).toThrow(TypeError);
    expect(() => pipeline([null as never])).toThrow(/step 0 is null/);
    expect(() => entropyCode({ huffman: 'yes' as never })).toThrow(RangeError);
    model.dispose();
  });
});
