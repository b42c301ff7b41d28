// The demo's row model and how every row is measured: one compressed model, run on
// the .lite runtime, its accuracy, file size, latency and MACs measured here.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LiteModel, encodeLite, fromLayersModel, liteAccuracy, makeBatch, percentile, readTfjsModel, saveModel, sparsifyGraph, summarizeGraph,
  type Dataset, type LiteGraph, type ProgressSink,
} from '@lite/core';
import type { Io } from '../io.js';
import type { Model } from '../report.js';

/** The demo's groups of rows, in table order. */
export const GROUPS = ['teacher', 'reference vs ours', 'pruning', 'quantization', 'binary/ternary', 'distillation', 'pipeline'] as const;
export type Group = (typeof GROUPS)[number];

/** One conv/dense layer of a row's model. */
export interface LayerStats {
  layer: string;
  op: string;
  params: number;
  /** Fraction of exact zeros in the kernel (0..1). */
  sparsity: number;
  /** Stored bits per kernel weight (payload bytes × 8 / params: codes, scales, codebooks and sparse indices included). */
  bits: number;
  /** The kernel's encoding (f32, int8, csr, binary, …). */
  encoding: string;
}

/** One measured model of the demo. */
export interface DemoRow {
  group: Group;
  name: string;
  /** Which recipe made it (one line). */
  recipe: string;
  /** The reference document's recipe as written (bugs included), shown beside our fixed version. */
  reference?: boolean;
  /** The base architecture (seedCnn, seedStudent, lenet5). */
  arch: string;
  /** Top-1 accuracy on the test split, in [0, 1]. */
  accuracy: number;
  /** Bytes of the .lite file (sparse kernels stored sparse, Huffman where smaller). */
  bytes: number;
  /** The baseline's bytes (the fp32 model of `versus`, else of `arch`) ÷ bytes. */
  ratio: number;
  /** Latency p50 in ms on the lite runtime at batch 1 and 256. */
  p50b1: number;
  p50b256: number;
  /** Parameters (all weights and biases). */
  params: number;
  /** Multiply-accumulates per sample: dense, and with zero weights skipped. */
  macs: number;
  macsNonzero: number;
  /** Fraction of exact zeros over all conv/dense kernels. */
  sparsity: number;
  layers: LayerStats[];
  /** Seconds the recipe took (training, pruning, quantization). */
  seconds: number;
  notes?: string;
  /** The architecture whose fp32 model is the "× smaller" baseline (default: arch; seedStudent rows compare with seedCnn). */
  versus?: string;
}

/** Quick and full settings. */
export interface DemoSettings {
  quick: boolean;
  /** Teacher epochs (seed recipe). */
  teacherEpochs: number;
  /** Fine-tuning epochs after pruning (the reference's 5 in full mode). */
  pruneEpochs: number;
  /** Distillation / student epochs (the reference's 10 in full mode). */
  studentEpochs: number;
  /** binary/ternary latent-weight training epochs. */
  binaryEpochs: number;
  /** QAT epochs. */
  qatEpochs: number;
  /** lenet5 teacher epochs and the pipeline's fine-tuning epochs. */
  lenetEpochs: number;
  pipelineEpochs: number;
  /** Training samples for the slow models (lenet5, binary): undefined = all. */
  slowTrainLimit?: number;
  /** Latency: timed runs per batch size and a time cap per batch size. */
  latencyRuns: number;
  latencySeconds: number;
}

/** What every group of rows is given. */
export interface DemoContext {
  io: Io;
  settings: DemoSettings;
  train: Dataset;
  test: Dataset;
  /** A smaller training set for slow recipes (lenet5, binary) in quick mode. */
  slowTrain: Dataset;
  progress: ProgressSink;
  /** Bytes of each architecture's fp32 tfjs model directory (the "× smaller" baseline), recorded by {@link recordBaseline}. */
  baseline: Map<string, number>;
  /** Announces a step on stderr (progress). */
  step(text: string): void;
}

/** Per conv/dense layer: kernel sparsity, stored bits per weight, encoding. */
function kernelStats(graph: LiteGraph): LayerStats[] {
  const summary = summarizeGraph(graph);
  return summary.layers.flatMap((l): LayerStats[] => {
    if (l.sparsity === undefined) return [];
    const kernel = l.tensors.find((t) => t.shape.length >= 2) ?? l.tensors[0];
    return [{ layer: l.name, op: l.op, params: kernel.params, sparsity: l.sparsity, bits: (kernel.bytes * 8) / Math.max(1, kernel.params), encoding: kernel.encoding }];
  });
}

/** The graph as shipped: kernels with enough zeros stored sparse (values as they are). */
export function shippable(graph: LiteGraph): LiteGraph {
  return sparsifyGraph(graph, { valueEncoding: 'same' }).graph;
}

/** p50 latency (ms) of a LiteModel at a batch size, on test images, after warm-up. */
function latencyP50(model: LiteModel, test: Dataset, batch: number, s: DemoSettings): number {
  const { xs, ys } = makeBatch(test, Array.from({ length: batch }, (_, i) => i % test.count));
  ys.dispose();
  const input = { data: xs.dataSync() as Float32Array, shape: [...xs.shape] };
  xs.dispose();
  for (let i = 0; i < 2; i++) model.predict(input);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < s.latencyRuns && (times.length < 3 || performance.now() - start < s.latencySeconds * 1000)) {
    const t0 = performance.now();
    model.predict(input);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return percentile(times, 0.5);
}

/** What a group hands {@link measureRow}: the model and how it was made. */
export interface RowInput {
  group: Group;
  name: string;
  recipe: string;
  arch: string;
  reference?: boolean;
  seconds: number;
  notes?: string;
  /** The architecture whose fp32 model is the "× smaller" baseline (default: arch; seedStudent rows compare with seedCnn). */
  versus?: string;
}

/**
 * Records `model` (an architecture's fp32 model) as the "× smaller" baseline of `arch`: the
 * bytes of its tfjs model directory (model.json + weights.bin), as `lite compress` counts its input.
 */
export async function recordBaseline(ctx: DemoContext, arch: string, model: Model): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lite-demo-baseline-'));
  try {
    await saveModel(model, dir);
    ctx.baseline.set(arch, (await readTfjsModel(dir)).fileBytes);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Measures one model on the .lite runtime: test accuracy, .lite bytes, latency p50 at
 * batch 1 and 256, MACs (dense and nonzero), per-layer sparsity and bits.
 */
export function measureRow(ctx: DemoContext, model: Model | LiteGraph, row: RowInput): DemoRow {
  const raw = 'nodes' in model && model.tensors instanceof Map ? (model as LiteGraph) : fromLayersModel(model as Model);
  const graph = shippable(raw);
  const bytes = encodeLite(graph, { huffman: 'auto' }).length;
  const lite = LiteModel.fromGraph(graph);
  const accuracy = liteAccuracy(lite, ctx.test);
  const summary = summarizeGraph(graph);
  const layers = kernelStats(graph);
  let macsNonzero = 0;
  for (const l of summary.layers) macsNonzero += l.sparsity === undefined ? l.macs : l.macs * (1 - l.sparsity);
  const p50b1 = latencyP50(lite, ctx.test, 1, ctx.settings);
  const p50b256 = latencyP50(lite, ctx.test, 256, ctx.settings);
  const result: DemoRow = {
    ...row,
    accuracy,
    bytes,
    ratio: (ctx.baseline.get(row.versus ?? row.arch) ?? bytes) / bytes,
    p50b1,
    p50b256,
    params: summary.params,
    macs: summary.macs,
    macsNonzero: Math.round(macsNonzero),
    sparsity: summary.sparsity,
    layers,
  };
  ctx.io.err.write(`  → ${row.name}: ${(100 * accuracy).toFixed(2)}%, ${bytes} B (${result.ratio.toFixed(1)}× smaller), p50 ${p50b1.toFixed(3)} / ${p50b256.toFixed(2)} ms\n`);
  return result;
}

/** Seconds since `t0` (a performance.now() reading). */
export const since = (t0: number): number => (performance.now() - t0) / 1000;
