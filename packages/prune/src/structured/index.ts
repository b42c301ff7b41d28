/** Structured pruning: filters, channels and neurons physically removed from tf.js Layers models. */
export { pruneStructured, STRUCTURED_IMPORTANCE, STRUCTURED_TARGETS, type StructuredOptions, type StructuredTarget } from './prune_structured.js';
export type { StructuredImportance } from './importance.js';
export { compareModels, formatStructuredReport, type StructuredGroupReport, type StructuredLayerReport, type StructuredReport } from './report.js';
