import type { Dataset } from '../data/dataset.js';
import type { ArrayValue, LiteModel } from './lite_model.js';

/**
 * Feeds a single-input model from a dataset's flat image array, whatever the
 * model's sample shape (MNIST's 28×28×1 or any other): checks once that the
 * images hold `count` samples of that shape, then cuts batches without copying.
 */
export class SampleBatches {
  private readonly sampleShape: number[];
  private readonly sampleSize: number;

  constructor(model: LiteModel, private readonly data: Dataset) {
    const inputs = model.inputs;
    if (inputs.length !== 1) throw new Error(`the model has ${inputs.length} inputs; feeding it from a dataset needs exactly one`);
    const shape = inputs[0].shape.slice(1);
    if (shape.some((d) => d === null)) throw new Error(`input '${inputs[0].name}' has unknown dimensions besides the batch: [${inputs[0].shape.join(', ')}]`);
    this.sampleShape = shape as number[];
    this.sampleSize = this.sampleShape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(data.count) || data.count < 0 || data.images.length !== data.count * this.sampleSize) {
      throw new RangeError(`the dataset holds ${data.images.length} values for ${data.count} samples; the model's input [${this.sampleShape.join(', ')}] needs ${this.sampleSize} per sample`);
    }
    if (data.labels.length !== data.count) throw new RangeError(`the dataset has ${data.labels.length} labels for ${data.count} samples`);
  }

  /** Samples start..start+n as one input batch (a view of the dataset's images). */
  batch(start: number, n: number): ArrayValue {
    return { data: this.data.images.subarray(start * this.sampleSize, (start + n) * this.sampleSize), shape: [n, ...this.sampleShape] };
  }
}
