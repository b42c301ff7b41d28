/**
 * Any TensorFlow.js model into a .lite file: Layers models become the runtime's
 * graph; graph models ("graph-model", from tensorflowjs_converter) keep their
 * GraphDef and have their weights stored compressed, and come back out as a
 * tf.GraphModel with {@link loadGraphModel}.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfconv from '@tensorflow/tfjs-converter';
import type { CompressedTensor, GraphModelSpec, GraphModelWeightDtype, LiteGraph, Provenance } from '../graph/index.js';
import {
  decodeLite,
  decodeTensor,
  encodeTensor,
  LiteFormatError,
  readLiteFile,
  reencodeGraph,
  type EncodingWarning,
  type F16Options,
} from '../format/index.js';
import { convertLayersModel } from '../runtime/from_layers.js';
import type { OptimizeStats } from '../runtime/optimize.js';
import { readTfjsModel, type TfjsModelFiles, type TfjsModelFormat } from './read.js';
import { loadTfjsLayersModel } from './summary.js';

/** Encodings `lite convert` stores weights in. */
export type ConvertEncoding = 'f32' | 'f16';

/** Options of {@link graphModelToLite} and {@link convertTfjsModel}. */
export interface GraphModelConvertOptions {
  /** Encoding of the float32 weights (default 'f32'). int32/bool weights of graph models are always stored exactly. */
  encoding?: ConvertEncoding;
  /** Options of the f16 encoding. */
  f16?: F16Options;
  /** Called once per encoding warning (e.g. a weight that overflows fp16); they are also returned. */
  onWarning?: (warning: EncodingWarning) => void;
}

/** Options of {@link convertTfjsModel}: the conversion's, and what its provenance records. */
export interface ConvertTfjsOptions extends GraphModelConvertOptions {
  /** lite version recorded in the provenance (default: @lite/core's). */
  version?: string;
  /** More options to record with the convert step (e.g. how the file is written). */
  record?: Record<string, unknown>;
}

/** What {@link convertTfjsModel} returns. */
export interface ConvertTfjsResult {
  graph: LiteGraph;
  /** The format of the input model. */
  format: TfjsModelFormat;
  /** Every encoding warning (values the encoding could not keep), naming the weights. */
  warnings: EncodingWarning[];
  /** What conversion folded and fused (Layers models only). */
  stats?: OptimizeStats;
  /** The input model as it was on disk. */
  source: TfjsModelFiles;
}

/** Largest integer an f32 tensor holds exactly (int32/bool weights are stored as f32). */
const F32_EXACT_INT = 2 ** 24;

let coreVersionCache: string | undefined;
/** The @lite/core version (from its package.json). */
export function coreVersion(): string {
  if (coreVersionCache === undefined) {
    try {
      coreVersionCache = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      coreVersionCache = '0.0.0';
    }
  }
  return coreVersionCache;
}

function checkEncoding(encoding: unknown): ConvertEncoding {
  if (encoding !== 'f32' && encoding !== 'f16') throw new RangeError(`encoding must be 'f32' or 'f16', not ${JSON.stringify(encoding)}`);
  return encoding;
}

/**
 * Converts a tfjs graph model (its model.json, weight specs and concatenated
 * shards) into a {@link LiteGraph} with no runtime nodes and a `graphModel`
 * field: the model.json minus its manifest, and the weights in manifest order.
 * float32 weights are encoded in `options.encoding` (quantized weights are
 * dequantized first); int32 and bool weights are stored exactly as f32 (int32
 * values beyond ±2^24 and string/complex weights are an error naming the weight).
 */
export function graphModelToLite(
  modelJson: tf.io.ModelJSON,
  weightSpecs: readonly tf.io.WeightsManifestEntry[],
  weightData: ArrayBuffer,
  options: GraphModelConvertOptions = {},
): { graph: LiteGraph; warnings: EncodingWarning[] } {
  const encoding = checkEncoding(options.encoding ?? 'f32');
  const names = new Set<string>();
  for (const spec of weightSpecs) {
    if (names.has(spec.name)) throw new Error(`weight '${spec.name}' appears twice in the weights manifest; each weight needs a unique name`);
    names.add(spec.name);
    if (!['float32', 'int32', 'bool'].includes(spec.dtype)) {
      throw new Error(`weight '${spec.name}' has dtype ${spec.dtype}; a .lite file stores float32, int32 and bool weights`);
    }
  }
  const decoded = tf.io.decodeWeights(weightData, [...weightSpecs]);
  const tensors = new Map<string, CompressedTensor>();
  const weights: GraphModelSpec['weights'] = [];
  const warnings: EncodingWarning[] = [];
  try {
    for (const spec of weightSpecs) {
      const t = decoded[spec.name];
      const shape = [...t.shape];
      const raw = t.dataSync();
      const dtype = spec.dtype as GraphModelWeightDtype;
      let values: Float32Array;
      if (dtype === 'float32') {
        values = raw instanceof Float32Array ? raw : Float32Array.from(raw as ArrayLike<number>);
      } else {
        values = Float32Array.from(raw as ArrayLike<number>);
        for (let i = 0; i < values.length; i++) {
          if (Math.abs(values[i]) > F32_EXACT_INT) throw new Error(`int32 weight '${spec.name}' holds ${values[i]}, beyond the ±${F32_EXACT_INT} a .lite file stores exactly`);
        }
      }
      const enc = dtype === 'float32' ? encoding : 'f32';
      const r = encodeTensor(enc, spec.name, values, shape, { ...(enc === 'f16' ? options.f16 : {}), onWarning: options.onWarning });
      warnings.push(...r.warnings);
      tensors.set(spec.name, r.tensor);
      weights.push({ name: spec.name, dtype });
    }
  } finally {
    tf.dispose(decoded);
  }
  const { weightsManifest: _manifest, ...rest } = modelJson as tf.io.ModelJSON & Record<string, unknown>;
  const json = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  return { graph: { nodes: [], outputs: [], tensors, provenance: [], graphModel: { modelJson: json, weights } }, warnings };
}

/**
 * The tfjs model artifacts (topology, signature, weight specs and weight bytes)
 * of a graph carrying a graph model, with every weight decoded to its dtype.
 */
export function graphModelArtifacts(graph: LiteGraph): tf.io.ModelArtifacts {
  const gm = graph.graphModel;
  if (!gm) throw new Error('this model is not a tfjs graph model (a .lite of a Layers model): load it with LiteModel.load, or expand it with toLayersModel()');
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const w of gm.weights) {
    const t = graph.tensors.get(w.name);
    if (!t) throw new LiteFormatError(`the graph model reads weight ${JSON.stringify(w.name)}, which is not in the tensor table`, { path: 'graphModel.weights' });
    const values = decodeTensor(t);
    let data: Float32Array | Int32Array | Uint8Array;
    if (w.dtype === 'float32') data = values;
    else if (w.dtype === 'int32') data = Int32Array.from(values, (v) => Math.round(v));
    else data = Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
    specs.push({ name: w.name, shape: [...t.shape], dtype: w.dtype });
    parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  const weightData = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    weightData.set(p, at);
    at += p.length;
  }
  const modelJson = { ...gm.modelJson, weightsManifest: [{ paths: [], weights: specs }] } as unknown as tf.io.ModelJSON;
  return tf.io.getModelArtifactsForJSONSync(modelJson, specs, weightData.buffer);
}

/** Reads a .lite file (path or bytes), or takes a graph as it is. */
async function graphOf(source: string | Uint8Array | LiteGraph): Promise<LiteGraph> {
  if (typeof source === 'string') return readLiteFile(source);
  if (source instanceof Uint8Array) return decodeLite(source);
  if (source && typeof source === 'object' && source.tensors instanceof Map) return source;
  throw new TypeError('loadGraphModel takes the path of a .lite file, its bytes (a Uint8Array), or a LiteGraph');
}

/**
 * Loads a .lite file holding a tfjs graph model (made by `lite convert` from a
 * "graph-model" model.json, or {@link graphModelToLite}) as a `tf.GraphModel`,
 * its weights decoded from their .lite encodings. `source` is the file's path,
 * its bytes, or a decoded graph. The model runs on the current tfjs backend.
 */
export async function loadGraphModel(source: string | Uint8Array | LiteGraph, options?: tf.io.LoadOptions): Promise<tfconv.GraphModel> {
  const graph = await graphOf(source);
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = graphModelArtifacts(graph);
  } catch (err) {
    if (typeof source === 'string') throw new Error(`${source}: ${(err as Error).message}`);
    throw err;
  }
  const handler: tf.io.IOHandler = { load: async () => artifacts };
  return tfconv.loadGraphModel(handler, options);
}

/**
 * Converts a tfjs model on disk (a directory or its model.json) into a
 * {@link LiteGraph} ready to write as .lite: a Layers model through the runtime's
 * converter (BatchNormalization folded, activations fused), a graph model with its
 * GraphDef kept and its weights stored compressed. The step is recorded in the
 * graph's provenance with its options. Encoding warnings (e.g. fp16 overflow)
 * name the weights.
 */
export async function convertTfjsModel(path: string, options: ConvertTfjsOptions = {}): Promise<ConvertTfjsResult> {
  const encoding = checkEncoding(options.encoding ?? 'f32');
  const source = await readTfjsModel(path);
  let graph: LiteGraph;
  let warnings: EncodingWarning[];
  let stats: OptimizeStats | undefined;
  if (source.format === 'graph-model') {
    ({ graph, warnings } = graphModelToLite(source.modelJson, source.weightSpecs, source.weightData, { ...options, encoding }));
  } else {
    const model = await loadTfjsLayersModel(source);
    try {
      ({ graph, stats } = convertLayersModel(model));
    } finally {
      model.dispose();
    }
    warnings = [];
    if (encoding !== 'f32') {
      ({ graph, warnings } = reencodeGraph(graph, encoding, { ...options.f16, onWarning: options.onWarning }));
    }
  }
  const step: Provenance = {
    step: 'convert',
    options: { from: source.format, source: basename(source.jsonPath) === 'model.json' ? basename(dirname(source.jsonPath)) : basename(source.jsonPath), encoding, ...options.record },
    at: new Date().toISOString(),
    version: options.version ?? coreVersion(),
  };
  graph = { ...graph, provenance: [...graph.provenance, step] };
  return { graph, format: source.format, warnings, stats, source };
}
