export * from './evaluate.js';
export * from './forward.js';
export * from './optimizer.js';
export * from './progress.js';
export * from './train.js';
export * from './distill_loss.js';
