/**
 * The .lite runtime: converts tfjs Layers models into lite's graph and runs
 * graphs on the native kernels ({@link LiteModel}).
 */
export { LiteModel, type ArrayValue } from './lite_model.js';
export { liteAccuracy } from './accuracy.js';
export { SampleBatches } from './samples.js';
export { fromLayersModel, convertLayersModel, type ConvertedGraph } from './from_layers.js';
export { SUPPORTED_LAYERS } from './layer_nodes.js';
export type { OptimizeStats } from './optimize.js';
export { summarizeGraph, type ModelSummary, type LayerSummary, type TensorSummary } from './summary.js';
export { graphToLayersModel, type DecodedWeight } from './to_layers.js';
export { registerRuntimeWeight, type RuntimeWeight, type WeightPreparer } from './weights.js';
