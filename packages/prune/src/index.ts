/** @lite/prune: pruning of tf.js models (filled in by issue 5). */
export * from './structured/index.js';
