// One headline table per part for RESULTS.md, and the bars of its chart: lite
// against its peers as speedups (above 1× lite is faster) and % of peak, read
// from a part's results as run.ts stored them.
import { binaryPercentOfPeak, type BinaryResult } from './binary.js';
import type { Bar } from './chart.js';
import { ratio, type GemmResult } from './gemm.js';
import { int8Speedup, type Int8Result } from './int8.js';
import type { Peak } from './peak.js';
import { goalText, ratioText } from './report.js';
import type { Part, RunResults } from './results.js';
import { OP_COUNTS, pct, percentOfPeak } from './roofline.js';
import { latencyRatio, type RuntimeResult } from './runtime.js';
import { spmmPercentOfPeak, vsPython, type SparseResult } from './sparse.js';
import { num, type Table } from './table.js';
import type { TrainResult } from './train.js';

export interface Headline {
  table: Table;
  bars: Bar[];
  /** Whether the table has % peak columns. */
  usesPeak: boolean;
}

/** a / b, or null when either is missing (for speedups from times: peer time / lite time). */
const over = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? a / b : null);
const bar = (group: string, series: string, value: number | null): Bar[] => (value == null ? [] : [{ group, series, value }]);

function gemm(g: GemmResult, peak: Peak | undefined): Headline {
  return {
    table: {
      title: 'fp32 GEMM: lite GFLOP/s and speedup over each peer',
      headers: ['shape', 'lite 1T GFLOP/s', 'OpenBLAS 1T', '× OpenBLAS 1T', '× OpenBLAS 2T (lite 2T)', '× tfjs-wasm', '× tfjs cpu', 'lite 1T % peak'],
      rows: g.rows.map((r) => [
        r.label, num(r.gflops['lite-1t']), num(r.gflops['openblas-1t']),
        ratioText(ratio(r, 'lite-1t', 'openblas-1t')), ratioText(ratio(r, 'lite-2t', 'openblas-2t')),
        ratioText(ratio(r, 'lite-1t', 'wasm')), ratioText(ratio(r, 'lite-1t', 'tfjs-cpu')),
        pct(percentOfPeak(r.gflops['lite-1t'], peak, 'fp32')),
      ]),
      notes: [`% peak: ${OP_COUNTS.fp32Gemm}.`],
    },
    usesPeak: true,
    bars: g.rows.filter((r) => r.kind === 'square').flatMap((r) => [
      ...bar(`gemm ${r.label}`, 'OpenBLAS 1T', ratio(r, 'lite-1t', 'openblas-1t')),
      ...bar(`gemm ${r.label}`, 'tfjs-wasm', ratio(r, 'lite-1t', 'wasm')),
    ]),
  };
}

function train(t: TrainResult): Headline {
  const secs = (id: string) => t.runs.find((r) => r.id === id)?.secPerEpoch;
  return {
    table: {
      title: `seedCnn training epoch: lite (the tfjs \`lite\` backend) against PyTorch and tfjs cpu`,
      headers: ['comparison', 'ratio', 'goal', 'met'],
      rows: t.ratios.map((x) => [x.name, ratioText(x.value), x.goal, x.met === null ? '—' : x.met ? 'yes' : 'no']),
    },
    bars: [
      ...bar('train epoch 1T', 'PyTorch', over(secs('pytorch-1t'), secs('lite-1t'))),
      ...bar('train epoch 1T', 'tfjs cpu', over(secs('cpu'), secs('lite-1t'))),
      ...bar('train epoch 2T', 'PyTorch', over(secs('pytorch-2t'), secs('lite-2t'))),
    ],
    usesPeak: false,
  };
}

function runtime(r: RuntimeResult): Headline {
  // latencyRatio is lite / peer; its inverse is the speedup.
  const speedup = (row: RuntimeResult['rows'][number], peer: string, lite = 'rt-f32-1t') => over(1, latencyRatio(row, lite, peer));
  return {
    table: {
      title: 'Inference latency: the .lite runtime (f32) and its speedup over tfjs',
      headers: ['model', 'batch', '.lite 1T ms', '× tfjs lite 1T', '× tfjs lite 2T (.lite 2T)', '× tfjs-wasm', '× tfjs cpu'],
      rows: r.rows.map((row) => [
        row.label, String(row.batch), num(row.cells['rt-f32-1t']?.median, 2),
        ratioText(speedup(row, 'tfjs-lite-1t')), ratioText(speedup(row, 'tfjs-lite-2t', 'rt-f32-2t')),
        ratioText(speedup(row, 'wasm')), ratioText(speedup(row, 'tfjs-cpu')),
      ]),
    },
    bars: r.rows.flatMap((row) => [
      ...bar(`runtime ${row.label} b${row.batch}`, 'tfjs lite', speedup(row, 'tfjs-lite-1t')),
      ...bar(`runtime ${row.label} b${row.batch}`, 'tfjs-wasm', speedup(row, 'wasm')),
    ]),
    usesPeak: false,
  };
}

function int8(r: Int8Result, peak: Peak | undefined): Headline {
  const g = r.gemm;
  const batch256 = r.runtime.rows.filter((row) => row.batch === 256);
  return {
    table: {
      title: 'int8: GEMM GOP/s at 1 thread and speedups; .lite int8 model latency against fp32',
      headers: ['shape', 'lite int8 GOP/s', 'ORT GOP/s', '× ORT MatMulInteger', '× lite fp32 GEMM', 'int8 % peak'],
      rows: g.rows.map((row) => [
        row.label, num(row.gflops.int8, 0), num(row.gflops.ort, 0),
        ratioText(ratio(row, 'int8', 'ort')), ratioText(ratio(row, 'int8', 'fp32')),
        pct(percentOfPeak(row.gflops.int8, peak, 'int8')),
      ]),
      notes: [...[...g.goals, ...r.runtime.goals].map(goalText), `% peak: ${OP_COUNTS.int8Gemm}.`],
    },
    usesPeak: true,
    bars: [
      ...g.rows.filter((row) => row.kind === 'square').flatMap((row) => [
        ...bar(`int8 gemm ${row.label}`, 'ORT MatMulInteger', ratio(row, 'int8', 'ort')),
        ...bar(`int8 gemm ${row.label}`, 'lite fp32', ratio(row, 'int8', 'fp32')),
      ]),
      ...batch256.flatMap((row) => bar(`int8 ${row.label} b256 1T`, 'lite fp32', int8Speedup(row, 1).ratio)),
    ],
  };
}

function sparse(r: SparseResult, peak: Peak | undefined): Headline {
  const best = (row: SparseResult['rows'][number]) => vsPython(row, 'spmm');
  return {
    table: {
      title: `sparse Dense at ${Math.round(r.sparsity * 100)}% sparsity, 1 thread: lite spmm's speedup`,
      headers: ['shape', '× lite dense GEMM', '× best of scipy/torch CSR', 'spmm % peak'],
      rows: r.rows.map((row) => [row.label, ratioText(ratio(row, 'spmm', 'dense')), ratioText(best(row)), pct(spmmPercentOfPeak(r, row, peak))]),
      notes: [...r.goals.map(goalText), `% peak: ${OP_COUNTS.spmm(r.sparsity)}.`],
    },
    usesPeak: true,
    bars: r.rows.flatMap((row) => [
      ...bar(`spmm ${row.label}`, 'lite dense', ratio(row, 'spmm', 'dense')),
      ...bar(`spmm ${row.label}`, 'scipy/torch CSR', best(row)),
    ]),
  };
}

function binary(r: BinaryResult, peak: Peak | undefined): Headline {
  return {
    table: {
      title: 'Binary kernels, 1 thread: XNOR-popcount speedup over our fp32 kernels',
      headers: ['case', 'fp32 ms', 'binary ms', '× lite fp32', 'goal', 'fp32 % peak', 'binary % popcount peak'],
      rows: r.rows.map((row) => [
        row.label, num(row.ms.fp32, 3), num(row.ms.binary, 3), ratioText(row.ratio), `≥ ${row.goal}×`,
        pct(binaryPercentOfPeak(row, 'fp32', peak)), pct(binaryPercentOfPeak(row, 'binary', peak)),
      ]),
      notes: [`% peak: ${OP_COUNTS.binary}.`],
    },
    usesPeak: true,
    bars: r.rows.flatMap((row) => bar(`binary ${row.label}`, 'lite fp32', row.ratio)),
  };
}

/** The headline of one part of a results file (undefined when that file lacks the part). */
export function headline(part: Part, run: RunResults, peak: Peak | undefined): Headline | undefined {
  switch (part) {
    case 'gemm': return run.gemm && gemm(run.gemm, peak);
    case 'train': return run.train && train(run.train);
    case 'runtime': return run.runtime && runtime(run.runtime);
    case 'int8': return run.int8 && int8(run.int8, peak);
    case 'sparse': return run.sparse && sparse(run.sparse, peak);
    case 'binary': return run.binary && binary(run.binary, peak);
  }
}
