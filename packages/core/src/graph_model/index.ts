/**
 * Any TensorFlow.js model in: reading tfjs model directories (Layers and graph
 * models), converting them to .lite graphs, loading a graph model back from a
 * .lite file as a tf.GraphModel, and summarising graph models.
 */
export { readTfjsModel, manifestEntryBytes, manifestEntryDtype, type TfjsModelFiles, type TfjsModelFormat } from './read.js';
export {
  convertTfjsModel,
  coreVersion,
  graphModelArtifacts,
  graphModelToLite,
  loadGraphModel,
  type ConvertEncoding,
  type ConvertTfjsOptions,
  type GraphModelConvertOptions,
  type ConvertTfjsResult,
} from './convert.js';
export {
  graphDefNodes,
  loadTfjsLayersModel,
  manifestTensors,
  summarizeGraphModel,
  summarizeTfjsModel,
  tfjsArtifacts,
  type StoredTensorSummary,
  type TfjsLayerSummary,
  type TfjsModelSummary,
} from './summary.js';
