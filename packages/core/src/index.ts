export * from './kernels/index.js';
export * from './backend/index.js';
