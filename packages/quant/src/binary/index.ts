export { approxSign, binaryWeight, steSign, ternaryWeight, TWN_FACTOR, ACTIVATION_QUANTIZERS, type ActivationQuantizer } from './quantizers.js';
export { planLayers, buildNetwork, type BinaryLayerFormat, type BinaryLayerPlan } from './network.js';
export { binaryForward, trainBinary, type BinaryTrainOptions } from './train.js';
export { binaryGraph } from './convert.js';
export { binaryQuantizeGraph, type BinaryQuantizeOptions } from './quantize_binary.js';
