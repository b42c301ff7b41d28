/**
 * Compression pipelines: a step is `(model, ctx) => Promise<model>`, where the model
 * flowing through is a trainable tf.LayersModel or a {@link LiteGraph} (compressed
 * tensors); `ctx` carries the data, an evaluate function, a progress sink, a seed and
 * an optional teacher. {@link pipeline} composes steps; {@link runPipeline} also
 * measures accuracy and bytes after each one. Step factories live in the packages
 * that own the technique (`pruneStep` in @lite/prune, `quantizeStep` in @lite/quant);
 * {@link entropyCode} (sparse storage with relative indices, then Huffman-coded
 * sections) is the usual last step.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/dataset.js';
import { encodeLite } from '../format/container.js';
import { sparsifyGraph } from '../format/sparsify.js';
import type { LiteGraph, Provenance } from '../graph/types.js';
import { fromLayersModel } from '../runtime/from_layers.js';
import { LiteModel } from '../runtime/lite_model.js';
import type { Teacher } from '../train/distill_loss.js';
import { evaluate } from '../train/evaluate.js';
import type { ProgressSink } from '../train/progress.js';

/** The model a step takes and returns: trainable (tfjs Layers) or compressed (a .lite graph). */
export type CompressionModel = tfl.LayersModel | LiteGraph;

/** What every step of a pipeline is given. */
export interface StepContext {
  /** Training split: fine-tuning, calibration. */
  data?: Dataset;
  /** Held-out split: reports (never trained on). */
  validation?: Dataset;
  /** Accuracy in [0, 1] of a model; {@link runPipeline} measures each step with it when given. */
  evaluate?: (model: CompressionModel) => Promise<number>;
  progress?: ProgressSink;
  /** Seeds shuffles and random choices (default 0). */
  seed: number;
  /** A teacher for every fine-tune that accepts one (e.g. the uncompressed model). */
  teacher?: Teacher;
  /** Steps append what they did; {@link runPipeline} adds it to the final graph's provenance. */
  provenance?: Provenance[];
}

/** A compression step. `stepName` names it in reports. */
export interface Step {
  (model: CompressionModel, ctx: StepContext): Promise<CompressionModel>;
  stepName?: string;
}

/** Gives a step function a name for reports. */
export function namedStep(name: string, fn: (model: CompressionModel, ctx: StepContext) => Promise<CompressionModel>): Step {
  return Object.assign(fn, { stepName: name });
}

/** Whether `model` is a {@link LiteGraph} (not a tf.LayersModel). */
export function isLiteGraph(model: CompressionModel): model is LiteGraph {
  return model !== null && typeof model === 'object' && (model as LiteGraph).tensors instanceof Map && Array.isArray((model as LiteGraph).nodes);
}

/** `model` as a LiteGraph: a Layers model is converted (f32 tensors), a graph is returned as is. */
export function toLiteGraph(model: CompressionModel): LiteGraph {
  return isLiteGraph(model) ? model : fromLayersModel(model);
}

/** `model` as a trainable tf.LayersModel: a graph is expanded (its weights decoded to fp32; a new model, dispose it). */
export function toTrainable(model: CompressionModel, name = 'pipeline'): tfl.LayersModel {
  if (!isLiteGraph(model)) return model;
  if (model.graphModel) throw new TypeError('this step trains a tfjs Layers model; the graph holds a tfjs graph model, which cannot be trained');
  return LiteModel.fromGraph(model).toLayersModel(name);
}

/** Whether {@link entropyCode} ran on the graph (its sections are to be Huffman-coded when written). */
export function isEntropyCoded(graph: LiteGraph): boolean {
  return graph.provenance.some((p) => p.step === 'entropy-code');
}

/**
 * The .lite bytes of `model` as it stands: a Layers model as dense f32 tensors, a graph
 * in its encodings, Huffman-coded only after {@link entropyCode} (or when `huffman` says so).
 */
export function encodeCompressionModel(model: CompressionModel, huffman?: 'auto' | 'off'): Uint8Array {
  const graph = toLiteGraph(model);
  return encodeLite(graph, { huffman: huffman ?? (isEntropyCoded(graph) ? 'auto' : 'off') });
}

/** An accuracy function for {@link StepContext.evaluate}: core's `evaluate` on `data` (graphs are expanded to fp32 tfjs first). */
export function accuracyOn(data: Dataset): (model: CompressionModel) => Promise<number> {
  return async (model) => {
    const layers = toTrainable(model, 'evaluated');
    try {
      return (await evaluate(layers, data)).accuracy;
    } finally {
      if (layers !== model) layers.dispose();
    }
  };
}

/** Options of {@link entropyCode}. */
export interface EntropyCodeOptions {
  /** Store kernels with enough exact zeros as csr with relative indices, values exactly as they are (default true). */
  sparse?: boolean;
  /** Huffman-code the sections where smaller (default 'auto'). */
  huffman?: 'auto' | 'off';
}

/**
 * The last stage of Deep Compression: kernels with exact zeros stored sparse (csr with
 * 4/8-bit relative indices, or bitmasks, whichever is smaller; values bit-exact in their
 * encoding), and the file's byte planes Huffman-coded where that is smaller. Returns a
 * graph; writing it with {@link encodeCompressionModel} (or `writeLiteFile` with
 * huffman 'auto') applies the coding.
 */
export function entropyCode(options: EntropyCodeOptions = {}): Step {
  const huffman = options.huffman ?? 'auto';
  if (huffman !== 'auto' && huffman !== 'off') throw new RangeError(`entropyCode: huffman must be 'auto' or 'off', not ${JSON.stringify(huffman)}`);
  return namedStep('entropy-code', async (model, ctx) => {
    let graph = toLiteGraph(model);
    if (options.sparse ?? true) graph = sparsifyGraph(graph, { valueEncoding: 'same' }).graph;
    const provenance = graph.provenance.filter((p) => p.step !== 'entropy-code');
    const record: Provenance = { step: 'entropy-code', options: { sparse: options.sparse ?? true, huffman }, at: new Date().toISOString(), version: PIPELINE_VERSION };
    // huffman 'off' is recorded under another name so that isEntropyCoded stays false.
    if (huffman === 'off') record.step = 'sparse-store';
    ctx.provenance?.push(record);
    return { ...graph, provenance: huffman === 'off' ? provenance : [...provenance, record] };
  });
}

/** Version recorded in provenance by the pipeline's own steps. */
export const PIPELINE_VERSION = '0.1.0';

/** What {@link runPipeline} measured after one step. */
export interface StepRecord {
  /** The step's name (`stepName`, or `step N`). */
  step: string;
  /** Accuracy in [0, 1] after the step, when the context has an evaluate function. */
  accuracy?: number;
  /** .lite bytes of the model after the step ({@link encodeCompressionModel}). */
  bytes: number;
  seconds: number;
}

/** What {@link runPipeline} returns. */
export interface PipelineResult {
  /** The final model: a graph carries the steps' provenance. */
  model: CompressionModel;
  /** The input first (`step: 'input'`), then one record per step. */
  records: StepRecord[];
}

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  /** Called with each record as soon as it is measured (the input's first). */
  onRecord?: (record: StepRecord) => void;
  /** Measure bytes after every step (default true; the final model's are always measured). */
  measureBytes?: boolean;
}

function checkSteps(steps: readonly Step[]): void {
  if (!Array.isArray(steps) || steps.length === 0) throw new TypeError('pipeline needs a non-empty array of steps, e.g. [pruneStep({...}), quantizeStep({...}), entropyCode()]');
  steps.forEach((s, i) => {
    if (typeof s !== 'function') throw new TypeError(`pipeline step ${i} is ${s === null ? 'null' : typeof s}, not a step function (model, ctx) => Promise<model>`);
  });
}

const disposeLayers = (m: CompressionModel | undefined) => {
  if (m && !isLiteGraph(m)) m.dispose();
};

/**
 * Runs `steps` in order on `model`, measuring accuracy (with `ctx.evaluate`) and bytes
 * before the first and after each. The input model is not disposed; intermediate Layers
 * models a step replaced are. The final graph (if the result is one) gets the provenance
 * the steps recorded in `ctx.provenance`.
 */
export async function runPipeline(steps: readonly Step[], model: CompressionModel, ctx: StepContext, options: RunPipelineOptions = {}): Promise<PipelineResult> {
  checkSteps(steps);
  const context: StepContext = { ...ctx, seed: ctx.seed ?? 0, provenance: ctx.provenance ?? [] };
  const start = context.provenance!.length;
  const records: StepRecord[] = [];
  const measure = async (step: string, m: CompressionModel, seconds: number, bytes: boolean) => {
    const record: StepRecord = { step, bytes: bytes ? encodeCompressionModel(m).length : NaN, seconds };
    if (context.evaluate) record.accuracy = await context.evaluate(m);
    records.push(record);
    options.onRecord?.(record);
  };
  const measureBytes = options.measureBytes ?? true;
  await measure('input', model, 0, measureBytes);
  let current = model;
  for (let i = 0; i < steps.length; i++) {
    const t0 = performance.now();
    const next = await steps[i](current, context);
    if (next !== current && current !== model) disposeLayers(current);
    // The steps' provenance goes into a graph at once, so the bytes measured are the bytes written.
    current = withProvenance(next, context.provenance!.slice(start));
    await measure(steps[i].stepName ?? `step ${i + 1}`, current, (performance.now() - t0) / 1000, measureBytes || i === steps.length - 1);
  }
  return { model: current, records };
}

/** `model` with the `recorded` provenance it lacks, in time order (a Layers model is returned as is). */
function withProvenance(model: CompressionModel, recorded: readonly Provenance[]): CompressionModel {
  if (!isLiteGraph(model)) return model;
  const added = recorded.filter((p) => !model.provenance.some((q) => q.step === p.step && q.at === p.at));
  return added.length === 0 ? model : { ...model, provenance: [...model.provenance, ...added].sort((a, b) => a.at.localeCompare(b.at)) };
}

/** Composes steps into one step (pipelines nest). Use {@link runPipeline} for per-step measurements. */
export function pipeline(steps: readonly Step[]): Step {
  checkSteps(steps);
  return namedStep('pipeline', async (model, ctx) => (await runPipeline(steps, model, { ...ctx, evaluate: undefined }, { measureBytes: false })).model);
}
