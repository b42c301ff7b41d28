export * from './kernels/index.js';
export * from './backend/index.js';
export * from './data/index.js';
export * from './models/index.js';
export * from './train/index.js';
export * from './metrics/index.js';
export * from './io/index.js';
export * from './graph/index.js';
