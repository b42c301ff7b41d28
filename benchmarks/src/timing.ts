// Timing protocol shared by every in-process peer (the C harness follows the
// same one): warm up, size a sample so that timer resolution and call overhead
// do not matter, then keep several samples. Callers report medians, because
// this machine is shared and noisy.

/** How to sample one operation. */
export interface Protocol {
  /** Samples kept per operation. */
  samples: number;
  /** A sample repeats the call until it lasts at least this long. */
  minSampleSec: number;
  /** Fewer samples (at least one) when they would take longer than this in all. */
  maxTotalSec: number;
}

/** Seconds per call, one entry per sample. */
export function measure(fn: () => void, p: Protocol): number[] {
  fn(); // warm-up: first-call allocation, JIT, page faults
  const { calls, samples } = sampling(timeOnce(fn), p);
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    out.push(secondsSince(t0) / calls);
  }
  return out;
}

/** {@link measure} for an asynchronous operation (each call awaited before the next). */
export async function measureAsync(fn: () => Promise<unknown>, p: Protocol): Promise<number[]> {
  await fn();
  let t0 = process.hrtime.bigint();
  await fn();
  const { calls, samples } = sampling(Math.max(1e-9, secondsSince(t0)), p);
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await fn();
    out.push(secondsSince(t0) / calls);
  }
  return out;
}

/** Calls per sample and samples for an operation whose first timed call took `first` seconds. */
function sampling(first: number, p: Protocol): { calls: number; samples: number } {
  const calls = Math.max(1, Math.ceil(p.minSampleSec / first));
  const sampleSec = calls * first;
  return { calls, samples: Math.max(1, Math.min(p.samples, Math.floor(p.maxTotalSec / sampleSec))) };
}

function secondsSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function timeOnce(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Math.max(1e-9, secondsSince(t0));
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** GFLOP/s of an m×n×k GEMM (2mnk flops) taking `sec` seconds. */
export function gflops(m: number, n: number, k: number, sec: number): number {
  return (2 * m * n * k) / sec / 1e9;
}
