import { readFileSync } from 'node:fs';
import * as tfl from '@tensorflow/tfjs-layers';
import { LiteModel, fromLayersModel, tensorByteSize, type ActivationQuant, type LiteGraph } from '@lite/core';
import { binaryQuantizeGraph } from '../binary/quantize_binary.js';
import { finetuneCentroids } from '../kmeans_finetune/index.js';
import { quantizationAwareTrain } from '../qat/index.js';
import { activationQuant } from './activation_params.js';
import { applyFormats } from './apply.js';
import { calibrateActivations } from './calibrate_graph.js';
import { formatLabel, type WeightFormat } from './formats.js';
import { allocateFormats, graphAccuracy, layerSensitivity, type LayerSensitivity } from './mixed.js';
import { resolveOptions, type ModelQuantizeOptions, type ResolvedOptions } from './options.js';
import { quantTargets } from './targets.js';

/** What quantization did to one conv/dense layer. */
export interface LayerQuantReport {
  layer: string;
  kernel: string;
  /** f32, f16, int8, int4, kmeans4, … */
  format: string;
  params: number;
  /** The kernel's stored bytes (before the file's entropy coding). */
  bytes: number;
  /** Static uint8 input quantization, when calibrated or learned. */
  inputQuant?: ActivationQuant;
}

/** What {@link quantize} returns. */
export interface QuantizeResult {
  /** The quantized model, ready to run or `save` as a .lite file. */
  model: LiteModel;
  graph: LiteGraph;
  layers: LayerQuantReport[];
  /** Mixed precision: the measured per-layer sensitivities. */
  sensitivity?: LayerSensitivity[];
}

/** A model quantize accepts: a tfjs Layers model (converted, BatchNormalization folded), a LiteModel or its graph. */
export type QuantizeInput = tfl.LayersModel | LiteModel | LiteGraph;

function graphOf(model: QuantizeInput): LiteGraph {
  if (model instanceof LiteModel) return model.graph;
  if (model instanceof tfl.LayersModel) return fromLayersModel(model);
  if (model && typeof model === 'object' && Array.isArray((model as LiteGraph).nodes) && (model as LiteGraph).tensors instanceof Map) return model as LiteGraph;
  throw new TypeError('quantize takes a tf.LayersModel, a LiteModel or a LiteGraph');
}

/** A fresh, trainable copy of a graph as a Layers model (BatchNormalization already folded). */
function trainableCopy(graph: LiteGraph): tfl.LayersModel {
  return LiteModel.fromGraph(graph).toLayersModel('quantize');
}

function sameFormat(graph: LiteGraph, format: WeightFormat): Map<string, WeightFormat> {
  return new Map(quantTargets(graph).map((t) => [t.node.name, format]));
}

/** Trains with fake quantization, then stores the learned weights and activation ranges. */
async function qat(graph: LiteGraph, o: ResolvedOptions): Promise<{ graph: LiteGraph; inputQuant: Map<string, ActivationQuant> }> {
  const model = trainableCopy(graph);
  try {
    const { activationRanges } = await quantizationAwareTrain(model, o.data!, {
      // Adam at a small rate fine-tunes without undoing the fp32 training (measured best on seedCnn int4).
      bits: o.bits as 8 | 4, perChannel: o.perChannel, epochs: o.epochs, optimizer: 'adam', learningRate: o.learningRate ?? 1e-4,
      seed: o.seed, progress: o.progress,
      // With a teacher, distillation is the fine-tuning loss (joint QAT + KD).
      ...(o.loss ? { loss: o.loss } : {}),
    });
    const trained = fromLayersModel(model);
    const inputQuant = new Map([...activationRanges].map(([layer, range]) => [layer, activationQuant(range)]));
    return { graph: trained, inputQuant };
  } finally {
    model.dispose();
  }
}

/** Clusters every kernel and fine-tunes the shared values on the data. */
async function finetunedKmeans(graph: LiteGraph, o: ResolvedOptions): Promise<LiteGraph> {
  const model = trainableCopy(graph);
  try {
    await finetuneCentroids(model, o.data!, { bits: o.bits, epochs: o.epochs, learningRate: o.learningRate, seed: o.seed, progress: o.progress });
    return fromLayersModel(model);
  } finally {
    model.dispose();
  }
}

/** Mixed precision: measure, allocate, then check an accuracy budget on the real model (tightening the estimate if it was optimistic). */
function mixed(graph: LiteGraph, o: ResolvedOptions): { formats: Map<string, WeightFormat>; sensitivity: LayerSensitivity[] } {
  const validation = o.validation!;
  const baseline = graphAccuracy(graph, validation);
  const sensitivity = layerSensitivity(graph, validation, baseline, undefined, o.progress);
  const budget = { ...o.budget! };
  let formats = allocateFormats(sensitivity, budget);
  for (let tries = 0; budget.maxAccuracyDrop !== undefined && tries < 4; tries++) {
    const drop = baseline - graphAccuracy(applyFormats(graph, { formats }), validation);
    if (drop <= o.budget!.maxAccuracyDrop!) break;
    budget.maxAccuracyDrop = budget.maxAccuracyDrop / 2;
    formats = allocateFormats(sensitivity, budget);
  }
  return { formats, sensitivity };
}

/**
 * Quantizes a model's conv and dense kernels and returns it as a LiteModel
 * that runs int8/int4 layers on the int8 kernels:
 * - `dynamic`: int8 (or int4) weights; activations quantized per batch at run time;
 * - `static`: int8 weights; each layer's input range calibrated on `data`
 *   (minmax, percentile, mse or kl) and stored in the file;
 * - `qat`: fine-tunes with fake-quantized weights and inputs (straight-through
 *   estimator), then stores int8/int4 weights and the learned input ranges;
 * - `fp16`: every tensor as IEEE half; `int4`: int4 weights, dynamic activations;
 * - `kmeans`: 2–8-bit codebooks per kernel, optionally fine-tuned (`epochs`);
 * - `mixed`: per-layer 4/8/16 bits meeting `budget`, from measured sensitivities.
 * BatchNormalization is folded first. The input model is not modified.
 */
export async function quantize(model: QuantizeInput, options: ModelQuantizeOptions): Promise<QuantizeResult> {
  const o = resolveOptions(options);
  let graph = graphOf(model);
  const intFormat: WeightFormat = { kind: 'int', bits: o.bits as 8 | 4, perChannel: o.perChannel };
  let formats: Map<string, WeightFormat>;
  let inputQuant: Map<string, ActivationQuant> | undefined;
  let sensitivity: LayerSensitivity[] | undefined;
  switch (o.mode) {
    case 'fp16':
      formats = sameFormat(graph, { kind: 'f16' });
      break;
    case 'dynamic':
    case 'int4':
      formats = sameFormat(graph, intFormat);
      break;
    case 'static':
      formats = sameFormat(graph, intFormat);
      inputQuant = calibrateActivations(graph, o.data!, { method: o.calibMethod, samples: o.calibSamples, progress: o.progress });
      break;
    case 'qat':
      ({ graph, inputQuant } = await qat(graph, o));
      formats = sameFormat(graph, intFormat);
      break;
    case 'kmeans':
      if (o.epochs > 0) graph = await finetunedKmeans(graph, o);
      formats = sameFormat(graph, { kind: 'kmeans', bits: o.bits });
      break;
    case 'mixed':
      ({ formats, sensitivity } = mixed(graph, o));
      break;
    case 'binary':
    case 'ternary':
      graph = await binaryQuantizeGraph(graph, { ...o, mode: o.mode, data: o.data! });
      formats = new Map();
      break;
  }
  const recorded = { ...options, data: undefined, validation: undefined, progress: undefined };
  const provenanceOptions = JSON.parse(JSON.stringify({
    ...recorded, layers: Object.fromEntries([...formats].map(([layer, f]) => [layer, formatLabel(f)])),
  })) as Record<string, unknown>;
  const out = applyFormats(graph, {
    formats, inputQuant, halfOthers: o.mode === 'fp16',
    provenance: { step: 'quantize', options: provenanceOptions, at: new Date().toISOString(), version: QUANT_VERSION },
  });
  const layers = quantTargets(out).map((t): LayerQuantReport => {
    const kernel = out.tensors.get(t.node.kernel)!;
    const format = formats.get(t.node.name);
    const q = t.node.op === 'depthwiseConv2d' ? undefined : t.node.inputQuant;
    return {
      layer: t.node.name, kernel: kernel.name, format: format ? formatLabel(format) : kernel.encoding,
      params: kernel.shape.reduce((a, b) => a * b, 1), bytes: tensorByteSize(kernel), ...(q ? { inputQuant: q } : {}),
    };
  });
  return { model: LiteModel.fromGraph(out), graph: out, layers, ...(sensitivity ? { sensitivity } : {}) };
}

/** The @lite/quant version recorded in provenance (from its package.json, one level above dist/ and src/). */
export const QUANT_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
