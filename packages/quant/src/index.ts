/**
 * @lite/quant: quantization for lite models.
 *
 * This first part is the tensor-level schemes: affine int8/int4 (symmetric or
 * asymmetric, per tensor or per output channel, narrow range, round half to even),
 * int32 biases, and k-means weight sharing, each producing the matching .lite tensor
 * (`int8`, `int4`, `kmeans` encodings of @lite/core). The model-level
 * `quantize(model, options)` (dynamic, static, QAT, mixed precision) builds on them.
 */
export {
  channelAxis,
  channelCount,
  channelRanges,
  chooseParams,
  dequantize as dequantizeTensor,
  dequantizeBias,
  float32AtLeast,
  INT32_BIAS_MAX,
  MIN_SCALE,
  quantize as quantizeTensor,
  quantizeBias,
  quantRange,
  resolveScheme,
  roundHalfEven,
  type QuantBits,
  type QuantizeOptions,
  type Quantized,
  type QuantizedBias,
  type SchemeOptions,
  type WeightLayout,
} from './schemes/affine.js';
export { packInt4, unpackInt4 } from './schemes/int4.js';
export {
  kmeansDequantize,
  kmeansQuantize,
  packIndices,
  unpackIndices,
  type KMeansQuantized,
  type KMeansQuantizeOptions,
} from './schemes/kmeans.js';
export * as schemes from './schemes/index.js';
export {
  CALIBRATION_METHODS,
  createObserver,
  DEFAULT_BINS,
  DEFAULT_PERCENTILE,
  type CalibrationMethod,
  type ObserverOptions,
  type RangeObserver,
} from './calibrate/index.js';
export {
  CentroidSgd,
  clusterGradientSums,
  DEFAULT_CENTROID_LEARNING_RATE,
  finetuneCentroids,
  type CentroidCodebook,
  type FinetuneCentroidsOptions,
  type FinetuneCentroidsResult,
  type SharedKernel,
} from './kmeans_finetune/index.js';
export * from './qat/index.js';
export * as binary from './binary/index.js';
export * from './model/index.js';
export type { QuantParams } from '@lite/core';
export { quantizeStep, type QuantizeStepOptions } from './step.js';
