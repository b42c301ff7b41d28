// fp32 GEMM throughput: lite native (1 and 2 threads) against OpenBLAS (1 and 2
// threads), tfjs-backend-wasm and tfjs `cpu`, all in one run. Each figure is
// the median over every round's samples.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJson, type GemmReply, type GemmRequest, type Shape } from './peers/child.js';
import { runOpenBlas } from './peers/openblas.js';
import { gflops, median, type Protocol } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface GemmShape extends Shape {
  label: string;
  kind: 'square' | 'layer';
}

export interface PeerSummary {
  id: string;
  label: string;
  /** What the child reported about itself (ISA, threads, OpenBLAS core, ...). */
  info: Record<string, string | number | boolean>;
  /** Why it has no numbers, when it could not run. */
  skipped?: string;
  note?: string;
}

export interface GemmRow extends GemmShape {
  /** Median GFLOP/s per peer id; null when the peer did not run. */
  gflops: Record<string, number | null>;
  /** Best sample's GFLOP/s per peer id (for reference; medians are the result). */
  best: Record<string, number | null>;
  samples: Record<string, number>;
  /** Rows of M actually timed, for peers whose figure was extrapolated. */
  timedRows: Record<string, number>;
}

export interface GemmResult {
  peers: PeerSummary[];
  rounds: number;
  protocol: Protocol;
  rows: GemmRow[];
  /** native 1 thread / OpenBLAS 1 thread at 512³..2048³, the goal (≥ 0.85). */
  headline: { goal: number; ratios: Record<string, number | null>; min: number | null; met: boolean | null };
}

/** Ratio columns of the table: [numerator peer, denominator peer]. */
export const RATIOS: ReadonlyArray<readonly [string, string]> = [
  ['lite-1t', 'openblas-1t'],
  ['lite-2t', 'openblas-2t'],
  ['lite-1t', 'wasm'],
  ['lite-1t', 'tfjs-cpu'],
];

export function gemmShapes(quick: boolean): GemmShape[] {
  const squares = quick ? [256, 512] : [256, 512, 1024, 2048];
  const layerM = quick ? [1, 64] : [1, 64, 256];
  const layerKN = quick ? [512] : [512, 1024];
  return [
    ...squares.map((s) => ({ label: `${s}³`, kind: 'square' as const, m: s, n: s, k: s })),
    ...layerM.flatMap((m) =>
      layerKN.map((kn) => ({ label: `M=${m} K=N=${kn}`, kind: 'layer' as const, m, n: kn, k: kn })),
    ),
  ];
}

/** A GEMM peer: one child process per request (thread counts are read at load). */
export interface Peer {
  id: string;
  label: string;
  /** Slow peers run in the first round only. */
  everyRound: boolean;
  note?: string;
  /** Set before the run when the peer cannot run at all (e.g. an optional package is not installed). */
  skipped?: string;
  run(req: GemmRequest): Promise<GemmReply>;
}

/** A peer run as `node dist/peers/<script> <request JSON> ...extraArgs` with `env`. */
export function nodeChild(script: string, extraArgs: string[], env: NodeJS.ProcessEnv) {
  return (req: GemmRequest) =>
    runJson<GemmReply>(process.execPath, [join(here, 'peers', script), JSON.stringify(req), ...extraArgs], env);
}

function peers(): Peer[] {
  const lite = (t: number): Peer => ({
    id: `lite-${t}t`,
    label: `lite ${t}T`,
    everyRound: true,
    run: nodeChild('native.js', [], { ...process.env, LITE_NUM_THREADS: String(t) }),
  });
  const blas = (t: number): Peer => ({
    id: `openblas-${t}t`,
    label: `OpenBLAS ${t}T`,
    everyRound: true,
    run: (req) => runOpenBlas(req, t),
  });
  return [
    lite(1),
    blas(1),
    lite(2),
    blas(2),
    {
      id: 'wasm',
      label: 'tfjs-wasm 1T',
      everyRound: true,
      note: 'tfjs-backend-wasm SIMD build, one thread: tfjs disables its threaded build under Node',
      run: nodeChild('tfjs.js', ['wasm'], process.env),
    },
    {
      id: 'tfjs-cpu',
      label: 'tfjs cpu',
      everyRound: false,
      note: 'tfjs pure-JS kernel, one thread, first round only; 2048³ timed on 256 rows and scaled ×8 (cost is linear in M)',
      run: nodeChild('tfjs.js', ['cpu'], process.env),
    },
  ];
}

export interface GemmOptions {
  quick: boolean;
  progress: (line: string) => void;
}

export async function runGemm({ quick, progress }: GemmOptions): Promise<GemmResult> {
  const rounds = quick ? 1 : 5;
  const protocol: Protocol = quick
    ? { samples: 3, minSampleSec: 0.05, maxTotalSec: 1 }
    : { samples: 3, minSampleSec: 0.1, maxTotalSec: 1 };
  const slowProtocol: Protocol = { samples: 3, minSampleSec: 0.1, maxTotalSec: quick ? 2 : 6 };
  const { peers: summaries, rows } = await measurePeers(gemmShapes(quick), peers(), { part: 'gemm', rounds, protocol, slowProtocol, progress });
  return { peers: summaries, rounds, protocol, rows, headline: headline(rows) };
}

export interface MeasureOptions {
  /** Names the part in progress lines. */
  part: string;
  rounds: number;
  protocol: Protocol;
  /** For peers that run in the first round only: rows above 2 GFLOP are timed on a 256-row slice. */
  slowProtocol?: Protocol;
  progress: (line: string) => void;
}

/**
 * Times every peer on every shape, interleaved per shape: each round runs every
 * peer on one shape before the next, so a burst of load from elsewhere lands on
 * all peers of that shape. Rows hold the median (and best) throughput over all
 * rounds' samples, 2mnk operations per call.
 */
export async function measurePeers(
  shapes: GemmShape[],
  all: Peer[],
  { part, rounds, protocol, slowProtocol = protocol, progress }: MeasureOptions,
): Promise<{ peers: PeerSummary[]; rows: GemmRow[] }> {
  const summaries = new Map<string, PeerSummary>(
    all.map((p) => [p.id, { id: p.id, label: p.label, info: {}, ...(p.note ? { note: p.note } : {}), ...(p.skipped ? { skipped: p.skipped } : {}) }]),
  );
  // samples[peer][shape index] = seconds per call, over all rounds
  const samples = new Map<string, number[][]>(all.map((p) => [p.id, shapes.map(() => [])]));
  const timedRows = new Map<string, Map<number, number>>(all.map((p) => [p.id, new Map()]));

  for (let r = 0; r < rounds; r++) {
    for (const [i, shape] of shapes.entries()) {
      progress(`${part} round ${r + 1}/${rounds}: ${shape.label}`);
      for (const peer of all) {
        const summary = summaries.get(peer.id)!;
        if (summary.skipped || (!peer.everyRound && r > 0)) continue;
        const req: GemmRequest = peer.everyRound
          ? { shapes: [shape], protocol }
          : { shapes: [shape], protocol: slowProtocol, sliceAboveFlops: 2 * 1024 ** 3, sliceRows: 256 };
        try {
          const reply = await peer.run(req);
          summary.info = reply.info;
          const t = reply.timings[0]!;
          samples.get(peer.id)![i]!.push(...t.secPerCall);
          if (t.timedRows !== undefined) timedRows.get(peer.id)!.set(i, t.timedRows);
        } catch (err) {
          summary.skipped = (err as Error).message;
          progress(`  ${peer.label} skipped: ${summary.skipped}`);
        }
      }
    }
  }

  const rows: GemmRow[] = shapes.map((s, i) => {
    const row: GemmRow = { ...s, gflops: {}, best: {}, samples: {}, timedRows: {} };
    for (const p of all) {
      const secs = samples.get(p.id)![i]!;
      row.gflops[p.id] = secs.length ? gflops(s.m, s.n, s.k, median(secs)) : null;
      row.best[p.id] = secs.length ? gflops(s.m, s.n, s.k, Math.min(...secs)) : null;
      row.samples[p.id] = secs.length;
      const tr = timedRows.get(p.id)!.get(i);
      if (tr !== undefined) row.timedRows[p.id] = tr;
    }
    return row;
  });
  return { peers: [...summaries.values()], rows };
}

export function ratio(row: GemmRow, num: string, den: string): number | null {
  const a = row.gflops[num];
  const b = row.gflops[den];
  return a != null && b != null && b > 0 ? a / b : null;
}

function headline(rows: GemmRow[]): GemmResult['headline'] {
  const goal = 0.85;
  const ratios: Record<string, number | null> = {};
  for (const row of rows) {
    if (row.kind === 'square' && row.m >= 512) ratios[row.label] = ratio(row, 'lite-1t', 'openblas-1t');
  }
  const known = Object.values(ratios).filter((x): x is number => x !== null);
  const min = known.length ? Math.min(...known) : null;
  return { goal, ratios, min, met: min === null ? null : min >= goal };
}
