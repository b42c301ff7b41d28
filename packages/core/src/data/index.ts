export * from './dataset.js';
export * from './idx.js';
export * from './mnist.js';
export * from './normalize.js';
export * from './random.js';
