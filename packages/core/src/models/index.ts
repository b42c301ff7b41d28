export * from './zoo.js';
export { SeededInit, type LayerInit } from './init.js';
export { randomizeWeights } from './randomize.js';
export * from './clone.js';
