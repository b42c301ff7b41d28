// Sparse inference kernels: lite's spmm (90%-sparse weights packed once, float32
// and int8 values) against our dense fp32 GEMM on the same weights, scipy.sparse
// and torch.sparse CSR, all at one thread, each in its own process, interleaved
// per shape over several rounds; figures are medians.
import { measurePeers, nodeChild, ratio, type GemmRow, type GemmShape, type Peer, type PeerSummary } from './gemm.js';
import type { Goal } from './int8.js';
import { pythonMissing, runPythonSparse } from './peers/sparse_python.js';
import type { Peak } from './peak.js';
import { OP_COUNTS, peakNote, pct, percentOfPeak } from './roofline.js';
import { num, times, type Table } from './table.js';
import type { Protocol } from './timing.js';

export const SPARSITY = 0.9;

export interface SparseResult {
  sparsity: number;
  peers: PeerSummary[];
  rounds: number;
  protocol: Protocol;
  /** "GFLOP/s" of the dense-equivalent product (2·M·N·K per call), so ratios are speedups. */
  rows: GemmRow[];
  goals: Goal[];
}

export function sparseShapes(quick: boolean): GemmShape[] {
  const sizes = quick ? [512, 1024] : [512, 1024, 4096];
  const batches = quick ? [1, 64] : [1, 8, 64];
  return sizes.flatMap((kn) => batches.map((m) => ({ label: `M=${m} K=N=${kn}`, kind: 'layer' as const, m, n: kn, k: kn })));
}

function peers(): Peer[] {
  const one = { ...process.env, LITE_NUM_THREADS: '1' };
  const lite = (engine: string) => nodeChild('sparse_lite.js', [engine, String(SPARSITY)], one);
  const python = (engine: 'scipy' | 'torch', label: string, note: string): Peer => {
    const missing = pythonMissing(engine);
    return { id: engine, label, everyRound: true, note, ...(missing ? { skipped: missing } : {}), run: runPythonSparse(engine, SPARSITY) };
  };
  return [
    { id: 'spmm', label: 'lite spmm', everyRound: true, note: 'native.spmm on packSparse weights (float32 values)', run: lite('spmm') },
    { id: 'spmm-s8', label: 'lite spmm int8', everyRound: true, note: 'native.spmm on packSparseS8 weights (int8 values, per-column scale)', run: lite('spmm-s8') },
    { id: 'dense', label: 'lite dense', everyRound: true, note: 'native.gemm on the same weights stored dense', run: lite('dense') },
    python('scipy', 'scipy CSR', 'scipy.sparse csr_matrix (Wᵀ, N×K) @ Xᵀ (K×M), one thread'),
    python('torch', 'torch CSR', 'torch.mm(Wᵀ as sparse_csr, Xᵀ), torch.set_num_threads(1), OMP_WAIT_POLICY=PASSIVE'),
  ];
}

/** A ratio goal over several cases: met when every measured ratio reaches it (as int8.ts's). */
function goal(name: string, target: number, ratios: Record<string, number | null>): Goal {
  const known = Object.values(ratios).filter((x): x is number => x !== null);
  const min = known.length ? Math.min(...known) : null;
  return { name, goal: target, ratios, min, met: min === null ? null : min >= target };
}

/** The faster Python peer's figure for a row (null when neither ran). */
function bestPython(row: GemmRow): number | null {
  const known = [row.gflops.scipy, row.gflops.torch].filter((x): x is number => x != null);
  return known.length ? Math.max(...known) : null;
}
/** A lite engine's speedup over the faster Python peer (null when either is missing). */
export const vsPython = (row: GemmRow, id: string): number | null => {
  const best = bestPython(row), mine = row.gflops[id];
  return best != null && mine != null ? mine / best : null;
};

export async function runSparse({ quick, progress }: { quick: boolean; progress: (line: string) => void }): Promise<SparseResult> {
  const rounds = quick ? 1 : 3;
  const protocol: Protocol = quick ? { samples: 3, minSampleSec: 0.05, maxTotalSec: 0.6 } : { samples: 5, minSampleSec: 0.1, maxTotalSec: 1.5 };
  const { peers: summaries, rows } = await measurePeers(sparseShapes(quick), peers(), { part: 'sparse', rounds, protocol, progress });
  const per = (pick: (row: GemmRow) => number | null, rowsOf = rows) => Object.fromEntries(rowsOf.map((r) => [r.label, pick(r)]));
  const at = (m: number) => rows.filter((r) => r.m === m);
  const goals = [
    goal('spmm / our dense GEMM at batch 1', 4, per((r) => ratio(r, 'spmm', 'dense'), at(1))),
    goal('spmm / our dense GEMM at batch 64', 2, per((r) => ratio(r, 'spmm', 'dense'), at(64))),
    goal('spmm / the faster of scipy and torch CSR', 2, per((r) => vsPython(r, 'spmm'))),
  ];
  return { sparsity: SPARSITY, peers: summaries, rounds, protocol, rows, goals };
}

/**
 * % of the fp32 FMA peak of lite spmm (float32 values), counting the flops it must do:
 * 2 per nonzero weight per row, with nnz taken as the mask's expectation (1 − sparsity)·K·N
 * (a seeded uniform mask at these sizes is within 1% of it). Row rates are dense-equivalent
 * (2·M·N·K per call), so the useful rate is that × (1 − sparsity).
 */
export function spmmPercentOfPeak(r: Pick<SparseResult, 'sparsity'>, row: GemmRow, peak: Peak | undefined): number | null {
  const dense = row.gflops.spmm;
  return percentOfPeak(dense == null ? null : dense * (1 - r.sparsity), peak, 'fp32');
}

export function sparseTable(r: SparseResult, peak?: Peak): Table {
  const time = (row: GemmRow, id: string) => {
    const g = row.gflops[id];
    const skipped = r.peers.find((p) => p.id === id)?.skipped;
    if (g == null) return skipped?.startsWith('n/a') ? 'n/a' : '—';
    return num((2 * row.m * row.n * row.k) / g / 1e3, 1); // µs per call
  };
  const goalText = (g: Goal) => `Goal ${g.name} ≥ ${g.goal}×: ${Object.entries(g.ratios).map(([k, v]) => `${k} ${times(v)}`).join(', ')}` +
    (g.met === null ? ' — not measured' : g.met ? ' — met' : ' — NOT met');
  return {
    title: `sparse Dense, ${Math.round(r.sparsity * 100)}% sparsity (uniform random mask), 1 thread: µs per call (Y[M,N] = X[M,K]·W[K,N])`,
    headers: ['shape', ...r.peers.map((p) => p.label), 'spmm/dense', 's8/dense', 'spmm/best py', 's8/best py', 'spmm % peak', 'dense % peak'],
    rows: r.rows.map((row) => [
      row.label,
      ...r.peers.map((p) => time(row, p.id)),
      times(ratio(row, 'spmm', 'dense')),
      times(ratio(row, 'spmm-s8', 'dense')),
      times(vsPython(row, 'spmm')),
      times(vsPython(row, 'spmm-s8')),
      pct(spmmPercentOfPeak(r, row, peak)),
      pct(percentOfPeak(row.gflops.dense, peak, 'fp32')),
    ]),
    notes: [
      `Median µs per call of ${r.rounds} interleaved round(s) × up to ${r.protocol.samples} samples of ≥ ${r.protocol.minSampleSec * 1000} ms, each peer in its own process at one thread; ratios are speedups (peer time / lite time).`,
      ...r.peers.map((p) => (p.skipped ? `${p.label}: skipped (${p.skipped})` : `${p.label}: ${Object.entries(p.info).map(([k, v]) => `${k} ${v}`).join(', ')}${p.note ? ` — ${p.note}` : ''}`)),
      ...r.goals.map(goalText),
      peakNote(peak, ['fp32'], OP_COUNTS.spmm(r.sparsity)),
    ],
  };
}
