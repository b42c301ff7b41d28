// Inference latency of whole models: the .lite runtime (LiteModel.predict, fp32
// and f16 weights) against tfjs-layers predict on the `lite` backend, tfjs `cpu`
// and tfjs-backend-wasm, at batch 1 and 256, all in one run. Every engine runs in
// its own process per case; engines that use native kernels run at 1 and 2
// threads (LITE_NUM_THREADS). Rounds are interleaved per case, like the GEMM
// bench, so that a burst of load from elsewhere lands on every engine of a case.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LATENCY_MODELS, MODEL_LABELS, type LatencyModelName } from './models.js';
import { runJson } from './peers/child.js';
import type { LatencyEngine, LatencyProtocol, LatencyReply, LatencyRequest } from './peers/latency.js';
import { median } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));

export const BATCHES = [1, 256] as const;

export interface LatencyPeer {
  id: string;
  label: string;
  engine: LatencyEngine;
  threads: number;
  info: Record<string, string | number | boolean>;
  note?: string;
  skipped?: string;
  /** Why the peer does not run a model (its cells stay empty), by model. */
  notFor?: Partial<Record<LatencyModelName, string>>;
}

export interface LatencyCell {
  /** Median and 95th percentile (nearest rank) over every timed call of every round, ms. */
  median: number | null;
  p95: number | null;
  calls: number;
  /** Samples per call actually run, when below the batch (the time was scaled). */
  timedBatch?: number;
}

export interface LatencyRow {
  model: LatencyModelName;
  label: string;
  batch: number;
  /** Multiply-accumulates per sample (from the runtime's summary). */
  macsPerSample?: number;
  cells: Record<string, LatencyCell>;
  /** max |output − tfjs cpu output| over the first sample, per peer. */
  maxAbsDiff: Record<string, number | null>;
}

export interface RuntimeResult {
  rounds: number;
  protocol: string;
  peers: LatencyPeer[];
  rows: LatencyRow[];
}

/** Ratio columns: runtime latency / peer latency (below 1 the runtime is faster). */
export const LATENCY_RATIOS: ReadonlyArray<readonly [string, string]> = [
  ['rt-f32-1t', 'tfjs-lite-1t'],
  ['rt-f32-2t', 'tfjs-lite-2t'],
  ['rt-f32-1t', 'tfjs-cpu'],
  ['rt-f32-1t', 'wasm'],
];

function peers(): LatencyPeer[] {
  const rt = (enc: 'f32' | 'f16', t: number): LatencyPeer => ({
    id: `rt-${enc}-${t}t`,
    label: `.lite ${enc} ${t}T`,
    engine: { kind: 'runtime', encoding: enc },
    threads: t,
    info: {},
  });
  const lite = (t: number): LatencyPeer => ({
    id: `tfjs-lite-${t}t`,
    label: `tfjs lite ${t}T`,
    engine: { kind: 'tfjs', backend: 'lite' },
    threads: t,
    info: {},
  });
  return [
    rt('f32', 1),
    rt('f16', 1),
    lite(1),
    rt('f32', 2),
    rt('f16', 2),
    lite(2),
    {
      id: 'wasm',
      label: 'tfjs-wasm 1T',
      engine: { kind: 'tfjs', backend: 'wasm' },
      threads: 1,
      info: {},
      note: 'tfjs-backend-wasm SIMD build (XNNPACK), one thread: tfjs disables its threaded build under Node',
    },
    {
      id: 'tfjs-cpu',
      label: 'tfjs cpu',
      engine: { kind: 'tfjs', backend: 'cpu' },
      threads: 1,
      info: {},
      note: "tfjs's pure-JS kernels, one thread",
    },
  ];
}

/** Samples tfjs `cpu` runs per call at a batch: MobileNetV2-style at 256 takes seconds per call, so a 32-sample slice is timed and scaled ×8. */
function timedBatch(peer: LatencyPeer, model: LatencyModelName, batch: number, quick: boolean): number {
  if (peer.id !== 'tfjs-cpu' || batch <= 32) return batch;
  return model === 'mobileNetV2' || quick ? 32 : batch;
}

export interface RuntimeOptions {
  quick: boolean;
  progress: (line: string) => void;
}

export async function runRuntime({ quick, progress }: RuntimeOptions): Promise<RuntimeResult> {
  const rounds = quick ? 1 : 3;
  const protocol: LatencyProtocol = quick
    ? { warmup: 2, maxWarmupSec: 0.5, runs: 20, minRuns: 1, maxSec: 0.5 }
    : { warmup: 3, maxWarmupSec: 1, runs: 100, minRuns: 2, maxSec: 1.5 };
  const all = peers();
  const rows = await measureLatency(all, { part: 'runtime', rounds, protocol, reference: 'tfjs-cpu', progress, timedBatch: (peer, c) => timedBatch(peer, c.model, c.batch, quick) });
  return { rounds, protocol: describeProtocol(rounds, protocol), peers: all, rows };
}

export interface LatencyCase {
  model: LatencyModelName;
  batch: number;
}

export interface LatencyOptions {
  /** Names the part in progress lines. */
  part: string;
  rounds: number;
  protocol: LatencyProtocol;
  /** The peer whose first-sample outputs the others are compared with. */
  reference: string;
  progress: (line: string) => void;
  /** Samples a peer runs per call (default: the whole batch). */
  timedBatch?: (peer: LatencyPeer, c: LatencyCase) => number;
  /** Which case (default: every model of LATENCY_MODELS at every batch of BATCHES). */
  cases?: LatencyCase[];
}

/**
 * Times every peer on every case, one child process each, rounds interleaved
 * per case; peer.info and peer.skipped are updated as the children answer.
 */
export async function measureLatency(all: LatencyPeer[], o: LatencyOptions): Promise<LatencyRow[]> {
  const cases = o.cases ?? LATENCY_MODELS.flatMap((model) => BATCHES.map((batch) => ({ model, batch })));
  // ms[peer][case] over all rounds; timed batch and first-sample outputs per peer and case
  const ms = new Map(all.map((p) => [p.id, cases.map((): number[] => [])]));
  const sliced = new Map(all.map((p) => [p.id, new Map<number, number>()]));
  const outputs = new Map(all.map((p) => [p.id, new Map<number, number[]>()]));
  const macs = new Map<number, number>();

  for (let r = 0; r < o.rounds; r++) {
    for (const [i, c] of cases.entries()) {
      o.progress(`${o.part} round ${r + 1}/${o.rounds}: ${MODEL_LABELS[c.model]} batch ${c.batch}`);
      for (const peer of all) {
        if (peer.skipped || peer.notFor?.[c.model]) continue;
        const tb = o.timedBatch?.(peer, c) ?? c.batch;
        const req: LatencyRequest = { engine: peer.engine, model: c.model, batch: c.batch, timedBatch: tb, protocol: o.protocol };
        const env = { ...process.env, LITE_NUM_THREADS: String(peer.threads) };
        try {
          const reply = await runJson<LatencyReply>(process.execPath, [join(here, 'peers', 'latency.js'), JSON.stringify(req)], env);
          peer.info = reply.info;
          ms.get(peer.id)![i]!.push(...reply.msPerCall);
          if (reply.timedBatch < c.batch) sliced.get(peer.id)!.set(i, reply.timedBatch);
          outputs.get(peer.id)!.set(i, reply.firstOutput);
          if (reply.macsPerSample !== undefined) macs.set(i, reply.macsPerSample);
        } catch (err) {
          peer.skipped = (err as Error).message;
          o.progress(`  ${peer.label} skipped: ${peer.skipped}`);
        }
      }
    }
  }

  return cases.map((c, i) => {
    const reference = outputs.get(o.reference)!.get(i);
    const row: LatencyRow = { model: c.model, label: MODEL_LABELS[c.model], batch: c.batch, cells: {}, maxAbsDiff: {} };
    if (macs.has(i)) row.macsPerSample = macs.get(i)!;
    for (const p of all) {
      const xs = ms.get(p.id)![i]!;
      const tb = sliced.get(p.id)!.get(i);
      row.cells[p.id] = { median: xs.length ? median(xs) : null, p95: xs.length ? percentile(xs, 0.95) : null, calls: xs.length, ...(tb ? { timedBatch: tb } : {}) };
      const out = outputs.get(p.id)!.get(i);
      row.maxAbsDiff[p.id] = out && reference ? maxAbsDiff(out, reference) : null;
    }
    return row;
  });
}

/** What the latency protocol does, for the tables. */
export function describeProtocol(rounds: number, p: LatencyProtocol): string {
  return (
    `${rounds} interleaved round(s); per round, case and engine a fresh process builds the model (the runtime: converts it, writes the .lite bytes and loads them), ` +
    `makes up to ${p.warmup} warm-up calls (at most ${p.maxWarmupSec} s of them), then times calls one by one: up to ${p.runs} within ${p.maxSec} s, at least ${p.minRuns}; ` +
    'median and p95 (nearest rank) over every timed call of every round'
  );
}

/** The q-quantile of xs, nearest rank. */
export function percentile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil(q * s.length))) - 1]!;
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function latencyRatio(row: LatencyRow, num: string, den: string): number | null {
  const a = row.cells[num]?.median;
  const b = row.cells[den]?.median;
  return a != null && b != null && b > 0 ? a / b : null;
}
