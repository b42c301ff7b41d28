import type { Dataset } from '../data/dataset.js';
import type { LiteModel } from './lite_model.js';
import { SampleBatches } from './samples.js';

/**
 * Top-1 accuracy (0..1) of a single-input, single-output classifier running on
 * the lite runtime, over `data` in batches (samples shaped as the model's input).
 */
export function liteAccuracy(model: LiteModel, data: Dataset, batchSize = 256): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const batches = new SampleBatches(model, data);
  let correct = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const n = Math.min(batchSize, data.count - start);
    const out = model.predict(batches.batch(start, n));
    const classes = out.data.length / n;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (out.data[i * classes + c] > out.data[i * classes + best]) best = c;
      if (best === data.labels[start + i]) correct++;
    }
  }
  return data.count === 0 ? 0 : correct / data.count;
}
