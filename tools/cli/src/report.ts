import { type Dataset, evaluate, latencyProfile, modelMetrics } from '@lite/core';
import { formatBytes, formatCount, formatMs } from './format.js';
import type { Io } from './io.js';

/** A tfjs Layers model (typed through @lite/core, which owns the tfjs dependency). */
export type Model = Parameters<typeof evaluate>[0];

/** What `lite eval --json` prints: accuracy, size, compute and latency of one model. */
export interface EvalReport {
  accuracy: number;
  loss: number;
  params: number;
  bytes: number;
  macs: number;
  latencyMs: { b1: { p50: number; p95: number }; b256: { p50: number; p95: number } };
}

/** Options of {@link measureModel}. */
export interface MeasureOptions {
  /** Evaluation batch size. */
  batchSize: number;
  /** Timed latency runs per batch size. */
  runs: number;
}

/** Evaluates `model` on `test` and measures its size, MACs and latency at batch 1 and 256. */
export async function measureModel(model: Model, test: Dataset, options: MeasureOptions, io: Io): Promise<EvalReport> {
  io.err.write(`evaluating on ${test.count} samples…\n`);
  const { accuracy, loss } = await evaluate(model, test, { batchSize: options.batchSize });
  const { params, bytes, macs } = modelMetrics(model);
  io.err.write('timing latency at batch 1 and 256…\n');
  const lat = await latencyProfile(model, { runs: options.runs, warmup: Math.min(3, options.runs) });
  return {
    accuracy,
    loss,
    params,
    bytes,
    macs,
    latencyMs: { b1: { p50: lat.b1.p50, p95: lat.b1.p95 }, b256: { p50: lat.b256.p50, p95: lat.b256.p95 } },
  };
}

/** Prints a report as aligned lines for people. */
export function printReport(io: Io, r: EvalReport): void {
  const rows: [string, string][] = [
    ['accuracy', `${(100 * r.accuracy).toFixed(2)}%  (loss ${r.loss.toFixed(4)})`],
    ['size', `${r.params.toLocaleString('en-US')} params, ${formatBytes(r.bytes)} fp32`],
    ['MACs', `${formatCount(r.macs)} per sample`],
    ['latency b1', `p50 ${formatMs(r.latencyMs.b1.p50)}  p95 ${formatMs(r.latencyMs.b1.p95)}`],
    ['latency b256', `p50 ${formatMs(r.latencyMs.b256.p50)}  p95 ${formatMs(r.latencyMs.b256.p95)}`],
  ];
  for (const [k, v] of rows) io.out.write(`${k.padEnd(14)}${v}\n`);
}
