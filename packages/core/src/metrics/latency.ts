import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Latency statistics of one batch size, in milliseconds. */
export interface LatencyStats {
  batchSize: number;
  p50: number;
  p95: number;
  mean: number;
  /** Timed runs (after warm-up). */
  runs: number;
}

/** Options for {@link measureLatency}. */
export interface LatencyOptions {
  /** Untimed runs first, to settle caches and lazy initialisation (default 3). */
  warmup?: number;
  /** Timed runs (default 30). */
  runs?: number;
  /** Stop timing after this many seconds even if fewer runs are done (default 10; at least 1 run). */
  maxSeconds?: number;
}

/** The q-quantile (0..1) of sorted values, nearest-rank. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

/**
 * Times `model.predict` on a random batch of `batchSize` samples, from input to
 * downloaded output, and reports p50/p95/mean in milliseconds.
 */
export async function measureLatency(model: tfl.LayersModel, batchSize: number, options: LatencyOptions = {}): Promise<LatencyStats> {
  const inputShape = model.inputs[0].shape.slice(1).map((d) => d ?? 1);
  const input = tf.randomNormal([batchSize, ...inputShape], 0, 1, 'float32', 1);
  const once = async () => {
    const out = model.predict(input) as tf.Tensor;
    await out.data();
    out.dispose();
  };
  try {
    for (let i = 0; i < (options.warmup ?? 3); i++) await once();
    const runs = options.runs ?? 30;
    const budgetMs = (options.maxSeconds ?? 10) * 1000;
    const times: number[] = [];
    const start = performance.now();
    while (times.length < runs && (times.length === 0 || performance.now() - start < budgetMs)) {
      const t0 = performance.now();
      await once();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((s, t) => s + t, 0) / times.length;
    return { batchSize, p50: percentile(times, 0.5), p95: percentile(times, 0.95), mean, runs: times.length };
  } finally {
    input.dispose();
  }
}

/** Latency at batch 1 and batch 256. */
export interface LatencyProfile {
  b1: LatencyStats;
  b256: LatencyStats;
}

/** Measures latency at batch 1 and batch 256 (see {@link measureLatency}). */
export async function latencyProfile(model: tfl.LayersModel, options: LatencyOptions = {}): Promise<LatencyProfile> {
  return { b1: await measureLatency(model, 1, options), b256: await measureLatency(model, 256, options) };
}
