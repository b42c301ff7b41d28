/** Quantization schemes: affine int8/int4 (with int32 biases) and k-means weight sharing. */
export * from './affine.js';
export * from './int4.js';
export * from './kmeans.js';
