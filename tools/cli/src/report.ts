import { type Dataset, type ForwardFn, evaluate, latencyProfile, makeBatch, modelMetrics, percentile } from '@lite/core';
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
  /** Multiply-accumulates per sample (null when they cannot be determined, e.g. some graph models). */
  macs: number | null;
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

/** A model `lite eval` can run that is not a tfjs Layers model (a .lite runtime graph or a tfjs graph model). */
export interface Runner {
  /** Logits for a batch of images, as the evaluator's forward pass. */
  forward: (xs: Parameters<ForwardFn>[1]) => ReturnType<ForwardFn>;
  /** One timed inference on a batch of images, from input to output values. */
  run: (input: Parameters<ForwardFn>[1]) => Promise<void>;
  params: number;
  bytes: number;
  macs: number | null;
}

/** Times `runner.run` at batch 1 and 256 on test images (repeated when the set is smaller), after warm-up, for at most ~10 s each. */
async function runnerLatency(runner: Runner, test: Dataset, runs: number): Promise<EvalReport['latencyMs']> {
  const result: Record<string, { p50: number; p95: number }> = {};
  for (const size of [1, 256]) {
    const { xs, ys } = makeBatch(test, Array.from({ length: size }, (_, i) => i % Math.max(1, test.count)));
    ys.dispose();
    try {
      for (let i = 0; i < Math.min(3, runs); i++) await runner.run(xs);
      const times: number[] = [];
      const start = performance.now();
      while (times.length < runs && (times.length === 0 || performance.now() - start < 10_000)) {
        const t0 = performance.now();
        await runner.run(xs);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      result[`b${size}`] = { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
    } finally {
      xs.dispose();
    }
  }
  return result as EvalReport['latencyMs'];
}

/** Like {@link measureModel}, for a model that is not a tfjs Layers model. */
export async function measureRunner(runner: Runner, test: Dataset, options: MeasureOptions, io: Io): Promise<EvalReport> {
  io.err.write(`evaluating on ${test.count} samples…\n`);
  // evaluate() reads the model only through `forward`, which here runs the runner.
  const { accuracy, loss } = await evaluate(undefined as unknown as Model, test, { batchSize: options.batchSize, forward: (_, xs) => runner.forward(xs) });
  io.err.write('timing latency at batch 1 and 256…\n');
  const latencyMs = await runnerLatency(runner, test, options.runs);
  return { accuracy, loss, params: runner.params, bytes: runner.bytes, macs: runner.macs, latencyMs };
}

/** Prints a report as aligned lines for people; `storage` describes the bytes (default "fp32"). */
export function printReport(io: Io, r: EvalReport, storage = 'fp32'): void {
  const rows: [string, string][] = [
    ['accuracy', `${(100 * r.accuracy).toFixed(2)}%  (loss ${r.loss.toFixed(4)})`],
    ['size', `${r.params.toLocaleString('en-US')} params, ${formatBytes(r.bytes)} ${storage}`],
    ['MACs', r.macs === null ? 'unknown' : `${formatCount(r.macs)} per sample`],
    ['latency b1', `p50 ${formatMs(r.latencyMs.b1.p50)}  p95 ${formatMs(r.latencyMs.b1.p95)}`],
    ['latency b256', `p50 ${formatMs(r.latencyMs.b256.p50)}  p95 ${formatMs(r.latencyMs.b256.p95)}`],
  ];
  for (const [k, v] of rows) io.out.write(`${k.padEnd(14)}${v}\n`);
}
