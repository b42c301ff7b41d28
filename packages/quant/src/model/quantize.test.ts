import { LiteModel, decodeLite, encodeLite, liteAccuracy, loadMnist, seedCnn, silentProgress, takeSamples, train, useBestBackend, type DataSplit } from '@lite/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { quantize } from './quantize.js';
import type { ModelQuantizeOptions } from './options.js';

// The model-level API on a briefly trained seedCnn: every mode produces the
// encodings it promises, runs on the runtime, and keeps accuracy close to fp32.

let data: DataSplit;
let model: tfl.LayersModel;
let fp32: number;

beforeAll(async () => {
  await useBestBackend(() => {});
  data = await loadMnist();
  model = seedCnn({ seed: 0 });
  await train(model, data.train, { epochs: 2, optimizer: 'adam', progress: silentProgress });
  fp32 = 100 * liteAccuracy(LiteModel.fromLayersModel(model), data.test);
}, 60_000);

const quiet = { progress: silentProgress };

function encodings(graph: LiteModel['graph']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const node of graph.nodes) if (node.op === 'conv2d' || node.op === 'dense') out[node.name] = graph.tensors.get(node.kernel)!.encoding;
  return out;
}

async function accuracyOf(options: ModelQuantizeOptions): Promise<{ drop: number; result: Awaited<ReturnType<typeof quantize>> }> {
  const result = await quantize(model, { ...quiet, ...options });
  return { drop: fp32 - 100 * liteAccuracy(result.model, data.test), result };
}

describe('quantize(model, options)', () => {
  it('trains a usable baseline', () => {
    expect(fp32).toBeGreaterThan(90);
  });

  it('dynamic: int8 kernels, no stored activation ranges, accuracy within 1 pt', async () => {
    const { drop, result } = await accuracyOf({ mode: 'dynamic' });
    expect(Object.values(encodings(result.graph))).toEqual(['int8', 'int8', 'int8', 'int8']);
    expect(result.graph.nodes.some((n) => 'inputQuant' in n)).toBe(false);
    expect(drop).toBeLessThan(1);
  });

  it.each(['minmax', 'percentile', 'mse', 'kl'] as const)('static (%s): calibrated input ranges on every layer, accuracy within 1 pt', async (calibMethod) => {
    const { drop, result } = await accuracyOf({ mode: 'static', data: data.train, calibMethod, calibSamples: 256 });
    for (const layer of result.layers) {
      expect(layer.format).toBe('int8');
      expect(layer.inputQuant!.scale).toBeGreaterThan(0);
    }
    // After ReLU and pooling, conv2's and the dense layers' inputs are ≥ 0: zero point 0.
    expect(result.layers.slice(1).map((l) => l.inputQuant!.zeroPoint)).toEqual([0, 0, 0]);
    // The graph input keeps the data's whole range (normalized MNIST: −0.42 to 2.82), whatever the method.
    const input = result.layers[0].inputQuant!;
    expect(input.scale * -input.zeroPoint).toBeLessThan(-0.4);
    expect(input.scale * (255 - input.zeroPoint)).toBeGreaterThan(2.8);
    expect(drop).toBeLessThan(1);
  });

  it('fp16 stores every tensor as half; int4 and kmeans store their encodings', async () => {
    const half = await quantize(model, { ...quiet, mode: 'fp16' });
    expect(new Set([...half.graph.tensors.values()].map((t) => t.encoding))).toEqual(new Set(['f16']));
    const int4 = await quantize(model, { ...quiet, mode: 'int4' });
    expect(new Set(Object.values(encodings(int4.graph)))).toEqual(new Set(['int4']));
    const km = await quantize(model, { ...quiet, mode: 'kmeans', bits: 3 });
    for (const node of km.graph.nodes) {
      if (node.op !== 'conv2d' && node.op !== 'dense') continue;
      const t = km.graph.tensors.get(node.kernel)!;
      expect(t.encoding).toBe('kmeans');
      if (t.encoding === 'kmeans') expect(t.codebook.length).toBeLessThanOrEqual(8);
    }
  });

  it('qat: int4 weights and learned input ranges; the input model is not modified', async () => {
    const before = model.getWeights().map((w) => w.dataSync().slice());
    const { result } = await accuracyOf({ mode: 'qat', bits: 4, epochs: 1, data: takeSamples(data.train, 1024) });
    expect(new Set(Object.values(encodings(result.graph)))).toEqual(new Set(['int4']));
    expect(result.layers.every((l) => l.inputQuant !== undefined)).toBe(true);
    model.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(before[i]));
  }, 60_000);

  it('mixed: meets a byte budget, records the chosen format of every layer', async () => {
    const maxBytes = 12_000;
    const result = await quantize(model, { ...quiet, mode: 'mixed', validation: takeSamples(data.test, 500), budget: { maxBytes } });
    const bytes = result.layers.reduce((s, l) => s + l.bytes, 0);
    expect(bytes).toBeLessThanOrEqual(maxBytes);
    expect(result.sensitivity!.map((s) => s.layer)).toEqual(result.layers.map((l) => l.layer));
    const step = result.graph.provenance.at(-1)!;
    expect(step.step).toBe('quantize');
    expect(Object.keys(step.options.layers as object)).toEqual(result.layers.map((l) => l.layer));
    // Larger layers get fewer bits: fc1 (16,000 weights) cannot stay at 16 bits within 12 kB.
    expect(result.layers.find((l) => l.layer.startsWith('fc1'))!.format).not.toBe('f16');
  }, 60_000);

  it('writes a .lite file that loads and predicts the same', async () => {
    const { result } = await accuracyOf({ mode: 'static', data: data.train, calibSamples: 128 });
    const back = LiteModel.fromGraph(decodeLite(encodeLite(result.graph)));
    const x = { data: data.test.images.subarray(0, 5 * 784), shape: [5, 28, 28, 1] };
    expect(back.predict(x).data).toEqual(result.model.predict(x).data);
  });

  it('rejects bad options with errors that say what to do', async () => {
    await expect(quantize(model, { mode: 'int3' as never })).rejects.toThrow(/mode must be one of dynamic, static/);
    await expect(quantize(model, { mode: 'static', bits: 4 })).rejects.toThrow(/mode 'static' takes bits 8/);
    await expect(quantize(model, { mode: 'static' })).rejects.toThrow(/needs calibration data: pass options.data/);
    await expect(quantize(model, { mode: 'qat' })).rejects.toThrow(/needs training data/);
    await expect(quantize(model, { mode: 'mixed', validation: data.test })).rejects.toThrow(/needs options.budget/);
    await expect(quantize(model, { mode: 'kmeans', bits: 9 })).rejects.toThrow(/takes bits 2 or 3/);
    await expect(quantize(model, { mode: 'static', data: data.train, calibMethod: 'median' as never })).rejects.toThrow(/calibMethod must be one of/);
    await expect(quantize({} as never, { mode: 'dynamic' })).rejects.toThrow(/takes a tf.LayersModel, a LiteModel or a LiteGraph/);
    await expect(quantize(model, { mode: 'mixed', validation: data.test, budget: { maxBytes: 10 } })).rejects.toThrow(/no allocation fits 10 bytes/);
  });
});
