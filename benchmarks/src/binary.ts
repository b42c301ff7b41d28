// Binary kernels: 3×3 binary convolution (XNOR + popcount, @lite/native bconv2d)
// against our fp32 convolution on the same layer, and the binary GEMM against
// our fp32 GEMM, one thread, in one child process with the kernels interleaved
// per round; figures are medians. Goals: binary conv ≥ 12× and binary GEMM ≥
// 14× our fp32 kernels.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJson } from './peers/child.js';
import type { BinaryCase, BinaryReply, BinaryRequest } from './peers/binary_kernels.js';
import type { Peak } from './peak.js';
import { OP_COUNTS, peakNote, pct, percentOfPeak } from './roofline.js';
import { num, times, type Table } from './table.js';
import { median, type Protocol } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface BinaryRow {
  label: string;
  kind: BinaryCase['kind'];
  /** Median ms per call per kernel id. */
  ms: Record<string, number>;
  /** fp32 ms / binary ms (float32 out, the layer's epilogue). */
  ratio: number;
  goal: number;
  met: boolean;
}

export interface BinaryResult {
  rounds: number;
  protocol: Protocol;
  info: BinaryReply['info'];
  rows: BinaryRow[];
}

export interface BinaryOptions {
  quick: boolean;
  progress: (line: string) => void;
}

const CASES: BinaryCase[] = [
  { label: '3×3 conv 56×56×64→64', kind: 'conv', hw: 56, c: 64, outC: 64, size: 0 },
  { label: '3×3 conv 28×28×256→256', kind: 'conv', hw: 28, c: 256, outC: 256, size: 0 },
  { label: 'GEMM 1024³', kind: 'gemm', hw: 0, c: 0, outC: 0, size: 1024 },
];
const GOALS: Record<BinaryCase['kind'], number> = { conv: 12, gemm: 14 };

/** Multiply-adds per call of a case (its label names it in results): M·N·K of the conv's im2col GEMM, or size³. */
export function binaryMacs(label: string): number | null {
  const c = CASES.find((x) => x.label === label);
  if (!c) return null;
  return c.kind === 'gemm' ? c.size ** 3 : c.hw * c.hw * c.outC * 9 * c.c;
}

/** % of peak of a row's kernel: fp32 against the FMA peak (2 flops per MAC), binary against popcount (1 op per bit MAC). */
export function binaryPercentOfPeak(row: BinaryRow, kernel: 'fp32' | 'binary', peak: Peak | undefined): number | null {
  const macs = binaryMacs(row.label), ms = row.ms[kernel];
  if (macs === null || ms === undefined) return null;
  const giga = macs / (ms / 1e3) / 1e9;
  return kernel === 'fp32' ? percentOfPeak(2 * giga, peak, 'fp32') : percentOfPeak(giga, peak, 'popcount');
}

export async function runBinary(options: BinaryOptions): Promise<BinaryResult> {
  const rounds = options.quick ? 2 : 5;
  const protocol: Protocol = options.quick ? { samples: 3, minSampleSec: 0.02, maxTotalSec: 0.3 } : { samples: 5, minSampleSec: 0.05, maxTotalSec: 1 };
  options.progress(`binary: ${CASES.length} cases × ${rounds} rounds, 1 thread`);
  const request: BinaryRequest = { cases: CASES, rounds, protocol };
  const reply = await runJson<BinaryReply>(process.execPath, [join(here, 'peers', 'binary_kernels.js'), JSON.stringify(request)],
    { ...process.env, LITE_NUM_THREADS: '1' });
  const rows = CASES.map((c): BinaryRow => {
    const ms = Object.fromEntries(Object.entries(reply.samples[c.label]!).map(([id, s]) => [id, median(s) * 1e3]));
    const ratio = ms.fp32! / ms.binary!;
    return { label: c.label, kind: c.kind, ms, ratio, goal: GOALS[c.kind], met: ratio >= GOALS[c.kind] };
  });
  return { rounds, protocol, info: reply.info, rows };
}

export function binaryTable(r: BinaryResult, peak?: Peak): Table {
  const second = (row: BinaryRow) => (row.kind === 'conv' ? 'binary-bits' : 'binary-i32');
  return {
    title: 'Binary kernels, 1 thread, ms per call (median): XNOR + popcount vs our fp32 kernels',
    headers: ['case', 'lite fp32', 'lite binary', 'binary, other out', 'fp32/binary', 'goal', 'met', 'fp32 % peak', 'binary % peak'],
    rows: r.rows.map((row) => [
      row.label, num(row.ms.fp32, 3), num(row.ms.binary, 3), `${num(row.ms[second(row)], 3)} (${second(row)})`,
      times(row.ratio, 1), `≥ ${row.goal}×`, row.met ? 'yes' : 'no',
      pct(binaryPercentOfPeak(row, 'fp32', peak)), pct(binaryPercentOfPeak(row, 'binary', peak)),
    ]),
    notes: [
      `isa ${String(r.info.isa)}, threads ${String(r.info.threads)}, VPOPCNTDQ ${String(r.info.vpopcntdq)}; ${r.rounds} interleaved rounds × up to ${r.protocol.samples} samples of ≥ ${r.protocol.minSampleSec * 1e3} ms, all kernels in one process.`,
      'conv: NHWC batch 1, 3×3 SAME stride 1 (zero padding, exact as fp32 on ±1 data). lite fp32 is native.conv2d with bias; lite binary is bconv2d on packed input and filter with float32 out and per-channel scale and bias (the layer epilogue); binary-bits writes packed bits by per-channel thresholds (BN + sign folded) for the next binary layer.',
      'GEMM: lite fp32 is native.gemm (the GEMM part\'s call); lite binary is bgemm on packed A and B with float32 out, per-column scale and bias; binary-i32 writes the exact int32 sums.',
      'Packing the input (packBits) is not timed: a binary layer receives packed bits from the one before.',
      peakNote(peak, ['fp32', 'popcount'], OP_COUNTS.binary),
    ],
  };
}
