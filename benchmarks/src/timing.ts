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
  const first = timeOnce(fn);
  const calls = Math.max(1, Math.ceil(p.minSampleSec / first));
  const sampleSec = calls * first;
  const samples = Math.max(1, Math.min(p.samples, Math.floor(p.maxTotalSec / sampleSec)));
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e9 / calls);
  }
  return out;
}

function timeOnce(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Math.max(1e-9, Number(process.hrtime.bigint() - t0) / 1e9);
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
