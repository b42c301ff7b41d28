/**
 * The preset DEFLATE dictionary of .lite headers (format version 3). Headers repeat
 * the same keys and fragments (`{"op":"conv2d","name":"`, `"encoding":"csr","meta":{`)
 * in every file; primed with them, DEFLATE codes a small model's header in about
 * half the bytes (the header is a third of a 2 KB pruned and clustered model).
 * It is part of the format: changing a byte of it needs a new format version.
 * DEFLATE codes nearer matches in fewer bits, so the commonest fragments come last.
 */
const FRAGMENTS = [
  '"graphModel":{"modelJson":{"format":"graph-model","generatedBy":"","convertedBy":"TensorFlow.js Converter","modelTopology":{"node":[',
  '"report":{"accuracy":,"bytes":,"ratio":,"latency":{"p50":,"p95":},"macs":,"layers":[',
  '{"op":"zeroPadding2d","name":"pad","input":"","padding":[[0,1],[0,1]]},',
  '{"op":"reshape","name":"reshape","input":"","targetShape":[',
  '{"op":"concatenate","name":"concat","inputs":["",""],"axis":-1},',
  '{"op":"scaleShift","name":"bn","input":"","scale":"/scale","shift":"/shift"},',
  '{"op":"prelu","name":"prelu","input":"","alpha":"/alpha"},',
  '{"op":"globalAvgPool2d","name":"gap","input":""},',
  '{"op":"activation","name":"act","input":"","activation":"leakyRelu","alpha":0.2},',
  '{"op":"add","name":"add","inputs":["",""]},',
  '"padding":"same","dilation":[1,1],"activation":"relu6"},',
  '{"op":"depthwiseConv2d","name":"dw","input":"","kernel":"dw/kernel","bias":"dw/bias","strides":[2,2],',
  '{"op":"avgPool2d","name":"pool","input":"","poolSize":[2,2],"strides":[2,2],"padding":"same"},',
  '"inputQuant":{"scale":0.0,"zeroPoint":0},"binaryInput":true},',
  '"activation":"softmax"},"activation":"sigmoid"},"activation":"tanh"},',
  '{"step":"distill","options":{"method":"kd","temperature":4,"alpha":0.5},',
  '{"step":"convert","options":{"format":"layers-model"},',
  '{"step":"train","options":{"epochs":10},',
  '{"step":"prune-structured","options":{"ratio":0.5,"criterion":"l1"},',
  '{"step":"quantize","options":{"mode":"static","perChannel":true,"calibration":"minmax","samples":',
  '{"step":"quantize","options":{"mode":"kmeans","bits":5,"sparse":true,"tensors":4,"halfCodebook":true,"halfBiases":true},',
  '{"step":"prune","options":{"sparsity":0.9,"scope":"global","schedule":"polynomial","finetune":{"epochs":6,"optimizer":"adam"},"overall":{"weights":',
  ',"afterPruning":0.9,"afterFinetune":0.9}},',
  '{"step":"entropy-code","options":{"sparse":true,"huffman":"auto"},',
  '"at":"2026-01-01T00:00:00.000Z","version":"0.1.0"},',
  '"encoding":"ternary","meta":{},"encoding":"binary","meta":{},',
  '"encoding":"int4","meta":{"axis":3,"symmetric":true,"narrowRange":true},',
  '"encoding":"int8","meta":{"axis":null,"symmetric":false,"narrowRange":false},',
  '"encoding":"nm","meta":{"n":2,"m":4,',
  '"encoding":"csr","meta":{"index":"delta4","codes":',
  '"encoding":"csr","meta":{"index":"delta8","codes":',
  '"encoding":"csr","meta":{"index":"bitmask","codes":',
  ',"count":',
  ',"values":{"encoding":"kmeans","meta":{"bits":4,"centroids":16,"codebook":"f16"},"columnScale":false}},"sections":[',
  '{"name":"conv1/bias","shape":[10],"encoding":"f16","meta":{},"sections":[',
  '{"name":"fc/bias","shape":[10],"encoding":"f32","meta":{},"sections":[',
  '],"provenance":[',
  '{"op":"flatten","name":"flatten","input":"pool"},',
  '{"op":"maxPool2d","name":"pool","input":"conv","poolSize":[2,2],"strides":[2,2],"padding":"valid"},',
  '{"op":"conv2d","name":"conv","input":"","kernel":"conv/kernel","bias":"conv/bias","strides":[1,1],"padding":"valid","dilation":[1,1],"activation":"relu"},',
  '{"op":"dense","name":"fc","input":"","kernel":"fc/kernel","bias":"fc/bias","activation":"linear"},',
  '{"op":"dense","name":"dense","input":"","kernel":"dense/kernel","bias":"dense/bias","activation":"relu"},',
  '],"outputs":["',
  '"],"tensors":[{"name":"conv/kernel","shape":[3,3,1,8],"encoding":"f32","meta":{},"sections":[0,1]},',
  '{"nodes":[{"op":"input","name":"input","shape":[null,28,28,1]},',
];

/** The dictionary bytes (UTF-8; all ASCII). */
export const HEADER_DICTIONARY: Uint8Array = new TextEncoder().encode(FRAGMENTS.join(''));
