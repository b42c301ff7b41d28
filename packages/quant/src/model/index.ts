export { quantize, QUANT_VERSION, type LayerQuantReport, type QuantizeInput, type QuantizeResult } from './quantize.js';
export { QUANTIZE_MODES, resolveOptions, type ModelQuantizeOptions, type QuantizeMode } from './options.js';
export { calibrateActivations, type CalibrateOptions } from './calibrate_graph.js';
export { activationQuant } from './activation_params.js';
export { applyFormats, type FormatPlan } from './apply.js';
export { encodeWeight, formatBits, formatLabel, type WeightFormat } from './formats.js';
export { allocateFormats, graphAccuracy, layerSensitivity, MIXED_CANDIDATES, type LayerSensitivity, type MixedBudget } from './mixed.js';
export { quantTargets, type QuantTarget, type WeightNode } from './targets.js';
