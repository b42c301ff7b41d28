// Sparse weights at run time: a csr/nm kernel with at most 50% nonzeros is
// packed once for the sparse kernels (spmm for dense layers, sparseConv2d for
// convs) and each layer runs sparse where that wins for its row count, dense
// otherwise; a denser one is decoded and runs dense. Predictions equal tfjs's.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../data/random.js';
import { decodeLite, encodeLite } from '../format/container.js';
import { sparsifyGraph } from '../format/sparsify.js';
import { lenet5, seedCnn } from '../models/zoo.js';
import { magnitudePrune } from '../testing/magnitude_prune.js';
import { fromLayersModel } from './from_layers.js';
import { LiteModel } from './lite_model.js';
import { MAX_SPARSE_DENSITY, prepareWeights, sparseWins } from './weights.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('sparse layers in the runtime', () => {
  it('the sparse kernel runs where it wins: up to 50% nonzeros below 4 rows, 15% up to 256, 5% beyond', () => {
    expect([sparseWins(0.5, 1), sparseWins(0.51, 1), sparseWins(0.15, 64), sparseWins(0.2, 64), sparseWins(0.05, 5000), sparseWins(0.1, 5000)])
      .toEqual([true, false, true, false, true, false]);
  });

  for (const [name, build, sparsity] of [['seedCnn', seedCnn, 0.9], ['lenet5', lenet5, 0.95], ['seedCnn', seedCnn, 0.4]] as const) {
    it(`${name} at ${sparsity * 100}% sparsity: kernels packed sparse only below ${MAX_SPARSE_DENSITY} density, predictions equal tfjs's`, () => {
      const model = build({ seed: 4 });
      magnitudePrune(model, sparsity);
      const { graph } = sparsifyGraph(fromLayersModel(model));
      const loaded = decodeLite(encodeLite(graph));
      const kinds = [...prepareWeights(loaded)].filter(([, w]) => w.shape.length >= 2).map(([, w]) => w.kind);
      expect(kinds.length).toBeGreaterThan(0);
      expect(kinds.every((k) => k === (1 - sparsity <= MAX_SPARSE_DENSITY ? 'sparse' : 'f32'))).toBe(true);
      const rng = createRng(9);
      for (const batch of [1, 7]) {
        const x = tf.tensor4d(Float32Array.from({ length: batch * 784 }, () => rng.next()), [batch, 28, 28, 1]);
        const want = (model.predict(x) as tf.Tensor).dataSync();
        const got = (LiteModel.fromGraph(loaded).predict(x) as tf.Tensor).dataSync();
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4);
      }
    });
  }
});
